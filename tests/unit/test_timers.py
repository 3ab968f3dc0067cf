"""TimerService: jobs derived from rows, late runs after a restart, missed timers, once only."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta

import pytest

from bot.clock import FakeClock
from bot.config.scheduling import SchedulingConfig
from bot.storage import bookings as store
from bot.storage.bookings import Timer
from bot.storage.db import Database
from bot.timers import Handler, TimerService
from tests.support.waiting import wait_until
from tests.unit.test_bookings_store import add_youth, open_db, slot

CFG = SchedulingConfig(missed_grace_minutes=30)
START = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
BOOKED_AT = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


class Recorder:
    """Handlers that record each call; `event` is set on every call."""

    def __init__(self) -> None:
        self.calls: list[tuple[int, str, timedelta]] = []
        self.event = asyncio.Event()

    async def __call__(self, timer: Timer, late: timedelta) -> None:
        self.calls.append((timer.id, timer.kind, late))
        self.event.set()

    def handlers(self) -> dict[str, Handler]:
        return {store.REMIND_YOUTH: self, store.REMIND_COUNSELOR: self}


async def booking_with_reminders(db: Database, n: int = 1) -> int:
    youth = await add_youth(db, n)
    s = slot(START)
    result = await store.book(db, case_id=youth[1], youth_id=youth[0], slot=s, now=BOOKED_AT,
                              reminders=store.reminder_plan(CFG, s, BOOKED_AT))
    assert result.booking is not None
    return result.booking.id


async def run_service(db: Database, clock: FakeClock, rec: Recorder,
                      horizon: timedelta | None = None) -> TimerService:
    svc = TimerService(db, clock, CFG, rec.handlers())
    if horizon is not None:
        svc.horizon = horizon
    await svc.start()
    await svc.drain(timeout=5)
    return svc


async def test_reminders_missed_during_downtime_run_once_after_restarts(db_url: str) -> None:
    path = db_url
    db = await open_db(path)
    booking_id = await booking_with_reminders(db)
    await db.close()

    # The bot was down from 08:30 to 09:55: the 60-minute youth reminder (09:00) is 55 minutes
    # late (past the grace), the two 10-minute reminders (09:50) are 5 minutes late.
    clock = FakeClock(datetime(2026, 3, 2, 9, 55, tzinfo=UTC))
    rec = Recorder()
    db = await open_db(path)
    svc = await run_service(db, clock, rec)
    assert sorted((kind, late) for _, kind, late in rec.calls) == [
        ("remind_counselor", timedelta(minutes=5)), ("remind_youth", timedelta(minutes=5))]
    await svc.shutdown()
    await db.close()

    # A second restart (a bit later, still within the grace) sends nothing again.
    clock.advance(timedelta(minutes=1))
    db = await open_db(path)
    svc = await run_service(db, clock, rec)
    assert len(rec.calls) == 2
    await svc.shutdown()
    statuses = {(t.kind, t.minutes_before): (t.status, t.late_seconds)
                for t in await store.timers_for_booking(db, booking_id)}
    assert statuses == {
        ("remind_youth", 60): ("missed", 55 * 60),
        ("remind_youth", 10): ("done", 5 * 60),
        ("remind_counselor", 10): ("done", 5 * 60),
    }
    await db.close()


async def test_timer_past_grace_is_marked_missed(db: Database) -> None:
    booking_id = await booking_with_reminders(db)
    clock = FakeClock(START + timedelta(hours=2))  # all reminders are far too late
    rec = Recorder()
    svc = await run_service(db, clock, rec)
    try:
        assert rec.calls == []
        timers = await store.timers_for_booking(db, booking_id)
        assert {t.status for t in timers} == {"missed"}
        assert await store.pending_timers(db) == []
    finally:
        await svc.shutdown()


async def test_future_timer_fires_via_scheduler(db: Database) -> None:
    booking_id = await booking_with_reminders(db)
    due = START - timedelta(minutes=10)
    # The fake clock stands 0.3 s before the 10-minute reminders.
    clock = FakeClock(due - timedelta(milliseconds=300))
    rec = Recorder()
    svc = TimerService(db, clock, CFG, {store.REMIND_COUNSELOR: rec})
    await svc.start()
    try:
        job_ids = {job.id for job in svc.scheduler.get_jobs() if job.id.startswith("timer-")}
        counselor = [t for t in await store.timers_for_booking(db, booking_id)
                     if t.kind == store.REMIND_COUNSELOR]
        assert job_ids == {f"timer-{counselor[0].id}"}  # youth kinds have no handler here
        assert rec.calls == []
        await asyncio.wait_for(rec.event.wait(), timeout=5)
        assert rec.calls == [(counselor[0].id, store.REMIND_COUNSELOR, timedelta(0))]
        await svc.drain(timeout=5)
        done = await store.get_timer(db, counselor[0].id)
        assert done is not None and done.status == "done"
        # The youth reminders had no handler: they stay pending, nothing is lost.
        assert {t.kind for t in await store.pending_timers(db)} == {store.REMIND_YOUTH}
    finally:
        await svc.shutdown()


def timer_jobs(svc: TimerService) -> list:  # type: ignore[type-arg]
    """The one-off jobs of timer rows (not the horizon's periodic refresh)."""
    return [j for j in svc.scheduler.get_jobs() if j.id.startswith("timer-")]


async def test_refresh_follows_cancel_and_new_bookings(db: Database) -> None:
    booking_id = await booking_with_reminders(db)
    clock = FakeClock(BOOKED_AT)
    rec = Recorder()
    svc = await run_service(db, clock, rec, horizon=timedelta(days=30))
    try:
        assert len(timer_jobs(svc)) == 3
        await store.cancel(db, booking_id, clock.now())
        await svc.refresh()
        assert timer_jobs(svc) == []
        await booking_with_reminders(db, 2)
        await svc.refresh()
        jobs = timer_jobs(svc)
        assert len(jobs) == 3
        # A refresh with nothing changed does not move the jobs.
        before = {j.id: j.next_run_time for j in jobs}
        await svc.refresh()
        assert {j.id: j.next_run_time for j in timer_jobs(svc)} == before
        # The fake clock jumps: jobs follow.
        clock.advance(timedelta(minutes=30))
        await svc.refresh()
        after = {j.id: j.next_run_time for j in timer_jobs(svc)}
        assert all(before[k] - after[k] > timedelta(minutes=29) for k in before)
        assert rec.calls == []
    finally:
        await svc.shutdown()


async def test_failing_handler_does_not_stop_the_service(
    db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    await booking_with_reminders(db)
    clock = FakeClock(START - timedelta(minutes=5))  # the 10-minute reminders are due
    rec = Recorder()

    async def broken(timer: Timer, late: timedelta) -> None:
        raise RuntimeError("homeserver down")

    svc = TimerService(db, clock, CFG, {store.REMIND_YOUTH: broken, store.REMIND_COUNSELOR: rec})
    with caplog.at_level(logging.ERROR, logger="bot.timers"):
        await svc.start()
        await svc.drain(timeout=5)
    try:
        assert [kind for _, kind, _ in rec.calls] == [store.REMIND_COUNSELOR]
        assert "handler failed" in caplog.text
        # The failed one is not marked done: it stays pending for a retry with back-off.
        pending = await store.pending_timers(db)
        assert [t.kind for t in pending] == [store.REMIND_YOUTH]
        assert f"timer-{pending[0].id}" in {j.id for j in svc.scheduler.get_jobs()}
    finally:
        await svc.shutdown()


async def test_timer_not_done_while_the_homeserver_is_down(db: Database) -> None:
    """A failing action (homeserver down) leaves the timer pending; a retry after back-off
    runs it, marks it done and records the lateness of the run that succeeded."""
    await booking_with_reminders(db)
    clock = FakeClock(START - timedelta(minutes=10))  # the 10-minute reminders are due now
    down = True
    ran: list[timedelta] = []

    async def reminder(timer: Timer, late: timedelta) -> None:
        if down:
            raise OSError("homeserver down")
        ran.append(late)

    # Non-atomic, like an opening: the action first, the done-mark after.
    svc = TimerService(db, clock, CFG,
                       {store.REMIND_YOUTH: reminder, store.REMIND_COUNSELOR: reminder},
                       atomic_kinds=frozenset())
    svc.retry_delays = (0.2,)
    await svc.start()
    try:
        await svc.drain(timeout=5)
        assert ran == []
        assert len(await store.pending_timers(db)) == 2
        clock.advance(timedelta(minutes=2))
        down = False
        await wait_until(lambda: store.pending_timers(db), lambda rows: not rows, timeout=10)
        await svc.drain(timeout=5)
        assert len(ran) == 2
        timers = await store.timers_for_booking(db, 1)
        done = [t for t in timers if t.minutes_before == 10]
        assert {t.status for t in done} == {"done"}
        assert {t.late_seconds for t in done} == {120}
    finally:
        await svc.shutdown()


async def test_concurrent_fire_runs_handler_once(db: Database) -> None:
    await booking_with_reminders(db)
    clock = FakeClock(BOOKED_AT)
    rec = Recorder()
    svc = await run_service(db, clock, rec)
    try:
        timer = (await store.pending_timers(db))[0]
        clock.set(timer.due)
        results = await asyncio.gather(*(svc.fire(timer.id) for _ in range(10)))
        assert results.count(True) == 1
        assert len(rec.calls) == 1
        await svc.refresh()
        assert f"timer-{timer.id}" not in {j.id for j in svc.scheduler.get_jobs()}
    finally:
        await svc.shutdown()


def test_a_timer_kind_can_have_its_own_grace() -> None:
    from datetime import UTC, datetime, timedelta

    from bot.config.scheduling import SchedulingConfig
    from bot.domain.offers import missed_timer_action

    cfg = SchedulingConfig(missed_grace_minutes=30)
    due = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
    late = due + timedelta(minutes=45)
    assert missed_timer_action(cfg, due, late) == "drop"
    assert missed_timer_action(cfg, due, late, grace_minutes=60) == "run"


async def test_only_timers_within_the_horizon_get_a_job(db: Database) -> None:
    """Thousands of future bookings cost no scheduler job each: a timer gets its job once it
    is due within the horizon (the periodic refresh picks it up), and then fires."""
    await booking_with_reminders(db)
    clock = FakeClock(BOOKED_AT)
    rec = Recorder()
    svc = await run_service(db, clock, rec, horizon=timedelta(minutes=20))
    try:
        assert timer_jobs(svc) == []  # all due later than that
        assert svc.scheduler.get_job("horizon-refresh") is not None
        first = min(await store.pending_timers(db), key=lambda t: t.due)
        clock.set(first.due - timedelta(minutes=10))
        await svc.refresh()  # what the periodic job does
        assert [j.id for j in timer_jobs(svc)] == [f"timer-{first.id}"]
    finally:
        await svc.shutdown()
