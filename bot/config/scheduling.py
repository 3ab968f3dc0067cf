"""Config section 'scheduling': counselors, working and opening hours, closures, slot rules.

Weekly hours have the shape ``{mon: ["13:00-17:00", "19:00-21:00"], ...}``: weekday keys
mon..sun, each a list of non-overlapping 'HH:MM-HH:MM' ranges (24:00 allowed as an end) in the
service's time zone. A missing weekday means: not working / closed that day.
"""

from __future__ import annotations

import re
from datetime import date
from functools import cached_property
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BeforeValidator, ConfigDict, Field, model_validator

from bot.config.base import Section, UserId
from bot.domain.agenda_time import WEEKDAYS, check_no_overlap, format_range, parse_range

CounselorId = UserId

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


def _time_range(value: str) -> str:
    return format_range(parse_range(value))


TimeRange = Annotated[str, AfterValidator(_time_range)]


def _one_or_many(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


def _weekly(value: dict[str, list[str]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for day in WEEKDAYS:
        if day in value:
            try:
                ranges = check_no_overlap([parse_range(r) for r in value[day]])
            except ValueError as exc:
                raise ValueError(f"{exc} on '{day}'") from None
            out[day] = [format_range(r) for r in ranges]
    return out


WeeklyHours = Annotated[
    dict[Weekday, Annotated[list[TimeRange], BeforeValidator(_one_or_many)]],
    AfterValidator(_weekly),
]

_TOPIC = re.compile(r"^(\*|[a-z0-9][a-z0-9_\-]*)$")


def _topic(value: str) -> str:
    if not _TOPIC.match(value):
        raise ValueError("a topic id like 'school' (lowercase letters, digits, _ or -) or '*'")
    return value


def _parse_weekly(hours: dict[str, list[str]]) -> tuple[tuple[tuple[int, int], ...], ...]:
    return tuple(tuple(parse_range(r) for r in hours.get(day, [])) for day in WEEKDAYS)


class CounselorConfig(Section):
    user_id: CounselorId
    display_name: str = Field(min_length=1)
    languages: list[str] = Field(min_length=1, description="language codes, e.g. [nl, en]")
    # The language of the bot's replies and notices to this counselor; default: the first
    # of `languages` that has texts.
    language: str | None = None
    topics: list[Annotated[str, AfterValidator(_topic)]] = Field(
        default=["*"], min_length=1, description="topic ids, or ['*'] for every topic"
    )
    regions: list[str] = Field(
        default=[], description="municipality ids this counselor serves; empty = all"
    )
    hours: WeeklyHours
    max_sessions_per_day: int | None = Field(default=None, ge=1, le=48)

    @model_validator(mode="after")
    def _language_is_spoken(self) -> CounselorConfig:
        if self.language is not None and self.language not in self.languages:
            raise ValueError(f"language '{self.language}' must be one of languages "
                             f"{self.languages}")
        return self

    @cached_property
    def weekly(self) -> tuple[tuple[tuple[int, int], ...], ...]:
        """Working hours as minutes of the day, index 0 = Monday."""
        return _parse_weekly(self.hours)

    def serves_topic(self, topic: str | None) -> bool:
        return topic is None or "*" in self.topics or topic in self.topics

    def serves_region(self, municipality: str | None) -> bool:
        return municipality is None or not self.regions or municipality in self.regions


class DateRange(Section):
    """A closed period, both ends inclusive: ``{from: 2026-12-24, to: 2027-01-01}``."""

    model_config = ConfigDict(populate_by_name=True)

    from_: date = Field(alias="from")
    to: date

    @model_validator(mode="after")
    def _order(self) -> DateRange:
        if self.to < self.from_:
            raise ValueError("'to' on or after 'from'")
        return self

    def covers(self, day: date) -> bool:
        return self.from_ <= day <= self.to


def _closure(value: Any) -> Any:
    if isinstance(value, date | str):
        return {"from": value, "to": value}
    return value


Closure = Annotated[DateRange, BeforeValidator(_closure)]


def _offsets(value: list[int]) -> list[int]:
    return sorted(set(value), reverse=True)


ReminderOffsets = Annotated[
    list[Annotated[int, Field(ge=1, le=7 * 24 * 60)]], AfterValidator(_offsets)
]


class RemindersConfig(Section):
    """Minutes before the session start at which a reminder is sent."""

    youth: ReminderOffsets = [60, 10]
    counselor: ReminderOffsets = [10]


class SchedulingConfig(Section):
    counselors: list[CounselorConfig] = []
    # The service's opening hours; slots must lie inside these AND the counselor's hours.
    # Leave out (null) to let working hours alone decide.
    opening_hours: WeeklyHours | None = None
    # Whole days closed: single dates and {from, to} ranges (inclusive).
    closures: list[Closure] = []
    slot_minutes: int = Field(default=45, ge=5, le=240)
    # Free time kept around every booked session (before and after).
    buffer_minutes: int = Field(default=15, ge=0, le=240)
    # Distance between offered start times; default slot_minutes + buffer_minutes.
    slot_step_minutes: int | None = Field(default=None, ge=5, le=24 * 60)
    # Slots are offered on today and the next horizon_days - 1 days.
    horizon_days: int = Field(default=14, ge=1, le=366)
    min_notice_minutes: int = Field(default=60, ge=0, le=7 * 24 * 60)
    reminders: RemindersConfig = RemindersConfig()
    # A timer (reminder, session opening) missed while the bot was down still runs if it
    # is at most this late.
    missed_grace_minutes: int = Field(default=30, ge=0, le=24 * 60)
    # The youth's own counselor is offered alone if they have a slot within this many days.
    continuity_days: int = Field(default=14, ge=0, le=366)
    # How many choices the youth gets (a "now" choice included).
    offers: int = Field(default=3, ge=1, le=9)
    # Offer "now" when a fitting counselor is on duty and free.
    offer_now: bool = True
    # true: counselors are on duty for crisis alerts in their working hours (within opening
    # hours, not absent) without saying `!duty on`; `!duty off` still takes them off.
    auto_duty: bool = False
    # "Now" while every fitting counselor is busy: the youth waits in a queue at most this
    # long; then they are offered a booking and the staff room is told.
    queue_max_wait_minutes: int = Field(default=30, ge=1, le=24 * 60)

    @model_validator(mode="after")
    def _unique_counselors(self) -> SchedulingConfig:
        seen: set[str] = set()
        for c in self.counselors:
            if c.user_id in seen:
                raise ValueError(f"each counselor once ('{c.user_id}' is listed twice)")
            seen.add(c.user_id)
        return self

    @cached_property
    def opening(self) -> tuple[tuple[tuple[int, int], ...], ...] | None:
        return None if self.opening_hours is None else _parse_weekly(self.opening_hours)

    @cached_property
    def by_id(self) -> dict[str, CounselorConfig]:
        return {c.user_id: c for c in self.counselors}

    @property
    def step_minutes(self) -> int:
        return self.slot_step_minutes or (self.slot_minutes + self.buffer_minutes)

    def counselor(self, user_id: str) -> CounselorConfig | None:
        return self.by_id.get(user_id)

    def is_closed(self, day: date) -> bool:
        return any(c.covers(day) for c in self.closures)
