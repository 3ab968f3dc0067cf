"""Queries for the outbox: what the bot decided to send or do in a room, before it is done.

A row is written in the transaction that made the decision (so it exists exactly when the
decision does) and marked done after the homeserver took it. Done rows keep no text.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass

from bot.storage.db import Database, Row
from bot.storage.sealing import seal, unseal

NOTICE = "notice"
LEAVE = "leave"


@dataclass(frozen=True)
class OutboxItem:
    id: int
    room_id: str | None
    user_id: str | None
    action: str
    body: str
    html: str
    allow_plain: bool
    origin_ms: int | None
    txn_id: str
    attempts: int
    created_at: int
    batch: str | None = None  # the transaction that decided it (see `merged`)


def _item(row: Row) -> OutboxItem:
    return OutboxItem(
        int(row["id"]), row["room_id"], row["user_id"], str(row["action"]),
        unseal(row["body"]) or "", unseal(row["html"]) or "", bool(row["allow_plain"]),
        None if row["origin_ms"] is None else int(row["origin_ms"]), str(row["txn_id"]),
        int(row["attempts"]), int(row["created_at"]), row["batch"],
    )


async def enqueue(
    db: Database,
    *,
    room_id: str | None,
    user_id: str | None = None,
    action: str = NOTICE,
    body: str = "",
    html: str = "",
    allow_plain: bool = False,
    origin_ms: int | None = None,
    batch: str | None = None,
) -> int:
    """A new pending row (in the running transaction, if any); returns its id."""
    if room_id is None and user_id is None:
        raise ValueError("an outbox row needs a room or a user")
    txn_id = f"chathulp.{uuid.uuid4().hex}"
    row_id = await db.fetchval(
        "INSERT INTO outbox (room_id, user_id, action, body, html, allow_plain, origin_ms, "
        "txn_id, created_at, batch) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        # Sealed at rest: a pending notice can carry the intake summary (the youth's words).
        (room_id, user_id, action, seal(db, body) or "", seal(db, html) or "",
         int(allow_plain), origin_ms, txn_id,
         int(time.time()), batch),
    )
    return int(row_id)


async def pending(db: Database, limit: int = 500) -> list[OutboxItem]:
    """Pending rows, oldest first (the order they were decided in)."""
    rows = await db.fetchall(
        "SELECT * FROM outbox WHERE status = 'pending' ORDER BY id LIMIT ?", (limit,)
    )
    return [_item(r) for r in rows]


async def pending_targets(db: Database, limit: int = 1000) -> list[tuple[str | None, str | None]]:
    """(room_id, user_id) of every room or user with pending rows, the longest waiting
    first: the sender's work list, without reading (and unsealing) every row's text."""
    rows = await db.fetchall(
        "SELECT room_id, user_id, MIN(id) AS first FROM outbox WHERE status = 'pending' "
        "GROUP BY room_id, user_id ORDER BY first LIMIT ?", (limit,)
    )
    return [(r["room_id"], r["user_id"]) for r in rows]


async def pending_in_room(db: Database, room_id: str) -> list[OutboxItem]:
    rows = await db.fetchall(
        "SELECT * FROM outbox WHERE status = 'pending' AND room_id = ? ORDER BY id", (room_id,)
    )
    return [_item(r) for r in rows]


async def pending_for_user(db: Database, user_id: str) -> list[OutboxItem]:
    rows = await db.fetchall(
        "SELECT * FROM outbox WHERE status = 'pending' AND room_id IS NULL AND user_id = ? "
        "ORDER BY id", (user_id,),
    )
    return [_item(r) for r in rows]


async def address(db: Database, user_id: str, room_id: str) -> None:
    """Rows waiting for a user's DM now go to that room (keeping their order)."""
    await db.execute(
        "UPDATE outbox SET room_id = ? WHERE status = 'pending' AND room_id IS NULL "
        "AND user_id = ?", (room_id, user_id),
    )


async def mark_done(db: Database, item_id: int, event_id: str | None) -> None:
    await db.execute(
        "UPDATE outbox SET status = 'done', event_id = ?, done_at = ?, body = '', html = '' "
        "WHERE id = ? AND status = 'pending'", (event_id, int(time.time()), item_id),
    )


async def mark_all_done(db: Database, item_ids: list[int], event_id: str | None) -> None:
    """Rows sent together as one message: done together."""
    async with db.transaction():
        for item_id in item_ids:
            await mark_done(db, item_id, event_id)


async def mark_dropped(db: Database, item_id: int, reason: str) -> None:
    """Not sendable, ever (e.g. an unencrypted room, a room the bot is no longer in)."""
    await db.execute(
        "UPDATE outbox SET status = 'dropped', last_error = ?, done_at = ?, body = '', "
        "html = '' WHERE id = ? AND status = 'pending'", (reason[:200], int(time.time()), item_id),
    )


async def note_attempt(db: Database, item_id: int, error: str) -> None:
    await db.execute(
        "UPDATE outbox SET attempts = attempts + 1, last_error = ? WHERE id = ?",
        (error[:200], item_id),
    )


async def backlog(db: Database) -> tuple[int, int | None]:
    """(pending rows, created_at of the oldest pending row or None)."""
    row = await db.fetchone(
        "SELECT COUNT(*) AS n, MIN(created_at) AS oldest FROM outbox WHERE status = 'pending'"
    )
    if row is None:
        return 0, None
    return int(row["n"] or 0), None if row["oldest"] is None else int(row["oldest"])


async def has_pending_leave(db: Database, room_id: str) -> bool:
    return bool(await db.fetchval(
        "SELECT 1 FROM outbox WHERE status = 'pending' AND action = 'leave' AND room_id = ?",
        (room_id,),
    ))


async def forget_done(db: Database, older_than_days: int = 7) -> int:
    cutoff = int(time.time()) - older_than_days * 86400
    return await db.execute(
        "DELETE FROM outbox WHERE status IN ('done', 'dropped') AND done_at < ?", (cutoff,)
    )


async def sessions_left_behind(db: Database) -> list[tuple[int, str, str]]:
    """(session id, room id, state) of sessions whose room the bot should have left or will
    leave: the summary is posted (state 'open'), or the session was left or ended."""
    rows = await db.fetchall(
        "SELECT id, room_id, state FROM sessions WHERE room_id IS NOT NULL AND "
        "(state IN ('left', 'ended') OR (state = 'open' AND summary_posted = 1)) ORDER BY id"
    )
    return [(int(r["id"]), str(r["room_id"]), str(r["state"])) for r in rows]


async def mark_session_left(db: Database, session_id: int) -> None:
    await db.execute(
        "UPDATE sessions SET state = 'left' WHERE id = ? AND state = 'open'", (session_id,)
    )
