"""Session rooms: the intent log of openings, joins, outcomes; case notes; handovers."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from bot.storage.db import Database, Row
from bot.storage.sealing import seal
from bot.storage.youths import Case, case_from_row


@dataclass(frozen=True)
class Session:
    id: int
    booking_id: int
    nonce: str
    state: str
    room_id: str | None
    counselor_id: str
    youth_joined: bool
    counselor_joined: bool
    summary_posted: bool
    standin_for: str | None
    outcome: str | None
    # From the booking and case:
    youth_id: str
    case_id: int
    start: datetime


_SELECT = (
    "SELECT s.*, b.youth_id, b.case_id, b.start_at FROM sessions s "
    "JOIN bookings b ON b.id = s.booking_id "
)


def _session(row: Row) -> Session:
    return Session(
        row["id"], row["booking_id"], row["nonce"], row["state"], row["room_id"],
        row["counselor_id"], row["youth_joined_at"] is not None,
        row["counselor_joined_at"] is not None, bool(row["summary_posted"]),
        row["standin_for"], row["outcome"], row["youth_id"], row["case_id"],
        datetime.fromtimestamp(row["start_at"], UTC),
    )


def _ts(at: datetime) -> int:
    return int(at.timestamp())


async def begin(
    db: Database, booking_id: int, counselor_id: str, now: datetime
) -> tuple[Session, bool]:
    """Record the intent to open (idempotent). Returns the session row, whatever its state,
    and whether this call created it (then no room for it can exist yet)."""
    async with db.transaction() as conn:
        created = await conn.execute(
            "INSERT INTO sessions (booking_id, nonce, counselor_id, created_at) "
            "VALUES (?, ?, ?, ?) ON CONFLICT (booking_id) DO NOTHING",
            (booking_id, secrets.token_hex(12), counselor_id, _ts(now)),
        )
        row = await conn.fetchone(_SELECT + "WHERE s.booking_id = ?", (booking_id,))
    assert row is not None
    return _session(row), created == 1


async def get(db: Database, session_id: int) -> Session | None:
    row = await db.fetchone(_SELECT + "WHERE s.id = ?", (session_id,))
    return None if row is None else _session(row)


async def by_booking(db: Database, booking_id: int) -> Session | None:
    row = await db.fetchone(_SELECT + "WHERE s.booking_id = ?", (booking_id,))
    return None if row is None else _session(row)


async def by_room(db: Database, room_id: str) -> Session | None:
    row = await db.fetchone(_SELECT + "WHERE s.room_id = ?", (room_id,))
    return None if row is None else _session(row)


async def unfinished_openings(db: Database) -> list[Session]:
    return [_session(r) for r in await db.fetchall(_SELECT + "WHERE s.state = 'opening'")]


async def set_room(db: Database, session_id: int, room_id: str) -> None:
    await db.execute("UPDATE sessions SET room_id = ? WHERE id = ? AND room_id IS NULL",
                     (room_id, session_id))


async def mark_open(db: Database, session: Session, now: datetime) -> bool:
    """True for the one call that opened it."""
    async with db.transaction() as conn:
        opened = await conn.execute(
            "UPDATE sessions SET state = 'open', opened_at = ? WHERE id = ? AND state = 'opening'",
            (_ts(now), session.id),
        )
        await conn.execute(
            "UPDATE bookings SET status = 'opened', room_id = ?, updated_at = ? "
            "WHERE id = ? AND status = 'booked'",
            (session.room_id, _ts(now), session.booking_id),
        )
    return opened == 1


async def mark_joined(db: Database, session_id: int, who: str, now: datetime) -> None:
    column = "youth_joined_at" if who == "youth" else "counselor_joined_at"
    await db.execute(
        f"UPDATE sessions SET {column} = COALESCE({column}, ?) WHERE id = ?",
        (_ts(now), session_id),
    )


async def claim_summary(db: Database, session_id: int) -> bool:
    """True for exactly one caller: the one that posts the summary."""
    changed = await db.execute(
        "UPDATE sessions SET summary_posted = 1 WHERE id = ? AND summary_posted = 0",
        (session_id,),
    )
    return changed == 1


async def set_state(db: Database, session_id: int, state: str) -> None:
    await db.execute("UPDATE sessions SET state = ? WHERE id = ?", (state, session_id))


async def replace_counselor(db: Database, session_id: int, standin: str, original: str) -> None:
    await db.execute(
        "UPDATE sessions SET counselor_id = ?, standin_for = ? WHERE id = ?",
        (standin, original, session_id),
    )


async def end(db: Database, session: Session, outcome: str, now: datetime) -> None:
    status = "no_show" if outcome == "no-show" else "done"
    async with db.transaction() as conn:
        await conn.execute(
            "UPDATE sessions SET state = 'ended', outcome = ?, ended_at = ? WHERE id = ?",
            (outcome, _ts(now), session.id),
        )
        await conn.execute(
            "UPDATE bookings SET status = ?, outcome = ?, updated_at = ?, phone = NULL "
            "WHERE id = ?",
            (status, outcome, _ts(now), session.booking_id),
        )


async def latest_for_counselor(db: Database, counselor_id: str) -> Session | None:
    """The counselor's current or most recent session (open ones first)."""
    row = await db.fetchone(
        _SELECT + "WHERE s.counselor_id = ? "
        "ORDER BY (s.state IN ('opening', 'open', 'left')) DESC, b.start_at DESC LIMIT 1",
        (counselor_id,),
    )
    return None if row is None else _session(row)


