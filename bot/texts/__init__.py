"""The text catalogue: every text a person reads, per language, in one place.

    texts = config.catalogue.texts("nl")        # typed: texts.booked, texts.session.ended
    config.catalogue.say("nl", "session.ended", ref="K7Q-4MX", outcome="done")  # a Message
    raise UserError("commands.away_bad_date", text="soon")   # rendered by the handler

Defaults: `bot/texts/nl.py` and `bot/texts/en.py` (the shape: `bot/texts/schema.py`). A config
file overrides single texts under `texts: <language>:` (checked for unknown keys and
placeholders by `chathulp check-config`). A language without built-in texts must give all.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

from bot.domain.messages import Message, fill
from bot.texts import en, nl
from bot.texts.schema import GROUPS, Texts, all_keys, placeholders_of

BUILT_IN: dict[str, Mapping[str, Any]] = {"nl": nl.TEXTS, "en": en.TEXTS}
DEFAULT_LANGUAGE = "nl"

__all__ = ["BUILT_IN", "Catalogue", "Texts", "UserError", "all_keys", "placeholders_of"]


class UserError(Exception):
    """A user-facing error: a catalogue key and its values, rendered in the reader's language.

    Raised by the domain (e.g. an unreadable `!away` date); the handler that knows who reads
    it turns it into a message with `Catalogue.render`.
    """

    def __init__(self, key: str, **values: str) -> None:
        super().__init__(key)
        self.key = key
        self.values = values


def _merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in override.items():
        if value is None:
            continue
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


class Catalogue:
    """The texts of every language: built-in defaults with a config's overrides."""

    def __init__(self, languages: Mapping[str, Texts], default_language: str) -> None:
        if default_language not in languages:
            raise ValueError(f"no texts for the default language '{default_language}'")
        self._languages = dict(languages)
        self.default_language = default_language
        self._flat = {lang: _flatten(t.model_dump()) for lang, t in self._languages.items()}

    @classmethod
    def build(cls, overrides: Mapping[str, Mapping[str, Any]] | None = None,
              default_language: str = DEFAULT_LANGUAGE) -> Catalogue:
        """Defaults + overrides (language -> nested text dict). Raises ValueError naming the
        missing keys when a language without built-in texts is not complete."""
        overrides = overrides or {}
        languages: dict[str, Texts] = {}
        for lang in {*BUILT_IN, *overrides}:
            data = _merge(BUILT_IN.get(lang, {}), overrides.get(lang, {}))
            if lang not in BUILT_IN:
                missing = [k for k in all_keys() if _lookup(data, k) is None]
                if missing:
                    shown = ", ".join(missing[:8]) + (" …" if len(missing) > 8 else "")
                    raise ValueError(f"texts.{lang}: a language without built-in texts must "
                                     f"give every text; missing: {shown}")
            languages[lang] = Texts.model_validate(data)
        return cls(languages, default_language)

    @classmethod
    def default(cls) -> Catalogue:
        """The built-in texts alone (tests, tools without a config)."""
        return _default()

    @property
    def languages(self) -> list[str]:
        return sorted(self._languages)

    def lang(self, language: str | None) -> str:
        """`language` when the catalogue has it, else the default language."""
        return language if language in self._languages else self.default_language

    def texts(self, language: str | None) -> Texts:
        return self._languages[self.lang(language)]

    def get(self, language: str | None, key: str) -> str:
        """The template of a dotted key ('booked', 'session.ended', 'web.title')."""
        value = self._flat[self.lang(language)].get(key)
        if not isinstance(value, str):
            raise KeyError(key)
        return value

    def say(self, language: str | None, key: str, **values: str) -> Message:
        """The text of `key` with its {placeholders} filled (values escaped in the HTML)."""
        return fill(self.get(language, key), values)

    def plain(self, language: str | None, key: str, **values: str) -> str:
        return self.say(language, key, **values).plain

    def render(self, language: str | None, error: UserError) -> Message:
        return self.say(language, error.key, **error.values)


def _flatten(data: Mapping[str, Any]) -> dict[str, Any]:
    """Every key of the catalogue -> its value in `data` (one language's texts, dumped once)."""
    return {key: _lookup(data, key) for key in all_keys()}


def _lookup(data: Mapping[str, Any], key: str) -> Any:
    node: Any = data
    for part in key.split("."):
        if not isinstance(node, Mapping):
            return None
        node = node.get(part)
    return node


@cache
def _default() -> Catalogue:
    return Catalogue.build()


assert set(GROUPS) <= set(Texts.model_fields)
