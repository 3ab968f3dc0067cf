"""The purge queue against a fake Synapse admin API: a purge counts as done only when the
homeserver's delete task is complete; failures and errors are retried with back-off; a
restart resumes (polls the stored delete task, or asks again when it was forgotten); a 404
for the room is done. On both engines."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta

import pytest

from bot.clock import FakeClock
from bot.metrics import METRICS
from bot.purges import RoomPurger
from bot.storage import purges, rights
from bot.storage.db import Database
from tests.support.fake_synapse_admin import FakeSynapse, Ticks
from tests.support.waiting import wait_until

NOW = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
ROOM = "!sessionroom:test"
OTHER = "!otherroom:test"


def purger(db: Database, synapse: FakeSynapse | None, ticks: Ticks,
           clock: FakeClock | None = None) -> RoomPurger:
    return RoomPurger(db, clock or FakeClock(NOW), lambda: synapse, poll_seconds=2,
                      poll_max=10, retry_seconds=5, backoff_max=60, warn_after_minutes=30,
                      monotonic=ticks)


async def purge_audits(db: Database) -> list[tuple[str, int]]:
    return [(a.reason, a.count) for a in await rights.audit_trail(db) if a.action == "purge"]


async def test_queued_in_the_callers_transaction_only(db: Database) -> None:
    with pytest.raises(RuntimeError):
        async with db.transaction():
            await purges.want(db, [ROOM], "youth request", NOW)
            raise RuntimeError("the erasure failed")
    assert await purges.pending(db) == []
    async with db.transaction():
        assert await purges.want(db, [ROOM, OTHER], "youth request", NOW) == 2
    assert await purges.want(db, [ROOM], "youth request", NOW) == 0  # idempotent
    assert [p.room_id for p in await purges.pending(db)] == [ROOM, OTHER]


async def test_done_only_when_the_delete_task_is_complete(db: Database) -> None:
    synapse, ticks = FakeSynapse(), Ticks()
    await purges.want(db, [ROOM], "youth request", NOW)
    worker = purger(db, synapse, ticks)

    await worker.pump()
    assert synapse.calls == [("DELETE", ROOM)]
    (row,) = await purges.pending(db)
    assert row.delete_id == "task1"  # kept, to be polled after a restart
    assert METRICS.get("chathulp_room_purges_pending") == 1
    # Scheduled, then running: still pending, nothing audited; polled when due, not before.
    await worker.pump()
    assert synapse.calls == [("DELETE", ROOM)]
    ticks.t += 2
    await worker.pump()
    synapse.finish("task1", "active")
    ticks.t += 10
    await worker.pump()
    assert synapse.calls[1:] == [("GET", "task1"), ("GET", "task1")]
    assert len(await purges.pending(db)) == 1 and await purge_audits(db) == []

    synapse.finish("task1")
    ticks.t += 10
    await worker.pump()
    assert await purges.pending(db) == []
    assert await purge_audits(db) == [("youth request", 1)]
    assert METRICS.get("chathulp_room_purges_pending") == 0
    assert synapse.deletes() == 1


async def test_a_failed_task_is_asked_again_with_back_off(db: Database) -> None:
    synapse, ticks = FakeSynapse(), Ticks()
    await purges.want(db, [ROOM], "retention: cases expired", NOW)
    worker = purger(db, synapse, ticks)
    await worker.pump()
    synapse.finish("task1", "failed")  # e.g. "Users are still joined to this room"
    ticks.t += 2
    await worker.pump()
    (row,) = await purges.pending(db)
    assert (row.delete_id, row.attempts, row.last_error) == (None, 1, "delete task failed")
    ticks.t += 4  # back-off: 5 s after the first failure
    await worker.pump()
    assert synapse.deletes() == 1
    ticks.t += 1
    await worker.pump()
    assert synapse.deletes() == 2
    synapse.finish("task2")
    ticks.t += 2
    await worker.pump()
    assert await purges.pending(db) == []
    assert await purge_audits(db) == [("retention: cases expired", 1)]


async def test_homeserver_down_is_retried_with_growing_back_off(db: Database) -> None:
    synapse, ticks = FakeSynapse(), Ticks()
    synapse.down = True
    await purges.want(db, [ROOM], "youth request", NOW)
    worker = purger(db, synapse, ticks)
    delays = []
    for _ in range(3):
        delays.append(await worker.pump())
        ticks.t += delays[-1]
    assert delays == [5, 10, 20]
    assert synapse.deletes() == 3
    (row,) = await purges.pending(db)
    assert (row.attempts, row.last_error) == (3, "ClientConnectorError")
    synapse.down = False
    await worker.pump()
    synapse.finish("task1")
    ticks.t += 2
    await worker.pump()
    assert await purges.pending(db) == [] and len(await purge_audits(db)) == 1


async def test_a_restart_resumes_the_started_delete(db: Database) -> None:
    synapse, ticks = FakeSynapse(), Ticks()
    await purges.want(db, [ROOM], "youth request", NOW)
    await purger(db, synapse, ticks).pump()  # DELETE sent, delete id kept; then a crash
    synapse.finish("task1")
    restarted = purger(db, synapse, Ticks())
    await restarted.pump()  # polls the kept task at once: no second DELETE
    assert synapse.calls == [("DELETE", ROOM), ("GET", "task1")]
    assert await purges.pending(db) == [] and len(await purge_audits(db)) == 1


async def test_a_restart_before_the_delete_id_was_kept_follows_the_running_task(
    db: Database,
) -> None:
    synapse, ticks = FakeSynapse(), Ticks()
    await purges.want(db, [ROOM], "youth request", NOW)
    # The DELETE reached Synapse, the bot crashed before keeping its answer.
    await synapse.start_purge(ROOM)
    worker = purger(db, synapse, ticks)
    await worker.pump()  # Synapse: "Purge already in progress": that task is followed
    (row,) = await purges.pending(db)
    assert row.delete_id == "task1" and len(synapse.tasks) == 1
    synapse.finish("task1")
    ticks.t += 2
    await worker.pump()
    assert await purges.pending(db) == [] and len(await purge_audits(db)) == 1


async def test_a_forgotten_delete_task_is_asked_again(db: Database) -> None:
    synapse, ticks = FakeSynapse(), Ticks()
    await purges.want(db, [ROOM], "youth request", NOW)
    (row,) = await purges.pending(db)
    await purges.started(db, row.id, "gone-task")  # Synapse's database was reset meanwhile
    worker = purger(db, synapse, ticks)
    assert await worker.pump() == pytest.approx(0.1)  # asked again at once
    assert synapse.calls == [("GET", "gone-task")]
    assert (await purges.pending(db))[0].delete_id is None
    await worker.pump()
    assert synapse.calls[-1] == ("DELETE", ROOM)
    synapse.finish("task1")
    ticks.t += 2
    await worker.pump()
    assert await purges.pending(db) == [] and len(await purge_audits(db)) == 1


async def test_an_unknown_room_counts_as_purged(db: Database) -> None:
    synapse, ticks = FakeSynapse(), Ticks()
    synapse.unknown_rooms.add(ROOM)
    await purges.want(db, [ROOM, OTHER], "youth request", NOW)
    worker = purger(db, synapse, ticks)
    await worker.pump()
    assert [p.room_id for p in await purges.pending(db)] == [OTHER]
    assert await purge_audits(db) == [("youth request", 1)]


async def test_without_an_admin_token_the_rows_wait(db: Database) -> None:
    await purges.want(db, [ROOM], "youth request", NOW)
    ticks = Ticks()
    assert await purger(db, None, ticks).pump() == 60
    assert len(await purges.pending(db)) == 1
    # The token arrives (a reload): the same rows are worked off.
    synapse = FakeSynapse()
    worker = RoomPurger(db, FakeClock(NOW), lambda: synapse, monotonic=ticks)
    await worker.pump()
    assert synapse.deletes() == 1


async def test_a_long_wait_is_logged_once_without_the_room(
    db: Database, caplog: pytest.LogCaptureFixture,
) -> None:
    synapse, ticks = FakeSynapse(), Ticks()
    synapse.down = True
    clock = FakeClock(NOW)
    await purges.want(db, [ROOM], "youth request", NOW)
    worker = purger(db, synapse, ticks, clock)
    caplog.set_level(logging.INFO, logger="bot.purges")
    await worker.pump()
    assert "waited" not in caplog.text
    clock.advance(timedelta(minutes=31))
    for _ in range(3):
        ticks.t += 60
        await worker.pump()
    waits = [r for r in caplog.records if "waited" in r.getMessage()]
    assert len(waits) == 1 and waits[0].levelno == logging.WARNING
    assert "31 minutes" in waits[0].getMessage()
    assert ROOM not in caplog.text and "sessionroom" not in caplog.text


async def test_the_running_worker_is_woken_by_a_queued_purge(db: Database) -> None:
    synapse = FakeSynapse()
    worker = RoomPurger(db, FakeClock(NOW), lambda: synapse, poll_seconds=0.05)
    METRICS.set("chathulp_room_purges_pending", -1)
    worker.start()
    try:
        # The first pass found nothing: the worker now sleeps until kicked (or 300 s).
        await wait_until(lambda: asyncio.sleep(0, METRICS.get("chathulp_room_purges_pending")),
                         lambda n: n == 0, timeout=5)
        async with db.transaction():
            await purges.want(db, [ROOM], "youth request", NOW)
            db.after_commit(worker.kick)
        await wait_until(lambda: asyncio.sleep(0, synapse.deletes()), timeout=5)
        synapse.finish("task1")
        await wait_until(lambda: purges.count(db), lambda n: n == 0, timeout=5)
    finally:
        await worker.stop()
    assert await purge_audits(db) == [("youth request", 1)]
