"""Config section 'crisis': what counts as danger, the crisis reply and the staff alert.

The built-in spellings, concepts, categories, patterns and exclusions live in one place,
bot/config/crisis_defaults.yaml (shipped in the package, same keys as this section); the
config adds to them. The default reply and crisis lines (Flemish) are below.
"""

from __future__ import annotations

import re
import string
from contextvars import ContextVar
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import (
    AfterValidator,
    Field,
    ModelWrapValidatorHandler,
    field_validator,
    model_validator,
)

from bot.config.base import Section
from bot.config.crisis_lemmas import table_for
from bot.domain.crisis import CrisisRules, RuleCategory, compact, compile_rules, vocabulary
from bot.domain.crisis_lemmas import LemmaTable
from bot.domain.crisis_patterns import check_atom, parse_pattern
from bot.domain.crisis_text import raw_words

_ID = re.compile(r"^[a-z0-9][a-z0-9_\-]*$")
_MIN_KEY = 4
_ALERT_FIELDS = {"ref", "category", "step"}
DEFAULTS_FILE = "crisis_defaults.yaml"

# While a crisis section is validated: the concept names and default category ids it may
# refer to (so that an unknown @concept is reported at its own line).
_SCOPE: ContextVar[tuple[frozenset[str], frozenset[str]] | None] = ContextVar(
    "crisis_scope", default=None
)


def _pattern(value: str) -> str:
    scope = _SCOPE.get()
    parse_pattern(value, scope[0] if scope is not None else None)
    return value


Pattern = Annotated[str, AfterValidator(_pattern)]


def _concept_entry(value: str) -> str:
    scope = _SCOPE.get()
    check_atom(value.strip(), set(scope[0]) if scope is not None else None, where=value)
    return value


ConceptEntry = Annotated[str, AfterValidator(_concept_entry)]


class CrisisCategory(Section):
    # How the category is named in the staff alert (may be left out for a built-in category).
    label: str = ""
    # language -> literal phrases (acute), matched very generously (see crisis_defaults.yaml).
    phrases: dict[str, list[str]] = {}
    # Patterns (syntax in bot/config/crisis_defaults.yaml): acute -> crisis reply and alert,
    # concern -> the bot asks.
    acute: list[Pattern] = []
    concern: list[Pattern] = []

    @model_validator(mode="after")
    def _complete(self) -> CrisisCategory:
        for lang, phrases in self.phrases.items():
            for phrase in phrases:
                if len(compact(phrase)) < _MIN_KEY:
                    raise ValueError(
                        f"{lang} phrase '{phrase}' to have at least {_MIN_KEY} letters "
                        "(shorter ones match inside ordinary words)"
                    )
        return self


class CrisisLine(Section):
    name: str
    contact: str  # a number or an address
    note: dict[str, str] = {}  # per language, e.g. opening hours; optional


# The crisis reply's lines come from the referral directory (`referrals.crisis`); these extra
# lines (name, contact, note) are still accepted and follow them. None by default.
DEFAULT_LINES: list[dict[str, object]] = []


