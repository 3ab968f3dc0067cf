"""Base for every config model: unknown keys are errors, values are not coerced loosely."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Section(BaseModel):
    """A config section. A typo in a key must not be silently ignored, hence extra=forbid."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)
