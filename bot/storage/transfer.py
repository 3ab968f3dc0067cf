"""Copy a whole chathulp database to another (empty) one: `chathulp migrate-db`.

Typically SQLite → PostgreSQL. The target gets the schema from the upgrade table, then every
table is copied in dependency order inside one target transaction (all or nothing), read from
one source transaction (a consistent snapshot). PostgreSQL's id sequences are moved past the
copied ids. Row counts are compared per table afterwards.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.storage import migrations
from bot.storage.db import POSTGRES, Connection, Database

# Parents before children (foreign keys). schema_version is written by the upgrade itself.
TABLES: tuple[str, ...] = (
    "kv", "handled_events", "rooms", "youths", "cases", "crisis_alerts", "bookings",
    "absences", "timers", "sessions", "case_notes", "handovers", "audit_log",
    "service_accounts", "undecryptable", "report_counts",
    "report_waits", "duty", "outbox", "intake_intents", "held_staff_posts", "now_queue",
    "case_messages", "crisis_questions", "room_purges",
)
# Tables whose `id` is generated (a sequence on PostgreSQL).
_SERIAL = ("cases", "crisis_alerts", "bookings", "absences", "timers", "sessions",
           "case_notes", "handovers", "audit_log", "outbox", "held_staff_posts", "now_queue",
           "case_messages", "room_purges")
_BATCH = 1000


class TransferError(RuntimeError):
    pass


@dataclass(frozen=True)
class TableCount:
    table: str
    source: int
    target: int

    @property
    def ok(self) -> bool:
        return self.source == self.target


async def table_names(db: Database) -> set[str]:
    """The tables that exist in `db`."""
    if db.engine is POSTGRES:
        rows = await db.fetchall(
            "SELECT table_name AS name FROM information_schema.tables "
            "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
        )
    else:
        rows = await db.fetchall(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    return {str(r["name"]) for r in rows}


async def count_rows(db: Database, table: str) -> int:
    if table not in TABLES:
        raise ValueError(f"unknown table {table!r}")
    return int(await db.fetchval(f"SELECT COUNT(*) FROM {table}") or 0)


async def _copy_table(src: Connection, dst: Connection, table: str) -> None:
    offset = 0
    while True:
        rows = await src.fetchall(
            f"SELECT * FROM {table} ORDER BY 1 LIMIT ? OFFSET ?", (_BATCH, offset)
        )
        if not rows:
            return
        columns = list(rows[0].keys())
        marks = ", ".join("?" for _ in columns)
        await dst.executemany(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",
            [tuple(r.values()) for r in rows],
        )
        offset += len(rows)


async def copy_database(
    source: Database, target: Database, progress: Callable[[str], None] = lambda _: None
) -> list[TableCount]:
    """Copy everything from `source` into the empty `target`; returns the counts per table.

    Raises TransferError when the target is not empty or the source has unknown tables.
    Both databases must be open; the source is brought to the latest schema first (as the bot
    itself would do at start).
    """
    await migrations.upgrade(source)
    unknown = await table_names(source) - set(TABLES) - {"schema_version"}
    if unknown:
        raise TransferError(f"the source has tables this chathulp does not know: "
                            f"{', '.join(sorted(unknown))}")
    existing = await table_names(target) & set(TABLES)
    filled = [t for t in sorted(existing) if await count_rows(target, t) > 0]
    if filled:
        raise TransferError(f"the target database is not empty (rows in: {', '.join(filled)})")
    await migrations.upgrade(target)

    async with source.transaction() as src, target.transaction() as dst:
        for table in TABLES:
            progress(table)
            await _copy_table(src, dst, table)
        if dst.engine is POSTGRES:
            for table in _SERIAL:
                await dst.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"COALESCE(MAX(id), 0) + 1, false) FROM {table}"
                )
    return [TableCount(t, await count_rows(source, t), await count_rows(target, t))
            for t in TABLES]
