"""Sensitive text sealed at rest: AES-256-GCM with a key from the bot's secrets.

What a youth wrote (free text, intake answers, the intake state that holds them), counselors'
case notes and alert details are stored as `cx1:<key id>:<base64 nonce+ciphertext>`, so a
copied database file or backup alone reveals no youth's words. Storage functions seal on write
(`seal(db, text)`, with the key set on the Database) and open on read (`unseal(text)`, with
any key loaded in this process, chosen by the id in the value): callers see plain text.

A value without the prefix is plain text from before sealing; `reseal_all` (run at start and
by `chathulp rotate-key`) seals it, and reseals values sealed with an older key.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import os
from dataclasses import dataclass, field

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from bot.storage.db import Database

log = logging.getLogger(__name__)

PREFIX = "cx1:"
_KEYRING: dict[str, AESGCM] = {}  # key id -> cipher, every key loaded in this process


class SealError(RuntimeError):
    """A sealed value whose key is not loaded (wrong or lost key)."""


def key_id(key: bytes) -> str:
    return hashlib.sha256(b"chathulp db key\0" + key).hexdigest()[:12]


@dataclass
class Sealer:
    """The key new values are sealed with, and older keys that may still open values."""

    key: bytes
    old_keys: list[bytes] = field(default_factory=list)

    def __post_init__(self) -> None:
        if len(self.key) != 32:
            raise ValueError("the database key must be 32 bytes")
        self.id = key_id(self.key)
        self._aead = AESGCM(self.key)
        for k in [self.key, *self.old_keys]:
            _KEYRING[key_id(k)] = AESGCM(k)

    def seal(self, text: str) -> str:
        nonce = os.urandom(12)
        ct = self._aead.encrypt(nonce, text.encode("utf-8"), self.id.encode())
        return f"{PREFIX}{self.id}:{base64.b64encode(nonce + ct).decode()}"


def new_key() -> bytes:
    return AESGCM.generate_key(bit_length=256)


def use(db: Database, sealer: Sealer | None) -> None:
    """Seal what `db`'s storage functions write from now on with `sealer`'s key."""
    db.sealer = sealer  # type: ignore[attr-defined]


def sealer_of(db: Database) -> Sealer | None:
    return getattr(db, "sealer", None)


def seal(db: Database, text: str | None) -> str | None:
    """Seal `text` for storing (None stays None; plain when no key is set, e.g. unit tests)."""
    sealer = sealer_of(db)
    if text is None or sealer is None:
        return text
    return sealer.seal(text)


def is_sealed(value: str | None) -> bool:
    return value is not None and value.startswith(PREFIX)


def unseal(value: str | None) -> str | None:
    """The plain text of a stored value (plain legacy values pass through)."""
    if value is None or not value.startswith(PREFIX):
        return value
    kid, _, data = value[len(PREFIX):].partition(":")
    aead = _KEYRING.get(kid)
    if aead is None:
        raise SealError("a sealed value's key is not loaded (is the database key right?)")
    raw = base64.b64decode(data)
    return aead.decrypt(raw[:12], raw[12:], kid.encode()).decode("utf-8")


# Every sealed column: (table, primary key, column). New sensitive columns are added here.
SEALED_COLUMNS: list[tuple[str, str, str]] = [
    ("youths", "user_id", "intake"),
    ("cases", "id", "free_text"),
    ("cases", "id", "answers"),
    ("case_notes", "id", "body"),
    ("crisis_alerts", "id", "note"),
    ("bookings", "id", "phone"),
]


async def reseal_all(db: Database, columns: list[tuple[str, str, str]] | None = None) -> int:
    """Seal plain values and reseal those under an older key with the current key.

    Idempotent and restart-safe (one transaction per table). Returns how many values changed.
    """
    sealer = sealer_of(db)
    if sealer is None:
        return 0
    changed = 0
    mine = f"{PREFIX}{sealer.id}:"
    for table, pk, column in columns or SEALED_COLUMNS:
        async with db.transaction() as conn:
            rows = await conn.fetchall(
                f"SELECT {pk} AS pk, {column} AS v FROM {table} "
                f"WHERE {column} IS NOT NULL AND {column} NOT LIKE ?", (mine + "%",))
            for row in rows:
                plain = unseal(row["v"])
                await conn.execute(f"UPDATE {table} SET {column} = ? WHERE {pk} = ?",
                                   (sealer.seal(plain or ""), row["pk"]))
                changed += 1
    if changed:
        await db.flush_log()  # no plain text left behind in the write-ahead log
        log.info("Sealed %d stored values with the current database key", changed)
    return changed
