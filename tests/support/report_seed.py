"""A deterministic database for the report tests: a few hundred cases over three months.

`generate(seed)` gives plain records (what the test computes the figures from by hand);
`load(db, data)` writes them. Run as a script to write a SQLite database for trying
`chathulp report`:  python -m tests.support.report_seed /tmp/seeded.db
"""

from __future__ import annotations

import asyncio
import json
import random
import sys
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.storage import migrations
from bot.storage.db import POSTGRES, Database

TZ = ZoneInfo("Europe/Brussels")
MONTHS = ("2026-08", "2026-09", "2026-10")
COUNSELORS = ("@sara:test", "@tom:test", "@ann:test")
# Weights: a few values stay rare on purpose, so that small counts occur.
MUNICIPALITIES = {"kortrijk": 40, "kuurne": 12, "harelbeke": 14, "wevelgem": 12, "waregem": 10,
                  "wielsbeke": 1, "avelgem": 2, None: 6}
TOPICS = {"school": 25, "home": 20, "feelings": 30, "relationships": 10, "substances": 4,
          "violence": 2, None: 5}
AGES = {"12-15": 35, "16-18": 40, "19-25": 22, "under-12": 1, None: 3}
LANGUAGES = {"nl": 88, "en": 12}
CAMPAIGNS = {None: 70, "krt-school-3": 20, "waregem-poster": 9, "rare-flyer": 1}
STATUSES = {"open": 62, "intake": 15, "referred": 10, "closed": 13}
CATEGORIES = {"suicide": 10, "self-harm": 8, "violence": 6, "abuse": 1}


@dataclass
class CaseRow:
    id: int
    ref: str
    youth: str
    status: str
    language: str
    age_band: str | None
    topic: str | None
    municipality: str | None
    campaign: str | None
    free_text: str
    created_at: int


@dataclass
class BookingRow:
    id: int
    case_id: int
    youth: str
    counselor: str
    start_at: int
    status: str  # cancelled, done, no_show, missed
    outcome: str | None
    counselor_joined: bool | None  # None: no session row


@dataclass
class AlertRow:
    case_id: int | None
    category: str
    created_at: int
    claimed_at: int | None = None  # set by `generate` for most alerts


@dataclass
class SeedData:
    youths: dict[str, int] = field(default_factory=dict)  # user id -> first seen
    cases: list[CaseRow] = field(default_factory=list)
    bookings: list[BookingRow] = field(default_factory=list)
    alerts: list[AlertRow] = field(default_factory=list)


def _pick(rng: random.Random, weights: dict) -> object:  # type: ignore[type-arg]
    return rng.choices(list(weights), list(weights.values()))[0]


