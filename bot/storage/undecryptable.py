"""Messages the bot could not decrypt yet, kept with their megolm session until keys arrive.

Only the encrypted event is stored (ciphertext and routing fields), never a decrypted body.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from bot.storage.db import Database


@dataclass(frozen=True)
class Parked:
    event_id: str
    room_id: str
    sender: str
    session_id: str
    sender_key: str
    event: dict[str, Any]  # the encrypted event as received
    received_at: int  # epoch seconds


async def park(db: Database, event_id: str, room_id: str, sender: str, session_id: str,
               sender_key: str, event: dict[str, Any], received_at: int) -> bool:
    """Keep an undecryptable event; False when it was kept before."""
    changed = await db.execute(
        "INSERT INTO undecryptable (event_id, room_id, sender, session_id, sender_key, event, "
        "received_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (event_id) DO NOTHING",
        (event_id, room_id, sender, session_id, sender_key, json.dumps(event), received_at),
    )
    return changed == 1


async def parked(db: Database) -> list[Parked]:
    """Every kept event, oldest first."""
    rows = await db.fetchall(
        "SELECT event_id, room_id, sender, session_id, sender_key, event, received_at "
        "FROM undecryptable ORDER BY received_at, event_id"
    )
    return [Parked(str(r["event_id"]), str(r["room_id"]), str(r["sender"]),
                   str(r["session_id"]), str(r["sender_key"]), json.loads(r["event"]),
                   int(r["received_at"])) for r in rows]


async def forget(db: Database, event_id: str) -> None:
    await db.execute("DELETE FROM undecryptable WHERE event_id = ?", (event_id,))


async def count(db: Database) -> int:
    return int(await db.fetchval("SELECT COUNT(*) FROM undecryptable") or 0)
