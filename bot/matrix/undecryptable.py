"""Undecryptable messages survive a restart: kept in the database, retried as keys arrive.

A megolm message whose session the bot does not have yet is parked (event, session id, sender
key, room) and its key is requested from the sender's devices. After every sync — keys come
as to-device events in a sync, and nio imports them before the sync returns — and after a
restart every parked event is tried again. Only when the keys have not come after
`give_up_after` seconds (config: `matrix.undecryptable_resend_minutes`) is the sender asked
to send the message again.

The decision logic is here, without nio, so that its timing is tested in-process; the sync
loop (bot/matrix/sync.py) supplies `decrypt` and dispatches what comes back.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bot.metrics import METRICS
from bot.storage import undecryptable as store
from bot.storage.db import Database

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Recovered:
    parked: store.Parked
    event: Any  # the decrypted event, as `decrypt` returned it


@dataclass(frozen=True)
class Retry:
    recovered: list[Recovered]
    given_up: list[store.Parked]


class Parking:
    def __init__(self, db: Database, *, give_up_after: float,
                 now: Callable[[], float] = time.time) -> None:
        self.db = db
        self.give_up_after = give_up_after
        self.now = now
        self._count: int | None = None  # parked rows, so that an empty table costs nothing

    async def park(self, event_id: str, room_id: str, sender: str, session_id: str,
                   sender_key: str, event: dict[str, Any]) -> bool:
        """Keep an event; True the first time (then its key is worth requesting)."""
        fresh = await store.park(self.db, event_id, room_id, sender, session_id, sender_key,
                                 event, int(self.now()))
        if fresh:
            METRICS.inc("chathulp_undecryptable_parked_total")
            self._count = (self._count or 0) + 1
            log.info("Kept an undecryptable message until its keys arrive")
        return fresh

    async def pending(self) -> list[store.Parked]:
        if self._count == 0:
            return []
        rows = await store.parked(self.db)
        self._count = len(rows)
        return rows

    async def retry(self, decrypt: Callable[[dict[str, Any]], Any | None]) -> Retry:
        """Try every parked event; `decrypt` returns the decrypted event or None.

        Nothing is forgotten here: the caller handles each result, then calls `forget`, so a
        crash in between retries it (the handled-events table keeps it from being answered
        twice)."""
        recovered: list[Recovered] = []
        given_up: list[store.Parked] = []
        now = self.now()
        for parked in await self.pending():
            try:
                event = decrypt(parked.event)
            except Exception:
                log.debug("decrypting a kept event failed", exc_info=True)
                event = None
            if event is not None:
                recovered.append(Recovered(parked, event))
            elif now - parked.received_at >= self.give_up_after:
                given_up.append(parked)
        return Retry(recovered, given_up)

    async def forget(self, event_id: str) -> None:
        await store.forget(self.db, event_id)
        if self._count:
            self._count -= 1
