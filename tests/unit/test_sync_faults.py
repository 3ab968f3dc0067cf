"""The sync loop under a storage fault: the batch is not acknowledged (the token stays), the
fault is reported once, and after it clears the events that came in meanwhile are handled."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from nio import RoomMessageText

from bot.matrix.sync import Handlers, SyncLoop
from bot.metrics import METRICS
from bot.storage import sync_state as tstore
from bot.storage.db import Database
from tests.support.waiting import wait_until

ROOM = "!dm:fake"


def text_event(n: int) -> RoomMessageText:
    return RoomMessageText.from_dict({
        "type": "m.room.message", "event_id": f"$e{n}", "sender": "@youth:fake",
        "origin_server_ts": 1_700_000_000_000 + n,
        "content": {"msgtype": "m.text", "body": f"message {n}"},
    })


class FakeNio:
    """Just enough of nio's AsyncClient: every sync returns the events since `since`."""

    user_id = "@bot:fake"
    should_upload_keys = should_query_keys = should_claim_keys = False
    olm = None  # no encryption here: no fallback key to keep

    def __init__(self) -> None:
        self.rooms = {ROOM: SimpleNamespace(encrypted=True, member_count=2)}
        self.events: list[RoomMessageText] = []
        self.sinces: list[str | None] = []
        self.timeouts: list[int] = []

    async def sync(self, *, since: str | None = None, timeout: int = 0,
                   **_kw: Any) -> SimpleNamespace:
        self.sinces.append(since)
        self.timeouts.append(timeout)
        await asyncio.sleep(0.01)
        start = int(since or 0)
        if start >= len(self.events) and timeout:
            await asyncio.sleep(timeout / 1000)  # a long poll: nothing new
        batch = self.events[start:]
        timeline = SimpleNamespace(events=batch)
        return SimpleNamespace(
            next_batch=str(len(self.events)),
            rooms=SimpleNamespace(invite={}, join={ROOM: SimpleNamespace(timeline=timeline)}),
        )

    async def send_to_device_messages(self) -> None:
        return None


class FakeTransport:
    def __init__(self) -> None:
        self.nio = FakeNio()

    def room_known(self, room_id: str) -> None:
        return None

    def batch_unacknowledged(self) -> None:
        return None

    def before_ack(self) -> None:
        return None

    @staticmethod
    @contextlib.contextmanager
    def answering(room_id: str, origin_ms: int) -> Iterator[None]:
        yield


async def test_disk_full_holds_the_sync_token_and_handles_later(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    handled: list[str] = []
    faults: list[bool] = []

    async def on_message(msg: Any) -> None:
        handled.append(msg.body)

    async def on_invite(_invite: Any) -> None:
        return None

    async def on_fault(started: bool) -> None:
        faults.append(started)

    transport = FakeTransport()
    await tstore.set_kv(db, tstore.SYNC_TOKEN, "0")  # not a first sync: answer the timeline
    loop = SyncLoop(transport, db, Handlers(on_message, on_invite, on_storage_fault=on_fault),  # type: ignore[arg-type]
                    backoff_max=0.05, poll_timeout_ms=10)
    task = asyncio.create_task(loop.run())
    try:
        transport.nio.events.append(text_event(0))
        await wait_until(lambda: tstore.get_kv(db, tstore.SYNC_TOKEN), lambda v: v == "1",
                         timeout=10)
        assert handled == ["message 0"]

        # The disk fills up: every write of the storage layer fails.
        real_claim = tstore.claim_event

        async def disk_full(*_a: Any, **_kw: Any) -> bool:
            raise sqlite3.OperationalError("database or disk is full")

        monkeypatch.setattr(tstore, "claim_event", disk_full)
        transport.nio.events += [text_event(1), text_event(2)]
        await wait_until(lambda: _value(loop.storage_fault), timeout=10)
        await wait_until(lambda: _value(transport.nio.sinces.count("1") >= 3), timeout=10)
        assert await tstore.get_kv(db, tstore.SYNC_TOKEN) == "1"  # not acknowledged
        assert handled == ["message 0"]
        assert METRICS.get("chathulp_storage_fault") == 1
        assert faults == [True]  # said once, however often the batch is retried

        # Space again: the batch that came in during the fault is handled, once each.
        monkeypatch.setattr(tstore, "claim_event", real_claim)
        await wait_until(lambda: tstore.get_kv(db, tstore.SYNC_TOKEN), lambda v: v == "3",
                         timeout=10)
        assert handled == ["message 0", "message 1", "message 2"]
        assert not loop.storage_fault and faults == [True, False]
        assert METRICS.get("chathulp_storage_fault") == 0
    finally:
        loop.stop()
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def _value(v: bool) -> bool:
    return v


async def test_the_end_of_a_storage_fault_is_noticed_within_seconds(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A long storage fault does not grow the homeserver back-off (up to 30 s) nor long-poll:
    retries come every 2 s at most and return at once, so once writing works the held batch
    is handled (and /health is 200 again) within seconds."""
    handled: list[str] = []

    async def on_message(msg: Any) -> None:
        handled.append(msg.body)

    async def on_invite(_invite: Any) -> None:
        return None

    transport = FakeTransport()
    await tstore.set_kv(db, tstore.SYNC_TOKEN, "0")
    # The production defaults: back-off up to 30 s, long polls of 30 s.
    loop = SyncLoop(transport, db, Handlers(on_message, on_invite))  # type: ignore[arg-type]
    assert loop.backoff_max == 30.0 and loop.poll_timeout_ms == 30_000
    slept: list[float] = []

    async def fast_sleep(seconds: float) -> None:  # records the back-off, waits for nothing
        slept.append(seconds)
        await asyncio.sleep(0)

    monkeypatch.setattr(loop, "_sleep", fast_sleep)
    real_claim = tstore.claim_event
    failures = 0

    async def disk_full(*a: Any, **kw: Any) -> bool:
        nonlocal failures
        if failures < 8:  # long enough for a doubling back-off to pass 30 s
            failures += 1
            raise sqlite3.OperationalError("database or disk is full")
        return await real_claim(*a, **kw)

    monkeypatch.setattr(tstore, "claim_event", disk_full)
    transport.nio.events += [text_event(0), text_event(1)]
    task = asyncio.create_task(loop.run())
    try:
        await wait_until(lambda: tstore.get_kv(db, tstore.SYNC_TOKEN), lambda v: v == "2",
                         timeout=10)
        assert handled == ["message 0", "message 1"] and failures == 8
        assert len(slept) == 8 and max(slept) <= 2.0, slept
        # Every retry after the first failure returned at once (no 30 s long poll).
        assert transport.nio.timeouts[1:9] == [0] * 8, transport.nio.timeouts
        assert not loop.storage_fault
    finally:
        loop.stop()
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