class CrisisConfig(Section):
    # Use the built-in spellings, concepts, categories, patterns and exclusions of
    # bot/config/crisis_defaults.yaml; what this section gives is added on top.
    defaults: bool = True
    # Patterns without ~N: all their words within this many words (default: the built-ins').
    window: int | None = Field(default=None, ge=1, le=60)
    # Extra chat spellings: "as typed" -> "what it means" (1 to 3 words each).
    spellings: dict[str, str] = {}
    # Extra concepts (or words added to a built-in one): name -> words ("word", "=word",
    # "word*", "@other").
    concepts: dict[str, list[ConceptEntry]] = {}
    # Category id -> label, phrases, acute and concern patterns. A built-in category id
    # adds to the built-in category.
    categories: dict[str, CrisisCategory] = {}
    # Everyday idioms (patterns) whose words are ignored ("ik ga dood van het lachen").
    exclude: list[Pattern] = []
    # Phrases of 7+ letters also match with one letter missing or two letters swapped.
    typo_tolerance: bool = True
    # Older form of `texts.<language>.crisis.reply` (the reply to the youth; {lines}: the
    # directory's `referrals.crisis` lines, then the extra_lines below). Still accepted as an
    # override of the text catalogue.
    reply: dict[str, str] = {}
    extra_lines: list[CrisisLine] = Field(
        default_factory=lambda: [CrisisLine.model_validate(v) for v in DEFAULT_LINES]
    )
    # Older form of `texts.<default_language>.crisis.staff_alert` / `.no_step` (the staff
    # alert never contains the youth's words). Still accepted as catalogue overrides.
    staff_alert: str | None = None
    no_step: str | None = None
    # A second hit of the same case within this many minutes gets a short reply and updates
    # the open alert instead of the whole crisis text and a new alert.
    quiet_minutes: int = Field(default=30, ge=1, le=24 * 60)
    # An alert nobody claimed (`!claim #REF`) after this many minutes is raised again, to the
    # staff room and the admins' DMs, and the youth is told again to call 1813 or 112.
    escalate_minutes: int = Field(default=10, ge=1, le=24 * 60)

    @model_validator(mode="wrap")
    @classmethod
    def _scoped(cls, data: Any, handler: ModelWrapValidatorHandler[CrisisConfig]) -> Any:
        """Validate with the concept names in scope (built-in ones and this section's)."""
        concepts: set[str] = set()
        default_ids: frozenset[str] = frozenset()
        if isinstance(data, dict):
            if data.get("defaults", True) is not False:
                builtin = builtin_defaults()
                concepts |= set(builtin.concepts)
                default_ids = frozenset(builtin.categories)
            given = data.get("concepts")
            if isinstance(given, dict):
                concepts |= {str(k) for k in given}
        token = _SCOPE.set((frozenset(concepts), default_ids))
        try:
            return handler(data)
        finally:
            _SCOPE.reset(token)

    @field_validator("spellings")
    @classmethod
    def _spellings(cls, v: dict[str, str]) -> dict[str, str]:
        for typed, meant in v.items():
            if not 1 <= len(raw_words(typed, leet_symbols=False)) <= 3:
                raise ValueError(f"spelling '{typed}': 1 to 3 words as typed")
            if not raw_words(meant, leet_symbols=False):
                raise ValueError(f"spelling '{typed}': a meaning of at least one word")
        return v

    @field_validator("concepts")
    @classmethod
    def _concepts(cls, v: dict[str, list[str]]) -> dict[str, list[str]]:
        for name, words in v.items():
            if not _ID.match(name):
                raise ValueError(f"concept name '{name}' of lowercase letters, digits, '_', '-'")
            if not words:
                raise ValueError(f"concept '{name}' to have at least one word")
        return v

    @field_validator("categories")
    @classmethod
    def _categories(cls, v: dict[str, CrisisCategory]) -> dict[str, CrisisCategory]:
        scope = _SCOPE.get()
        builtin_ids = scope[1] if scope is not None else frozenset()
        problems: list[str] = []
        for cat_id, cat in v.items():
            if not _ID.match(cat_id):
                problems.append(f"category id '{cat_id}' of lowercase letters, digits, '_', '-'")
            if cat_id in builtin_ids:
                continue
            if not cat.label:
                problems.append(f"category '{cat_id}' to have a label")
            if not (any(cat.phrases.values()) or cat.acute or cat.concern):
                problems.append(
                    f"category '{cat_id}' to have at least one phrase or acute/concern pattern"
                )
        if problems:
            raise ValueError("; ".join(problems))
        return v

    @model_validator(mode="after")
    def _something_to_match(self) -> CrisisConfig:
        if not self.defaults and not self.categories:
            raise ValueError("at least one category (or defaults: true)")
        compile_rules(self.rules())  # a concept that refers to itself, and the like
        return self

    def rules(self) -> CrisisRules:
        """The built-in rules (unless switched off) with this section's added on top."""
        return _merge(builtin_defaults() if self.defaults else None, self)

    def lemma_table(self, data_dir: Path | None = None) -> LemmaTable:
        """The lemma look-up for these rules' words: the shipped table, or one built for them
        and kept in `data_dir` (bot/config/crisis_lemmas.py)."""
        return table_for(vocabulary(self.rules()), data_dir)

    @field_validator("reply")
    @classmethod
    def _reply(cls, v: dict[str, str]) -> dict[str, str]:
        if not all(v.values()):
            raise ValueError("a non-empty reply text per language given")
        for lang, text in v.items():
            _check_placeholders(f"reply.{lang}", text, {"lines"})
        return v

    @field_validator("staff_alert")
    @classmethod
    def _alert(cls, v: str | None) -> str | None:
        if v is not None:
            _check_placeholders("staff_alert", v, _ALERT_FIELDS)
        return v

    def text_overrides(self, default_language: str) -> dict[str, dict[str, str]]:
        """The older crisis text keys as catalogue overrides (language -> crisis group)."""
        out: dict[str, dict[str, str]] = {lang: {"reply": t} for lang, t in self.reply.items()}
        for key in ("staff_alert", "no_step"):
            value = getattr(self, key)
            if value:
                out.setdefault(default_language, {})[key] = value
        return out

    @model_validator(mode="after")
    def _languages(self) -> CrisisConfig:
        for line in self.extra_lines:
            if not line.name or not line.contact:
                raise ValueError("every extra line to have a name and a contact")
        return self


