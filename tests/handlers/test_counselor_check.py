"""The counselor no-show check is one transaction with its timer's done-mark: the stand-in's
invite is its network half (before), the take-over and every notice (outbox rows) commit
together — a kill in between leaves nothing half done, and the rerun does it once."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from bot.handlers import session_rooms
from bot.storage import bookings, youths
from bot.storage import outbox as outbox_store
from bot.storage import sessions as store
from bot.storage.bookings import CHECK_COUNSELOR, Timer
from bot.timers import TimerService
from tests.support.harness import BRUSSELS, SARA, TOM, YOUTH, Harness
from tests.support.outbox_transport import OutboxTransport


class Killed(BaseException):
    """The process dies here: nothing catches it, the transaction is not committed."""


@pytest.fixture
async def h(tmp_path: Path) -> AsyncIterator[Harness]:
    harness = await Harness.start(tmp_path)
    yield harness
    transport = harness.transport
    if isinstance(transport, OutboxTransport):
        await transport.outbox.stop()
    await harness.close()


async def setup(h: Harness) -> tuple[store.Session, OutboxTransport, TimerService, int]:
    """Sara's session is open and the youth is in; from now on sends go through the outbox.
    Returns the session, the transport, a TimerService as the bot wires it, the check's id."""
    session = await h.open_now()
    assert session.room_id is not None
    await h.joins(session.room_id, YOUTH)
    await h.dm(YOUTH)
    transport = OutboxTransport(h.db)
    transport.rooms = h.transport.rooms
    transport._counter = 100
    h.transport = transport
    h.ctx.transport = transport
    transport.outbox.start()
    sessions = h.router.sessions

    async def prepare(timer: Timer, late: timedelta) -> None:
        assert timer.booking_id is not None
        await sessions.prepare_counselor_check(timer.booking_id)

    async def check(timer: Timer, late: timedelta) -> None:
        assert timer.booking_id is not None
        await sessions.apply_counselor_check(timer.booking_id)

    svc = TimerService(h.db, h.clock, h.config.scheduling, {CHECK_COUNSELOR: check},
                       prepare={CHECK_COUNSELOR: prepare}, around=transport.outbox.handling)
    (timer,) = [t for t in await bookings.timers_for_booking(h.db, session.booking_id)
                if t.kind == CHECK_COUNSELOR]
    h.at(datetime(2026, 12, 1, 10, 6, tzinfo=BRUSSELS))
    return session, transport, svc, timer.id


async def test_a_kill_inside_the_check_leaves_nothing_and_the_rerun_does_it_once(
    h: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    session, transport, svc, timer_id = await setup(h)
    youth_dm = await youths.dm_room_of(h.db, YOUTH)
    assert youth_dm is not None and session.room_id is not None
    real = session_rooms.tell_counselor
    calls = 0

    async def dies_on_the_second(*args: object) -> None:
        nonlocal calls
        calls += 1
        if calls == 2:
            raise Killed
        await real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(session_rooms, "tell_counselor", dies_on_the_second)
    with pytest.raises(Killed):
        await svc.fire(timer_id)
    assert (session.room_id, TOM) in transport.invites  # the network half happened
    fresh = await store.get(h.db, session.id)
    assert fresh is not None and fresh.counselor_id == SARA  # the rest did not
    assert await outbox_store.backlog(h.db) == (0, None)
    assert [t.status for t in await bookings.timers_for_booking(h.db, session.booking_id)
            if t.id == timer_id] == ["pending"]

    monkeypatch.undo()
    assert await svc.fire(timer_id)
    assert not await svc.fire(timer_id)  # done: a second fire does nothing
    assert await transport.outbox.wait_idle(timeout=10)
    fresh = await store.get(h.db, session.id)
    assert fresh is not None and fresh.counselor_id == TOM and fresh.standin_for == SARA
    told = [b for b in transport.to(youth_dm) if "neemt het over" in b]
    assert len(told) == 1
    assert len([b for b in transport.to(session.room_id) if "neemt het over" in b]) == 1
    sara_dms = await h.db.fetchall("SELECT room_id FROM rooms WHERE user_id = ?", (SARA,))
    tom_dms = await h.db.fetchall("SELECT room_id FROM rooms WHERE user_id = ?", (TOM,))
    assert len(sara_dms) == 1 and len(tom_dms) == 1
    assert len(transport.to(sara_dms[0]["room_id"])) >= 1
    assert len(transport.to(tom_dms[0]["room_id"])) == 1
    assert transport.invites.count((session.room_id, TOM)) == 2  # idempotent on Synapse


async def test_a_failing_invite_leaves_the_check_pending(h: Harness) -> None:
    session, transport, svc, timer_id = await setup(h)
    transport.fail["invite"] = RuntimeError("homeserver down")
    assert not await svc.fire(timer_id)
    fresh = await store.get(h.db, session.id)
    assert fresh is not None and fresh.counselor_id == SARA
    assert [t.status for t in await bookings.timers_for_booking(h.db, session.booking_id)
            if t.id == timer_id] == ["pending"]
