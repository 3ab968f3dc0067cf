"""At least once, idempotent: an event's claim, its state change and its queued replies
commit together. A kill before the commit leaves nothing (the event is handled again after
the restart, with one answer); a kill after it leaves replies that the outbox sends."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.handlers.transport import Incoming
from bot.matrix.sync import handle_once
from bot.storage import bookings, youths
from bot.storage import outbox as outbox_store
from bot.storage import sync_state as tstore
from bot.storage.faults import is_storage_fault
from tests.support.harness import INTAKE_ANSWERS, YOUTH, Harness
from tests.support.outbox_transport import OutboxTransport


class Killed(BaseException):
    """The process dies here: nothing catches it, the transaction is not committed."""


@pytest.fixture
async def h(tmp_path: Path) -> AsyncIterator[Harness]:
    harness = await Harness.start(tmp_path)
    transport = OutboxTransport(harness.db)
    transport.add_room(room_id="!staff:fake")
    harness.transport = transport
    harness.ctx.transport = transport
    transport.outbox.start()
    yield harness
    await transport.outbox.stop()
    await harness.close()


def outbox(h: Harness) -> OutboxTransport:
    assert isinstance(h.transport, OutboxTransport)
    return h.transport


def incoming(h: Harness, room_id: str, body: str, event_id: str) -> Incoming:
    return Incoming(room_id=room_id, event_id=event_id, sender=YOUTH, kind="text", body=body,
                    room_encrypted=True, member_count=2,
                    timestamp_ms=int(h.clock.now().timestamp() * 1000))


async def say(h: Harness, body: str, event_id: str) -> list[str]:
    """As the sync loop does it: one transaction per event; then wait for the outbox."""
    room = await h.dm(YOUTH)
    mark = h.mark()
    await handle_once(h.db, event_id, room, lambda: h.router.on_message(
        incoming(h, room, body, event_id)), outbox(h).outbox)
    assert await outbox(h).outbox.wait_idle(timeout=10)
    return h.since(mark, room)


async def test_kill_between_booking_and_commit_books_once_answers_once(h: Harness) -> None:
    await say(h, "hoi", "$hoi")
    offer: list[str] = []
    for n, answer in enumerate(INTAKE_ANSWERS):
        offer = await say(h, answer, f"$a{n}")
    assert "1. Nu meteen" in offer[-1]
    room = await h.dm(YOUTH)
    msg = incoming(h, room, "1", "$choice")

    async def killed_before_commit() -> None:
        await h.router.on_message(msg)  # books and queues the confirmation…
        assert await bookings.active_booking(h.db, YOUTH) is not None
        raise Killed  # …and the process dies before the commit

    mark = h.mark()
    with pytest.raises(Killed):
        await handle_once(h.db, "$choice", room, killed_before_commit, outbox(h).outbox)
    # Nothing of it happened: no booking, no claim, no queued answer.
    assert await bookings.active_booking(h.db, YOUTH) is None
    assert await h.db.fetchval("SELECT 1 FROM handled_events WHERE event_id = '$choice'") is None
    assert (await outbox_store.backlog(h.db))[0] == 0
    assert await outbox(h).outbox.wait_idle(timeout=10)
    assert h.since(mark) == []

    # The restart re-delivers the event: handled now, once.
    replies = await say(h, "1", "$choice")
    assert len(replies) == 1 and "Sara" in replies[0]
    booking = await bookings.active_booking(h.db, YOUTH)
    assert booking is not None
    # And once more (a batch re-delivered after a kill after the commit): nothing new.
    assert await say(h, "1", "$choice") == []
    rows = await h.db.fetchval(
        "SELECT COUNT(*) FROM bookings WHERE youth_id = ? AND status = 'booked'", (YOUTH,))
    assert rows == 1
    # The counselor's notice went through the outbox, into a DM the outbox opened.
    sara_rooms = await tstore.dm_rooms_of(h.db, "@sara:fake")
    assert len(sara_rooms) == 1
    assert len(outbox(h).to(sara_rooms[0])) == 1


async def test_kill_after_commit_still_sends_the_answer(h: Harness) -> None:
    """The answer was committed to the outbox, then the bot died before sending it."""
    outbox(h).down = True
    room = await h.dm(YOUTH)
    await handle_once(h.db, "$hoi", room,
                      lambda: h.router.on_message(incoming(h, room, "hoi", "$hoi")),
                      outbox(h).outbox)
    assert outbox(h).to(room) == []
    waiting = (await outbox_store.backlog(h.db))[0]
    assert waiting >= 2  # the greeting and the first question
    # "Restart": a new sender on the same database sends what was committed.
    await outbox(h).outbox.stop()
    restarted = OutboxTransport(h.db)
    restarted.rooms = outbox(h).rooms
    restarted.outbox.start()
    try:
        assert await restarted.outbox.wait_idle(timeout=10)
    finally:
        await restarted.outbox.stop()
    # Decided together, they go out as one message with every row's text.
    assert len(restarted.to(room)) == 1
    assert "Nederlands" in restarted.to(room)[0] and "Hoi!" in restarted.to(room)[0]
    assert await outbox_store.backlog(h.db) == (0, None)
    youth = await youths.get_youth(h.db, YOUTH, h.router.youth.flow.new_state())
    assert youth is not None and youth.intake.status != "new"


async def test_a_failing_write_leaves_the_event_unhandled(
    h: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Disk full while handling: nothing is committed, the error is a storage fault (the
    sync loop then holds the batch back); once writing works, the event gets its answer."""
    room = await h.dm(YOUTH)
    real = youths.save_intake

    async def disk_full(*args: object, **kwargs: object) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(youths, "save_intake", disk_full)
    with pytest.raises(sqlite3.OperationalError) as err:
        await handle_once(h.db, "$hoi", room,
                          lambda: h.router.on_message(incoming(h, room, "hoi", "$hoi")),
                          outbox(h).outbox)
    assert is_storage_fault(err.value)
    assert await h.db.fetchval("SELECT 1 FROM handled_events WHERE event_id = '$hoi'") is None
    assert (await outbox_store.backlog(h.db))[0] == 0  # not even the "sorry" notice

    monkeypatch.setattr(youths, "save_intake", real)
    replies = await say(h, "hoi", "$hoi")
    assert replies and len(replies) == len(set(replies))


async def test_start_up_sweep_makes_a_bot_that_stayed_behind_leave(tmp_path: Path) -> None:
    """Killed after the summary but before leaving: the start-up sweep leaves the room."""
    from bot.app import App
    from tests.support.harness import Harness as PlainHarness

    h = await PlainHarness.start(tmp_path)
    try:
        session = await h.open_now()
        assert session.room_id is not None
        await h.db.execute("UPDATE sessions SET summary_posted = 1 WHERE id = ?", (session.id,))
        assert h.transport.room_info(session.room_id) is not None  # the bot is still there
        app = App(h.config)
        app.db = h.db
        app.transport = h.transport  # type: ignore[assignment]
        await app.sweep()
        assert h.transport.left == [session.room_id]
        assert await h.db.fetchval("SELECT state FROM sessions WHERE id = ?",
                                   (session.id,)) == "left"
        await app.sweep()  # nothing left to do: no second leave
        assert h.transport.left == [session.room_id]
    finally:
        await h.close()
