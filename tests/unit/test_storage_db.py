"""The Database layer on both engines: nested transactions join (no deadlock), savepoints,
one placeholder style, rows by name and position, one IntegrityError."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

import pytest

from bot.config.scheduling import SchedulingConfig
from bot.storage import bookings as store
from bot.storage import sync_state
from bot.storage.db import POSTGRES, SQLITE, Database, IntegrityError, parse_url, to_dollar_params
from tests.unit.test_bookings_store import NOW, SARA, T10, add_youth, book, slot


async def test_query_functions_inside_a_transaction_join_it(db: Database) -> None:
    youth = await add_youth(db, 1)
    booked = (await book(db, youth, slot())).booking
    assert booked is not None

    async def outer() -> None:
        async with db.transaction():
            assert db.in_transaction
            # Single statements and functions with their own transaction, inside ours:
            await sync_state.set_kv(db, "k", "v")
            assert await store.cancel(db, booked.id, NOW)
            await store.add_absence(db, SARA, date(2026, 3, 3), date(2026, 3, 3), NOW)
            assert await sync_state.get_kv(db, "k") == "v"
            raise RuntimeError("roll it all back")

    with pytest.raises(RuntimeError):
        await asyncio.wait_for(outer(), 10)  # a deadlock would time out
    assert await sync_state.get_kv(db, "k") is None
    assert (await store.get_booking(db, booked.id)).status == "booked"  # type: ignore[union-attr]
    assert await store.list_absences(db) == []


async def test_refused_move_inside_a_transaction_rolls_back_only_itself(db: Database) -> None:
    a, b = await add_youth(db, 1), await add_youth(db, 2)
    old = (await book(db, a, slot())).booking
    assert old is not None and (await book(db, b, slot(T10 + timedelta(hours=4)))).ok
    plan = store.reminder_plan(SchedulingConfig(), slot(T10 + timedelta(hours=4)), NOW)
    async with db.transaction():
        await sync_state.set_kv(db, "outer", "kept")
        result = await store.move(db, old.id, slot=slot(T10 + timedelta(hours=4)), now=NOW,
                                  reminders=plan)
        assert result.reason == "slot_taken"
    # The move's cancel of the old booking was undone; the outer write was committed.
    assert await store.get_booking(db, old.id) == old
    assert await sync_state.get_kv(db, "outer") == "kept"


async def test_a_task_started_inside_a_transaction_does_not_join_it(db: Database) -> None:
    seen: list[bool] = []

    async def child() -> None:
        seen.append(db.in_transaction)
        await sync_state.set_kv(db, "child", "1")

    async with db.transaction():
        task = asyncio.create_task(child())
        await sync_state.set_kv(db, "parent", "1")
    await asyncio.wait_for(task, 10)
    assert seen == [False]
    assert await sync_state.get_kv(db, "child") == "1"


async def test_rows_placeholders_and_integrity_errors(db: Database) -> None:
    row = await db.fetchone("SELECT '?' AS q, ? AS v, ? AS w", ("x", "y"))
    assert row is not None and row["q"] == "?" and row[1] == "x" and row["w"] == "y"
    assert await sync_state.claim_event(db, "$e", "!r")
    assert not await sync_state.claim_event(db, "$e", "!r")
    with pytest.raises(IntegrityError):
        await db.execute("INSERT INTO kv (key, value) VALUES ('a', NULL)")
    assert db.engine in (SQLITE, POSTGRES)


def test_urls_and_placeholders() -> None:
    assert parse_url("postgresql://u@h/db") == (POSTGRES, "postgresql://u@h/db")
    assert parse_url("sqlite:///var/lib/x.db") == (SQLITE, "/var/lib/x.db")
    assert parse_url("data/x.db") == (SQLITE, "data/x.db")
    with pytest.raises(ValueError):
        parse_url("mysql://h/db")
    assert to_dollar_params("a = ? AND b = '?' AND c = ?") == "a = $1 AND b = '?' AND c = $2"


async def test_one_bot_per_database(db_url: str) -> None:
    first, second = Database(db_url), Database(db_url)
    await first.open()
    await second.open()
    try:
        assert await first.claim("bot")
        # PostgreSQL: the second process is refused until the first closes. SQLite: the
        # data_dir lock file does that job, claim() does not refuse.
        assert await second.claim("bot") == (first.engine is SQLITE)
        await first.close()
        assert await second.claim("bot")
    finally:
        await second.close()
        await first.close()
