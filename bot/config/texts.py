"""Config section 'texts': overrides of the built-in text catalogue, per language and key.

    texts:
      nl:
        greeting: "Hallo! …"            # the bot's own DM texts sit at the top of a language
        session:
          room_name: "Chatgesprek {when}"

Every key and its placeholders are defined once in `bot/texts/schema.py`; the defaults are in
`bot/texts/nl.py` and `bot/texts/en.py`. An unknown key or placeholder is an error at the
exact line. The models here are derived from the catalogue's schema, so they cannot drift.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationInfo, create_model, field_validator

from bot.config.base import Section
from bot.config.crisis import check_placeholders
from bot.texts.schema import GROUPS, TextGroup, Texts, placeholders, top_level_keys

# Keys of older versions that no longer exist: accepted (so an older config file still loads)
# and ignored. `session.help` is now generated from the command declarations.
RETIRED: dict[str, tuple[str, ...]] = {
    "": ("staff_moved",),
    "session": ("help", "which_case", "bad_time"),
}


def _override_model(name: str, model: type[TextGroup], keys: list[str],
                    nested: dict[str, Any] | None = None,
                    retired: tuple[str, ...] = ()) -> type[Section]:
    def _check(cls: type, value: Any, info: ValidationInfo) -> Any:
        if isinstance(value, str) and info.field_name in keys:
            if not value:
                raise ValueError("a non-empty text (leave the key out for the default)")
            check_placeholders(info.field_name or "", value, placeholders(model, info.field_name))
        return value

    fields: dict[str, Any] = {key: (str | None, None) for key in keys}
    fields.update({key: (str | None, None) for key in retired})
    fields.update(nested or {})
    return create_model(  # type: ignore[call-overload, no-any-return]
        name, __base__=Section,
        __validators__={"_placeholders": field_validator("*")(_check)}, **fields,
    )


GROUP_OVERRIDES: dict[str, type[Section]] = {
    group: _override_model(f"{model.__name__}Override", model, list(model.model_fields),
                           retired=RETIRED.get(group, ()))
    for group, model in GROUPS.items()
}

LanguageTexts = _override_model(
    "LanguageTexts", Texts, top_level_keys(),
    {group: (model | None, None) for group, model in GROUP_OVERRIDES.items()},
    retired=RETIRED[""],
)
LanguageTexts.__doc__ = "Overrides of one language's texts (any key may be left out)."


def overrides_data(texts: dict[str, Any], group: str = "") -> dict[str, dict[str, Any]]:
    """The overrides as nested plain dicts (unset and retired keys dropped), for
    `Catalogue.build`. `group`: the catalogue group of a section's own `texts` (older form)."""
    out: dict[str, dict[str, Any]] = {}
    for lang, block in texts.items():
        data = block.model_dump(exclude_none=True)
        for key in RETIRED.get(group, ()):
            data.pop(key, None)
        for name in GROUPS:
            if isinstance(data.get(name), dict):
                for key in RETIRED.get(name, ()):
                    data[name].pop(key, None)
        out[lang] = data
    return out


def used_languages(default_language: str, intake_languages: list[str],
                   session_languages: list[str]) -> dict[str, str]:
    """Every language a youth can be spoken to in -> where the config says so.

    A counselor's language that the intake does not offer needs no texts: no youth can
    choose it (the staff read the default language)."""
    used: dict[str, str] = {}
    # Config paths (joined so that they are not taken for text keys).
    intake, session = ".".join(("intake", "languages")), ".".join(("session", "languages"))
    for lang, where in ((default_language, "default_language"),
                        *((lang, intake) for lang in intake_languages),
                        *((lang, session) for lang in session_languages)):
        used.setdefault(lang, where)
    return used


def missing_texts(overrides: dict[str, dict[str, Any]], used: dict[str, str]) -> list[str]:
    """One problem per used language that lacks texts: the built-in languages (nl, en) have
    every key; any other needs a complete block under `texts.<language>`, and the problem
    names every missing key."""
    from bot.texts import BUILT_IN, all_keys

    problems: list[str] = []
    for lang, where in used.items():
        if lang in BUILT_IN:
            continue
        block = overrides.get(lang, {})
        missing = [key for key in all_keys() if _value(block, key) is None]
        if not missing:
            continue
        problems.append(
            f"every text in '{lang}' (used in {where}), but texts.{lang} misses "
            f"{len(missing)} keys (a language without built-in texts needs all of them; the "
            f"English ones are in bot/texts/en.py): {', '.join(missing)}"
        )
    return problems


def _value(data: dict[str, Any], key: str) -> Any:
    node: Any = data
    for part in key.split("."):
        if not isinstance(node, dict):
            return None
        node = node.get(part)
    return node
