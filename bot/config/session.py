"""Config section 'session': the session room, no-show timers and outcomes.

Everything has a default, so the section may be left out. Every outcome has a label in every
language of `languages`. The session's texts are in the text catalogue (`bot/texts/`, group
`session`).
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import Field, field_validator, model_validator

from bot.config.base import Section
from bot.config.intake import answer_key
from bot.config.texts import GROUP_OVERRIDES

SessionTextsOverride = GROUP_OVERRIDES["session"]

_ID = re.compile(r"^[a-z0-9][a-z0-9_\-]*$")


class SessionOutcome(Section):
    """How a counselor can end a session (`!end <outcome>`)."""

    # Stored with the case and used in statistics. Lowercase letters, digits, '_' and '-'.
    id: str
    # Shown to youths and counselors, per language.
    label: dict[str, str]
    # Other words that also choose this outcome (any language; case/accent-insensitive).
    synonyms: list[str] = []

    @field_validator("id")
    @classmethod
    def _id(cls, v: str) -> str:
        if not _ID.match(v):
            raise ValueError("an id of lowercase letters, digits, '_' or '-' (like 'done')")
        return v


def _outcome(oid: str, nl: str, en: str, synonyms: list[str]) -> dict[str, Any]:
    return {"id": oid, "label": {"nl": nl, "en": en}, "synonyms": synonyms}


DEFAULT_OUTCOMES_DATA: list[dict[str, Any]] = [
    _outcome("done", "afgerond", "done",
             ["klaar", "afgesloten", "geholpen", "ok", "finished", "closed", "complete",
              "completed", "helped"]),
    _outcome("follow-up", "vervolggesprek", "follow-up",
             ["followup", "follow up", "vervolg", "opvolging", "nog een gesprek",
              "nieuw gesprek", "next session"]),
    _outcome("referred", "doorverwezen", "referred",
             ["doorverwijzing", "doorverwijzen", "verwezen", "referral", "refer",
              "referred to"]),
    _outcome("no-show", "niet opgedaagd", "no-show",
             ["noshow", "no show", "niet gekomen", "niet komen opdagen", "afwezig",
              "did not show", "didn't show", "not shown"]),
]


class SessionConfig(Section):
    # False (default): the bot leaves the session room once youth and counselor are both in,
    # so only their devices hold the room's keys. True: the bot stays (e.g. for a pilot).
    bot_stays: bool = False
    # Minutes after the start at which a missing counselor gets a stand-in.
    counselor_no_show_minutes: int = Field(default=5, ge=1, le=120)
    # Minutes after the start at which the counselor is told the youth has not come.
    youth_no_show_minutes: int = Field(default=10, ge=1, le=120)
    # A session room is still opened this many minutes after the booked start (after the bot
    # was down at that time); later, the youth gets an apology and new slots instead.
    opening_grace_minutes: int = Field(default=30, ge=0, le=24 * 60)
    # Languages every text and outcome label must exist in. The first is the fallback.
    languages: list[str] = ["nl", "en"]
    outcomes: list[SessionOutcome] = Field(
        default_factory=lambda: [SessionOutcome.model_validate(o) for o in DEFAULT_OUTCOMES_DATA]
    )
    # Older form of `texts.<language>.session` (still accepted as overrides of the catalogue).
    texts: dict[str, SessionTextsOverride] = {}  # type: ignore[valid-type]

    @model_validator(mode="after")
    def _check(self) -> SessionConfig:
        problems = validate_session(self)
        if problems:
            raise ValueError("a complete session section, but: " + "; ".join(problems))
        return self

    def outcome(self, outcome_id: str) -> SessionOutcome | None:
        return next((o for o in self.outcomes if o.id == outcome_id), None)


def validate_session(cfg: SessionConfig) -> list[str]:
    """Every problem of the section, each naming the text/outcome/language concerned."""
    problems: list[str] = []
    langs = cfg.languages
    if not langs:
        problems.append("'languages' lists no language")
    if len(set(langs)) != len(langs):
        problems.append("'languages' lists a language twice")
    if not cfg.outcomes:
        problems.append("'outcomes' has no outcome")
    seen: set[str] = set()
    keys: dict[str, str] = {}
    for outcome in cfg.outcomes:
        where = f"outcome '{outcome.id}'"
        if outcome.id in seen:
            problems.append(f"outcome id '{outcome.id}' is used twice (ids must be unique)")
        seen.add(outcome.id)
        gaps = [lang for lang in langs if not outcome.label.get(lang)]
        if gaps:
            problems.append(f"{where} label has no text in {', '.join(repr(g) for g in gaps)}")
        for word in sorted({outcome.id, *outcome.label.values(), *outcome.synonyms}):
            key = answer_key(word)
            if not key:
                continue
            other = keys.get(key)
            if other is not None and other != outcome.id:
                problems.append(f"'{word}' would choose both outcome '{other}' and "
                                f"'{outcome.id}'")
            keys[key] = outcome.id
    return problems
