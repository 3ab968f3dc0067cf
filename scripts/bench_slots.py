"""Benchmark the slot finder: 500 counselors x 14 days x 200 existing bookings each.

Run:  .venv/bin/python scripts/bench_slots.py [--queries 20] [--seed 1]

Prints the median (and max) time per `find_slots` query for:
- "spread":   200 bookings per counselor spread over the last 60 days and the 14-day horizon
              (the realistic shape of a DB query result),
- "packed":   all 200 bookings inside the 14-day horizon (most days fully booked: worst case),
each with a prebuilt BusyIndex and with a plain list of BusyPeriod (index built per query).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.config.scheduling import SchedulingConfig
from bot.domain.availability import Absence, BusyIndex, BusyPeriod
from bot.domain.offers import Needs, find_slots

TZ = ZoneInfo("Europe/Brussels")
COUNSELORS = 500
DAYS = 14
BOOKINGS = 200
TOPICS = ["school", "home", "love", "feelings", "drugs", "sexuality", "violence", "money", "other"]
REGIONS = [f"m{i:02d}" for i in range(30)]
HOURS = [
    {d: ["13:00-17:00", "19:00-21:00"] for d in ("mon", "tue", "wed", "thu", "fri")},
    {d: ["09:00-12:00", "13:00-17:00"] for d in ("mon", "wed", "fri", "sat")},
    {d: ["16:00-22:00"] for d in ("tue", "thu", "sat", "sun")},
    {d: ["12:00-14:00", "18:00-22:00"] for d in ("mon", "tue", "wed", "thu", "fri", "sat")},
]


def build_config(rng: random.Random) -> SchedulingConfig:
    counselors: list[dict[str, Any]] = []
    for i in range(COUNSELORS):
        counselors.append(
            {
                "user_id": f"@c{i}:bench",
                "display_name": f"C{i}",
                "languages": ["nl", "en"] if rng.random() < 0.5 else ["nl"],
                "topics": ["*"] if rng.random() < 0.3 else rng.sample(TOPICS, 4),
                "regions": [] if rng.random() < 0.5 else rng.sample(REGIONS, 5),
                "hours": HOURS[i % len(HOURS)],
                "max_sessions_per_day": 6,
            }
        )
    return SchedulingConfig.model_validate(
        {
            "counselors": counselors,
            "opening_hours": {
                d: ["09:00-22:00"] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
            },
            "closures": ["2026-12-25", {"from": "2026-12-31", "to": "2027-01-01"}],
            "horizon_days": DAYS,
            "min_notice_minutes": 60,
        }
    )


def build_busy(rng: random.Random, start: datetime, past_days: int) -> list[BusyPeriod]:
    out: list[BusyPeriod] = []
    span = (past_days + DAYS) * 24 * 4  # quarter hours
    for i in range(COUNSELORS):
        cid = f"@c{i}:bench"
        for _ in range(BOOKINGS):
            q = rng.randrange(span) - past_days * 24 * 4
            # Bookings lie in daytime hours (09:00-22:00 local), in quarter hours.
            day, quarter = divmod(q, 96)
            quarter = 36 + quarter % 52
            begin = (start + timedelta(days=day, minutes=15 * quarter)).astimezone(UTC)
            out.append(BusyPeriod(cid, begin, begin + timedelta(minutes=45)))
    return out


def timed(fn: Callable[[], object], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    cfg = build_config(rng)
    midnight = datetime(2026, 11, 2, tzinfo=TZ)  # a Monday
    absences = [
        Absence(f"@c{i}:bench", midnight.date(), midnight.date() + timedelta(days=3))
        for i in range(0, COUNSELORS, 10)
    ]
    queries = [
        (
            Needs(
                language=rng.choice(["nl", "nl", "en"]),
                topic=rng.choice([*TOPICS, None]),
                municipality=rng.choice([*REGIONS, None]),
                urgency=rng.choice([None, None, "today"]),
                preferred_counselor=(
                    f"@c{rng.randrange(COUNSELORS)}:bench" if rng.random() < 0.4 else None
                ),
            ),
            midnight + timedelta(hours=rng.randrange(8, 22), minutes=rng.randrange(60)),
        )
        for _ in range(args.queries)
    ]
    print(
        f"{COUNSELORS} counselors x {DAYS} days x {BOOKINGS} bookings each, "
        f"{args.queries} queries (median / max ms)"
    )
    for name, past_days in (("spread", 60), ("packed", 0)):
        busy = build_busy(rng, midnight, past_days)
        in_horizon = sum(1 for b in busy if b.start >= midnight)
        t0 = time.perf_counter()
        index = BusyIndex(busy)
        for i in range(COUNSELORS):
            index.get(f"@c{i}:bench")  # force the lazy part: a fully built index
        build_ms = (time.perf_counter() - t0) * 1000
        print(f"\n{name}: {len(busy)} bookings, {in_horizon} in the horizon")
        print(f"  BusyIndex full build (once, not per query): {build_ms:.1f} ms")
        for label, source in (("prebuilt index", index), ("plain list", busy)):
            per_query: list[float] = []
            offered = 0
            for needs, now in queries:

                def run(needs: Needs = needs, now: datetime = now, source: Any = source) -> object:
                    return find_slots(cfg, TZ, needs, source, absences, now)

                per_query.extend(timed(run, 1))
                offered += len(find_slots(cfg, TZ, needs, index, absences, now).slots)
            print(
                f"  {label:15s} median {statistics.median(per_query):7.2f} ms, "
                f"max {max(per_query):7.2f} ms  ({offered} slots offered in total)"
            )


if __name__ == "__main__":
    main()
