"""Reading cases for staff: the facts the access rule needs (bot.domain.case_access), a
counselor's caseload, and everything `!case` shows. Read-only; notes are unsealed here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from bot.domain.case_access import Assignment, CaseFacts, Handover
from bot.storage.db import Database
from bot.storage.sealing import unseal
from bot.storage.youths import Case, case_from_row


def _dt(ts: int | None) -> datetime | None:
    return None if ts is None else datetime.fromtimestamp(int(ts), UTC)


# --- the access rule's facts -----------------------------------------------------------------


async def facts(db: Database, case_id: int) -> CaseFacts | None:
    row = await db.fetchone("SELECT id, ref, counselor_id FROM cases WHERE id = ?", (case_id,))
    if row is None:
        return None
    latest = await db.fetchone(
        "SELECT s.counselor_id, s.created_at FROM sessions s "
        "JOIN bookings b ON b.id = s.booking_id WHERE b.case_id = ? "
        "ORDER BY b.start_at DESC, s.id DESC LIMIT 1", (case_id,))
    upcoming = await db.fetchone(
        "SELECT counselor_id, created_at FROM bookings WHERE case_id = ? AND status = 'booked' "
        "ORDER BY start_at, id LIMIT 1", (case_id,))
    handovers = await db.fetchall(
        "SELECT from_id, to_id, decided_at FROM handovers "
        "WHERE case_id = ? AND state = 'accepted' ORDER BY id", (case_id,))
    return CaseFacts(
        int(row["id"]), row["ref"], row["counselor_id"],
        None if latest is None else Assignment(latest["counselor_id"], int(latest["created_at"])),
        None if upcoming is None else Assignment(upcoming["counselor_id"],
                                                 int(upcoming["created_at"])),
        tuple(Handover(h["from_id"], h["to_id"], int(h["decided_at"] or 0)) for h in handovers),
    )


async def facts_by_ref(db: Database, ref: str) -> CaseFacts | None:
    case_id = await db.fetchval("SELECT id FROM cases WHERE ref = ?", (ref.strip().upper(),))
    return None if case_id is None else await facts(db, int(case_id))


async def candidate_cases(db: Database, counselor_id: str) -> list[int]:
    """Cases this counselor is (or was) bound to: their own, their sessions', their upcoming
    bookings'. The access rule decides which of them are still theirs."""
    rows = await db.fetchall(
        "SELECT id FROM cases WHERE counselor_id = ? "
        "UNION SELECT b.case_id FROM sessions s JOIN bookings b ON b.id = s.booking_id "
        "WHERE s.counselor_id = ? "
        "UNION SELECT case_id FROM bookings WHERE counselor_id = ? AND status = 'booked'",
        (counselor_id, counselor_id, counselor_id))
    return sorted(int(r["id"]) for r in rows)


# --- the caseload ----------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseloadItem:
    case_id: int
    ref: str
    status: str
    topic: str | None
    municipality: str | None
    last_session: datetime | None
    next_session: datetime | None
    open_alerts: int


async def caseload_item(db: Database, case_id: int) -> CaseloadItem | None:
    row = await db.fetchone(
        "SELECT c.id, c.ref, c.status, c.topic, c.municipality, "
        "(SELECT MAX(b.start_at) FROM bookings b WHERE b.case_id = c.id "
        " AND b.status IN ('opened', 'done', 'no_show')) AS last_at, "
        "(SELECT MIN(b.start_at) FROM bookings b WHERE b.case_id = c.id "
        " AND b.status = 'booked') AS next_at, "
        "(SELECT COUNT(*) FROM crisis_alerts a WHERE a.case_id = c.id AND a.tier = 'acute' "
        " AND a.state IN ('open', 'claimed')) AS alerts "
        "FROM cases c WHERE c.id = ?", (case_id,))
    if row is None:
        return None
    return CaseloadItem(int(row["id"]), row["ref"], row["status"], row["topic"],
                        row["municipality"], _dt(row["last_at"]), _dt(row["next_at"]),
                        int(row["alerts"] or 0))


# --- one case, in full -----------------------------------------------------------------------


@dataclass(frozen=True)
class SessionItem:
    start: datetime
    counselor_id: str
    standin_for: str | None
    status: str  # the booking's: opened, done, no_show, missed, booked
    outcome: str | None


@dataclass(frozen=True)
class NoteItem:
    at: datetime
    counselor_id: str
    body: str


@dataclass(frozen=True)
class HandoverItem:
    at: datetime
    from_id: str
    to_id: str
    state: str  # proposed, accepted, declined


@dataclass(frozen=True)
class AlertItem:
    at: datetime
    tier: str  # acute | concern
    category: str
    state: str
    hits: int
    claimed_by: str | None


@dataclass(frozen=True)
class CaseRecord:
    case: Case
    opened_at: datetime
    sessions: list[SessionItem]  # held, oldest first
    upcoming: list[SessionItem]  # booked, soonest first
    notes: list[NoteItem]  # newest first
    handovers: list[HandoverItem]  # oldest first
    alerts: list[AlertItem]  # oldest first


async def record(db: Database, case_id: int) -> CaseRecord | None:
    row = await db.fetchone("SELECT * FROM cases WHERE id = ?", (case_id,))
    if row is None:
        return None
    bookings = await db.fetchall(
        "SELECT b.start_at, COALESCE(s.counselor_id, b.counselor_id) AS counselor, "
        "s.standin_for, b.status, COALESCE(s.outcome, b.outcome) AS outcome "
        "FROM bookings b LEFT JOIN sessions s ON s.booking_id = b.id "
        "WHERE b.case_id = ? AND b.status <> 'cancelled' ORDER BY b.start_at, b.id",
        (case_id,))
    items = [SessionItem(datetime.fromtimestamp(int(b["start_at"]), UTC), b["counselor"],
                         b["standin_for"], b["status"], b["outcome"]) for b in bookings]
    notes = await db.fetchall(
        "SELECT created_at, counselor_id, body FROM case_notes WHERE case_id = ? "
        "ORDER BY created_at DESC, id DESC", (case_id,))
    handovers = await db.fetchall(
        "SELECT created_at, from_id, to_id, state FROM handovers WHERE case_id = ? "
        "ORDER BY created_at, id", (case_id,))
    alerts = await db.fetchall(
        "SELECT created_at, tier, category, state, hits, claimed_by FROM crisis_alerts "
        "WHERE case_id = ? ORDER BY created_at, id", (case_id,))
    return CaseRecord(
        case_from_row(row), datetime.fromtimestamp(int(row["created_at"]), UTC),
        [i for i in items if i.status != "booked"],
        [i for i in items if i.status == "booked"],
        [NoteItem(datetime.fromtimestamp(int(n["created_at"]), UTC), n["counselor_id"],
                  unseal(n["body"]) or "") for n in notes],
        [HandoverItem(datetime.fromtimestamp(int(h["created_at"]), UTC), h["from_id"],
                      h["to_id"], h["state"]) for h in handovers],
        [AlertItem(datetime.fromtimestamp(int(a["created_at"]), UTC), a["tier"] or "acute",
                   a["category"], a["state"] or "closed", int(a["hits"] or 1), a["claimed_by"])
         for a in alerts],
    )
