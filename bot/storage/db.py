"""One database API on two engines: SQLite (aiosqlite, the embedded default) or PostgreSQL
(asyncpg, for a service that outgrows one machine).

- SQL in this package is written once, with `?` placeholders; for PostgreSQL they become `$1…`.
- Rows come out as `Row` (by name and by position), never as a driver's own row type.
- `async with db.transaction():` sets the running transaction in a ContextVar. Every query
  of the same task inside it — also through `db.execute(...)` and query functions that open
  their own `db.transaction()` — joins it, so no connection is handed around and nested calls
  never wait for themselves. A nested `transaction()` is a savepoint: it rolls back alone.
- Integrity violations (unique, check, foreign key) are raised as `IntegrityError` on both.

SQLite: one connection, WAL, foreign keys on, busy_timeout; an asyncio lock serialises the
statements and transactions of this process (BEGIN IMMEDIATE against other processes).
PostgreSQL: a connection pool; `Connection.lock(key)` takes a transaction-scoped advisory lock.
"""

from __future__ import annotations

import asyncio
import contextvars
import enum
import itertools
import logging
import re
import sqlite3
import uuid
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from contextlib import asynccontextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

import aiosqlite

from bot.storage import faults

log = logging.getLogger(__name__)

Params = Sequence[Any]


class Engine(enum.Enum):
    SQLITE = "sqlite"
    POSTGRES = "postgres"


SQLITE = Engine.SQLITE
POSTGRES = Engine.POSTGRES


class IntegrityError(Exception):
    """A constraint refused a write (unique, check, foreign key, not null), on either engine.

    The message names the constraint or the columns, e.g. "bookings.youth_id" (SQLite) or
    'bookings_youth_upcoming … Key (youth_id)=…' (PostgreSQL).
    """


class Row(dict[str, Any]):
    """A result row: `row["column"]` or `row[0]`."""

    def __getitem__(self, key: str | int) -> Any:  # type: ignore[override]
        if isinstance(key, int):
            return list(self.values())[key]
        return super().__getitem__(key)


def parse_url(target: str | Path) -> tuple[Engine, str]:
    """`postgresql://…`/`postgres://…`, `sqlite:///abs/path`, `sqlite:rel/path` or a path."""
    if isinstance(target, Path):
        return SQLITE, str(target)
    if target.startswith(("postgresql://", "postgres://")):
        return POSTGRES, target
    if target.startswith("sqlite://"):
        return SQLITE, target[len("sqlite://"):]
    if target.startswith("sqlite:"):
        return SQLITE, target[len("sqlite:"):]
    if re.match(r"^[a-z][a-z0-9+.-]*://", target):
        raise ValueError(f"unsupported database URL scheme: {target.split('://')[0]}")
    return SQLITE, target


@lru_cache(maxsize=512)
def to_dollar_params(sql: str) -> str:
    """`?` placeholders (outside quotes) → `$1, $2, …` for PostgreSQL."""
    out: list[str] = []
    n = 0
    quote: str | None = None
    for ch in sql:
        if quote:
            if ch == quote:
                quote = None
        elif ch in ("'", '"'):
            quote = ch
        elif ch == "?":
            n += 1
            out.append(f"${n}")
            continue
        out.append(ch)
    return "".join(out)


