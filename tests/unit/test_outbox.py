"""The durable outbox: order per room, resume after a restart, same txn id on a retry,
visible backlog, and the storage-fault classification."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from bot.domain.messages import plain
from bot.metrics import METRICS
from bot.outbox import Outbox, Outcome
from bot.storage import migrations
from bot.storage import outbox as store
from bot.storage.db import Database
from bot.storage.faults import StorageFault, is_storage_fault
from tests.support.outbox_transport import OutboxTransport

ROOM_A = "!a:fake"
ROOM_B = "!b:fake"


class Killed(BaseException):
    """The process dies here (not an Exception: nothing may catch it)."""


async def open_db(path: Path | str) -> Database:
    db = Database(path)
    await db.open()
    await migrations.upgrade(db)
    return db


async def restarted(path: Path | str) -> tuple[Database, OutboxTransport]:
    """The bot started again on the same database: its sender drains what was pending."""
    db = await open_db(path)
    t = fake(db)
    t.outbox.start()
    try:
        assert await t.outbox.wait_idle(timeout=10)
    finally:
        await t.outbox.stop()
    return db, t


def fake(db: Database) -> OutboxTransport:
    t = OutboxTransport(db)
    for room in (ROOM_A, ROOM_B):
        t.add_room("@someone:fake", room_id=room)
    return t


async def test_outbox_resumes_after_restart_in_order_and_once(db_url: str) -> None:
    db = await open_db(db_url)
    t = fake(db)
    t.down = True
    for i in range(3):
        await t.send_notice(ROOM_A, plain(f"a{i}"))
    await t.leave(ROOM_A)
    for i in range(2):
        await t.send_notice(ROOM_B, plain(f"b{i}"))
    await t.outbox.pump()
    assert t.sent == [] and t.left == []
    assert (await store.backlog(db))[0] == 6
    await t.outbox.stop()
    await db.close()  # the bot stops (or is killed) with everything still pending

    db, t2 = await restarted(db_url)
    assert t2.to(ROOM_A) == ["a0", "a1", "a2"]
    assert t2.to(ROOM_B) == ["b0", "b1"]
    assert t2.left == [ROOM_A]
    assert len({txn for txn, _ in t2.wire}) == len(t2.wire) == 6
    assert await store.backlog(db) == (0, None)
    await db.close()


async def test_a_send_repeated_after_a_kill_keeps_its_txn_id(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Killed after the homeserver took the message but before it was marked done: the
    restart sends it again with the same transaction id, which the homeserver deduplicates."""
    path = tmp_path / "bot.db"
    db = await open_db(path)
    t = fake(db)
    await t.send_notice(ROOM_A, plain("hello"))

    async def killed(*_a: object) -> None:
        raise Killed

    monkeypatch.setattr(store, "mark_done", killed)
    with pytest.raises(Killed):
        await t.outbox._send_one(ROOM_A, (await store.pending(db))[0])
    monkeypatch.undo()
    await db.close()

    db, t2 = await restarted(path)
    assert [txn for txn, _ in t.wire] == [txn for txn, _ in t2.wire]
    await db.close()


async def test_rows_for_a_user_find_or_open_the_dm(db: Database) -> None:
    t = fake(db)
    await t.send_to_user("@sara:fake", plain("new booking"))
    await t.send_to_user("@sara:fake", plain("cancelled"))
    t.outbox.start()
    try:
        assert await t.outbox.wait_idle(timeout=10)
    finally:
        await t.outbox.stop()
    assert len(t.created) == 1
    assert t.to(t.created[0]) == ["new booking", "cancelled"]


async def test_a_waiting_backlog_is_visible_and_alerted_once(db: Database) -> None:
    alerts: list[tuple[int, float]] = []

    async def on_alert(count: int, age: float) -> None:
        alerts.append((count, age))

    t = fake(db)
    t.down = True  # e.g. rate-limited: nothing gets out
    t.outbox = Outbox(db, t, alert_after_minutes=1, on_alert=on_alert)
    await t.send_notice(ROOM_A, plain("waits"))
    await t.send_notice(ROOM_B, plain("waits too"))
    await t.outbox.pump()
    assert alerts == []
    assert METRICS.get("chathulp_outbox_backlog") == 2
    await db.execute("UPDATE outbox SET created_at = created_at - 120")
    await t.outbox.pump()
    await t.outbox.pump()
    assert len(alerts) == 1 and alerts[0][0] == 2 and alerts[0][1] >= 120
    assert METRICS.get("chathulp_outbox_oldest_seconds") >= 120
    t.down = False
    t.outbox.backoff.clear()
    t.outbox.start()
    try:
        assert await t.outbox.wait_idle(timeout=10)
    finally:
        await t.outbox.stop()
    await t.outbox.pump()
    assert METRICS.get("chathulp_outbox_backlog") == 0


