"""Config section 'followup': the forms a follow-up can take, and messages between sessions.

    followup:
      video_url: "https://meet.jit.si/{room}"   # a call link: a fresh unguessable room name
      offices:
        - id: "kortrijk"
          name: "JAC Kortrijk"
          address: "Voorbeeldstraat 1, 8500 Kortrijk"
          hours: {nl: "ma-vr 9:00-17:00", en: "Mon-Fri 9:00-17:00"}
      messages_per_hour: 3
      messages_per_day: 6

`!followup <when> [chat|video|phone|visit [office]]`: chat and video open a session room
(video posts a call link in it), phone records that the counselor calls, visit tells the
youth an office's address and hours and opens no room. Everything has a default; without
`video_url` a video follow-up is refused, without `offices` a visit is.
"""

from __future__ import annotations

import re

from pydantic import Field, field_validator, model_validator

from bot.config.base import Section

_ID = re.compile(r"^[a-z0-9][a-z0-9_\-]*$")


class Office(Section):
    """A place a youth can come to for a face-to-face follow-up (`visit`)."""

    # `!followup di 15:00 visit <id>`; lowercase letters, digits, '_' or '-'.
    id: str
    # Shown to the youth; one text, or one per language.
    name: str | dict[str, str]
    address: str | dict[str, str]
    hours: str | dict[str, str] = ""

    @field_validator("id")
    @classmethod
    def _id(cls, v: str) -> str:
        if not _ID.match(v):
            raise ValueError("an id of lowercase letters, digits, '_' or '-' (like 'kortrijk')")
        return v

    def say(self, field: str, language: str, fallback: str) -> str:
        """`name`, `address` or `hours` in `language` (else `fallback`, else any)."""
        value = getattr(self, field)
        if isinstance(value, str):
            return value
        return value.get(language) or value.get(fallback) or next(iter(value.values()), "")


class FollowupConfig(Section):
    # Where a video follow-up's call takes place: a Jitsi or Element Call URL. '{room}' is
    # replaced by a fresh unguessable room name (without it, '/<room>' is appended). Empty:
    # video follow-ups are not offered.
    video_url: str | None = None
    offices: list[Office] = []
    # A youth's messages to their counselor between sessions (`bericht <text>`): at most
    # this many per hour and per day; longer texts than `message_max_length` are refused.
    messages_per_hour: int = Field(default=3, ge=1, le=100)
    messages_per_day: int = Field(default=6, ge=1, le=500)
    message_max_length: int = Field(default=2000, ge=50, le=20000)
    # A phone number a youth gave for a phone follow-up is erased when the session is ended,
    # cancelled, or at the latest this many minutes after its booked end.
    phone_kept_minutes: int = Field(default=60, ge=0, le=7 * 24 * 60)

    @field_validator("video_url")
    @classmethod
    def _url(cls, v: str | None) -> str | None:
        if not v:
            return None
        if not re.match(r"^https://[^/\s]+", v):
            raise ValueError("an https URL like 'https://meet.jit.si/{room}', or leave it empty")
        return v

    @model_validator(mode="after")
    def _unique(self) -> FollowupConfig:
        ids = [o.id for o in self.offices]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"office ids must be unique; repeated: {', '.join(dupes)}")
        if self.messages_per_hour > self.messages_per_day:
            raise ValueError("messages_per_hour cannot be more than messages_per_day")
        return self

    def office(self, office_id: str | None) -> Office | None:
        """The office with this id; None (or no id): the first office, if any."""
        if office_id:
            return next((o for o in self.offices if o.id == office_id), None)
        return self.offices[0] if self.offices else None
