"""The live queue for "now" (pure: no I/O, `now` is passed in).

- **Who may take a youth now**: a counselor on duty (`bot.domain.duty`) within the opening
  hours. Without `auto_duty`, a counselor in their working hours who did not say `!duty off`
  also counts (so a service that never uses `!duty` still offers "now", as before).
- **Order**: crisis-flagged youths first, then urgency "today", then whoever waits longest.
- **Estimate**: from the lengths of recent sessions (their median). The youth at place p
  waits for about ceil(p / counselors) sessions to end, the first of which is on average half
  over. With fewer than `MIN_BASIS` sessions there is no honest basis: None.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.config.scheduling import SchedulingConfig
from bot.domain.availability import Absence, AbsenceIndex, BusyPeriod, Planner, Slot
from bot.domain.duty import on_duty
from bot.domain.offers import Needs, _now_slot, fitting_counselors

# Fewer recent sessions than this: no estimate (say so plainly).
MIN_BASIS = 3
# Estimates are rounded up to this many minutes (never "7 minutes": it is not that precise).
ROUND_TO = 5


@dataclass(frozen=True)
class Waiting:
    """One youth in the queue."""

    id: int
    youth_id: str
    case_id: int
    joined: datetime
    crisis: bool  # the crisis net flagged the case
    urgent: bool  # urgency "today"
    place_told: int | None  # the place the youth was last told


def order(entries: Sequence[Waiting]) -> list[Waiting]:
    """The queue in the order counselors take youths from it."""
    return sorted(entries, key=lambda w: (not w.crisis, not w.urgent, w.joined, w.id))


def places(entries: Sequence[Waiting]) -> list[tuple[Waiting, int]]:
    """(entry, place) with places 1, 2, … in queue order."""
    return [(w, i) for i, w in enumerate(order(entries), 1)]


def estimate_minutes(place: int, counselors: int, recent: Sequence[float]) -> int | None:
    """About how many minutes the youth at `place` waits; None when there is no basis (too
    few recent sessions, or nobody on duty who could take them)."""
    if place < 1 or counselors < 1 or len(recent) < MIN_BASIS:
        return None
    typical = statistics.median(recent)
    rounds = math.ceil(place / counselors)
    minutes = typical * (rounds - 0.5)
    return max(ROUND_TO, math.ceil(minutes / ROUND_TO) * ROUND_TO)


def now_eligible(
    cfg: SchedulingConfig, tz: ZoneInfo, at: datetime, said: Mapping[str, bool],
    absences: Sequence[Absence],
) -> list[str]:
    """The counselors who may take a youth "now" at `at` (module doc), in config order."""
    duty = set(on_duty(cfg, tz, at, said, absences))
    if not cfg.auto_duty:
        # Within the opening hours (on_duty with everyone said "on" checks exactly that).
        open_now = set(on_duty(cfg, tz, at, {c.user_id: True for c in cfg.counselors},
                               absences))
        planner = Planner(cfg, tz, [], absences)
        for counselor in cfg.counselors:
            cid = counselor.user_id
            if cid in open_now and said.get(cid) is not False and planner.on_duty(counselor, at):
                duty.add(cid)
    return [c.user_id for c in cfg.counselors if c.user_id in duty]


def expired(entry: Waiting, now: datetime, max_wait_minutes: int) -> bool:
    """Waited longer than the configured maximum."""
    return (now - entry.joined).total_seconds() >= max_wait_minutes * 60


def can_wait(cfg: SchedulingConfig, needs: Needs, now_ids: Sequence[str]) -> bool:
    """Is the queue worth offering: someone fitting may take youths now (they are all busy)."""
    return cfg.offer_now and any(c.user_id in now_ids for c in fitting_counselors(cfg, needs))


def free_now(
    cfg: SchedulingConfig, tz: ZoneInfo, needs: Needs, busy: Sequence[BusyPeriod],
    absences: Sequence[Absence], now: datetime, now_ids: Sequence[str],
) -> Slot | None:
    """A session starting now for a waiting youth: their own counselor if they are free now,
    else the least-loaded fitting one who is; None if nobody is."""
    planner = Planner(cfg, tz, busy, AbsenceIndex(absences))
    preferred = cfg.counselor(needs.preferred_counselor) if needs.preferred_counselor else None
    if preferred is not None:
        slot = _now_slot(planner, [preferred], now, now_ids)
        if slot is not None:
            return slot
    return _now_slot(planner, fitting_counselors(cfg, needs), now, now_ids)
