"""Base for every config model: unknown keys are errors, values are not coerced loosely."""

from __future__ import annotations

import re
from typing import Annotated

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