async def latest_for_case(db: Database, case_id: int) -> Session | None:
    row = await db.fetchone(_SELECT + "WHERE b.case_id = ? ORDER BY b.start_at DESC LIMIT 1",
                            (case_id,))
    return None if row is None else _session(row)


async def count_with(db: Database, youth_id: str, counselor_id: str, before: datetime) -> int:
    """Earlier sessions of this youth with this counselor (for the summary)."""
    return int(await db.fetchval(
        "SELECT COUNT(*) FROM sessions s JOIN bookings b ON b.id = s.booking_id "
        "WHERE b.youth_id = ? AND s.counselor_id = ? AND b.start_at < ? "
        "AND s.counselor_joined_at IS NOT NULL",
        (youth_id, counselor_id, _ts(before)),
    ) or 0)


async def set_case_counselor(db: Database, case_id: int, counselor_id: str, *,
                             only_if_unset: bool) -> None:
    sql = "UPDATE cases SET counselor_id = ? WHERE id = ?"
    if only_if_unset:
        sql += " AND counselor_id IS NULL"
    await db.execute(sql, (counselor_id, case_id))


async def add_note(db: Database, case_id: int, counselor_id: str, body: str,
                   now: datetime) -> None:
    await db.execute(
        "INSERT INTO case_notes (case_id, counselor_id, body, created_at) VALUES (?, ?, ?, ?)",
        (case_id, counselor_id, seal(db, body), _ts(now)),
    )


async def propose_handover(db: Database, case_id: int, from_id: str, to_id: str,
                           now: datetime) -> None:
    async with db.transaction() as conn:
        await conn.execute(
            "UPDATE handovers SET state = 'declined', decided_at = ? "
            "WHERE case_id = ? AND state = 'proposed'", (_ts(now), case_id))
        await conn.execute(
            "INSERT INTO handovers (case_id, from_id, to_id, created_at) VALUES (?, ?, ?, ?)",
            (case_id, from_id, to_id, _ts(now)),
        )


@dataclass(frozen=True)
class Handover:
    id: int
    case_id: int
    from_id: str
    to_id: str
    state: str


async def pending_handover(db: Database, youth_id: str) -> Handover | None:
    row = await db.fetchone(
        "SELECT h.* FROM handovers h JOIN cases c ON c.id = h.case_id "
        "WHERE c.youth_id = ? AND h.state = 'proposed' ORDER BY h.id DESC LIMIT 1",
        (youth_id,),
    )
    if row is None:
        return None
    return Handover(row["id"], row["case_id"], row["from_id"], row["to_id"], row["state"])


async def decide_handover(db: Database, handover_id: int, accepted: bool,
                          now: datetime) -> bool:
    """Accept or decline a proposed handover; False if it was decided already."""
    async with db.transaction() as conn:
        changed = await conn.execute(
            "UPDATE handovers SET state = ?, decided_at = ? WHERE id = ? AND state = 'proposed'",
            ("accepted" if accepted else "declined", _ts(now), handover_id),
        )
        if accepted and changed == 1:
            await conn.execute(
                "UPDATE cases SET counselor_id = (SELECT to_id FROM handovers WHERE id = ?) "
                "WHERE youth_id = (SELECT youth_id FROM cases WHERE id = "
                "(SELECT case_id FROM handovers WHERE id = ?))",
                (handover_id, handover_id),
            )
    return changed == 1


async def case_by_ref(db: Database, ref: str) -> Case | None:
    row = await db.fetchone("SELECT * FROM cases WHERE ref = ?", (ref.strip().upper(),))
    return None if row is None else case_from_row(row)
