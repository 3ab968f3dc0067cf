"""Config sections 'web' (invite pages, health, metrics) and 'campaigns' (invite-link codes)."""

from __future__ import annotations

import re

from pydantic import Field, SecretStr, field_validator

from bot.config.base import Section
from bot.config.crisis import CrisisLine

_HTTP_URL = re.compile(r"^https?://[^/\s]+")


class Campaign(Section):
    # The code in the invite link https://<host>/join/<code>, e.g. "krt-school-3".
    code: str
    # Municipality id (as in the intake's municipality step) this poster/school stands for;
    # the intake then skips that question.
    municipality: str | None = None
    # Human label for admins and figures, e.g. "Kortrijk, school 3".
    label: str = ""

    @field_validator("code")
    @classmethod
    def _code(cls, v: str) -> str:
        if not re.fullmatch(r"[a-z0-9][a-z0-9-]{1,39}", v):
            raise ValueError("a code of 2-40 lowercase letters, digits and dashes")
        return v


class RateLimit(Section):
    """At most `count` events per `per_minutes` minutes (a sliding window)."""

    count: int = Field(default=5, ge=1, le=10_000)
    per_minutes: float = Field(default=60, gt=0, le=7 * 24 * 60)


DEFAULT_WEB_CRISIS_LINES: list[dict[str, object]] = [
    {
        "name": "Noodnummer",
        "contact": "112",
        "note": {"nl": "in acuut gevaar, dag en nacht", "en": "in acute danger, day and night"},
    },
    {
        "name": "Zelfmoordlijn",
        "contact": "1813",
        "note": {
            "nl": "gratis, dag en nacht, ook chat op zelfmoord1813.be",
            "en": "free, day and night, also chat at zelfmoord1813.be",
        },
    },
    {
        "name": "Awel",
        "contact": "102",
        "note": {
            "nl": "gratis, voor kinderen en jongeren, ook chat op awel.be",
            "en": "free, for children and young people, also chat at awel.be",
        },
    },
    {
        "name": "Tele-Onthaal",
        "contact": "106",
        "note": {"nl": "dag en nacht", "en": "day and night"},
    },
    {
        "name": "Hulplijn 1712",
        "contact": "1712",
        "note": {
            "nl": "geweld, misbruik en kindermishandeling, gratis",
            "en": "violence, abuse and child abuse, free",
        },
    },
]

class WebConfig(Section):
    enabled: bool = True
    bind: str = "127.0.0.1"
    port: int = 8080
    public_base_url: str = "http://127.0.0.1:8080"

    # Name of the service as shown on the pages and posters.
    service_name: str = "chathulp"
    # Anonymous accounts on the service's own homeserver ("I have no account").
    registration_enabled: bool = True
    # Synapse's `registration_shared_secret`; the environment variable
    # CHATHULP_REGISTRATION_SECRET overrides it.
    registration_shared_secret: SecretStr | None = None
    # Where the web service reaches the Synapse admin API; default: matrix.homeserver.
    registration_api_url: str | None = None
    # The homeserver URL youths' clients use; default: matrix.homeserver.
    homeserver_public_url: str | None = None
    # New accounts are called <prefix>-<6 random letters/digits>, e.g. jongere-7k3m9q.
    account_prefix: str = "jongere"
    # A password the youth chooses must be at least this long.
    min_password_length: int = Field(default=8, ge=8, le=64)
    account_rate_limit: RateLimit = RateLimit()
    # Element Web to hand over to. Placeholders (URL-encoded when filled in):
    # {hs_url} the homeserver_public_url, {user_id} the new account's Matrix id.
    element_url: str = "https://app.element.io/#/login"
    # Take the client address from the last X-Forwarded-For entry (behind a reverse proxy).
    trust_forwarded_for: bool = False
    # Secret for the form's CSRF tokens; the environment variable CHATHULP_WEB_SECRET
    # overrides it. Unset: a random one per start (open forms then expire on restart).
    csrf_secret: SecretStr | None = None
    # The service's opening hours in words, per language; shown when
    # scheduling.opening_hours is not set (else the catalogue's `web.hours_unknown`).
    opening_hours_text: dict[str, str] = {}
    # The numbers for right now, on every page and poster (crisis.extra_lines follow them).
    crisis_lines: list[CrisisLine] = Field(
        default_factory=lambda: [CrisisLine.model_validate(v) for v in DEFAULT_WEB_CRISIS_LINES]
    )

    @field_validator("public_base_url")
    @classmethod
    def _url(cls, v: str) -> str:
        if not _HTTP_URL.match(v):
            raise ValueError("an http(s) URL like 'https://chat.example.org'")
        return v.rstrip("/")

    @field_validator("registration_api_url", "homeserver_public_url")
    @classmethod
    def _optional_url(cls, v: str | None) -> str | None:
        if not v:
            return None
        if not _HTTP_URL.match(v):
            raise ValueError("an http(s) URL like 'https://matrix.example.org', or leave it out")
        return v.rstrip("/")

    @field_validator("element_url")
    @classmethod
    def _element(cls, v: str) -> str:
        if not _HTTP_URL.match(v):
            raise ValueError("an http(s) URL like 'https://app.element.io/#/login'")
        unknown = set(re.findall(r"\{([^}]*)\}", v)) - {"hs_url", "user_id"}
        if unknown:
            raise ValueError(
                "only the placeholders {hs_url} and {user_id} "
                f"(unknown: {', '.join(sorted(unknown))})"
            )
        return v

    @field_validator("account_prefix")
    @classmethod
    def _prefix(cls, v: str) -> str:
        if not re.fullmatch(r"[a-z][a-z0-9]{0,19}", v):
            raise ValueError("1-20 lowercase letters and digits, starting with a letter")
        return v

    @field_validator("port")
    @classmethod
    def _port(cls, v: int) -> int:
        if not 0 <= v <= 65535:
            raise ValueError("a TCP port, 0-65535")
        return v
