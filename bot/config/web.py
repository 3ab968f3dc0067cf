"""Config sections 'web' (invite pages, health, metrics) and 'campaigns' (invite-link codes)."""

from __future__ import annotations

import re

from pydantic import field_validator

from bot.config.base import Section


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


class WebConfig(Section):
    enabled: bool = True
    bind: str = "127.0.0.1"
    port: int = 8080
    public_base_url: str = "http://127.0.0.1:8080"
