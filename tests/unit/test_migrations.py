"""The upgrade table: in-place upgrades from version 1, refusal of a newer database."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.storage import migrations
from bot.storage.db import Database


async def test_fresh_database_reaches_latest(tmp_path: Path) -> None:
    db = Database(tmp_path / "x.db")
    await db.open()
    try:
        assert await migrations.upgrade(db) == migrations.latest_version()
        assert await db.fetchval("PRAGMA journal_mode") == "wal"
        assert await db.fetchval("PRAGMA foreign_keys") == 1
    finally:
        await db.close()


async def test_upgrade_from_version_1_keeps_data(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    db = Database(path)
    await db.open()
    await migrations.upgrade(db, target=1)
    await db.execute("INSERT INTO kv (key, value) VALUES ('sync_token', 's123')")
    await db.execute(
        "INSERT INTO handled_events (event_id, room_id, handled_at) VALUES ('$e', '!r', 1)"
    )
    await db.close()

    db = Database(path)
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


async def test_newer_database_is_refused(tmp_path: Path) -> None:
    db = Database(tmp_path / "new.db")
    await db.open()
    try:
        await migrations.upgrade(db)
        await db.execute("UPDATE schema_version SET version = version + 1")
        with pytest.raises(migrations.DatabaseTooNew):
            await migrations.upgrade(db)
    finally:
        await db.close()


async def test_failed_step_rolls_back(tmp_path: Path) -> None:
    db = Database(tmp_path / "t.db")
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
