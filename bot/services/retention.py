"""Retention: a daily job erases what expired (config `retention:`), restart-safe.

The last run is kept in the database; at start the job runs when a day has passed since
(so what expired while the bot was down is erased at once), then it checks every hour.
Only counts are logged and audited.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import UTC, datetime, timedelta

from bot.handlers.context import Context
from bot.services.erasure import Eraser
from bot.storage import rights
from bot.storage import sync_state as tstore

log = logging.getLogger(__name__)

LAST_RUN = "retention_last_run"
EVERY = timedelta(days=1)
MONTH = timedelta(days=30)


class RetentionJob:
    def __init__(self, ctx: Context, eraser: Eraser, *, check_every: float = 3600.0) -> None:
        self.ctx = ctx
        self.eraser = eraser
        self.check_every = check_every
        self._task: asyncio.Task[None] | None = None

    async def last_run(self) -> datetime | None:
        value = await tstore.get_kv(self.ctx.db, LAST_RUN)
        return None if value is None else datetime.fromtimestamp(int(value), UTC)

    async def run_if_due(self) -> dict[str, int] | None:
        """Run when a day has passed since the last run (or never ran); the counts."""
        now = self.ctx.clock.now()
        last = await self.last_run()
        if last is not None and now - last < EVERY:
            return None
        counts = await self.run(now)
        await tstore.set_kv(self.ctx.db, LAST_RUN, str(int(now.timestamp())))
        return counts

    async def run(self, now: datetime) -> dict[str, int]:
        cfg = self.ctx.config.retention
        db = self.ctx.db
        free_steps = {s.id for s in self.ctx.config.intake.steps if s.kind == "text"}
        counts = {"free_text": await rights.drop_free_text(
            db, now - timedelta(days=cfg.free_text_days), free_steps)}
        intakes = await rights.youths_without_session(db, now - timedelta(days=cfg.intake_days))
        for youth_id in intakes:
            await self.eraser.erase(youth_id, "retention: intake without session",
                                    by_request=False)
        counts["intakes"] = len(intakes)
        expired = [y for y in await rights.youths_expired(db, now - cfg.case_months * MONTH)
                   if y not in intakes]
        for youth_id in expired:
            await self.eraser.erase(youth_id, "retention: cases expired", by_request=False)
        counts["cases"] = len(expired)
        deactivated = 0
        if self.ctx.admin is not None:
            for user_id in await rights.unused_service_accounts(
                    db, now - cfg.account_months * MONTH):
                if await self.ctx.admin.deactivate(user_id):
                    await rights.forget_service_account(db, user_id)
                    deactivated += 1
        counts["accounts"] = deactivated
        for what, count in counts.items():
            if count:
                await rights.audit(db, "retention", f"retention: {what}", now, count=count)
        log.info("Retention: %s", ", ".join(f"{k} {v}" for k, v in counts.items()))
        return counts

    async def start(self) -> None:
        try:
            await self.run_if_due()
        except Exception:
            log.exception("Retention failed; trying again later")
        self._task = asyncio.create_task(self._loop(), name="retention")

    async def _loop(self) -> None:
        while True:
            await asyncio.sleep(self.check_every)
            try:
                await self.run_if_due()
            except Exception:
                log.exception("Retention failed; trying again later")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
