"""The upgrade table: each schema version is a registered async step in its own transaction.

A step gets the connection; `conn.engine` tells SQLite from PostgreSQL where they differ
(`if conn.engine is POSTGRES: …`). A database newer than this code is refused (running old
code on it could lose data). Never edit a released step's effect; add a new one.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from bot.storage.db import Connection, Database

log = logging.getLogger(__name__)

Step = Callable[[Connection], Awaitable[None]]
_STEPS: dict[int, tuple[str, Step]] = {}


class DatabaseTooNew(RuntimeError):
    pass


def step(version: int, description: str) -> Callable[[Step], Step]:
    def register(fn: Step) -> Step:
        if version in _STEPS:
            raise RuntimeError(f"schema version {version} registered twice")
        _STEPS[version] = (description, fn)
        return fn

    return register


def latest_version() -> int:
    # Importing the steps registers them.
    from bot.storage import schema  # noqa: F401

    return max(_STEPS)


_LOCK = "chathulp schema upgrade"


async def current_version(db: Database) -> int:
    async with db.transaction() as conn:
        # Under the lock: PostgreSQL's CREATE TABLE IF NOT EXISTS is not safe against itself.
        await conn.lock(_LOCK)
        await conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)"
        )
        value = await conn.fetchval("SELECT MAX(version) FROM schema_version")
    return int(value or 0)


def _too_new(version: int) -> DatabaseTooNew:
    return DatabaseTooNew(
        f"the database is at schema version {version}, newer than this chathulp "
        f"(knows up to {latest_version()}); upgrade chathulp instead of downgrading"
    )


async def upgrade(db: Database, target: int | None = None) -> int:
    """Bring the schema to `target` (default: latest). Returns the version reached."""
    latest = latest_version()
    target = latest if target is None else target
    version = await current_version(db)
    if version > latest:
        raise _too_new(version)
    for v in range(version + 1, target + 1):
        description, fn = _STEPS[v]
        async with db.transaction() as conn:
            # Two processes starting at once: the second waits, then sees the step done.
            await conn.lock(_LOCK)
            now = int(await conn.fetchval("SELECT MAX(version) FROM schema_version") or 0)
            if now >= v:
                continue
            log.info("Upgrading database to version %d: %s", v, description)
            await fn(conn)
            await conn.execute("DELETE FROM schema_version")
            await conn.execute("INSERT INTO schema_version (version) VALUES (?)", (v,))
    return max(version, target)
