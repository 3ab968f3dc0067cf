"""Availability: working hours ∩ opening hours, minus closures, absences and bookings.

Pure: no I/O, time is passed in. Wall-clock rules are applied in the service's zone and turned
into instants per local day (see the DST rule in `bot.domain.agenda_time`). Instants inside
this module are integer epoch seconds; datetimes handed out are aware UTC datetimes.

Rules:
- A slot lies completely inside one segment of (counselor's working hours ∩ opening hours) of
  its local day; start times are on a grid from each segment's start, every
  `step_minutes` (default slot + buffer); the day must not be a closure or an absence day.
- A slot keeps `buffer_minutes` free before and after every existing booking of its counselor.
- A counselor with `max_sessions_per_day` bookings starting on a local day gets no more slots
  that day.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.config.scheduling import CounselorConfig, SchedulingConfig
from bot.domain.agenda_time import (
    MINUTES_PER_DAY,
    day_bounds,
    from_ts,
    intersect,
    local_instant,
    parse_day,
    to_ts,
    wall_exists,
)
from bot.texts import UserError

# --- absences ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Absence:
    """A counselor is away on the whole days start..end (inclusive, in the service's zone)."""

    counselor_id: str
    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("an absence must not end before it starts")

    def covers(self, day: date) -> bool:
        return self.start <= day <= self.end


MAX_AWAY_DAYS = 366
_RANGE_WORDS = {"-", "to", "tot", "until", "t/m", "tm", "till"}


def parse_away(args: str, today: date) -> tuple[date, date]:
    """The arguments of `!away` → (first day, last day) inclusive; raises `UserError` (a key
    of the catalogue group `commands`, e.g. 'commands.away_bad_date') when unreadable.

    Accepts 'today'/'vandaag', 'tomorrow'/'morgen', one day, or two days (optionally joined by
    '-', '..', 'to', 'tot', 't/m'). Dates: 2026-12-24, 24/12/2026, 24-12-2026, 24.12.2026, 24/12
    (without a year: the next such day). The last day must not be in the past; a start in the
    past is allowed (telling it late). Longer than a year is refused as a likely typo.
    """
    text = args.strip().replace("..", " ").replace("–", " ").replace("—", " ")
    tokens = [t for t in text.split() if t.lower() not in _RANGE_WORDS]
    if not tokens:
        raise UserError("commands.away_empty")
    if len(tokens) > 2:
        raise UserError("commands.away_unreadable", text=args.strip()[:60])
    first = parse_day(tokens[0], today, today)
    if first is None:
        raise UserError("commands.away_bad_date", text=tokens[0][:30])
    last = first
    if len(tokens) == 2:
        second = parse_day(tokens[1], today, first)
        if second is None:
            raise UserError("commands.away_bad_date", text=tokens[1][:30])
        last = second
    if last < first:
        raise UserError("commands.away_order", first=first.isoformat(), last=last.isoformat())
    if last < today:
        raise UserError("commands.away_past", day=last.isoformat())
    if (last - first).days >= MAX_AWAY_DAYS:
        raise UserError("commands.away_too_long")
    return first, last


def end_absence(absence: Absence, today: date) -> Absence | None:
    """`!back` on `today`: an absence covering today ends yesterday (None: remove it).

    Absences that lie completely in the future or in the past are not touched (returned as is).
    """
    if not absence.covers(today):
        return absence
    if absence.start >= today:
        return None
    return Absence(absence.counselor_id, absence.start, today - timedelta(days=1))


class AbsenceIndex:
    def __init__(self, absences: Iterable[Absence]) -> None:
        self._by: dict[str, list[Absence]] = {}
        for a in absences:
            self._by.setdefault(a.counselor_id, []).append(a)

    def absent(self, counselor_id: str, day: date) -> bool:
        return any(a.covers(day) for a in self._by.get(counselor_id, ()))

    def absent_any(self, counselor_id: str, first: date, last: date) -> bool:
        return any(a.start <= last and a.end >= first for a in self._by.get(counselor_id, ()))


# --- bookings ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class BusyPeriod:
    """An existing booking (or other session) of a counselor. Aware datetimes."""

    counselor_id: str
    start: datetime
    end: datetime


@dataclass(frozen=True)
class Slot:
    """An offered or chosen time. Aware UTC datetimes; `now` marks an immediate session."""

    counselor_id: str
    start: datetime
    end: datetime
    now: bool = False


class _Busy:
    __slots__ = ("max_end", "starts")

    def __init__(self, periods: list[tuple[int, int]]) -> None:
        periods.sort()
        self.starts = [p[0] for p in periods]
        # max_end[i] = latest end among periods[0..i]: bookings may overlap each other.
        self.max_end: list[int] = []
        top = -(2**62)
        for _, end in periods:
            top = max(top, end)
            self.max_end.append(top)

    def conflicts(self, start: int, end: int, buffer: int) -> bool:
        """Does [start, end) come within `buffer` seconds of any period?"""
        i = bisect_left(self.starts, end + buffer)
        return i > 0 and self.max_end[i - 1] > start - buffer

    def count_starting(self, lo: int, hi: int) -> int:
        return bisect_left(self.starts, hi) - bisect_left(self.starts, lo)


class BusyIndex:
    """Bookings per counselor, sorted, for bisect look-ups.

    Grouping is cheap; the conversion to epoch seconds and sorting happen lazily, per
    counselor on first use, so a query pays only for the counselors it looks at. Keep one
    index around (and rebuild it when bookings change) to pay nothing per query.
    """

    def __init__(self, busy: Iterable[BusyPeriod]) -> None:
        self._raw: dict[str, list[BusyPeriod]] = {}
        for b in busy:
            bucket = self._raw.get(b.counselor_id)
            if bucket is None:
                self._raw[b.counselor_id] = [b]
            else:
                bucket.append(b)
        self._by: dict[str, _Busy | None] = {}

    @classmethod
    def of(cls, busy: Sequence[BusyPeriod] | BusyIndex) -> BusyIndex:
        return busy if isinstance(busy, BusyIndex) else cls(busy)

    def get(self, counselor_id: str) -> _Busy | None:
        try:
            return self._by[counselor_id]
        except KeyError:
            raw = self._raw.get(counselor_id)
            entry = _Busy([(to_ts(b.start), to_ts(b.end)) for b in raw]) if raw else None
            self._by[counselor_id] = entry
            return entry


# --- the planner ------------------------------------------------------------------------------

Candidate = tuple[int, int, int]  # (start epoch s, end epoch s, wall-clock minute of the start)
Segments = tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class DayInfo:
    day: date
    weekday: int
    closed: bool
    start: int  # epoch s of local midnight
    end: int  # epoch s of the next local midnight


class Planner:
    """Free slots per counselor and local day, with per-query caches of the wall-clock grid."""

    def __init__(
        self,
        cfg: SchedulingConfig,
        tz: ZoneInfo,
        busy: Sequence[BusyPeriod] | BusyIndex,
        absences: Sequence[Absence] | AbsenceIndex,
    ) -> None:
        self.cfg = cfg
        self.tz = tz
        self.busy = BusyIndex.of(busy)
        self.absences = absences if isinstance(absences, AbsenceIndex) else AbsenceIndex(absences)
        self.slot_s = cfg.slot_minutes * 60
        self.buffer_s = cfg.buffer_minutes * 60
        self._days: dict[date, DayInfo] = {}
        self._segments: dict[tuple[str, int], Segments] = {}
        self._grid: dict[tuple[date, Segments], tuple[Candidate, ...]] = {}

    def day(self, d: date) -> DayInfo:
        info = self._days.get(d)
        if info is None:
            start, end = day_bounds(d, self.tz)
            info = DayInfo(d, d.weekday(), self.cfg.is_closed(d), start, end)
            self._days[d] = info
        return info

    def segments(self, counselor: CounselorConfig, weekday: int) -> Segments:
        """Working hours ∩ opening hours on a weekday, as minutes of the day."""
        key = (counselor.user_id, weekday)
        segs = self._segments.get(key)
        if segs is None:
            segs = counselor.weekly[weekday]
            opening = self.cfg.opening
            if opening is not None:
                segs = intersect(segs, opening[weekday])
            self._segments[key] = segs
        return segs

    def grid(self, info: DayInfo, segs: Segments) -> tuple[Candidate, ...]:
        """Candidate slots of a day from wall-clock segments (see the DST rule)."""
        key = (info.day, segs)
        cached = self._grid.get(key)
        if cached is not None:
            return cached
        regular = info.end - info.start == 86400
        step = self.cfg.step_minutes
        out: list[Candidate] = []
        last_end = -(2**62)
        for seg_start, seg_end in segs:
            bound = (
                info.start + seg_end * 60 if regular else local_instant(info.day, seg_end, self.tz)
            )
            for minute in range(seg_start, min(seg_end, MINUTES_PER_DAY), step):
                if regular:
                    start = info.start + minute * 60
                elif wall_exists(info.day, minute, self.tz):
                    start = local_instant(info.day, minute, self.tz)  # fold=0: first occurrence
                else:
                    continue  # inside the spring-forward gap
                end = start + self.slot_s
                if end > bound:
                    break
                if start < last_end:
                    continue  # would overlap the previous slot in real time (DST day)
                out.append((start, end, minute))
                last_end = end
        result = tuple(out)
        self._grid[key] = result
        return result

    def free(
        self, counselor: CounselorConfig, d: date, earliest: int
    ) -> tuple[int, list[Candidate]]:
        """(bookings starting that day, free candidates starting at or after `earliest`)."""
        info = self.day(d)
        if info.closed or self.absences.absent(counselor.user_id, d):
            return 0, []
        segs = self.segments(counselor, info.weekday)
        if not segs:
            return 0, []
        busy = self.busy.get(counselor.user_id)
        if busy is None:
            return 0, [c for c in self.grid(info, segs) if c[0] >= earliest]
        load = busy.count_starting(info.start, info.end)
        cap = counselor.max_sessions_per_day
        if cap is not None and load >= cap:
            return load, []
        buf = self.buffer_s
        return load, [
            c
            for c in self.grid(info, segs)
            if c[0] >= earliest and not busy.conflicts(c[0], c[1], buf)
        ]

    def fits(self, counselor: CounselorConfig, start: int, end: int, earliest: int) -> bool:
        """Could [start, end) (epoch s) be booked with this counselor, at any start minute?

        It starts at or after `earliest`, lies inside one segment of working ∩ opening hours
        of its local day (not in a spring-forward gap), that day is no closure and no absence
        of the counselor, the counselor has fewer than `max_sessions_per_day` bookings
        starting that day, and it keeps `buffer_minutes` from every booking of theirs.
        Unlike `free`, the start need not be on the offer grid (a counselor's own choice).
        """
        if end <= start or start < earliest:
            return False
        local = from_ts(start).astimezone(self.tz)
        info = self.day(local.date())
        if info.closed or self.absences.absent(counselor.user_id, info.day):
            return False
        inside = any(
            local_instant(info.day, a, self.tz) <= start
            and end <= local_instant(info.day, b, self.tz)
            for a, b in self.segments(counselor, info.weekday)
        )
        if not inside:
            return False
        busy = self.busy.get(counselor.user_id)
        if busy is None:
            return True
        cap = counselor.max_sessions_per_day
        if cap is not None and busy.count_starting(info.start, info.end) >= cap:
            return False
        return not busy.conflicts(start, end, self.buffer_s)

    def on_duty(self, counselor: CounselorConfig, at: datetime) -> bool:
        local = at.astimezone(self.tz)
        info = self.day(local.date())
        if info.closed or self.absences.absent(counselor.user_id, info.day):
            return False
        minute = local.hour * 60 + local.minute
        return any(a <= minute < b for a, b in self.segments(counselor, info.weekday))

    def free_now(self, counselor: CounselorConfig, at: datetime) -> tuple[bool, int]:
        """(on duty and free for a session starting at `at`, bookings starting that day)."""
        if not self.on_duty(counselor, at):
            return False, 0
        busy = self.busy.get(counselor.user_id)
        if busy is None:
            return True, 0
        info = self.day(at.astimezone(self.tz).date())
        load = busy.count_starting(info.start, info.end)
        cap = counselor.max_sessions_per_day
        if cap is not None and load >= cap:
            return False, load
        start = to_ts(at)
        return not busy.conflicts(start, start + self.slot_s, self.buffer_s), load


def to_slot(counselor_id: str, cand: Candidate) -> Slot:
    return Slot(counselor_id, from_ts(cand[0]), from_ts(cand[1]))


# --- public checks ----------------------------------------------------------------------------


def slot_is_free(
    cfg: SchedulingConfig,
    tz: ZoneInfo,
    slot: Slot,
    busy: Sequence[BusyPeriod] | BusyIndex,
    absences: Sequence[Absence],
    now: datetime,
) -> bool:
    """Re-check a chosen slot right before booking it (the DB transaction still guards races).

    A "now" slot: the counselor is on duty and free at `now`. A regular slot: it is still a
    slot of that counselor's current hours (config may have been reloaded), not started yet,
    and free. The minimum notice is not re-applied: it was applied when the slot was offered,
    so a youth who takes a minute to choose does not lose it.
    """
    counselor = cfg.counselor(slot.counselor_id)
    if counselor is None:
        return False
    planner = Planner(cfg, tz, busy, absences)
    if slot.now:
        return planner.free_now(counselor, from_ts(max(to_ts(now), to_ts(slot.start))))[0]
    if to_ts(slot.start) <= to_ts(now):
        return False
    day = slot.start.astimezone(tz).date()
    _, free = planner.free(counselor, day, to_ts(now))
    wanted = (to_ts(slot.start), to_ts(slot.end))
    return any((c[0], c[1]) == wanted for c in free)


def slot_fits(
    cfg: SchedulingConfig,
    tz: ZoneInfo,
    slot: Slot,
    busy: Sequence[BusyPeriod] | BusyIndex,
    absences: Sequence[Absence],
    now: datetime,
) -> bool:
    """A time a counselor chose (e.g. `!followup`): see `Planner.fits`. Must not have started."""
    counselor = cfg.counselor(slot.counselor_id)
    if counselor is None:
        return False
    planner = Planner(cfg, tz, busy, absences)
    return planner.fits(counselor, to_ts(slot.start), to_ts(slot.end), to_ts(now) + 1)
