"""The purge queue: an erased youth's session rooms are purged from the homeserver, for sure.

- The erasure writes one row per session room (`bot/storage/purges.py`) in its own
  transaction, so the room ids cannot be lost between the erasure and the purge.
- One worker asks Synapse to delete each room (`DELETE /_synapse/admin/v2/rooms/<id>`, with
  `purge` and `force_purge`) and keeps the `delete_id` in the row; it polls the delete task
  until Synapse says `complete` — only then the row goes and the "purge" audit line is
  written, together. The task runs in Synapse's scheduler: it may wait (five run at once,
  new ones may wait up to a minute) or fail.
- A failed task is asked again; an error (homeserver down, 5xx) is retried; both with
  back-off. A delete task Synapse forgot (404) is asked again; a 404 for the room counts
  as done. At start-up every pending row is resumed at once (its `delete_id` polled).
- `chathulp_room_purges_pending` counts the rows; one that waits longer than
  `warn_after_minutes` is logged once as a warning (no room ids in the log, ever).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Protocol

from bot.clock import Clock
from bot.matrix.admin import PurgeAnswer
from bot.metrics import METRICS
from bot.pump import Pump
from bot.storage import purges as store
from bot.storage.db import Database
from bot.storage.faults import is_storage_fault
from bot.storage.purges import PendingPurge

log = logging.getLogger(__name__)


class PurgeApi(Protocol):
    """What the worker needs of `bot.matrix.admin.HomeserverAdmin`."""

    async def start_purge(self, room_id: str) -> PurgeAnswer: ...

    async def purge_status(self, delete_id: str) -> PurgeAnswer: ...


class RoomPurger(Pump):
    task_name = "purges"

    def __init__(
        self,
        db: Database,
        clock: Clock,
        admin: Callable[[], PurgeApi | None],
        *,
        poll_seconds: float = 2.0,
        poll_max: float = 15.0,
        retry_seconds: float = 5.0,
        backoff_max: float = 300.0,
        warn_after_minutes: float = 30.0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__()
        self.db = db
        self.clock = clock
        # Read at every step: the token can come and go with a config reload.
        self.admin = admin
        self.poll_seconds = poll_seconds
        self.poll_max = poll_max
        self.retry_seconds = retry_seconds
        self.backoff_max = backoff_max
        self.warn_after = warn_after_minutes * 60
        self.monotonic = monotonic
        self._due: dict[int, float] = {}  # row id → when its next step is due (monotonic)
        self._poll: dict[int, float] = {}  # row id → the current poll interval
        self._warned: set[int] = set()
        self._no_admin_warned = False

    def failed(self, exc: Exception) -> float:
        if is_storage_fault(exc):  # said loudly by the sync loop
            log.warning("Room purges wait: the database cannot be written")
        else:
            log.exception("Pending room purges could not be worked on; trying again")
        return self.retry_seconds

    async def pump(self) -> float:
        """One step for every pending purge that is due; seconds until the next is due."""
        rows = await store.pending(self.db)
        METRICS.set("chathulp_room_purges_pending", len(rows))
        ids = {row.id for row in rows}
        for state in (self._due, self._poll):
            for gone in set(state) - ids:
                del state[gone]
        self._warned &= ids
        if not rows:
            return 300.0  # `kick` wakes the worker when rooms are queued
        self._warn_long(rows)
        admin = self.admin()
        if admin is None:
            if not self._no_admin_warned:
                self._no_admin_warned = True
                log.warning("%d room purges wait for a homeserver admin token", len(rows))
            return 60.0
        self._no_admin_warned = False
        next_in = 60.0
        for row in rows:
            due = self._due.get(row.id, 0.0)
            if due <= self.monotonic():
                await self.step(admin, row)
            if row.id in self._due:
                next_in = min(next_in, self._due[row.id] - self.monotonic())
        METRICS.set("chathulp_room_purges_pending", await store.count(self.db))
        return max(0.1, next_in)

    async def step(self, admin: PurgeApi, row: PendingPurge) -> None:
        """Ask for the delete, or ask how it goes; done only when Synapse says `complete`."""
        if row.delete_id is None:
            answer = await admin.start_purge(row.room_id)
            if answer.status == "unknown":  # the homeserver does not know the room
                await self._finish(row)
            elif answer.status in ("started", "busy") and answer.delete_id:
                await store.started(self.db, row.id, answer.delete_id)
                self._poll[row.id] = self.poll_seconds
                self._after(row.id, self.poll_seconds)
            elif answer.status == "busy":  # one runs but it was not found: look again
                self._after(row.id, self.poll_seconds)
            else:
                await self._failed(row, answer.detail or answer.status, restart=False)
            return
        answer = await admin.purge_status(row.delete_id)
        if answer.status == "complete":
            await self._finish(row)
        elif answer.status in ("scheduled", "active"):
            interval = self._poll.get(row.id, self.poll_seconds)
            self._poll[row.id] = min(interval * 1.5, self.poll_max)
            self._after(row.id, interval)
        elif answer.status == "failed":
            await self._failed(row, "delete task failed", restart=True)
        elif answer.status == "unknown":
            # Synapse forgot the task (it keeps them a week, or its database was reset):
            # ask for the delete again, at once.
            await store.forgotten(self.db, row.id)
            self._after(row.id, 0.0)
        else:
            await self._failed(row, answer.detail or answer.status, restart=False)

    def _after(self, row_id: int, seconds: float) -> None:
        self._due[row_id] = self.monotonic() + seconds

    async def _failed(self, row: PendingPurge, why: str, *, restart: bool) -> None:
        await store.failed(self.db, row.id, why, restart=restart)
        delay = min(self.retry_seconds * 2 ** min(row.attempts, 16), self.backoff_max)
        self._after(row.id, delay)
        self._poll.pop(row.id, None)
        log.warning("A room purge did not go through (%s; attempt %d); retrying in %.0f s",
                    why, row.attempts + 1, delay)

    async def _finish(self, row: PendingPurge) -> None:
        if await store.done(self.db, row, self.clock.now()):
            log.info("Purged a session room from the homeserver (%s)", row.reason)
        self._due.pop(row.id, None)
        self._poll.pop(row.id, None)

    def _warn_long(self, rows: list[PendingPurge]) -> None:
        now = self.clock.now().timestamp()
        for row in rows:
            waited = now - row.created_at
            if waited >= self.warn_after and row.id not in self._warned:
                self._warned.add(row.id)
                log.warning("A room purge has waited %d minutes for the homeserver (%d failed "
                            "attempts, last: %s); still trying", waited // 60, row.attempts,
                            row.last_error or "none")
