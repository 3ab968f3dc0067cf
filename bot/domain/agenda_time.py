"""Wall-clock helpers for the agenda: "13:00-17:00" ranges, weekdays, local days → instants.

Internally the scheduling code works with minutes-of-day for wall-clock rules and with integer
epoch seconds for instants (comparing aware datetimes that share a ZoneInfo compares wall
clocks, which is wrong inside the repeated autumn hour; epoch seconds are never ambiguous).

DST rule (documented once, used everywhere):
- A wall-clock time that does not exist (the spring-forward gap, 02:00-02:59 on the last Sunday
  of March in Europe/Brussels) never starts a slot. As a range *bound* it maps forward
  (02:30 → 03:30 summer time), like zoneinfo does for fold=0.
- A wall-clock time that exists twice (the autumn repeated hour, 02:00-02:59 on the last
  Sunday of October) means its first occurrence (fold=0, summer time). So every wall label
  is produced at most once and slots never overlap in real time.
- Slot length and buffers are real elapsed minutes.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MINUTES_PER_DAY = 24 * 60

_RANGE = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")

RANGE_EXPECTED = "a time range 'HH:MM-HH:MM' like '13:00-17:00' (00:00-24:00, start before end)"


def parse_range(text: str) -> tuple[int, int]:
    """'13:00-17:00' → (780, 1020) minutes of the day. '24:00' is allowed as an end.

    Raises ValueError with a message that says what is expected.
    """
    m = _RANGE.match(text)
    if not m:
        raise ValueError(RANGE_EXPECTED)
    h1, m1, h2, m2 = (int(g) for g in m.groups())
    if m1 > 59 or m2 > 59 or h1 > 23 or h2 > 24 or (h2 == 24 and m2 != 0):
        raise ValueError(RANGE_EXPECTED)
    start, end = h1 * 60 + m1, h2 * 60 + m2
    if start >= end:
        raise ValueError(f"{RANGE_EXPECTED}; the start must be before the end")
    return start, end


def format_minute(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def format_range(rng: tuple[int, int]) -> str:
    return f"{format_minute(rng[0])}-{format_minute(rng[1])}"


def check_no_overlap(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted ranges; ValueError naming the two ranges if any overlap."""
    ordered = sorted(ranges)
    for a, b in pairwise(ordered):
        if b[0] < a[1]:
            raise ValueError(
                f"time ranges that do not overlap ({format_range(a)} and {format_range(b)} do)"
            )
    return ordered


def intersect(
    a: tuple[tuple[int, int], ...], b: tuple[tuple[int, int], ...]
) -> tuple[tuple[int, int], ...]:
    """Intersection of two sorted lists of disjoint ranges."""
    out: list[tuple[int, int]] = []
    i = j = 0
    while i < len(a) and j < len(b):
        lo = max(a[i][0], b[j][0])
        hi = min(a[i][1], b[j][1])
        if lo < hi:
            out.append((lo, hi))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return tuple(out)


def local_instant(day: date, minute: int, tz: ZoneInfo) -> int:
    """Epoch seconds of wall-clock `minute` on `day` in `tz` (fold=0; gap times map forward).

    minute may be 1440 (= 00:00 of the next day).
    """
    if minute >= MINUTES_PER_DAY:
        day, minute = day + timedelta(days=1), minute - MINUTES_PER_DAY
    wall = datetime.combine(day, time(minute // 60, minute % 60), tzinfo=tz)
    return int(wall.timestamp())


def wall_exists(day: date, minute: int, tz: ZoneInfo) -> bool:
    """False for wall-clock times inside a spring-forward gap."""
    ts = local_instant(day, minute, tz)
    back = datetime.fromtimestamp(ts, tz)
    return (back.date(), back.hour * 60 + back.minute) == (day, minute)


def day_bounds(day: date, tz: ZoneInfo) -> tuple[int, int]:
    """Epoch seconds of local midnight at the start and at the end of `day`."""
    return local_instant(day, 0, tz), local_instant(day + timedelta(days=1), 0, tz)


def is_regular_day(day: date, tz: ZoneInfo) -> bool:
    """True if the UTC offset is the same all day (no DST change on that day)."""
    start, end = day_bounds(day, tz)
    return end - start == 86400


def from_ts(ts: int) -> datetime:
    return datetime.fromtimestamp(ts, UTC)


def to_ts(when: datetime) -> int:
    if when.tzinfo is None:
        raise ValueError("aware datetime expected")
    return int(when.timestamp())


def ceil_minute(when: datetime) -> datetime:
    """Round an aware datetime up to the whole minute (UTC result)."""
    ts = when.timestamp()
    whole = int(ts // 60 * 60)
    if whole < ts:
        whole += 60
    return from_ts(whole)


def part_of_day(minute: int) -> int:
    """0 = morning (<12:00), 1 = afternoon (12:00-17:00), 2 = evening (17:00 and later)."""
    if minute < 12 * 60:
        return 0
    if minute < 17 * 60:
        return 1
    return 2


_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})(?:[/.\-](\d{4}))?$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")

TODAY_WORDS = {"today", "vandaag"}
TOMORROW_WORDS = {"tomorrow", "morgen"}


def parse_day(token: str, today: date, not_before: date) -> date | None:
    """A day from 'today'/'vandaag', 'tomorrow'/'morgen', '2026-12-24', '24/12/2026' or
    '24/12' (without a year: the first such day on or after `not_before`). None if unclear.
    """
    t = token.strip().lower()
    if t in TODAY_WORDS:
        return today
    if t in TOMORROW_WORDS:
        return today + timedelta(days=1)
    try:
        m = _ISO.match(t)
        if m:
            return date(int(m[1]), int(m[2]), int(m[3]))
        m = _DMY.match(t)
        if m:
            d, mo = int(m[1]), int(m[2])
            if m[3]:
                return date(int(m[3]), mo, d)
            for year in range(not_before.year, not_before.year + 9):
                try:
                    candidate = date(year, mo, d)
                except ValueError:  # 29/2 in a non-leap year
                    continue
                if candidate >= not_before:
                    return candidate
            return None
    except ValueError:
        return None
    return None
