"""Choosing what to offer a youth: fitting counselors, continuity, "now", spread-out slots;
and the times of reminders. Pure: no I/O, `now` is passed in.

Spreading rule: free slots are walked in time order (ties: the counselor with fewer bookings
that day, then config order); a slot is taken if no slot was taken yet in the same
(local day, part of day) — parts are morning < 12:00 ≤ afternoon < 17:00 ≤ evening. Two offers
never start at the same instant. If that gives fewer than `n`, the earliest remaining slots
fill up. So a youth sees e.g. "today 14:00, today 19:00, tomorrow 13:00" rather than three
adjacent slots, and always the earliest free slot.

Continuity rule: when the youth has a counselor (`Needs.preferred_counselor`), only that
counselor's slots are offered (their topic/language/region fit is not re-checked: they know
the youth), provided their first free slot is within `continuity_days` (for urgency "today":
is today). Otherwise other fitting counselors are offered and `Offer.continuity` says why:
"preferred_gone" (no longer in the config), "preferred_away" (an absence in that window),
"preferred_no_slot" (no free slot in that window).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from bot.config.scheduling import CounselorConfig, SchedulingConfig
from bot.domain.agenda_time import ceil_minute, from_ts, part_of_day, to_ts
from bot.domain.availability import (
    Absence,
    AbsenceIndex,
    BusyIndex,
    BusyPeriod,
    Planner,
    Slot,
    to_slot,
)

Continuity = Literal["none", "preferred", "preferred_away", "preferred_no_slot", "preferred_gone"]

URGENCY_TODAY = "today"


@dataclass(frozen=True)
class Needs:
    """What the case needs. `topic`/`municipality` None = no constraint."""

    language: str
    topic: str | None
    municipality: str | None
    urgency: str | None
    preferred_counselor: str | None = None


@dataclass(frozen=True)
class Offer:
    """Slots in the order to show them (a "now" slot first), and the continuity outcome."""

    slots: tuple[Slot, ...]
    continuity: Continuity


def fitting_counselors(cfg: SchedulingConfig, needs: Needs) -> list[CounselorConfig]:
    """Counselors whose languages, topics and regions fit, in config order."""
    return [
        c
        for c in cfg.counselors
        if needs.language in c.languages
        and c.serves_topic(needs.topic)
        and c.serves_region(needs.municipality)
    ]


# Internal candidate: (start, load that day, counselor order, end, wall minute, counselor id)
_Item = tuple[int, int, int, int, int, str]


def _pick(
    planner: Planner,
    counselors: Sequence[CounselorConfig],
    days: Sequence[date],
    earliest: int,
    n: int,
) -> list[_Item]:
    """The spreading rule (module doc) over `days`, chronologically; at most n items."""
    if n <= 0 or not counselors:
        return []
    picked: list[_Item] = []
    starts: set[int] = set()
    buckets: set[tuple[date, int]] = set()
    spare: list[_Item] = []
    spare_starts: set[int] = set()
    for d in days:
        items: list[_Item] = []
        for order, c in enumerate(counselors):
            load, free = planner.free(c, d, earliest)
            cid = c.user_id
            items.extend((s, load, order, e, m, cid) for s, e, m in free)
        items.sort()
        for item in items:
            start = item[0]
            if start in starts:
                continue
            bucket = (d, part_of_day(item[4]))
            if bucket in buckets:
                if len(spare) < n and start not in spare_starts:
                    spare.append(item)
                    spare_starts.add(start)
                continue
            buckets.add(bucket)
            starts.add(start)
            picked.append(item)
            if len(picked) == n:
                break
        if len(picked) == n:
            break
    for item in spare:
        if len(picked) == n:
            break
        if item[0] not in starts:
            starts.add(item[0])
            picked.append(item)
    picked.sort()
    return picked


def _now_slot(
    planner: Planner, counselors: Sequence[CounselorConfig], now: datetime,
    now_ids: Collection[str] | None = None,
) -> Slot | None:
    """A session starting now with the least-loaded fitting counselor who is on duty and free
    (and, if `now_ids` is given, one of them: see `bot.domain.now_queue.now_eligible`)."""
    at = ceil_minute(now)
    best: tuple[int, int, CounselorConfig] | None = None
    for order, c in enumerate(counselors):
        if now_ids is not None and c.user_id not in now_ids:
            continue
        free, load = planner.free_now(c, at)
        if free and (best is None or (load, order) < best[:2]):
            best = (load, order, c)
    if best is None:
        return None
    start = to_ts(at)
    return Slot(best[2].user_id, at, from_ts(start + planner.slot_s), now=True)


def find_slots(
    cfg: SchedulingConfig,
    tz: ZoneInfo,
    needs: Needs,
    busy: Sequence[BusyPeriod] | BusyIndex,
    absences: Sequence[Absence],
    now: datetime,
    n: int | None = None,
    now_ids: Collection[str] | None = None,
) -> Offer:
    """The first `n` (default `cfg.offers`) slots to offer, "now" included when possible
    (`now_ids`: only these counselors may take a youth now; None: anyone working).

    Slots are within working AND opening hours, outside closures, absences and bookings (with
    buffers), respect max sessions per day, start at least `min_notice_minutes` after `now`
    and on a local day before today + `horizon_days`. Urgency "today" ranks today's slots of
    any fitting counselor first. See the module doc for spreading and continuity.
    """
    want = cfg.offers if n is None else n
    planner = Planner(cfg, tz, busy, AbsenceIndex(absences))
    today = now.astimezone(tz).date()
    days = [today + timedelta(days=k) for k in range(cfg.horizon_days)]
    earliest = to_ts(now) + cfg.min_notice_minutes * 60
    urgent = needs.urgency == URGENCY_TODAY
    fitting = fitting_counselors(cfg, needs)

    def offer(now_slot: Slot | None, items: list[_Item], why: Continuity) -> Offer:
        slots = [to_slot(i[5], (i[0], i[3], i[4])) for i in items]
        if now_slot is not None:
            slots = [now_slot, *slots]
        return Offer(tuple(slots[:want]), why)

    continuity: Continuity = "none"
    preferred_items: list[_Item] = []
    if needs.preferred_counselor is not None:
        preferred = cfg.counselor(needs.preferred_counselor)
        if preferred is None:
            continuity = "preferred_gone"
        else:
            window_last = today if urgent else today + timedelta(days=cfg.continuity_days)
            preferred_items = _pick(planner, [preferred], days, earliest, want)
            first_day = (
                from_ts(preferred_items[0][0]).astimezone(tz).date() if preferred_items else None
            )
            now_slot = (_now_slot(planner, [preferred], now, now_ids) if cfg.offer_now
                        else None)
            if now_slot is not None or (first_day is not None and first_day <= window_last):
                return offer(now_slot, preferred_items, "preferred")
            if planner.absences.absent_any(preferred.user_id, today, window_last):
                continuity = "preferred_away"
            else:
                continuity = "preferred_no_slot"
        fitting = [c for c in fitting if c.user_id != needs.preferred_counselor]

    now_slot = _now_slot(planner, fitting, now, now_ids) if cfg.offer_now else None
    count = want - (1 if now_slot is not None else 0)
    if urgent:
        items = _pick(planner, fitting, days[:1], earliest, count)
        if len(items) < count:
            # After today: the youth's own counselor's later slots before strangers'.
            later = preferred_items or _pick(planner, fitting, days[1:], earliest, count)
            items += later[: count - len(items)]
    else:
        items = _pick(planner, fitting, days, earliest, count)
    return offer(now_slot, items, continuity)


def choose_standin(
    cfg: SchedulingConfig,
    tz: ZoneInfo,
    needs: Needs,
    missing: str,
    busy: Sequence[BusyPeriod] | BusyIndex,
    absences: Sequence[Absence],
    now: datetime,
) -> str | None:
    """A colleague for a counselor (`missing`) who did not show up: the first fitting one in
    config order who is on duty at `now` and free for a session starting then — not absent,
    `buffer_minutes` clear of their bookings, under their `max_sessions_per_day`."""
    planner = Planner(cfg, tz, busy, AbsenceIndex(absences))
    for counselor in fitting_counselors(cfg, needs):
        if counselor.user_id != missing and planner.free_now(counselor, now)[0]:
            return counselor.user_id
    return None


# --- reminders and missed timers --------------------------------------------------------------


def reminder_times(
    cfg: SchedulingConfig,
    start: datetime,
    booked_at: datetime,
    who: Literal["youth", "counselor"] = "youth",
) -> list[tuple[int, datetime]]:
    """(minutes before, due instant in UTC) per configured offset, earliest first.

    Offsets whose due time is not after `booked_at` are skipped (a 60-minute reminder for a
    session booked 30 minutes ahead would be pointless).
    """
    offsets = cfg.reminders.youth if who == "youth" else cfg.reminders.counselor
    # In UTC: arithmetic on datetimes sharing a ZoneInfo is wall-clock, wrong across DST.
    start_utc, booked_utc = start.astimezone(UTC), booked_at.astimezone(UTC)
    out = [(m, start_utc - timedelta(minutes=m)) for m in offsets]
    return sorted(((m, due) for m, due in out if due > booked_utc), key=lambda x: x[1])


def youth_reminded(cfg: SchedulingConfig, start: datetime, booked_at: datetime) -> bool:
    """True when a booking made at `booked_at` gets at least one reminder for the youth
    (texts may promise one only then)."""
    return bool(reminder_times(cfg, start, booked_at, "youth"))


TimerAction = Literal["wait", "run", "drop"]


def missed_timer_action(
    cfg: SchedulingConfig, due: datetime, now: datetime, grace_minutes: int | None = None
) -> TimerAction:
    """For timers rebuilt at start-up: "wait" if still to come, "run" if due at most
    `missed_grace_minutes` (or the timer kind's own `grace_minutes`) ago, "drop" if older."""
    late = to_ts(now) - to_ts(due)
    if late < 0:
        return "wait"
    grace = cfg.missed_grace_minutes if grace_minutes is None else grace_minutes
    if late <= grace * 60:
        return "run"
    return "drop"
