"""Timers as APScheduler jobs derived from the `timers` table, which is the truth.

`refresh()` (at start-up and after every change) makes the scheduler match the pending rows:
- a row due in the future (within `HORIZON`; later ones at a later refresh, one runs every
  half horizon) gets a one-off job `timer-<id>`; its real run time is
  `datetime.now(UTC) + (due - clock.now())`, so an injected FakeClock works too;
- a row already due runs at once if it is at most `missed_grace_minutes` late (the handler is
  told how late), and is marked missed if it is older — never silently dropped;
- jobs whose rows are no longer pending are removed.

A timer is marked done only *after* its action happened — never before:
- kinds in `atomic_kinds` (reminders, the no-show checks: their handlers only change the
  database and queue notices in the outbox) run inside one transaction with the done-mark, so
  they happen exactly once, also across a kill; a kind's network half (`prepare`: the
  counselor check invites the stand-in) runs just before that transaction, idempotently;
- other kinds (the opening, which creates a room) run first and are marked done after; they
  are idempotent (the opening has its intent row).
A handler that fails (homeserver down) leaves its row pending; it is retried with back-off
(`retry_delays`) and the lateness recorded is that of the run that succeeded. Concurrent
fires of one timer in this process run it once. Rows of a kind without a handler stay pending
(a later start with that handler still runs them, or marks them missed).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from bot.clock import Clock
from bot.config.scheduling import SchedulingConfig
from bot.domain.offers import missed_timer_action
from bot.storage import bookings as store
from bot.storage.bookings import Timer
from bot.storage.db import Database
from bot.storage.faults import is_storage_fault

if TYPE_CHECKING:
    # Imported when the scheduler is first needed (`start()`, after the first sync): not on
    # the way to the first answer after a start.
    from apscheduler.schedulers.asyncio import AsyncIOScheduler

log = logging.getLogger(__name__)

Handler = Callable[[Timer, timedelta], Awaitable[None]]
# Runs an atomic handler inside its transaction, e.g. `Outbox.handling` (so that what the
# handler `post()`s is written in that transaction too).
Around = Callable[[Callable[[], Awaitable[None]]], Awaitable[None]]

# Seconds to wait before the 1st, 2nd, … retry of a failed timer (the last one repeats).
RETRY_DELAYS = (5.0, 15.0, 30.0, 60.0, 120.0, 300.0)

JOB_PREFIX = "timer-"
HORIZON_JOB = "horizon-refresh"
# Only timers due within this horizon get a scheduler job; a refresh every half horizon picks
# up the next ones. With thousands of future bookings, a start-up (or the refresh after every
# booking) then costs the few timers due soon, not one job per row.
HORIZON = timedelta(hours=1)
# A scheduled job is moved only if its run time is off by more than this.
_RESCHEDULE_TOLERANCE = timedelta(milliseconds=500)


class TimerService:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        cfg: SchedulingConfig,
        handlers: Mapping[str, Handler],
        scheduler: AsyncIOScheduler | None = None,
        grace_minutes: Mapping[str, int] | None = None,
        atomic_kinds: frozenset[str] | None = None,
        prepare: Mapping[str, Handler] | None = None,
        around: Around | None = None,
    ) -> None:
        self.db = db
        self.clock = clock
        # Public: a config reload may assign a new SchedulingConfig (grace minutes).
        self.cfg = cfg
        self.handlers = dict(handlers)
        # Per timer kind, a grace other than scheduling.missed_grace_minutes (e.g. openings).
        self.grace_minutes = dict(grace_minutes or {})
        self._owns_scheduler = scheduler is None
        self._scheduler = scheduler
        self._refresh_lock = asyncio.Lock()
        self._inflight: dict[int, asyncio.Task[None]] = {}
        self._warned_kinds: set[str] = set()
        self._started = False
        self.atomic_kinds = frozenset(
            (store.REMIND_YOUTH, store.REMIND_COUNSELOR, store.CHECK_YOUTH,
             store.CHECK_COUNSELOR)
            if atomic_kinds is None else atomic_kinds
        )
        # Per atomic kind, a network half run before the transaction (idempotent: it runs
        # again if the transaction does not commit), e.g. inviting a stand-in.
        self.prepare = dict(prepare or {})
        self.around = around
        self.retry_delays: tuple[float, ...] = RETRY_DELAYS
        self.horizon = HORIZON
        self._firing: set[int] = set()
        self._failures: dict[int, int] = {}
        self._retry_at: dict[int, datetime] = {}  # real UTC time of a failed timer's retry
        self._deferred: set[asyncio.Task[None]] = set()

    @property
    def scheduler(self) -> AsyncIOScheduler:
        """The APScheduler scheduler: the one given, or one of our own made at first use."""
        if self._scheduler is None:
            from apscheduler.schedulers.asyncio import AsyncIOScheduler

            self._scheduler = AsyncIOScheduler(timezone=UTC)
        return self._scheduler

    # --- life cycle ---------------------------------------------------------------------------

    async def start(self) -> None:
        if not self.scheduler.running:
            self.scheduler.start()
        self._started = True
        self.scheduler.add_job(self.refresh, "interval",
                               seconds=self.horizon.total_seconds() / 2, id=HORIZON_JOB,
                               replace_existing=True, misfire_grace_time=None, coalesce=True)
        await self.refresh()

    async def shutdown(self, timeout: float = 10.0) -> None:
        """Stop scheduling; let running handlers finish (up to `timeout` s), then cancel them."""
        self._started = False
        if self._owns_scheduler:
            if self._scheduler is not None and self._scheduler.running:
                self._scheduler.shutdown(wait=False)
        else:
            for job in self.scheduler.get_jobs():
                if job.id.startswith(JOB_PREFIX) or job.id == HORIZON_JOB:
                    job.remove()
        if not await self.drain(timeout):
            for task in list(self._inflight.values()):
                task.cancel()
            await asyncio.gather(*self._inflight.values(), return_exceptions=True)

    async def drain(self, timeout: float | None = None) -> bool:
        """Wait until no handler is running (False if `timeout` s passed first)."""
        try:
            async with asyncio.timeout(timeout):
                while self._inflight:
                    current = asyncio.current_task()
                    tasks = [t for t in self._inflight.values() if t is not current]
                    if not tasks:
                        return True
                    await asyncio.gather(*tasks, return_exceptions=True)
        except TimeoutError:
            return False
        return True

    # --- deriving jobs from rows --------------------------------------------------------------

    async def refresh(self) -> None:
        """Make the scheduler match the pending rows (see the module doc)."""
        if not self._started:
            log.debug("TimerService.refresh() while not running: ignored")
            return
        if self.db.in_transaction:
            # Called by a handler inside its transaction: refresh once it committed (its new
            # rows are visible then; a refresh waiting here for the lock while a timer waits
            # for the database would deadlock).
            self.db.after_commit(self._refresh_later)
            return
        async with self._refresh_lock:
            rows = await store.pending_timers(self.db)
            now = self.clock.now()
            wanted: set[str] = set()
            for n, timer in enumerate(rows):
                if n % 200 == 199:
                    await asyncio.sleep(0)  # let the sync loop and the outbox run meanwhile
                if timer.kind not in self.handlers:
                    if timer.kind not in self._warned_kinds:
                        self._warned_kinds.add(timer.kind)
                        log.warning("No handler for timer kind %r; its timers stay pending",
                                    timer.kind)
                    continue
                if timer.id in self._inflight:
                    continue
                retry_at = self._retry_at.get(timer.id)
                if retry_at is not None and retry_at > datetime.now(UTC):
                    wanted.add(self._schedule_at(timer, retry_at))
                    continue
                action = self._action(timer, now)
                if action == "wait" and timer.due - now > self.horizon:
                    continue  # a later refresh (HORIZON_JOB) schedules it
                if action == "wait":
                    wanted.add(self._schedule(timer, now))
                elif action == "run":
                    self._spawn(timer.id)
                elif await store.mark_missed(self.db, timer.id, now):
                    log.warning("Timer %d (%s, booking %s) missed: due %s, %d s ago",
                                timer.id, timer.kind, timer.booking_id, timer.due.isoformat(),
                                int((now - timer.due).total_seconds()))
            for job in self.scheduler.get_jobs():
                if job.id.startswith(JOB_PREFIX) and job.id not in wanted:
                    self._remove_job(job.id)

    def _refresh_later(self) -> None:
        task = asyncio.create_task(self.refresh())
        self._deferred.add(task)
        task.add_done_callback(self._deferred.discard)

    def _schedule(self, timer: Timer, now: datetime) -> str:
        return self._schedule_at(timer, datetime.now(UTC) + (timer.due - now))

    def _schedule_at(self, timer: Timer, run_at: datetime) -> str:
        job_id = f"{JOB_PREFIX}{timer.id}"
        job = self.scheduler.get_job(job_id)
        if job is not None:
            if job.next_run_time is not None and abs(job.next_run_time - run_at) <= (
                _RESCHEDULE_TOLERANCE
            ):
                return job_id
            self._remove_job(job_id)
        self.scheduler.add_job(
            self._on_job,
            "date",
            run_date=run_at,
            args=[timer.id],
            id=job_id,
            # Run however late the loop wakes up; fire() applies the grace rule itself.
            misfire_grace_time=None,
            replace_existing=True,
        )
        log.debug("Timer %d (%s) scheduled for %s", timer.id, timer.kind, timer.due.isoformat())
        return job_id

    def _remove_job(self, job_id: str) -> None:
        from apscheduler.jobstores.base import JobLookupError  # loaded with the scheduler

        try:
            self.scheduler.remove_job(job_id)
        except JobLookupError:
            pass  # it ran or was removed meanwhile

    # --- running ------------------------------------------------------------------------------

    def _spawn(self, timer_id: int) -> None:
        if timer_id in self._inflight:
            return
        task = asyncio.create_task(self.fire(timer_id), name=f"timer-{timer_id}")
        self._inflight[timer_id] = task
        task.add_done_callback(lambda _t: self._inflight.pop(timer_id, None))

    async def _on_job(self, timer_id: int) -> None:
        """The APScheduler job: run fire() as a tracked task (so shutdown can wait for it)."""
        self._spawn(timer_id)
        task = self._inflight.get(timer_id)
        if task is not None:
            await asyncio.shield(task)

    def _action(self, timer: Timer, now: datetime) -> str:
        return missed_timer_action(self.cfg, timer.due, now, self.grace_minutes.get(timer.kind))

    async def fire(self, timer_id: int) -> bool:
        """Run the timer's handler and mark it done; True if this call ran it to the end."""
        if timer_id in self._firing:
            return False
        self._firing.add(timer_id)
        try:
            return await self._fire(timer_id)
        finally:
            self._firing.discard(timer_id)

    async def _fire(self, timer_id: int) -> bool:
        timer = await store.get_timer(self.db, timer_id)
        if timer is None or timer.status != "pending":
            return False
        handler = self.handlers.get(timer.kind)
        if handler is None:
            return False
        now = self.clock.now()
        if self._action(timer, now) == "drop":
            if await store.mark_missed(self.db, timer.id, now):
                log.warning("Timer %d (%s, booking %s) missed: due %s", timer.id, timer.kind,
                            timer.booking_id, timer.due.isoformat())
            return False
        late = max(timedelta(0), now - timer.due)
        log.info("Timer %d (%s, booking %s) fires, %d s late", timer.id, timer.kind,
                 timer.booking_id, int(late.total_seconds()))
        try:
            if timer.kind in self.atomic_kinds:
                prepare = self.prepare.get(timer.kind)
                if prepare is not None:
                    await prepare(timer, late)
                async with self.db.transaction():
                    # Done-mark and effect commit together (or neither does).
                    if not await store.claim_timer(self.db, timer.id, now):
                        return False  # cancelled meanwhile
                    if self.around is not None:
                        await self.around(lambda: handler(timer, late))
                    else:
                        await handler(timer, late)
            else:
                await handler(timer, late)
                # Only now, with the action taken: the lateness of this (successful) run.
                if not await store.claim_timer(self.db, timer.id, self.clock.now()):
                    return False
        except Exception as exc:
            self._retry_later(timer, storage=is_storage_fault(exc))
            return False
        self._failures.pop(timer.id, None)
        self._retry_at.pop(timer.id, None)
        return True

    def _retry_later(self, timer: Timer, *, storage: bool = False) -> None:
        failures = self._failures.get(timer.id, 0)
        if storage:
            # The disk, not the action: retried soon and without growing the back-off, so
            # that a due opening is not put off for minutes after a storage fault clears.
            delay = self.retry_delays[0]
            log.warning("Timer %d (%s, booking %s): the database cannot be written; retrying "
                        "in %.0f s", timer.id, timer.kind, timer.booking_id, delay)
        else:
            self._failures[timer.id] = failures + 1
            delay = self.retry_delays[min(failures, len(self.retry_delays) - 1)]
            log.exception("Timer %d (%s, booking %s): handler failed; retrying in %.0f s",
                          timer.id, timer.kind, timer.booking_id, delay)
        run_at = datetime.now(UTC) + timedelta(seconds=delay)
        self._retry_at[timer.id] = run_at
        if self._started:
            self._schedule_at(timer, run_at)
