"""The youth's rights in the database: their history, erasure, retention, the audit trail.

ERASURE below is the ONE list of everything stored about a youth. A table added later that
holds a youth's data (by youth id, case, booking or room) gets one line there; the erasure
test checks every table of the schema for a youth's marker, so a forgotten table fails it.
Anonymous aggregates (monthly report figures) are not listed: they stay.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from bot.storage.db import Connection, Database
from bot.storage.sealing import unseal

# Subsets of one youth, each with exactly one `?` (the youth's id).
_CASES = "(SELECT id FROM cases WHERE youth_id = ?)"
_BOOKINGS = "(SELECT id FROM bookings WHERE youth_id = ?)"

# (table, WHERE clause): children before parents. Every `?` is the youth's id.
ERASURE: list[tuple[str, str]] = [
    ("timers", f"booking_id IN {_BOOKINGS}"),
    ("sessions", f"booking_id IN {_BOOKINGS}"),
    ("handovers", f"case_id IN {_CASES}"),
    ("case_notes", f"case_id IN {_CASES}"),
    ("crisis_alerts", f"case_id IN {_CASES}"),
    ("crisis_questions", "youth_id = ?"),
    ("held_staff_posts", f"case_id IN {_CASES}"),
    ("now_queue", "youth_id = ?"),
    ("case_messages", "youth_id = ?"),
    ("bookings", "youth_id = ?"),
    ("cases", "youth_id = ?"),
    ("handled_events", "room_id IN (SELECT room_id FROM rooms WHERE user_id = ?)"),
    ("undecryptable", "sender = ?"),
    ("outbox", "room_id IN (SELECT room_id FROM rooms WHERE user_id = ?) OR user_id = ?"),
    ("intake_intents", "user_id = ?"),
    ("rooms", "user_id = ?"),
    ("youths", "user_id = ?"),
]
# Erased on the youth's request too (retention keeps it until the account is deactivated).
ACCOUNT = ("service_accounts", "user_id = ?")


@dataclass(frozen=True)
class HistoryItem:
    """One session of the youth, as they may see it (never the counselor's notes)."""

    start: datetime
    counselor_id: str
    topic: str | None
    municipality: str | None
    outcome: str | None  # the outcome id, None while it did not end
    status: str  # the booking's status
    form: str = "chat"  # how it took place: chat, video, phone, visit (`place`: the office)
    place: str | None = None


@dataclass(frozen=True)
class YouthData:
    """What erasing a youth removes, counted, and the rooms to purge on the homeserver."""

    cases: int
    sessions: int
    session_rooms: list[str]
    dm_room: str | None


def _ts(at: datetime) -> int:
    return int(at.timestamp())


async def history(db: Database, youth_id: str) -> list[HistoryItem]:
    """Every session of this youth (opened or ended), oldest first."""
    rows = await db.fetchall(
        "SELECT b.start_at, COALESCE(s.counselor_id, b.counselor_id) AS counselor, "
        "c.topic, c.municipality, COALESCE(s.outcome, b.outcome) AS outcome, b.status, "
        "b.form, b.place FROM bookings b JOIN cases c ON c.id = b.case_id "
        "LEFT JOIN sessions s ON s.booking_id = b.id "
        "WHERE b.youth_id = ? AND b.status IN ('opened', 'done', 'no_show') "
        "ORDER BY b.start_at, b.id",
        (youth_id,),
    )
    return [HistoryItem(datetime.fromtimestamp(r["start_at"], UTC), r["counselor"],
                        r["topic"], r["municipality"], r["outcome"], r["status"],
                        r["form"] or "chat", r["place"])
            for r in rows]


async def youth_data(db: Database, youth_id: str) -> YouthData:
    cases = await db.fetchval("SELECT COUNT(*) FROM cases WHERE youth_id = ?", (youth_id,))
    rows = await db.fetchall(
        "SELECT s.room_id FROM sessions s JOIN bookings b ON b.id = s.booking_id "
        "WHERE b.youth_id = ? AND s.room_id IS NOT NULL", (youth_id,))
    dm = await db.fetchval("SELECT dm_room_id FROM youths WHERE user_id = ?", (youth_id,))
    return YouthData(int(cases or 0), len(rows), [r["room_id"] for r in rows], dm)


async def _erase_in(conn: Connection, youth_id: str, rooms: list[str],
                    tables: list[tuple[str, str]]) -> int:
    for room_id in rooms:  # session rooms: the rooms table knows them without a user id
        await conn.execute("DELETE FROM handled_events WHERE room_id = ?", (room_id,))
        await conn.execute("DELETE FROM rooms WHERE room_id = ?", (room_id,))
        await conn.execute("DELETE FROM outbox WHERE room_id = ?", (room_id,))
    total = 0
    for table, where in tables:
        total += await conn.execute(f"DELETE FROM {table} WHERE {where}",
                                    (youth_id,) * where.count("?"))
    return total


async def erase_youth(
    db: Database, youth_id: str, *, keep_account: bool = False,
    before: Callable[[], Awaitable[None]] | None = None, purge_reason: str | None = None,
    now: datetime | None = None,
) -> int:
    """Delete every row about this youth (ERASURE), in one transaction. Rows deleted.

    `keep_account`: keep the record that the service made their account (retention, so
    that the unused account is still deactivated later). `before` runs first inside the same
    transaction (the report's anonymous counts are kept there). `purge_reason`: queue the
    youth's session rooms for purging from the homeserver (bot/storage/purges.py), in the
    same transaction, with this audit reason (at `now`)."""
    data = await youth_data(db, youth_id)
    rooms = [r for r in [*data.session_rooms, data.dm_room] if r]
    tables = ERASURE if keep_account else [*ERASURE, ACCOUNT]
    async with db.transaction() as conn:
        if before is not None:
            await before()
        count = await _erase_in(conn, youth_id, rooms, tables)
        if purge_reason is not None and data.session_rooms:
            from bot.storage import purges  # it imports this module (the audit)

            await purges.want(db, data.session_rooms, purge_reason, now or datetime.now(UTC))
    await db.flush_log()
    return count


# --- erasure requests -------------------------------------------------------------------------


async def ask_forget(db: Database, youth_id: str, now: datetime) -> None:
    await db.execute("UPDATE youths SET forget_asked = ? WHERE user_id = ?",
                     (_ts(now), youth_id))


async def forget_asked(db: Database, youth_id: str) -> datetime | None:
    value = await db.fetchval("SELECT forget_asked FROM youths WHERE user_id = ?", (youth_id,))
    return None if value is None else datetime.fromtimestamp(value, UTC)


async def clear_forget(db: Database, youth_id: str) -> None:
    await db.execute("UPDATE youths SET forget_asked = NULL WHERE user_id = ?", (youth_id,))


# --- accounts the service made ----------------------------------------------------------------


async def record_service_account(db: Database, user_id: str, now: datetime) -> None:
    await db.execute(
        "INSERT INTO service_accounts (user_id, created_at) VALUES (?, ?) "
        "ON CONFLICT (user_id) DO NOTHING", (user_id, _ts(now)))


async def is_service_account(db: Database, user_id: str) -> bool:
    return await db.fetchval("SELECT 1 FROM service_accounts WHERE user_id = ?",
                             (user_id,)) is not None


async def forget_service_account(db: Database, user_id: str) -> None:
    await db.execute("DELETE FROM service_accounts WHERE user_id = ?", (user_id,))


async def unused_service_accounts(db: Database, before: datetime) -> list[str]:
    """Accounts the service made that nobody used since `before` (no youth row seen since)."""
    rows = await db.fetchall(
        "SELECT a.user_id FROM service_accounts a LEFT JOIN youths y ON y.user_id = a.user_id "
        "WHERE COALESCE(y.last_seen, a.created_at) < ?", (_ts(before),))
    return [r["user_id"] for r in rows]


# --- retention --------------------------------------------------------------------------------


async def youths_without_session(db: Database, before: datetime) -> list[str]:
    """Youths whose intake never led to a session, not seen since `before`."""
    rows = await db.fetchall(
        "SELECT user_id FROM youths y WHERE last_seen < ? AND NOT EXISTS "
        "(SELECT 1 FROM bookings b WHERE b.youth_id = y.user_id AND b.status <> 'cancelled')",
        (_ts(before),))
    return [r["user_id"] for r in rows]


async def youths_expired(db: Database, before: datetime) -> list[str]:
    """Youths with cases, not seen and without any case change or booking since `before`."""
    rows = await db.fetchall(
        "SELECT user_id FROM youths y WHERE last_seen < ? "
        "AND NOT EXISTS (SELECT 1 FROM cases c WHERE c.youth_id = y.user_id "
        "                AND c.updated_at >= ?) "
        "AND NOT EXISTS (SELECT 1 FROM bookings b WHERE b.youth_id = y.user_id "
        "                AND (b.end_at >= ? OR b.status = 'booked'))",
        (_ts(before), _ts(before), _ts(before)))
    return [r["user_id"] for r in rows]


async def drop_free_text(db: Database, before: datetime, story_steps: set[str]) -> int:
    """Free text of youths whose last session was before `before` (and who have no upcoming
    one): the case's free text and the story answers go. Returns the cases changed."""
    rows = await db.fetchall(
        "SELECT c.id, c.answers, c.youth_id FROM cases c "
        "WHERE (c.free_text IS NOT NULL OR c.answers LIKE 'cx1:%' OR c.answers <> '{}') "
        "AND EXISTS (SELECT 1 FROM bookings b WHERE b.youth_id = c.youth_id "
        "            AND b.status IN ('opened', 'done', 'no_show', 'missed')) "
        "AND NOT EXISTS (SELECT 1 FROM bookings b WHERE b.youth_id = c.youth_id "
        "                AND (b.start_at >= ? OR b.status IN ('booked', 'opened')))",
        (_ts(before),))
    from bot.storage.sealing import seal

    changed = 0
    async with db.transaction() as conn:
        for row in rows:
            answers = json.loads(unseal(row["answers"]) or "{}")
            kept = {k: v for k, v in answers.items() if k not in story_steps}
            free = await conn.fetchval("SELECT free_text FROM cases WHERE id = ?", (row["id"],))
            if kept == answers and free is None:
                continue
            await conn.execute(
                "UPDATE cases SET free_text = NULL, answers = ? WHERE id = ?",
                (seal(db, json.dumps(kept, ensure_ascii=False)), row["id"]))
            changed += 1
            intake = await conn.fetchval("SELECT intake FROM youths WHERE user_id = ?",
                                         (row["youth_id"],))
            if intake:
                state = json.loads(unseal(intake) or "{}")
                if isinstance(state.get("answers"), dict):
                    state["answers"] = {k: v for k, v in state["answers"].items()
                                        if k not in story_steps}
                    await conn.execute(
                        "UPDATE youths SET intake = ? WHERE user_id = ?",
                        (seal(db, json.dumps(state, ensure_ascii=False)), row["youth_id"]))
    return changed


# --- the audit trail --------------------------------------------------------------------------


@dataclass(frozen=True)
class AuditEntry:
    at: datetime
    action: str
    reason: str
    count: int
    actor: str | None


async def audit(db: Database, action: str, reason: str, now: datetime, *, count: int = 1,
                actor: str | None = None) -> None:
    """One line in the admins' audit trail: what, why, how many — never who it was about.

    `actor`: a staff member's id for staff actions (e.g. a counselor reading a case)."""
    await db.execute(
        "INSERT INTO audit_log (at, action, reason, count, actor) VALUES (?, ?, ?, ?, ?)",
        (_ts(now), action, reason, count, actor))


async def audit_trail(db: Database, limit: int = 100) -> list[AuditEntry]:
    rows = await db.fetchall(
        "SELECT * FROM audit_log ORDER BY at DESC, id DESC LIMIT ?", (limit,))
    return [AuditEntry(datetime.fromtimestamp(r["at"], UTC), r["action"], r["reason"],
                       r["count"], r["actor"]) for r in rows]
