"""Intake DMs for web sign-ups, durable: the page says "invited" only once an intent row
exists, and that row is deleted in the transaction that records the opened room.

- `request(user_id, campaign)`: the intent row (in the caller's transaction, if any); then
  the opener tries at once and the caller may wait for it (`wait`).
- One worker opens pending intents one after another (no two attempts for one user at once):
  the room is looked up first (one created just before a crash is reused, see
  `YouthHandler.intake_room`), else created — outside any transaction — and then the room,
  the youth and the intent's removal commit together. So each sign-up gets exactly one DM.
- A failure (homeserver down, 429) leaves the row; it is retried with back-off, and at
  start-up (`start`, after the first sync, so the client knows every room it is in).
  `chathulp_intake_pending` shows how many wait.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Protocol

from bot.backoff import Backoff
from bot.metrics import METRICS
from bot.pump import Pump
from bot.storage import intents
from bot.storage.db import Database

log = logging.getLogger(__name__)


class IntakeSide(Protocol):
    """What the opener needs of `bot.handlers.youth.YouthHandler`."""

    async def intake_room(self, user_id: str) -> str | None: ...

    async def create_intake_room(self, user_id: str) -> str: ...

    async def record_intake(self, user_id: str, room_id: str, campaign: str | None) -> None: ...


class IntakeOpener(Pump):
    task_name = "intakes"

    def __init__(self, db: Database, youth: IntakeSide, *, backoff_max: float = 60.0) -> None:
        super().__init__()
        self.db = db
        self.youth = youth
        self._done: dict[str, asyncio.Event] = {}
        self.backoff = Backoff(1.0, backoff_max)

    async def request(self, user_id: str, campaign: str | None) -> None:
        """The durable intent (in the running transaction, if any); opened after commit."""
        await intents.want_intake(self.db, user_id, campaign)
        self._done.setdefault(user_id, asyncio.Event())
        self.db.after_commit(self.kick)

    async def wait(self, user_id: str, timeout: float) -> bool:
        """Until the intake DM of `user_id` is recorded (False after `timeout` s)."""
        done = self._done.setdefault(user_id, asyncio.Event())
        if await intents.intake_intent(self.db, user_id) is None:
            return True
        try:
            async with asyncio.timeout(timeout):
                await done.wait()
        except TimeoutError:
            return False
        return True

    def failed(self, exc: Exception) -> float:
        log.exception("Pending intake DMs could not be read; trying again")
        return 5.0

    async def pump(self) -> float:
        """Try every pending intent that is due; returns seconds until the next retry."""
        pending = await intents.pending_intakes(self.db)
        METRICS.set("chathulp_intake_pending", len(pending))
        next_in = 30.0
        for intent in pending:
            wait = self.backoff.wait_left(intent.user_id)
            if wait > 0:
                next_in = min(next_in, wait)
                continue
            if not await self.open_one(intent):
                next_in = min(next_in, self.backoff.wait_left(intent.user_id))
        left = len(await intents.pending_intakes(self.db)) if pending else 0
        METRICS.set("chathulp_intake_pending", left)
        return max(0.1, next_in)

    async def open_one(self, intent: intents.IntakeIntent) -> bool:
        user_id = intent.user_id
        try:
            room_id = await self.youth.intake_room(user_id)
            if room_id is None:
                room_id = await self.youth.create_intake_room(user_id)
            async with self.db.transaction():
                if await intents.intake_done(self.db, user_id):
                    await self.youth.record_intake(user_id, room_id, intent.campaign)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            delay = self.backoff.failed(user_id)
            log.warning("Opening an intake DM failed (%s); retrying in %.0f s",
                        type(exc).__name__, delay)
            try:
                await intents.intake_failed(self.db, user_id, type(exc).__name__)
            except Exception:
                log.exception("Could not note the failed intake attempt")
            return False
        self.backoff.succeeded(user_id)
        done = self._done.pop(user_id, None)
        if done is not None:
            done.set()
        return True