def generate(seed: int = 12, youths: int = 280) -> SeedData:
    rng = random.Random(seed)
    data = SeedData()
    # From mid July (earlier cases, whose sessions fall in August) to mid November.
    start = datetime(2026, 7, 15, tzinfo=TZ).timestamp()
    end = datetime(2026, 11, 15, tzinfo=TZ).timestamp()
    case_id = booking_id = 0
    for n in range(youths):
        user = f"@youth{n}:test"
        first = int(rng.uniform(start, end))
        data.youths[user] = first
        created = first
        for _ in range(2 if rng.random() < 0.1 else 1):
            case_id += 1
            status = str(_pick(rng, STATUSES))
            data.cases.append(CaseRow(
                case_id, f"K{case_id:03d}-REF", user, status, str(_pick(rng, LANGUAGES)),
                _pick(rng, AGES), _pick(rng, TOPICS),  # type: ignore[arg-type]
                _pick(rng, MUNICIPALITIES), _pick(rng, CAMPAIGNS),  # type: ignore[arg-type]
                f"SECRET-STORY-{case_id}", created))
            at = created
            if status in ("open", "closed"):
                counselor = rng.choice(COUNSELORS)
                for _ in range(rng.choice((0, 1, 1, 2, 2, 3))):
                    at += int(rng.uniform(1800, 9 * 86400))
                    booking_id += 1
                    roll = rng.random()
                    who = counselor if rng.random() < 0.8 else rng.choice(COUNSELORS)
                    if roll < 0.1:
                        row = BookingRow(booking_id, case_id, user, who, at, "cancelled",
                                         None, None)
                    elif roll < 0.2:
                        row = BookingRow(booking_id, case_id, user, who, at, "no_show",
                                         "no-show", rng.random() < 0.7)
                    elif roll < 0.23:
                        row = BookingRow(booking_id, case_id, user, who, at, "missed", None,
                                         None)
                    else:
                        outcome = rng.choice(("done", "done", "follow-up", "referred"))
                        row = BookingRow(booking_id, case_id, user, who, at, "done", outcome,
                                         True)
                    data.bookings.append(row)
            if rng.random() < 0.09:
                data.alerts.append(AlertRow(case_id, str(_pick(rng, CATEGORIES)),
                                            created + int(rng.uniform(0, 3600))))
            created = at + int(rng.uniform(86400, 20 * 86400))
    for _ in range(2):  # alerts without a case
        data.alerts.append(AlertRow(None, "suicide", int(rng.uniform(start, end))))
    # Claims from a generator of their own (the rows above stay as they were): a fifth never
    # claimed, half within 15 minutes (the limit itself included), the rest later.
    claims = random.Random(seed + 1)
    for i, alert in enumerate(data.alerts):
        roll = claims.random()
        if i == 0:
            alert.claimed_at = alert.created_at + 900  # exactly 15 minutes: in time
        elif i == 1:
            alert.claimed_at = alert.created_at + 901  # one second later: not
        elif roll < 0.5:
            alert.claimed_at = alert.created_at + int(claims.uniform(10, 900))
        elif roll < 0.8:
            alert.claimed_at = alert.created_at + int(claims.uniform(901, 7200))
    return data


async def load(db: Database, data: SeedData) -> None:
    async with db.transaction() as conn:
        for user, first in data.youths.items():
            await conn.execute(
                "INSERT INTO youths (user_id, intake, first_seen, last_seen) VALUES (?, ?, ?, ?)",
                (user, "{}", first, first))
        for c in data.cases:
            await conn.execute(
                "INSERT INTO cases (id, ref, youth_id, status, language, age_band, topic, "
                "municipality, campaign, free_text, answers, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (c.id, c.ref, c.youth, c.status, c.language, c.age_band, c.topic,
                 c.municipality, c.campaign, c.free_text, json.dumps({"story": c.free_text}),
                 c.created_at, c.created_at))
        for b in data.bookings:
            await conn.execute(
                "INSERT INTO bookings (id, case_id, youth_id, counselor_id, start_at, end_at, "
                "status, outcome, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (b.id, b.case_id, b.youth, b.counselor, b.start_at, b.start_at + 1800,
                 b.status, b.outcome, b.start_at - 3600, b.start_at))
            if b.counselor_joined is not None:
                await conn.execute(
                    "INSERT INTO sessions (booking_id, nonce, state, counselor_id, "
                    "youth_joined_at, counselor_joined_at, outcome, created_at) "
                    "VALUES (?, ?, 'ended', ?, ?, ?, ?, ?)",
                    (b.id, f"nonce-{b.id}", b.counselor, b.start_at,
                     b.start_at if b.counselor_joined else None, b.outcome, b.start_at))
        for a in data.alerts:
            await conn.execute(
                "INSERT INTO crisis_alerts (case_id, category, step, created_at, state, "
                "claimed_at) VALUES (?, ?, NULL, ?, ?, ?)",
                (a.case_id, a.category, a.created_at,
                 "open" if a.claimed_at is None else "claimed", a.claimed_at))
        if db.engine is POSTGRES:
            for table in ("cases", "bookings"):
                await conn.fetchval(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT MAX(id) FROM {table}))")


async def _main(path: str) -> None:
    db = Database(f"sqlite://{path}")
    await db.open()
    await migrations.upgrade(db)
    await load(db, generate())
    await db.close()


if __name__ == "__main__":
    asyncio.run(_main(sys.argv[1]))
    print(f"seeded {sys.argv[1]}; now: chathulp report --month {MONTHS[0]} --to {MONTHS[-1]}",
          file=sys.stderr)
