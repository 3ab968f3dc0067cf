"""The root config model. Each later section lives in its own module and is mounted here."""

from __future__ import annotations

import re
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, field_validator, model_validator

from bot.config.base import Section, UserId
from bot.config.crisis import CrisisConfig
from bot.config.intake import IntakeConfig
from bot.config.scheduling import SchedulingConfig
from bot.config.session import SessionConfig
from bot.config.web import Campaign, WebConfig


class MatrixSection(Section):
    homeserver: str = Field(description="Client-server API base URL, e.g. https://matrix.example.org")
    user_id: UserId
    # Only used for the very first login; afterwards the stored access token is used.
    # The environment variable CHATHULP_BOT_PASSWORD overrides it.
    password: SecretStr | None = None
    device_name: str = "chathulp"

    @field_validator("homeserver")
    @classmethod
    def _url(cls, v: str) -> str:
        if not re.match(r"^https?://[^/\s]+", v):
            raise ValueError("an http(s) URL like 'https://matrix.example.org'")
        return v.rstrip("/")


class StaffRoomSection(Section):
    # A room id ('!abc:server') the bot is invited to, or empty: the bot then creates an
    # encrypted staff room itself and invites `invite` (admins are always invited).
    room_id: str | None = None
    name: str = "chathulp staff"
    invite: list[UserId] = []

    @field_validator("room_id")
    @classmethod
    def _room(cls, v: str | None) -> str | None:
        if v and not re.match(r"^!.+:.+$", v):
            raise ValueError("a room id like '!abcdef:example.org', or leave it empty")
        return v or None


class BotTexts(Section):
    """Texts of the bot itself, per language. Placeholders in {braces} are filled by the bot."""

    greeting: str
    unencrypted_room: str
    not_understood_media: str = "I can only read text messages. Could you type it?"
    # Appointments. {when}: date and time; {counselor}: the counselor's display name.
    offer_intro: str
    offer_now: str
    offer_slot: str
    offer_outro: str
    continuity_away: str
    continuity_no_slot: str
    continuity_gone: str
    no_slots: str
    slot_taken: str
    booked: str
    appointment_show: str
    appointment_none: str
    cancelled: str
    reminder: str
    late_apology: str
    # Notices to counselors (in their DM with the bot). {ref}: case reference.
    staff_new_booking: str
    staff_cancelled: str
    staff_moved: str
    staff_reminder: str


class Config(Section):
    matrix: MatrixSection
    data_dir: Path = Path("./data")
    # Empty: SQLite in data_dir (chathulp.db). Or 'sqlite:///path/chathulp.db', or
    # 'postgresql://user[:password]@host[:port]/dbname' (a password can also come from
    # PGPASSWORD or ~/.pgpass).
    database: str | None = None
    timezone: str = "Europe/Brussels"
    default_language: str = "nl"
    admins: list[UserId] = []
    staff_room: StaffRoomSection = StaffRoomSection()
    texts: dict[str, BotTexts]
    intake: IntakeConfig = IntakeConfig()
    crisis: CrisisConfig = CrisisConfig()
    scheduling: SchedulingConfig = SchedulingConfig()
    session: SessionConfig = SessionConfig()
    web: WebConfig = WebConfig()
    campaigns: list[Campaign] = []

    @field_validator("timezone")
    @classmethod
    def _tz(cls, v: str) -> str:
        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError("an IANA time zone name like 'Europe/Brussels'") from exc
        return v

    @field_validator("database")
    @classmethod
    def _database(cls, v: str | None) -> str | None:
        if not v:
            return None
        if not v.startswith(("sqlite:", "postgresql://", "postgres://")):
            raise ValueError(
                "a URL like 'postgresql://chathulp@localhost/chathulp' or "
                "'sqlite:///var/lib/chathulp/chathulp.db', or leave it empty"
            )
        return v

    @property
    def database_url(self) -> str:
        """Where the bot's database is: `database`, or SQLite in `data_dir`."""
        return self.database or f"sqlite://{self.data_dir / 'chathulp.db'}"

    @model_validator(mode="after")
    def _languages(self) -> Config:
        if self.default_language not in self.texts:
            raise ValueError(
                f"default_language '{self.default_language}' has no entry under 'texts'"
            )
        return self

    @model_validator(mode="after")
    def _unique_campaigns(self) -> Config:
        codes = [c.code for c in self.campaigns]
        dupes = sorted({c for c in codes if codes.count(c) > 1})
        if dupes:
            raise ValueError(f"campaign codes must be unique; repeated: {', '.join(dupes)}")
        return self

    def campaign(self, code: str) -> Campaign | None:
        return next((c for c in self.campaigns if c.code == code.strip().lower()), None)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def text(self, language: str | None) -> BotTexts:
        return self.texts.get(language or self.default_language) or self.texts[
            self.default_language
        ]
