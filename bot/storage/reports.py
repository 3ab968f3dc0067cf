"""What the monthly report reads: cases, bookings and crisis alerts as typed facts, and the
anonymous counts kept for months whose personal rows were deleted (`report_counts`,
`report_waits`). The facts carry ids only so that bot.reports can group them; no report output
ever shows one."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from bot.storage.db import Database


@dataclass(frozen=True)
class CaseFact:
    id: int
    youth: str
    status: str
    language: str
    age_band: str | None
    topic: str | None
    municipality: str | None
    campaign: str | None
    created_at: int


@dataclass(frozen=True)
class BookingFact:
    case_id: int
    youth: str
    counselor: str
    start_at: int
    status: str
    outcome: str | None
    counselor_joined: bool  # False also when no session room was ever opened
    referred_to: str | None = None  # the directory line of `!end referred <line>`


@dataclass(frozen=True)
class CrisisFact:
    case_id: int | None
    category: str
    created_at: int
    claimed_at: int | None = None  # when a counselor claimed it (`!claim`), if they did


@dataclass(frozen=True)
class Facts:
    cases: list[CaseFact]
    bookings: list[BookingFact]
    crises: list[CrisisFact]


@dataclass(frozen=True)
class KeptCount:
    month: str
    breakdown: str
    value: str
    metric: str
    count: int


def _youth_filter(column: str, youth: str | None) -> tuple[str, tuple[str, ...]]:
    return (f" AND {column} = ?", (youth,)) if youth is not None else ("", ())


async def facts(db: Database, start: int, end: int, youth: str | None = None) -> Facts:
    """Cases opened before `end`, bookings starting before `end` (earlier ones are needed for
    follow-ups and first sessions) and crisis alerts in [start, end); one youth's only when
    `youth` is given."""
    where, args = _youth_filter("youth_id", youth)
    rows = await db.fetchall(
        "SELECT id, youth_id, status, language, age_band, topic, municipality, campaign, "
        f"created_at FROM cases WHERE created_at < ?{where} ORDER BY id", (end, *args))
    cases = [CaseFact(r["id"], r["youth_id"], r["status"], r["language"], r["age_band"],
                      r["topic"], r["municipality"], r["campaign"], r["created_at"])
             for r in rows]
    where, args = _youth_filter("b.youth_id", youth)
    rows = await db.fetchall(
        "SELECT b.case_id, b.youth_id, b.counselor_id, b.start_at, b.status, b.outcome, "
        "b.referred_to, s.counselor_joined_at FROM bookings b "
        "LEFT JOIN sessions s ON s.booking_id = b.id "
        f"WHERE b.start_at < ?{where} ORDER BY b.start_at, b.id", (end, *args))
    bookings = [BookingFact(r["case_id"], r["youth_id"], r["counselor_id"], r["start_at"],
                            r["status"], r["outcome"], r["counselor_joined_at"] is not None,
                            r["referred_to"])
                for r in rows]
    if youth is None:
        rows = await db.fetchall(
            "SELECT case_id, category, created_at, claimed_at FROM crisis_alerts "
            "WHERE tier = 'acute' AND created_at >= ? AND created_at < ? ORDER BY id", (start, end))
    else:
        rows = await db.fetchall(
            "SELECT a.case_id, a.category, a.created_at, a.claimed_at FROM crisis_alerts a "
            "JOIN cases c ON c.id = a.case_id WHERE a.tier = 'acute' AND a.created_at >= ? "
            "AND a.created_at < ? "
            "AND c.youth_id = ? ORDER BY a.id", (start, end, youth))
    crises = [CrisisFact(r["case_id"], r["category"], r["created_at"],
                         None if r["claimed_at"] is None else int(r["claimed_at"]))
              for r in rows]
    return Facts(cases, bookings, crises)


async def youth_span(db: Database, youth: str) -> tuple[int, int] | None:
    """The first and last moment anything of this youth was recorded (for keeping figures)."""
    row = await db.fetchone(
        "SELECT MIN(t) AS lo, MAX(t) AS hi FROM ("
        "SELECT created_at AS t FROM cases WHERE youth_id = ? "
        "UNION ALL SELECT start_at AS t FROM bookings WHERE youth_id = ? "
        "UNION ALL SELECT a.created_at AS t FROM crisis_alerts a JOIN cases c "
        "ON c.id = a.case_id WHERE c.youth_id = ?) AS x", (youth, youth, youth))
    if row is None or row["lo"] is None:
        return None
    return int(row["lo"]), int(row["hi"])


async def kept_counts(db: Database, months: Iterable[str]) -> list[KeptCount]:
    wanted = sorted(set(months))
    if not wanted:
        return []
    marks = ", ".join("?" for _ in wanted)
    rows = await db.fetchall(
        "SELECT month, breakdown, value, metric, count FROM report_counts "
        f"WHERE month IN ({marks})", tuple(wanted))
    return [KeptCount(r["month"], r["breakdown"], r["value"], r["metric"], int(r["count"]))
            for r in rows]


async def kept_waits(db: Database, months: Iterable[str]) -> list[int]:
    wanted = sorted(set(months))
    if not wanted:
        return []
    marks = ", ".join("?" for _ in wanted)
    rows = await db.fetchall(
        f"SELECT seconds FROM report_waits WHERE month IN ({marks})", tuple(wanted))
    return [int(r["seconds"]) for r in rows]


async def keep(db: Database, counts: Iterable[KeptCount], waits: Iterable[tuple[str, int]]) -> None:
    """Add counts to the kept figures (joins a running transaction, e.g. the erasure's)."""
    async with db.transaction() as conn:
        for c in counts:
            if c.count == 0:
                continue
            await conn.execute(
                "INSERT INTO report_counts (month, breakdown, value, metric, count) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (month, breakdown, value, metric) "
                "DO UPDATE SET count = report_counts.count + excluded.count",
                (c.month, c.breakdown, c.value, c.metric, c.count))
        for month, seconds in waits:
            await conn.execute("INSERT INTO report_waits (month, seconds) VALUES (?, ?)",
                               (month, seconds))
