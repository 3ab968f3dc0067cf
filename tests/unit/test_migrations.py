"""The upgrade table on both engines: in-place upgrades, refusal of a newer database, and
SQLite databases made by released code still opening and upgrading."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from bot.storage import migrations
from bot.storage.db import POSTGRES, SQLITE, Database

RELEASED_V5 = Path(__file__).parent / "data" / "sqlite_v5_released.sql"


async def test_fresh_database_reaches_latest(db_url: str) -> None:
    db = Database(db_url)
    await db.open()
    try:
        assert await migrations.upgrade(db) == migrations.latest_version()
        if db.engine is SQLITE:
            assert await db.fetchval("PRAGMA journal_mode") == "wal"
            assert await db.fetchval("PRAGMA foreign_keys") == 1
            assert await db.fetchval("PRAGMA busy_timeout") == 5000
        else:
            assert db.engine is POSTGRES
            # Times and ids are 64-bit on PostgreSQL (INTEGER would end in 2038).
            assert await db.fetchval(
                "SELECT data_type FROM information_schema.columns "
                "WHERE table_name = 'bookings' AND column_name = 'start_at'"
            ) == "bigint"
    finally:
        await db.close()


async def test_upgrade_from_version_1_keeps_data(db_url: str) -> None:
    db = Database(db_url)
    await db.open()
    await migrations.upgrade(db, target=1)
    await db.execute("INSERT INTO kv (key, value) VALUES ('sync_token', 's123')")
    await db.execute(
        "INSERT INTO handled_events (event_id, room_id, handled_at) VALUES ('$e', '!r', 1)"
    )
    await db.close()

    db = Database(db_url)
    await db.open()
    try:
        assert await migrations.current_version(db) == 1
        assert await migrations.upgrade(db) == migrations.latest_version()
        assert await migrations.current_version(db) == migrations.latest_version()
        assert await db.fetchval("SELECT value FROM kv WHERE key='sync_token'") == "s123"
        assert await db.fetchval("SELECT COUNT(*) FROM handled_events") == 1
        # Idempotent: a second upgrade changes nothing.
        assert await migrations.upgrade(db) == migrations.latest_version()
    finally:
        await db.close()


async def test_two_processes_upgrading_at_once(db_url: str) -> None:
    first, second = Database(db_url), Database(db_url)
    await first.open()
    await second.open()
    try:
        reached = await asyncio.gather(migrations.upgrade(first), migrations.upgrade(second))
        assert reached == [migrations.latest_version()] * 2
        assert await first.fetchval("SELECT COUNT(*) FROM schema_version") == 1
    finally:
        await second.close()
        await first.close()


async def test_newer_database_is_refused(db_url: str) -> None:
    db = Database(db_url)
    await db.open()
    try:
        await migrations.upgrade(db)
        await db.execute("UPDATE schema_version SET version = version + 1")
        with pytest.raises(migrations.DatabaseTooNew):
            await migrations.upgrade(db)
    finally:
        await db.close()


async def test_failed_step_rolls_back(db_url: str) -> None:
    db = Database(db_url)
    await db.open()
    try:
        await migrations.upgrade(db, target=1)
        with pytest.raises(RuntimeError):
            async with db.transaction() as conn:
                await conn.execute("INSERT INTO kv (key, value) VALUES ('a', 'b')")
                raise RuntimeError("boom")
        assert await db.fetchval("SELECT COUNT(*) FROM kv") == 0
    finally:
        await db.close()


def _schema(path: Path) -> list[tuple[str, str, str]]:
    con = sqlite3.connect(path)
    try:
        return sorted(con.execute("SELECT type, name, sql FROM sqlite_master"))
    finally:
        con.close()


async def test_released_sqlite_database_opens_and_upgrades(tmp_path: Path) -> None:
    """A database written by the released code (dumped at schema version 5) opens, upgrades,
    and has exactly the schema this code creates on SQLite."""
    old = tmp_path / "released.db"
    con = sqlite3.connect(old)
    con.executescript(RELEASED_V5.read_text())
    con.close()
    fresh = tmp_path / "fresh.db"
    db = Database(fresh)
    await db.open()
    await migrations.upgrade(db, target=5)
    await db.close()
    assert _schema(old) == _schema(fresh)

    db = Database(old)
    await db.open()
    try:
        assert await migrations.current_version(db) == 5
        assert await migrations.upgrade(db) == migrations.latest_version()
        assert await db.fetchval("SELECT value FROM kv WHERE key = 'sync_token'") == "s42"
        assert await db.fetchval("SELECT COUNT(*) FROM bookings WHERE status = 'booked'") == 1
    finally:
        await db.close()