async def test_unencrypted_room_rows_are_dropped_not_retried(db: Database) -> None:
    t = fake(db)
    room = t.add_room("@x:fake", encrypted=False)
    await t.send_notice(room, plain("secret"))
    t.outbox.start()
    try:
        assert await t.outbox.wait_idle(timeout=10)
    finally:
        await t.outbox.stop()
    assert t.to(room) == []
    assert await db.fetchval("SELECT status FROM outbox") == "dropped"


def test_storage_faults_are_told_apart_from_bugs() -> None:
    assert is_storage_fault(sqlite3.OperationalError("database or disk is full"))
    assert is_storage_fault(sqlite3.OperationalError("attempt to write a readonly database"))
    assert is_storage_fault(OSError(28, "No space left on device"))
    assert is_storage_fault(StorageFault("injected"))
    try:
        try:
            raise sqlite3.OperationalError("disk I/O error")
        except sqlite3.OperationalError as inner:
            raise RuntimeError("wrapped") from inner
    except RuntimeError as outer:
        assert is_storage_fault(outer)
    assert not is_storage_fault(sqlite3.OperationalError("no such table: x"))
    assert not is_storage_fault(ValueError("bug"))


async def test_many_rooms_are_sent_to_side_by_side(tmp_path: Path) -> None:
    """20 youths' answers are on the wire at the same time, not 8 by 8: each send here waits
    until all 20 are in flight (a slow homeserver), which only a wide enough sender (the
    default) allows."""
    db = await open_db(tmp_path / "o.db")
    t = OutboxTransport(db)
    rooms = [t.add_room(f"@y{i}:fake", room_id=f"!r{i}:fake") for i in range(20)]
    in_flight = 0
    all_in = asyncio.Event()
    plain_deliver = t.deliver

    async def slow_deliver(item: store.OutboxItem) -> Outcome:
        nonlocal in_flight
        in_flight += 1
        if in_flight == len(rooms):
            all_in.set()
        await all_in.wait()
        return await plain_deliver(item)

    t.deliver = slow_deliver  # type: ignore[method-assign]
    for room in rooms:
        await t.send_notice(room, plain("antwoord"))
    t.outbox.start()
    try:
        assert await t.outbox.wait_idle(timeout=10)
        assert sorted(r for _, r in t.wire) == sorted(rooms)
    finally:
        await t.outbox.stop()
        await db.close()


async def test_notices_decided_together_go_out_as_one_message(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch
                                                              ) -> None:
    """One transaction's notices for one room are one message (one send, one bubble); other
    rooms', other transactions' and a leave stay apart, in order. A kill after the merged
    send resends the same merged message under the same txn id."""
    path = tmp_path / "bot.db"
    db = await open_db(path)
    t = fake(db)
    async with db.transaction():
        await t.send_notice(ROOM_A, plain("help <text>"))
        await t.send_notice(ROOM_B, plain("other room"))
        await t.send_notice(ROOM_A, plain("the question again"))
    async with db.transaction():
        await t.send_notice(ROOM_A, plain("next answer"))
    await t.send_notice(ROOM_A, plain("alone 1"))
    await t.send_notice(ROOM_A, plain("alone 2"))
    async with db.transaction():
        await t.send_notice(ROOM_A, plain("goodbye"))
        await t.leave(ROOM_A)

    async def killed(*_a: object) -> None:
        raise Killed

    first = await store.pending_in_room(db, ROOM_A)
    monkeypatch.setattr(store, "mark_all_done", killed)
    with pytest.raises(Killed):
        await t.outbox._send_group(ROOM_A, ROOM_A, None)
    monkeypatch.undo()
    assert t.to(ROOM_A) == ["help <text>\n\nthe question again"]
    assert [s.message.html for s in t.sent] == ["help &lt;text&gt;<br><br>the question again"]
    await db.close()

    db, t2 = await restarted(path)
    assert t2.to(ROOM_A) == ["help <text>\n\nthe question again", "next answer",
                             "alone 1", "alone 2", "goodbye"]
    assert t2.left == [ROOM_A]
    assert t2.to(ROOM_B) == ["other room"]
    assert t2.wire[0] == (first[0].txn_id, ROOM_A) == t.wire[0]
    assert await store.backlog(db) == (0, None)
    await db.close()


def test_a_long_merge_is_split_below_the_event_limit() -> None:
    from bot.outbox import MERGE_LIMIT, merged

    def row(i: int, size: int) -> store.OutboxItem:
        return store.OutboxItem(i, ROOM_A, None, store.NOTICE, "x" * size, "x" * size, False,
                                None, f"t{i}", 0, 0, "b1")

    groups = merged([row(i, MERGE_LIMIT // 6) for i in range(6)])
    assert [len(g) for g in groups] == [3, 3]
    assert all(sum(len(i.body) + len(i.html) for i in g) <= MERGE_LIMIT for g in groups)
