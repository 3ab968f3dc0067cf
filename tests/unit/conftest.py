"""Unit-test fixtures: a migrated database per test, on each engine (see tests/conftest.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.storage import migrations
from bot.storage.db import Database


@pytest.fixture
async def db(db_url: str) -> AsyncIterator[Database]:
    database = Database(db_url)
    await database.open()
    await migrations.upgrade(database)
    yield database
    await database.close()
