"""The root config model. Each later section lives in its own module and is mounted here."""

from __future__ import annotations

import re
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, PrivateAttr, SecretStr, field_validator, model_validator

from bot.config.base import Section, UserId
from bot.config.crisis import CrisisConfig
from bot.config.followup import FollowupConfig
from bot.config.intake import IntakeConfig
from bot.config.referrals import ReferralsConfig
from bot.config.rights import PrivacyConfig, RetentionConfig
from bot.config.scheduling import SchedulingConfig
from bot.config.session import SessionConfig
from bot.config.texts import LanguageTexts, missing_texts, overrides_data, used_languages
from bot.config.web import Campaign, WebConfig
from bot.texts import BUILT_IN, Catalogue, Texts


class MatrixSection(Section):
    homeserver: str = Field(description="Client-server API base URL, e.g. https://matrix.example.org")
    user_id: UserId
    # Only used for the very first login; afterwards the stored access token is used.
    # The environment variable CHATHULP_BOT_PASSWORD overrides it.
    password: SecretStr | None = None
    device_name: str = "chathulp"
    # Invites one user may send the bot per hour; more are ignored (an invite flood).
    invites_per_hour: int = Field(default=5, ge=1, le=1000)
    # A message the bot cannot decrypt is kept and retried as its keys arrive (also after a
    # restart); only when they have not come after this many minutes is the sender asked to
    # send it again.
    undecryptable_resend_minutes: float = Field(default=10, gt=0, le=24 * 60)
    # Rooms the bot sends to at the same time (in order within each room). The homeserver
    # answers sends to different rooms concurrently; a small number here makes replies wait
    # in line when many youths write at once (a 429 makes only that room wait).
    send_parallel: int = Field(default=64, ge=1, le=1000)

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
    # One notice here when something the bot decided to send (a message, a leave) has waited
    # longer than this many minutes (homeserver down, rate limits).
    outbox_alert_minutes: int = Field(default=10, ge=1, le=24 * 60)

    @field_validator("room_id")
    @classmethod
    def _room(cls, v: str | None) -> str | None:
        # Room version 12 ids have no server part ('!hash'); older ones do ('!abc:server').
        if v and not re.match(r"^![^\s:]+(:\S+)?$", v):
            raise ValueError("a room id like '!abcdef:example.org', or leave it empty")
        return v or None


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
    # Overrides of the built-in texts (bot/texts/nl.py, en.py), per language and key.
    texts: dict[str, LanguageTexts] = {}  # type: ignore[valid-type]
    intake: IntakeConfig = IntakeConfig()
    crisis: CrisisConfig = CrisisConfig()
    scheduling: SchedulingConfig = SchedulingConfig()
    session: SessionConfig = SessionConfig()
    web: WebConfig = WebConfig()
    campaigns: list[Campaign] = []
    privacy: PrivacyConfig = PrivacyConfig()
    retention: RetentionConfig = RetentionConfig()
    # The helplines the bot and counselors refer to (bot/config/referrals.py).
    referrals: ReferralsConfig = ReferralsConfig()
    followup: FollowupConfig = FollowupConfig()

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

    _catalogue: Catalogue = PrivateAttr()

    @model_validator(mode="after")
    def _build_catalogue(self) -> Config:
        """Built-in texts < the older per-section text keys < `texts:`."""
        legacy: dict[str, dict[str, object]] = {}
        for lang, block in overrides_data(self.intake.texts, "intake").items():
            legacy.setdefault(lang, {})["intake"] = block
        for lang, block in overrides_data(self.session.texts, "session").items():
            legacy.setdefault(lang, {})["session"] = block
        for lang, block in self.crisis.text_overrides(self.default_language).items():
            legacy.setdefault(lang, {})["crisis"] = block
        overrides = overrides_data(self.texts)
        merged = {lang: {**legacy.get(lang, {})} for lang in {*legacy, *overrides}}
        for lang, block in overrides.items():
            for key, value in block.items():
                if isinstance(value, dict) and isinstance(merged[lang].get(key), dict):
                    merged[lang][key] = {**merged[lang][key], **value}  # type: ignore[dict-item]
                else:
                    merged[lang][key] = value
        if self.default_language not in {*BUILT_IN, *merged}:
            raise ValueError(
                f"default_language '{self.default_language}' has no texts (built in: nl, en; "
                "another language needs a complete block under 'texts')"
            )
        # Every language a youth can be spoken to in has every text (check-config names gaps).
        used = used_languages(self.default_language, self.intake.languages,
                              self.session.languages)
        if problems := missing_texts(merged, used):
            raise ValueError("; ".join(problems))
        self._catalogue = Catalogue.build(merged, self.default_language)
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

    @property
    def catalogue(self) -> Catalogue:
        """Every text a person reads, per language (see `bot.texts`)."""
        return self._catalogue

    def text(self, language: str | None) -> Texts:
        """The texts of `language` (the default language when it has none)."""
        return self._catalogue.texts(language)
