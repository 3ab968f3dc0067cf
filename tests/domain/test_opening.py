"""Open or closed, and the next opening: wall clock in the service's zone, DST-correct."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.config.scheduling import SchedulingConfig
from bot.domain.opening import is_open, next_opening

TZ = ZoneInfo("Europe/Brussels")
WEEKDAYS = {d: ["12:00-22:00"] for d in ("mon", "tue", "wed", "thu", "fri")}
CFG = SchedulingConfig.model_validate({
    "opening_hours": {**WEEKDAYS, "sat": ["10:00-18:00"]},
    "closures": ["2026-11-11", {"from": "2026-12-24", "to": "2027-01-01"}],
})


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=TZ)  # type: ignore[misc]


def test_open_inside_the_hours_only() -> None:
    assert is_open(CFG, TZ, at(2026, 12, 1, 12, 0))  # Tuesday
    assert is_open(CFG, TZ, at(2026, 12, 1, 21, 59))
    assert not is_open(CFG, TZ, at(2026, 12, 1, 22, 0))
    assert not is_open(CFG, TZ, at(2026, 12, 1, 11, 59))
    assert not is_open(CFG, TZ, at(2026, 12, 6, 15, 0))  # Sunday
    assert not is_open(CFG, TZ, at(2026, 11, 11, 15, 0))  # a closure on a Wednesday


def test_next_opening_tomorrow_after_the_weekend_and_after_closures() -> None:
    assert next_opening(CFG, TZ, at(2026, 12, 1, 23, 30)) == at(2026, 12, 2, 12, 0)
    assert next_opening(CFG, TZ, at(2026, 12, 2, 8, 0)) == at(2026, 12, 2, 12, 0)
    assert next_opening(CFG, TZ, at(2026, 12, 5, 18, 30)) == at(2026, 12, 7, 12, 0)
    assert next_opening(CFG, TZ, at(2026, 11, 10, 23, 0)) == at(2026, 11, 12, 12, 0)
    # Closed from 24 December to 1 January: Saturday 2 January at 10:00.
    assert next_opening(CFG, TZ, at(2026, 12, 23, 22, 30)) == at(2027, 1, 2, 10, 0)


def test_next_opening_across_the_clock_change() -> None:
    # Saturday 28 March 2026 evening; clocks go forward on Sunday; Monday 12:00 is CEST.
    opens = next_opening(CFG, TZ, at(2026, 3, 28, 23, 30))
    assert opens == datetime(2026, 3, 30, 10, 0, tzinfo=UTC)
    # Autumn: Saturday 24 October 2026, back to CET on Sunday; Monday 12:00 is 11:00 UTC.
    opens = next_opening(CFG, TZ, at(2026, 10, 24, 19, 0))
    assert opens == datetime(2026, 10, 26, 11, 0, tzinfo=UTC)


def test_without_opening_hours_only_closures_close() -> None:
    cfg = SchedulingConfig.model_validate({"closures": ["2026-11-11"]})
    assert is_open(cfg, TZ, at(2026, 11, 10, 3, 0))
    assert not is_open(cfg, TZ, at(2026, 11, 11, 3, 0))
    assert next_opening(cfg, TZ, at(2026, 11, 11, 3, 0)) == at(2026, 11, 12, 0, 0)


def test_a_range_to_midnight_and_from_midnight_is_one_opening() -> None:
    cfg = SchedulingConfig.model_validate({"opening_hours": {
        "mon": ["20:00-24:00"], "tue": ["00:00-02:00", "20:00-24:00"]}})
    assert is_open(cfg, TZ, at(2026, 11, 30, 23, 59))  # Monday
    assert is_open(cfg, TZ, at(2026, 12, 1, 1, 0))
    assert next_opening(cfg, TZ, at(2026, 11, 30, 19, 0)) == at(2026, 11, 30, 20, 0)
    assert next_opening(cfg, TZ, at(2026, 12, 1, 3, 0)) == at(2026, 12, 1, 20, 0)


def test_no_opening_at_all() -> None:
    cfg = SchedulingConfig.model_validate({"opening_hours": {}})
    assert not is_open(cfg, TZ, at(2026, 12, 1, 12, 0))
    assert next_opening(cfg, TZ, at(2026, 12, 1, 12, 0)) is None
