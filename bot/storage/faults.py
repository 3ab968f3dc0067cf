"""Which exceptions mean "the database cannot be written" (disk full, read-only, I/O error),
as opposed to a bug: the sync loop holds back acknowledging events while they last."""

from __future__ import annotations

import errno
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
