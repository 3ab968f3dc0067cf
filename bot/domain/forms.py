"""The forms a session can take (chat, video, phone, visit): pure rules, no I/O.

- chat: the session room at the booked time, as always;
- video: the same room, with a call link in it (a fresh unguessable room name);
- phone: the counselor calls; the youth may give a number (only if they choose);
- visit: the youth comes to an office; no room is opened.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from typing import Literal

Form = Literal["chat", "video", "phone", "visit"]
FORMS: tuple[Form, ...] = ("chat", "video", "phone", "visit")
DEFAULT_FORM: Form = "chat"

# Words a counselor may type for a form (any language works for everyone).
FORM_WORDS: dict[str, Form] = {
    "chat": "chat", "chatten": "chat", "tekst": "chat", "text": "chat",
    "video": "video", "videocall": "video", "beeldbellen": "video", "call": "video",
    "videogesprek": "video",
    "phone": "phone", "telefoon": "phone", "bellen": "phone", "tel": "phone",
    "telephone": "phone", "telefonisch": "phone",
    "visit": "visit", "bezoek": "visit", "langskomen": "visit", "kantoor": "visit",
    "face-to-face": "visit", "f2f": "visit", "office": "visit",
}

# Bytes of randomness in a call's room name: 128 bits, not guessable.
_CALL_ROOM_BYTES = 16


def form_of(word: str) -> Form | None:
    return FORM_WORDS.get(word.strip().lower())


def opens_room(form: str) -> bool:
    """Chat and video happen in a session room; phone and visit do not."""
    return form in ("chat", "video")


def call_room_name() -> str:
    """A fresh room name for one video call (URL-safe, 128 random bits)."""
    return secrets.token_urlsafe(_CALL_ROOM_BYTES)


def call_link(base: str, room: str) -> str:
    """The call's URL: `{room}` in `base` replaced, else '/<room>' appended."""
    if "{room}" in base:
        return base.replace("{room}", room)
    return base.rstrip("/") + "/" + room


# --- the youth's phone number -------------------------------------------------------------------

_PHONE_CHARS = re.compile(r"^\+?[0-9 ()./\-]{6,30}$")


def phone_number(text: str) -> str | None:
    """A phone number as the youth typed it, tidied ('0470 12 34 56', '+32 470 12 34 56'), or
    None when it does not look like one (8 to 15 digits, an optional leading +)."""
    value = unicodedata.normalize("NFKC", text).strip()
    if not _PHONE_CHARS.match(value):
        return None
    digits = re.sub(r"\D", "", value)
    if not 8 <= len(digits) <= 15:
        return None
    return ("+" if value.startswith("+") else "") + " ".join(
        re.sub(r"[^0-9 ]", " ", value).split())