class Connection(Protocol):
    """What query functions use: one connection (inside a transaction or not)."""

    engine: Engine

    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run one statement; returns the number of changed rows."""

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None: ...

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None: ...

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]: ...

    async def fetchval(self, sql: str, params: Params = ()) -> Any: ...

    async def lock(self, key: str) -> None:
        """Serialise transactions that take the same key, until this transaction ends."""

    def savepoint(self) -> Any:
        """An async context manager: a nested transaction that rolls back alone."""


# --- SQLite -----------------------------------------------------------------------------------


class _SQLiteConnection:
    engine = SQLITE
    _names = itertools.count(1)

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self.raw = conn
        self.wrote = False  # only kept while a test injects faults (faults.INJECTING)

    def _injected_fault(self, sql: str) -> None:
        """Test-only: the disk-full drill's injected fault (bot/storage/faults.py)."""
        if faults.is_write(sql):
            faults.check_write(sql)
            self.wrote = True

    async def _run(self, sql: str, params: Params) -> aiosqlite.Cursor:
        if faults.INJECTING:
            self._injected_fault(sql)
        try:
            return await self.raw.execute(sql, tuple(params))
        except sqlite3.IntegrityError as exc:
            raise IntegrityError(str(exc)) from exc

    async def execute(self, sql: str, params: Params = ()) -> int:
        cur = await self._run(sql, params)
        return cur.rowcount

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        if faults.INJECTING:
            self._injected_fault(sql)
        try:
            await self.raw.executemany(sql, [tuple(r) for r in rows])
        except sqlite3.IntegrityError as exc:
            raise IntegrityError(str(exc)) from exc

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        cur = await self._run(sql, params)
        names = [d[0] for d in cur.description or ()]
        return [Row(zip(names, r, strict=True)) for r in await cur.fetchall()]

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        rows = await self.fetchall(sql, params)
        return rows[0] if rows else None

    async def fetchval(self, sql: str, params: Params = ()) -> Any:
        row = await self.fetchone(sql, params)
        return None if row is None else row[0]

    async def lock(self, key: str) -> None:
        # BEGIN IMMEDIATE already holds the database's one write lock.
        return None

    @asynccontextmanager
    async def savepoint(self) -> AsyncIterator[_SQLiteConnection]:
        name = f"sp{next(self._names)}"
        await self.raw.execute(f"SAVEPOINT {name}")
        try:
            yield self
        except BaseException:
            await self.raw.execute(f"ROLLBACK TO {name}")
            await self.raw.execute(f"RELEASE {name}")
            raise
        else:
            await self.raw.execute(f"RELEASE {name}")


class _SQLiteDriver:
    engine = SQLITE

    def __init__(self, path: str) -> None:
        self.path = path
        self._conn: _SQLiteConnection | None = None
        self._lock = asyncio.Lock()

    async def open(self) -> None:
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        # isolation_level=None: we issue BEGIN/COMMIT ourselves.
        conn = await aiosqlite.connect(self.path, isolation_level=None)
        await conn.execute("PRAGMA journal_mode=WAL")
        await conn.execute("PRAGMA foreign_keys=ON")
        await conn.execute("PRAGMA busy_timeout=5000")
        await conn.execute("PRAGMA synchronous=NORMAL")
        # Deleted and overwritten content is zeroed, not left in free space: an erased youth's
        # rows (and text from before sealing) cannot be read back from the file.
        await conn.execute("PRAGMA secure_delete=ON")
        self._conn = _SQLiteConnection(conn)

    async def close(self) -> None:
        if self._conn is not None:
            await self._conn.raw.close()
            self._conn = None

    @property
    def conn(self) -> _SQLiteConnection:
        if self._conn is None:
            raise RuntimeError("database is not open")
        return self._conn

    @asynccontextmanager
    async def acquire(self) -> AsyncIterator[_SQLiteConnection]:
        async with self._lock:
            yield self.conn

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[_SQLiteConnection]:
        async with self._lock:
            conn = self.conn
            await conn.raw.execute("BEGIN IMMEDIATE")
            conn.wrote = False
            try:
                yield conn
                if faults.INJECTING and conn.wrote:
                    faults.check_write("INSERT")  # the commit's write to a full disk
                # A failed COMMIT (disk full, I/O error) may leave the transaction open: it
                # is rolled back below like any other failure, never left for the next BEGIN.
                await conn.raw.execute("COMMIT")
            except BaseException:
                try:
                    await conn.raw.execute("ROLLBACK")
                except sqlite3.OperationalError:
                    pass  # SQLite already rolled back (e.g. after "database or disk is full")
                raise


