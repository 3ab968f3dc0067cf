"""Files in the data directory that must survive restarts and stay private (mode 0600).

- credentials.json: homeserver, user id, device id, access token (written once, at first login)
- secrets.json: the E2EE store's pickle key and the cross-signing private seeds

Environment variables override secrets.json (for deployments that keep secrets elsewhere):
CHATHULP_PICKLE_KEY, CHATHULP_MASTER_KEY_SEED, CHATHULP_SELF_SIGNING_KEY_SEED,
CHATHULP_USER_SIGNING_KEY_SEED (seeds as unpadded base64 of 32 bytes), CHATHULP_DB_KEY (the
key that seals sensitive text in the database, unpadded base64 of 32 bytes) and
CHATHULP_DB_OLD_KEYS (comma-separated earlier database keys, while `chathulp rotate-key` runs).
"""

from __future__ import annotations

import base64
import json
import os
import secrets
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

CREDENTIALS_FILE = "credentials.json"
SECRETS_FILE = "secrets.json"


@dataclass(frozen=True)
class Credentials:
    homeserver: str
    user_id: str
    device_id: str
    access_token: str


@dataclass(frozen=True)
class Secrets:
    pickle_key: str
    master_seed: str
    self_signing_seed: str
    user_signing_seed: str
    db_key: str = ""
    db_old_keys: str = ""  # comma-separated earlier database keys (during a rotation)


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode().rstrip("=")


def unb64(text: str) -> bytes:
    return base64.b64decode(text + "=" * (-len(text) % 4))


def write_private_json(path: Path, data: dict[str, Any]) -> None:
    """Atomically write JSON readable by the owner only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)  # also when a leftover .tmp had looser rights
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(data, fh, indent=2)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def load_credentials(data_dir: Path) -> Credentials | None:
    path = data_dir / CREDENTIALS_FILE
    if not path.exists():
        return None
    return Credentials(**json.loads(path.read_text(encoding="utf-8")))


def save_credentials(data_dir: Path, creds: Credentials) -> None:
    write_private_json(data_dir / CREDENTIALS_FILE, asdict(creds))


def load_or_create_secrets(data_dir: Path, environ: dict[str, str] | None = None) -> Secrets:
    env = os.environ if environ is None else environ
    path = data_dir / SECRETS_FILE
    stored: dict[str, str] = {}
    if path.exists():
        stored = json.loads(path.read_text(encoding="utf-8"))
    fresh = {
        "pickle_key": secrets.token_urlsafe(32),
        "master_seed": b64(secrets.token_bytes(32)),
        "self_signing_seed": b64(secrets.token_bytes(32)),
        "user_signing_seed": b64(secrets.token_bytes(32)),
        "db_key": b64(secrets.token_bytes(32)),
    }
    merged = {key: stored.get(key) or fresh[key] for key in fresh}
    if stored.get("db_old_keys"):
        merged["db_old_keys"] = stored["db_old_keys"]
    if merged != stored:
        write_private_json(path, merged)
    overrides = {
        "pickle_key": env.get("CHATHULP_PICKLE_KEY"),
        "master_seed": env.get("CHATHULP_MASTER_KEY_SEED"),
        "self_signing_seed": env.get("CHATHULP_SELF_SIGNING_KEY_SEED"),
        "user_signing_seed": env.get("CHATHULP_USER_SIGNING_KEY_SEED"),
        "db_key": env.get("CHATHULP_DB_KEY"),
        "db_old_keys": env.get("CHATHULP_DB_OLD_KEYS"),
    }
    merged.update({k: v for k, v in overrides.items() if v})
    return Secrets(**merged)


def database_keys(found: Secrets) -> tuple[bytes, list[bytes]]:
    """(the current database key, earlier keys) as bytes."""
    old = [unb64(k.strip()) for k in found.db_old_keys.split(",") if k.strip()]
    return unb64(found.db_key), old


def rotate_database_key(data_dir: Path) -> tuple[str, str]:
    """A new database key in secrets.json; the current one is kept as an old key until the
    database is resealed (`finish_rotation`). Returns (old key, new key)."""
    path = data_dir / SECRETS_FILE
    stored: dict[str, str] = json.loads(path.read_text(encoding="utf-8"))
    old = stored["db_key"]
    new = b64(secrets.token_bytes(32))
    olds = [k for k in stored.get("db_old_keys", "").split(",") if k] + [old]
    stored.update(db_key=new, db_old_keys=",".join(olds))
    write_private_json(path, stored)
    return old, new


def finish_rotation(data_dir: Path) -> None:
    """Forget the old database keys once every value is sealed with the new one."""
    path = data_dir / SECRETS_FILE
    stored: dict[str, str] = json.loads(path.read_text(encoding="utf-8"))
    stored.pop("db_old_keys", None)
    write_private_json(path, stored)
