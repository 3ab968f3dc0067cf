"""Which exceptions mean "the database cannot be written" (disk full, read-only, I/O error),
as opposed to a bug: the sync loop holds back acknowledging events while they last."""

from __future__ import annotations

import errno
import os
import re
import sqlite3

_SQLITE_MESSAGES = (
    "database or disk is full",
    "readonly database",
    "read-only",
    "disk i/o error",
    "unable to open database",
)
_ERRNOS = {errno.ENOSPC, errno.EROFS, errno.EDQUOT, errno.EIO, errno.EACCES}


class StorageFault(Exception):
    """A write failed because of the storage, not because of the data (also for tests that
    inject a failing write)."""


def is_storage_fault(exc: BaseException) -> bool:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, StorageFault):
            return True
        if isinstance(current, sqlite3.OperationalError):
            text = str(current).lower()
            if any(m in text for m in _SQLITE_MESSAGES):
                return True
        if isinstance(current, OSError) and current.errno in _ERRNOS:
            return True
        name = type(current).__name__
        if name in ("DiskFullError", "ReadOnlySQLTransactionError", "InsufficientResourcesError"):
            return True  # asyncpg's
        current = current.__cause__ or current.__context__
    return False


# --- test-only: an injected "disk full" -------------------------------------------------------
# For the disk-full drill (scripts/drill.py --disk-full): while the file named by
# CHATHULP_FAULT_FILE exists, every write to the bot's database and to nio's E2EE store fails
# exactly as SQLite fails on a full disk (sqlite3.OperationalError "database or disk is full",
# SQLITE_FULL). Read once at import; without the variable nothing is checked (no cost).
# Never set it in production.
FAULT_FILE_ENV = "CHATHULP_FAULT_FILE"
FAULT_FILE: str | None = os.environ.get(FAULT_FILE_ENV) or None
INJECTING = FAULT_FILE is not None

_WRITES = frozenset({"INSERT", "UPDATE", "DELETE", "REPLACE", "CREATE", "DROP", "ALTER",
                     "VACUUM"})
_WRITE_IN_WITH = re.compile(r"\b(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)


def is_write(sql: str) -> bool:
    """A statement that changes the database file (what a full disk refuses)."""
    head = sql.lstrip()[:10].split(None, 1)
    first = head[0].upper().rstrip(";") if head else ""
    if first == "WITH":
        return bool(_WRITE_IN_WITH.search(sql))
    return first in _WRITES


def disk_full() -> sqlite3.OperationalError:
    """The exception the sqlite3 driver raises when the disk is full."""
    exc = sqlite3.OperationalError("database or disk is full")
    exc.sqlite_errorcode = sqlite3.SQLITE_FULL  # type: ignore[attr-defined]
    exc.sqlite_errorname = "SQLITE_FULL"  # type: ignore[attr-defined]
    return exc


def check_write(sql: str) -> None:
    """Test-only (call it only when INJECTING): raise "disk full" for a write while the
    fault file exists."""
    if FAULT_FILE is not None and is_write(sql) and os.path.exists(FAULT_FILE):
        raise disk_full()