def check_placeholders(where: str, template: str, allowed: set[str]) -> None:
    """Raise ValueError when a template has malformed or unknown {placeholders}."""
    try:
        names = {
            name for _, name, _, _ in string.Formatter().parse(template) if name is not None
        }
    except ValueError as exc:
        raise ValueError(
            f"{where}: well-formed {{placeholders}} ({exc}; write {{{{ for a literal brace)"
        ) from None
    unknown = names - allowed
    if unknown:
        shown = ", ".join("{" + n + "}" for n in sorted(allowed)) or "none"
        raise ValueError(
            f"{where}: only the placeholders {shown} "
            f"(unknown: {', '.join('{' + n + '}' for n in sorted(unknown))})"
        )


_check_placeholders = check_placeholders


@lru_cache(maxsize=1)
def builtin_defaults() -> CrisisConfig:
    """bot/config/crisis_defaults.yaml, validated like a config section."""
    text = resources.files("bot.config").joinpath(DEFAULTS_FILE).read_text(encoding="utf-8")
    # libyaml when installed: 4 ms instead of 40 on every start (a safe loader either way).
    data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    return CrisisConfig.model_validate({**data, "defaults": False})


def _merge(base: CrisisConfig | None, extra: CrisisConfig) -> CrisisRules:
    spellings: dict[str, str] = {}
    concepts: dict[str, list[str]] = {}
    cats: dict[str, dict[str, Any]] = {}
    exclude: list[str] = []
    for part in (base, extra):
        if part is None:
            continue
        spellings.update(part.spellings)
        for name, words in part.concepts.items():
            concepts.setdefault(name, []).extend(words)
        for cat_id, cat in part.categories.items():
            into = cats.setdefault(
                cat_id, {"label": cat_id, "phrases": [], "acute": [], "concern": []}
            )
            if cat.label:
                into["label"] = cat.label
            into["phrases"] += [(lang, p) for lang, ps in cat.phrases.items() for p in ps]
            into["acute"] += cat.acute
            into["concern"] += cat.concern
        exclude += part.exclude
    window = extra.window or (base.window if base is not None else None) or 6
    return CrisisRules(
        categories=tuple(
            RuleCategory(
                cat_id, c["label"], tuple(c["phrases"]), tuple(c["acute"]), tuple(c["concern"])
            )
            for cat_id, c in cats.items()
        ),
        concepts=tuple((name, tuple(words)) for name, words in concepts.items()),
        spellings=tuple(spellings.items()),
        exclude=tuple(exclude),
        window=window,
        typo_tolerance=extra.typo_tolerance,
    )
