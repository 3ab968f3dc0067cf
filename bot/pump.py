"""A background worker that works off what the database says is pending.

`pump()` does one round and returns the seconds until the next one is due; the worker then
sleeps that long, or until `kick()` (new work was committed). A round that fails is logged
and tried again after `failed()`'s delay: the database stays the truth, nothing is lost.
Used by the intake-DM opener (bot/intakes.py) and the room purges (bot/purges.py).
"""

from __future__ import annotations

import asyncio
import logging

log = logging.getLogger(__name__)


class Pump:
    task_name = "pump"

    def __init__(self) -> None:
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def pump(self) -> float:
        """One round; returns seconds until the next round is due."""
        raise NotImplementedError

    def failed(self, exc: Exception) -> float:
        """A round failed: say so; returns seconds until it is tried again."""
        log.exception("A background round failed (%s); trying again", self.task_name)
        return 5.0

    def kick(self) -> None:
        """Work was committed: do a round now (call after the commit)."""
        self._wake.set()

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self.run(), name=self.task_name)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except (asyncio.CancelledError, Exception):
                pass
            self._task = None

    async def run(self) -> None:
        while True:
            try:
                delay = await self.pump()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                delay = self.failed(exc)
            try:
                async with asyncio.timeout(delay):
                    await self._wake.wait()
            except TimeoutError:
                pass
            self._wake.clear()
