"""Incoming Matrix events turned into plain, transport-neutral records for the handlers."""

from __future__ import annotations

import re

from nio import (
    BadEvent,
    Event,
    ReactionEvent,
    RoomEncryptedMedia,
    RoomMemberEvent,
    RoomMessageEmote,
    RoomMessageMedia,
    RoomMessageNotice,
    RoomMessageText,
    RoomMessageUnknown,
    UnknownBadEvent,
    UnknownEvent,
)

from bot.domain.session_rules import strip_reply_fallback
from bot.handlers.transport import Incoming, Kind, Membership

# Longest text a handler ever sees; longer messages are cut here (the domain caps again).
MAX_BODY = 60_000
# The HTML reply fallback: the quoted original, with a matrix.to link to its sender.
_FILE_NAME = re.compile(r"[^\s/\\]+\.[A-Za-z0-9]{1,5}")
_MX_REPLY = re.compile(r"<mx-reply>.*?</mx-reply>", re.IGNORECASE | re.DOTALL)

__all__ = ["MAX_BODY", "Incoming", "Kind", "Membership", "classify", "membership_of"]


def classify(event: Event) -> tuple[Kind, str] | None:
    """What kind of message an event is, with its text; None for non-message events."""
    if isinstance(event, RoomMessageText | RoomMessageNotice | RoomMessageEmote):
        relates = (event.source.get("content") or {}).get("m.relates_to")
        if isinstance(relates, dict) and relates.get("rel_type") == "m.replace":
            # The new text is read by the crisis net (an edit is never a new answer).
            new = (event.source.get("content") or {}).get("m.new_content") or {}
            text = new.get("body") if isinstance(new, dict) else None
            if not isinstance(text, str):
                text = (event.body or "").removeprefix("* ")
            return "edit", text[:MAX_BODY]
        body = event.body or ""
        if is_reply(event):
            # The quoted original is not what the sender says now (not an answer, not a
            # crisis phrase of theirs, not a command).
            body = strip_reply_fallback(body)
        return "text", body[:MAX_BODY]
    if isinstance(event, RoomMessageMedia | RoomEncryptedMedia):
        return "media", media_caption((getattr(event, "source", None) or {}).get("content"))
    if isinstance(event, ReactionEvent):
        return "reaction", ""
    if isinstance(event, RoomMessageUnknown):
        return "other", ""
    if isinstance(event, UnknownEvent) and event.type == "m.reaction":
        return "reaction", ""
    if isinstance(event, BadEvent | UnknownBadEvent):
        # A malformed message (e.g. media without its file) still deserves an answer.
        source = getattr(event, "source", None) or {}
        if source.get("type") == "m.room.message":
            return "other", ""
    return None


def media_caption(content: object) -> str:
    """An image's or file's caption: `caption`, or `body` when `filename` differs from it
    (Matrix 1.10), or a `body` that does not look like a bare file name."""
    if not isinstance(content, dict):
        return ""
    caption = content.get("caption")
    body = content.get("body")
    filename = content.get("filename")
    if isinstance(caption, str) and caption.strip():
        return caption[:MAX_BODY]
    if not isinstance(body, str) or not body.strip():
        return ""
    if isinstance(filename, str):
        return body[:MAX_BODY] if body != filename else ""
    return "" if _FILE_NAME.fullmatch(body.strip()) else body[:MAX_BODY]


def membership_of(event: Event, room_id: str) -> Membership | None:
    if not isinstance(event, RoomMemberEvent):
        return None
    prev = (event.prev_content or {}).get("membership") if event.prev_content else None
    return Membership(room_id, event.event_id, event.state_key, event.membership, prev)


def is_reply(event: Event) -> bool:
    relates = ((getattr(event, "source", None) or {}).get("content") or {}).get("m.relates_to")
    return isinstance(relates, dict) and isinstance(relates.get("m.in_reply_to"), dict)


def strip_mx_reply(html: str | None) -> str | None:
    """Drop the `<mx-reply>…</mx-reply>` block (the quoted original) from formatted_body."""
    if not html:
        return html
    return _MX_REPLY.sub("", html) or None
