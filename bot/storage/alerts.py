"""Crisis alerts (open -> claimed -> closed, one open per case) and counselors' duty.

An alert row holds a case, a category, the intake step and times: never the youth's words.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.storage.db import Connection, Database, IntegrityError, Row
from bot.storage.sealing import seal

ACUTE = "acute"
CONCERN = "concern"


@dataclass(frozen=True)
class Alert:
    id: int
    case_id: int | None
    ref: str
    youth_id: str | None
    category: str
    step: str | None
    tier: str
    state: str  # open | claimed | closed
    hits: int
    created_at: int
    last_hit_at: int | None
    claimed_by: str | None
    claimed_at: int | None
    escalated_at: int | None


_SELECT = (
    "SELECT a.id, a.case_id, COALESCE(c.ref, '?') AS ref, "
    "COALESCE(a.youth_id, c.youth_id) AS youth_id, a.category, a.step, a.tier, a.state, "
    "a.hits, a.created_at, a.last_hit_at, a.claimed_by, a.claimed_at, a.escalated_at "
    "FROM crisis_alerts a LEFT JOIN cases c ON c.id = a.case_id "
)


def _alert(row: Row) -> Alert:
    return Alert(
        int(row["id"]), None if row["case_id"] is None else int(row["case_id"]),
        str(row["ref"]), row["youth_id"], row["category"], row["step"], row["tier"],
        row["state"], int(row["hits"]), int(row["created_at"]),
        None if row["last_hit_at"] is None else int(row["last_hit_at"]),
        row["claimed_by"], None if row["claimed_at"] is None else int(row["claimed_at"]),
        None if row["escalated_at"] is None else int(row["escalated_at"]),
    )


def _ts(when: datetime) -> int:
    return int(when.timestamp())


async def _open_for_case(conn: Connection, case_id: int) -> Alert | None:
    row = await conn.fetchone(
        _SELECT + "WHERE a.case_id = ? AND a.tier = 'acute' AND a.state IN ('open', 'claimed')",
        (case_id,),
    )
    return None if row is None else _alert(row)


async def open_for_case(db: Database, case_id: int) -> Alert | None:
    """The case's open or claimed alert, if any."""
    async with db.transaction() as conn:
        return await _open_for_case(conn, case_id)


async def raise_alert(
    db: Database, case_id: int, youth_id: str, category: str, step: str | None, now: datetime
) -> tuple[Alert, bool]:
    """A crisis hit on a case: a new open alert, or the case's open one updated (one hit
    more). Returns the alert and whether it is new."""
    ts = _ts(now)
    for _ in range(2):
        try:
            async with db.transaction() as conn:
                found = await _open_for_case(conn, case_id)
                if found is not None:
                    await conn.execute(
                        "UPDATE crisis_alerts SET hits = hits + 1, last_hit_at = ? WHERE id = ?",
                        (ts, found.id),
                    )
                    fresh = await conn.fetchone(_SELECT + "WHERE a.id = ?", (found.id,))
                    assert fresh is not None
                    return _alert(fresh), False
                alert_id = await conn.fetchval(
                    "INSERT INTO crisis_alerts (case_id, youth_id, category, step, created_at, "
                    "last_hit_at, tier, state) VALUES (?, ?, ?, ?, ?, ?, 'acute', 'open') "
                    "RETURNING id",
                    (case_id, youth_id, category, step, ts, ts),
                )
                row = await conn.fetchone(_SELECT + "WHERE a.id = ?", (int(alert_id),))
                assert row is not None
                return _alert(row), True
        except IntegrityError:
            continue  # another hit of the same case opened it just now: update that one
    raise RuntimeError("could not raise a crisis alert")


async def note_concern(
    db: Database, case_id: int, youth_id: str, category: str, step: str | None, now: datetime
) -> None:
    """The youth said no to the concern question: noted on the case, closed, never alerted."""
    ts = _ts(now)
    await db.execute(
        "INSERT INTO crisis_alerts (case_id, youth_id, category, step, created_at, tier, "
        "state, closed_at) VALUES (?, ?, ?, ?, ?, 'concern', 'closed', ?)",
        (case_id, youth_id, category, step, ts, ts),
    )


async def get_alert(db: Database, alert_id: int) -> Alert | None:
    row = await db.fetchone(_SELECT + "WHERE a.id = ?", (alert_id,))
    return None if row is None else _alert(row)


async def by_ref(db: Database, ref: str) -> Alert | None:
    """The newest acute alert of the case with this reference (any state)."""
    row = await db.fetchone(
        _SELECT + "WHERE c.ref = ? AND a.tier = 'acute' ORDER BY a.created_at DESC, a.id DESC",
        (ref,),
    )
    return None if row is None else _alert(row)


async def unfinished(db: Database) -> list[Alert]:
    """Open and claimed alerts, oldest first."""
    rows = await db.fetchall(
        _SELECT + "WHERE a.tier = 'acute' AND a.state IN ('open', 'claimed') "
        "ORDER BY a.created_at, a.id"
    )
    return [_alert(r) for r in rows]