# --- PostgreSQL -------------------------------------------------------------------------------


def _rowcount(status: str) -> int:
    """asyncpg's status string ('UPDATE 3', 'INSERT 0 1', 'DELETE 0') → the row count."""
    last = status.rsplit(" ", 1)[-1]
    return int(last) if last.isdigit() else 0


class _PostgresConnection:
    engine = POSTGRES

    def __init__(self, conn: Any) -> None:
        self.raw = conn

    async def _call(self, method: str, sql: str, *args: Any) -> Any:
        import asyncpg

        try:
            return await getattr(self.raw, method)(to_dollar_params(sql), *args)
        except asyncpg.IntegrityConstraintViolationError as exc:
            detail = getattr(exc, "detail", None) or ""
            raise IntegrityError(f"{exc} {detail}".strip()) from exc

    async def execute(self, sql: str, params: Params = ()) -> int:
        return _rowcount(await self._call("execute", sql, *params))

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        rows = [tuple(r) for r in rows]
        if rows:
            await self._call("executemany", sql, rows)

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        return [Row(r.items()) for r in await self._call("fetch", sql, *params)]

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        row = await self._call("fetchrow", sql, *params)
        return None if row is None else Row(row.items())

    async def fetchval(self, sql: str, params: Params = ()) -> Any:
        return await self._call("fetchval", sql, *params)

    async def lock(self, key: str) -> None:
        await self.raw.execute("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", key)

    @asynccontextmanager
    async def savepoint(self) -> AsyncIterator[_PostgresConnection]:
        async with self.raw.transaction():  # nested: asyncpg makes it a savepoint
            yield self


class _PostgresDriver:
    engine = POSTGRES

    def __init__(self, url: str, *, min_size: int = 1, max_size: int = 10) -> None:
        self.url = url
        self.min_size, self.max_size = min_size, max_size
        self._pool: Any = None
        self._claim: Any = None  # the connection holding `claim`'s session lock

    async def open(self) -> None:
        import asyncpg

        self._pool = await asyncpg.create_pool(
            self.url, min_size=self.min_size, max_size=self.max_size
        )

    async def close(self) -> None:
        if self._claim is not None:
            await self.pool.release(self._claim)
            self._claim = None
        if self._pool is not None:
            await self._pool.close()
            self._pool = None

    async def claim(self, key: str) -> bool:
        if self._claim is not None:
            return True
        conn = await self.pool.acquire()
        if await conn.fetchval("SELECT pg_try_advisory_lock(hashtextextended($1, 0))", key):
            self._claim = conn
            return True
        await self.pool.release(conn)
        return False

    @property
    def pool(self) -> Any:
        if self._pool is None:
            raise RuntimeError("database is not open")
        return self._pool

    @asynccontextmanager
    async def acquire(self) -> AsyncIterator[_PostgresConnection]:
        async with self.pool.acquire() as conn:
            yield _PostgresConnection(conn)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[_PostgresConnection]:
        async with self.pool.acquire() as conn, conn.transaction():
            yield _PostgresConnection(conn)


# --- the Database -----------------------------------------------------------------------------

_Current = tuple[Connection, "asyncio.Task[Any] | None"]


