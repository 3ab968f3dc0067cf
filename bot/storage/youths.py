"""Youths and their cases. Only pseudonymous data: a Matrix id, intake answers, times."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from bot.domain.intake import IntakeState
from bot.domain.refs import new_case_ref
from bot.storage.db import Connection, Database, Row
from bot.storage.sealing import seal, unseal


@dataclass(frozen=True)
class Youth:
    user_id: str
    dm_room_id: str | None
    campaign: str | None
    municipality: str | None
    intake: IntakeState
    first_seen: int
    last_seen: int


@dataclass(frozen=True)
class Case:
    id: int
    ref: str
    youth_id: str
    status: str
    language: str
    answers: dict[str, str]
    counselor_id: str | None
    topic: str | None = None
    urgency: str | None = None
    municipality: str | None = None
    age_band: str | None = None
    free_text: str | None = None


def _youth(row: Row, fallback: IntakeState) -> Youth:
    try:
        state = IntakeState.from_json(unseal(row["intake"]) or "")
    except ValueError:
        state = fallback  # a damaged row restarts the intake rather than crashing the bot
    return Youth(row["user_id"], row["dm_room_id"], row["campaign"], row["municipality"],
                 state, row["first_seen"], row["last_seen"])


def case_from_row(row: Row) -> Case:
    return Case(row["id"], row["ref"], row["youth_id"], row["status"], row["language"],
                json.loads(unseal(row["answers"]) or "{}"), row["counselor_id"], row["topic"],
                row["urgency"], row["municipality"], row["age_band"], unseal(row["free_text"]))


async def get_youth(db: Database, user_id: str, fresh: IntakeState) -> Youth | None:
    row = await db.fetchone("SELECT * FROM youths WHERE user_id = ?", (user_id,))
    return None if row is None else _youth(row, fresh)


async def first_contact(
    db: Database, user_id: str, room_id: str, state: IntakeState, now: datetime
) -> tuple[Youth, Case]:
    """Create the youth (if new) with an open intake case; idempotent."""
    ts = int(now.timestamp())
    async with db.transaction() as conn:
        await conn.execute(
            "INSERT INTO youths (user_id, dm_room_id, intake, first_seen, last_seen) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT(user_id) DO NOTHING",
            (user_id, room_id, seal(db, state.to_json()), ts, ts),
        )
        row = await conn.fetchone("SELECT * FROM youths WHERE user_id = ?", (user_id,))
        assert row is not None
        youth = _youth(row, state)
        case = await _current_case(conn, user_id)
        if case is None:
            case = await _open_case(conn, user_id, state.language, youth, ts)
    return youth, case


async def _current_case(conn: Connection, user_id: str) -> Case | None:
    """The youth's most recent case, whatever its status."""
    row = await conn.fetchone(
        "SELECT * FROM cases WHERE youth_id = ? ORDER BY created_at DESC, id DESC LIMIT 1",
        (user_id,),
    )
    return None if row is None else case_from_row(row)


async def _open_case(
    conn: Connection, user_id: str, language: str, youth: Youth, ts: int
) -> Case:
    for _ in range(10):
        ref = new_case_ref()
        row = await conn.fetchone(
            "INSERT INTO cases (ref, youth_id, language, municipality, campaign, "
            "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (ref) DO NOTHING RETURNING *",
            (ref, user_id, language, youth.municipality, youth.campaign, ts, ts),
        )
        if row is not None:
            return case_from_row(row)
    raise RuntimeError("could not find a free case reference")


async def save_intake(
    db: Database,
    youth: Youth,
    case: Case,
    state: IntakeState,
    now: datetime,
    *,
    room_id: str,
    completed: bool = False,
    referred: bool = False,
    fields: Mapping[str, str | None] | None = None,
) -> None:
    """Store the youth's new intake state; the case follows while it is in intake.

    On completion (or referral) the case is filled from the answers.
    """
    ts = int(now.timestamp())
    async with db.transaction() as conn:
        await conn.execute(
            "UPDATE youths SET intake = ?, last_seen = ?, dm_room_id = ? WHERE user_id = ?",
            (seal(db, state.to_json()), ts, room_id, youth.user_id),
        )
        if case.status != "intake":
            return
        status = "open" if completed else "referred" if referred else None
        f = dict(fields or {})
        await conn.execute(
            "UPDATE cases SET language = ?, answers = ?, updated_at = ?, "
            "status = COALESCE(?, status), age_band = COALESCE(?, age_band), "
            "topic = COALESCE(?, topic), urgency = COALESCE(?, urgency), "
            "municipality = COALESCE(?, municipality), free_text = COALESCE(?, free_text) "
            "WHERE id = ?",
            (state.language, seal(db, json.dumps(dict(state.answers), ensure_ascii=False)), ts,
             status, f.get("age_band"), f.get("topic"), f.get("urgency"), f.get("municipality"),
             seal(db, f.get("free_text")), case.id),
        )


async def new_intake_case(
    db: Database, youth: Youth, state: IntakeState, now: datetime
) -> Case:
    """A youth whose last case is past its intake starts the intake again: a new case."""
    async with db.transaction() as conn:
        return await _open_case(conn, youth.user_id, state.language, youth, int(now.timestamp()))


async def set_campaign(
    db: Database, user_id: str, campaign: str, municipality: str | None
) -> None:
    """The invite link's campaign tells the region without asking the youth."""
    async with db.transaction() as conn:
        await conn.execute(
            "UPDATE youths SET campaign = ?, municipality = COALESCE(?, municipality) "
            "WHERE user_id = ?",
            (campaign, municipality, user_id),
        )
        await conn.execute(
            "UPDATE cases SET campaign = ?, municipality = COALESCE(?, municipality) "
            "WHERE youth_id = ? AND status = 'intake'",
            (campaign, municipality, user_id),
        )


async def set_offer(db: Database, user_id: str, offer_json: str | None) -> None:
    await db.execute("UPDATE youths SET offer = ? WHERE user_id = ?", (offer_json, user_id))


async def get_offer(db: Database, user_id: str) -> str | None:
    return await db.fetchval("SELECT offer FROM youths WHERE user_id = ?", (user_id,))


async def youth_counselor(db: Database, user_id: str) -> str | None:
    """The youth's own counselor (continuity): the latest case that has one."""
    return await db.fetchval(
        "SELECT counselor_id FROM cases WHERE youth_id = ? AND counselor_id IS NOT NULL "
        "ORDER BY created_at DESC, id DESC LIMIT 1",
        (user_id,),
    )


async def get_case(db: Database, case_id: int) -> Case | None:
    row = await db.fetchone("SELECT * FROM cases WHERE id = ?", (case_id,))
    return None if row is None else case_from_row(row)


async def dm_room_of(db: Database, user_id: str) -> str | None:
    return await db.fetchval("SELECT dm_room_id FROM youths WHERE user_id = ?", (user_id,))


async def touch(db: Database, user_id: str, now: datetime) -> None:
    await db.execute("UPDATE youths SET last_seen = ? WHERE user_id = ?",
                     (int(now.timestamp()), user_id))


async def latest_case(db: Database, user_id: str) -> Case | None:
    row = await db.fetchone(
        "SELECT * FROM cases WHERE youth_id = ? ORDER BY created_at DESC, id DESC LIMIT 1",
        (user_id,),
    )
    return None if row is None else case_from_row(row)