async def unfinished_counts(db: Database) -> tuple[int, int]:
    """(acute alerts nobody claimed yet, acute alerts claimed but not closed)."""
    row = await db.fetchone(
        "SELECT SUM(CASE WHEN state = 'open' THEN 1 ELSE 0 END) AS open, "
        "SUM(CASE WHEN state = 'claimed' THEN 1 ELSE 0 END) AS claimed "
        "FROM crisis_alerts WHERE tier = 'acute' AND state IN ('open', 'claimed')"
    )
    if row is None:
        return 0, 0
    return int(row["open"] or 0), int(row["claimed"] or 0)


async def claim(db: Database, alert_id: int, counselor_id: str, now: datetime) -> bool:
    """Exactly one counselor wins: the row changes only while it is open."""
    changed = await db.execute(
        "UPDATE crisis_alerts SET state = 'claimed', claimed_by = ?, claimed_at = ? "
        "WHERE id = ? AND state = 'open'",
        (counselor_id, _ts(now), alert_id),
    )
    return changed == 1


async def close(db: Database, alert_id: int, by: str, note: str, now: datetime) -> bool:
    changed = await db.execute(
        "UPDATE crisis_alerts SET state = 'closed', closed_by = ?, closed_at = ?, note = ? "
        "WHERE id = ? AND state IN ('open', 'claimed')",
        (by, _ts(now), seal(db, note), alert_id),
    )
    return changed == 1


async def mark_escalated(db: Database, alert_id: int, now: datetime) -> bool:
    """True once, for the escalation of an alert still open."""
    changed = await db.execute(
        "UPDATE crisis_alerts SET escalated_at = ? "
        "WHERE id = ? AND state = 'open' AND escalated_at IS NULL",
        (_ts(now), alert_id),
    )
    return changed == 1


async def crisis_booking(
    db: Database, case_id: int, youth_id: str, counselor_id: str, start: datetime,
    end: datetime, now: datetime,
) -> int:
    """A booking for a claimed crisis, starting now, outside the schedule: status 'opened'
    at once (the session machinery opens the room for it; it does not count as the youth's
    upcoming appointment)."""
    ts = _ts(now)
    start_ts = _ts(start)
    for _ in range(5):
        try:
            booking_id = await db.fetchval(
                "INSERT INTO bookings (case_id, youth_id, counselor_id, start_at, end_at, "
                "status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'opened', ?, ?) "
                "RETURNING id",
                (case_id, youth_id, counselor_id, start_ts, _ts(end), ts, ts),
            )
            return int(booking_id)
        except IntegrityError:
            start_ts += 1  # the counselor has a booking starting this very second
    raise RuntimeError("could not book a crisis session")


async def set_duty(db: Database, counselor_id: str, on: bool, now: datetime) -> None:
    await db.execute(
        "INSERT INTO duty (counselor_id, on_duty, changed_at) VALUES (?, ?, ?) "
        "ON CONFLICT (counselor_id) DO UPDATE SET on_duty = excluded.on_duty, "
        "changed_at = excluded.changed_at",
        (counselor_id, 1 if on else 0, _ts(now)),
    )


async def duty(db: Database) -> dict[str, bool]:
    """Counselor -> their last `!duty on|off` (absent: never said)."""
    rows = await db.fetchall("SELECT counselor_id, on_duty FROM duty")
    return {r["counselor_id"]: bool(r["on_duty"]) for r in rows}


@dataclass(frozen=True)
class Question:
    """The concern question was asked; the youth's next message is its answer."""

    youth_id: str
    category: str
    asked_at: int


async def ask_question(db: Database, youth_id: str, case_id: int | None, category: str,
                       now: datetime) -> None:
    """The concern question was asked (again: the newest counts). Questions nobody answered
    within a day are forgotten here, so no row outlives its use for long."""
    ts = _ts(now)
    async with db.transaction() as conn:  # the event's transaction, when there is one
        await conn.execute("DELETE FROM crisis_questions WHERE asked_at < ?", (ts - 86400,))
        await conn.execute(
            "INSERT INTO crisis_questions (youth_id, case_id, category, asked_at) "
            "VALUES (?, ?, ?, ?) ON CONFLICT (youth_id) DO UPDATE SET "
            "case_id = excluded.case_id, category = excluded.category, "
            "asked_at = excluded.asked_at",
            (youth_id, case_id, category, ts),
        )


async def take_question(db: Database, youth_id: str, now: datetime,
                        max_age_seconds: float) -> Question | None:
    """The youth's open concern question, taken (whatever they answer, it is asked no
    more); None when there is none or it was asked longer than `max_age_seconds` ago."""
    # One statement, in the event's transaction when there is one (a rollback keeps it).
    row = await db.fetchone(
        "DELETE FROM crisis_questions WHERE youth_id = ? RETURNING youth_id, category, asked_at",
        (youth_id,),
    )
    if row is None or _ts(now) - int(row["asked_at"]) > max_age_seconds:
        return None
    return Question(row["youth_id"], row["category"], int(row["asked_at"]))