class Database:
    """`Database(path_or_url)`: a Path or plain path is SQLite; see `parse_url` for URLs."""

    def __init__(self, target: str | Path) -> None:
        self.engine, location = parse_url(target)
        self._driver: _SQLiteDriver | _PostgresDriver = (
            _SQLiteDriver(location) if self.engine is SQLITE else _PostgresDriver(location)
        )
        self.path = location if self.engine is SQLITE else None
        self._current: contextvars.ContextVar[_Current | None] = contextvars.ContextVar(
            f"chathulp_db_{id(self)}", default=None
        )
        self._flush_wanted = False
        self._on_commit: contextvars.ContextVar[list[Callable[[], None]] | None] = (
            contextvars.ContextVar(f"chathulp_db_commit_{id(self)}", default=None)
        )
        self._txn_serial = itertools.count(1)
        self._txn_key: contextvars.ContextVar[str | None] = contextvars.ContextVar(
            f"chathulp_db_txn_{id(self)}", default=None
        )
        # Unique per process start, so keys never repeat across restarts.
        self._key_prefix = uuid.uuid4().hex[:12]

    def __repr__(self) -> str:
        return f"Database({self.engine.value})"  # never the URL: it may hold a password

    async def open(self) -> None:
        await self._driver.open()

    async def close(self) -> None:
        await self._driver.close()

    async def claim(self, key: str) -> bool:
        """Hold `key` for as long as this Database is open; False if another process holds it.

        PostgreSQL: a session advisory lock (one bot per database, whatever its data_dir).
        SQLite: always True; the database lives in data_dir, which the bot locks itself.
        """
        if isinstance(self._driver, _PostgresDriver):
            return await self._driver.claim(key)
        return True

    def _joined(self) -> Connection | None:
        """The transaction this task is running, if any (child tasks do not inherit it)."""
        current = self._current.get()
        if current is None:
            return None
        conn, task = current
        try:
            this = asyncio.current_task()
        except RuntimeError:
            this = None
        return conn if task is this else None

    @property
    def in_transaction(self) -> bool:
        return self._joined() is not None

    @property
    def transaction_key(self) -> str | None:
        """A key unique to the running top-level transaction (None outside one): rows
        written under the same key were decided together."""
        return self._txn_key.get() if self.in_transaction else None

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Connection]:
        """A transaction, rolled back on any exception; inside one, a savepoint."""
        running = self._joined()
        if running is not None:
            async with running.savepoint():
                yield running
            return
        callbacks: list[Callable[[], None]] = []
        commit_token = self._on_commit.set(callbacks)
        key_token = self._txn_key.set(f"{self._key_prefix}.{next(self._txn_serial)}")
        try:
            async with self._driver.transaction() as conn:
                token = self._current.set((conn, asyncio.current_task()))
                try:
                    yield conn
                finally:
                    self._current.reset(token)
        finally:
            self._txn_key.reset(key_token)
            self._on_commit.reset(commit_token)
        for callback in callbacks:  # committed
            callback()
        if self._flush_wanted:
            self._flush_wanted = False
            await self.flush_log()

    def after_commit(self, callback: Callable[[], None]) -> None:
        """Call `callback` once the running transaction has committed (at once if none is
        running; never if it rolls back). E.g. wake a reader of rows written in it."""
        callbacks = self._on_commit.get()
        if callbacks is None or not self.in_transaction:
            callback()
        else:
            callbacks.append(callback)

    @asynccontextmanager
    async def acquire(self) -> AsyncIterator[Connection]:
        """The running transaction's connection, or one for single statements."""
        running = self._joined()
        if running is not None:
            yield running
            return
        async with self._driver.acquire() as conn:
            yield conn

    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run one statement (in the running transaction, if any); returns changed rows."""
        async with self.acquire() as conn:
            return await conn.execute(sql, params)

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        async with self.transaction() as conn:
            await conn.executemany(sql, rows)

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        async with self.acquire() as conn:
            return await conn.fetchone(sql, params)

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        async with self.acquire() as conn:
            return await conn.fetchall(sql, params)

    async def fetchval(self, sql: str, params: Params = ()) -> Any:
        async with self.acquire() as conn:
            return await conn.fetchval(sql, params)

    async def flush_log(self) -> None:
        """SQLite: copy the write-ahead log into the database file and empty it, so that old
        versions of changed rows (e.g. after an erasure) do not linger in the -wal file."""
        if self.engine is not SQLITE:
            return
        if self.in_transaction:
            self._flush_wanted = True  # once the outermost transaction has committed
            return
        await self.fetchall("PRAGMA wal_checkpoint(TRUNCATE)")
