"""Durable intents that are not outbox rows: intake DMs to open for web sign-ups, and
staff-room posts held while a non-staff member is in the staff room.

Both are written in the transaction that decides on them and deleted in the one that
carries them out, so a restart in between resumes them, and a finished one is not redone.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from bot.domain.messages import Message
from bot.storage.db import Database
from bot.storage.sealing import seal, unseal


@dataclass(frozen=True)
class IntakeIntent:
    user_id: str
    campaign: str | None
    created_at: int
    attempts: int


async def want_intake(db: Database, user_id: str, campaign: str | None) -> None:
    """Remember that an intake DM must be opened with `user_id` (idempotent)."""
    await db.execute(
        "INSERT INTO intake_intents (user_id, campaign, created_at) VALUES (?, ?, ?) "
        "ON CONFLICT (user_id) DO NOTHING",
        (user_id, campaign or None, int(time.time())),
    )


async def intake_intent(db: Database, user_id: str) -> IntakeIntent | None:
    row = await db.fetchone("SELECT * FROM intake_intents WHERE user_id = ?", (user_id,))
    if row is None:
        return None
    return IntakeIntent(str(row["user_id"]), row["campaign"], int(row["created_at"]),
                        int(row["attempts"]))


async def pending_intakes(db: Database) -> list[IntakeIntent]:
    rows = await db.fetchall("SELECT * FROM intake_intents ORDER BY created_at, user_id")
    return [IntakeIntent(str(r["user_id"]), r["campaign"], int(r["created_at"]),
                         int(r["attempts"])) for r in rows]


async def intake_done(db: Database, user_id: str) -> bool:
    """The intake DM is recorded (call in that transaction). False if it was done before."""
    return await db.execute("DELETE FROM intake_intents WHERE user_id = ?", (user_id,)) > 0


async def intake_failed(db: Database, user_id: str, error: str) -> None:
    await db.execute(
        "UPDATE intake_intents SET attempts = attempts + 1, last_error = ? WHERE user_id = ?",
        (error[:200], user_id),
    )


@dataclass(frozen=True)
class HeldPost:
    id: int
    message: Message
    created_at: int


async def hold_staff_post(db: Database, message: Message, case_id: int | None = None) -> int:
    """A staff-room post held back (sealed: an alert can quote the youth); `case_id`: the
    case it is about, so that erasing the youth removes it."""
    row_id = await db.fetchval(
        "INSERT INTO held_staff_posts (body, html, created_at, case_id) VALUES (?, ?, ?, ?) "
        "RETURNING id",
        (seal(db, message.plain) or "", seal(db, message.html) or "", int(time.time()),
         case_id),
    )
    return int(row_id)


async def held_staff_posts(db: Database) -> list[HeldPost]:
    rows = await db.fetchall("SELECT * FROM held_staff_posts ORDER BY id")
    return [HeldPost(int(r["id"]), Message(unseal(r["body"]) or "", unseal(r["html"]) or ""),
                     int(r["created_at"])) for r in rows]


async def release_staff_post(db: Database, post_id: int) -> bool:
    """Delete a held post (in the transaction that queues it); False if already released."""
    return await db.execute("DELETE FROM held_staff_posts WHERE id = ?", (post_id,)) > 0
