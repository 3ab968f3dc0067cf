"""Is the service open, and when does it open next (pure: no I/O).

Open = not a closure day and, when `scheduling.opening_hours` is set, inside one of that
weekday's ranges (wall clock in the service's zone). Without opening hours only closure days
close the service. Times are DST-correct: a range is turned into instants per day, so the
next opening after a clock change is the real moment the service opens.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.config.scheduling import SchedulingConfig
from bot.domain.agenda_time import MINUTES_PER_DAY, from_ts, local_instant

# How far ahead the next opening is looked for.
HORIZON_DAYS = 370


def _ranges(cfg: SchedulingConfig, weekday: int) -> tuple[tuple[int, int], ...]:
    opening = cfg.opening
    return ((0, MINUTES_PER_DAY),) if opening is None else opening[weekday]


def is_open(cfg: SchedulingConfig, tz: ZoneInfo, at: datetime) -> bool:
    local = at.astimezone(tz)
    if cfg.is_closed(local.date()):
        return False
    minute = local.hour * 60 + local.minute
    return any(a <= minute < b for a, b in _ranges(cfg, local.weekday()))


def next_opening(cfg: SchedulingConfig, tz: ZoneInfo, at: datetime) -> datetime | None:
    """The first moment after `at` at which the service opens (None: none within a year)."""
    now = int(at.timestamp())
    first = at.astimezone(tz).date()
    for offset in range(HORIZON_DAYS):
        day = first + timedelta(days=offset)
        if cfg.is_closed(day):
            continue
        for a, _b in _ranges(cfg, day.weekday()):
            start = local_instant(day, a, tz)
            if start > now and not (a == 0 and _open_before_midnight(cfg, day, tz)):
                return from_ts(start)
    return None


def _open_before_midnight(cfg: SchedulingConfig, day: date, tz: ZoneInfo) -> bool:
    """A range starting at 00:00 that only continues the day before's range to 24:00 is no
    new opening."""
    prev = day - timedelta(days=1)
    if cfg.is_closed(prev):
        return False
    return any(b == MINUTES_PER_DAY for _a, b in _ranges(cfg, prev.weekday()))
