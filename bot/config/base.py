"""Base for every config model: unknown keys are errors, values are not coerced loosely."""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict

_USER_ID = re.compile(r"^@[a-z0-9._=\-/+]+:[A-Za-z0-9.\-\[\]:]+$")


def _user_id(value: str) -> str:
    if not _USER_ID.match(value):
        raise ValueError("a Matrix user id like '@name:example.org' (lowercase localpart)")
    return value


UserId = Annotated[str, AfterValidator(_user_id)]


class Section(BaseModel):
    """A config section. A typo in a key must not be silently ignored, hence extra=forbid."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


def merge_language_defaults(value: Any, defaults: dict[str, dict[str, Any]]) -> Any:
    """Per-language text blocks: built-in blocks are kept; a block given (even in part)
    overrides only its own keys, so an admin can reword one text without copying all."""
    if not isinstance(value, dict):
        return value
    merged: dict[Any, Any] = {lang: dict(block) for lang, block in defaults.items()}
    for lang, block in value.items():
        if isinstance(block, dict) and lang in defaults:
            merged[lang] = {**defaults[lang], **block}
        else:
            merged[lang] = block
    return merged
