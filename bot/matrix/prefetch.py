"""The first sync after a restart, asked for while the bot is still importing itself.

Why: the first sync after a start asks for the full state of every room (nio keeps no room
list across restarts). With 100 rooms the homeserver needs most of a second to build that
answer, and the bot needs over a second to import and build itself. Asked at the very start
of the process (`start`, stdlib only, in a thread), the answer is ready when the sync loop
wants it (`take`) and a youth who wrote while the bot was down is answered that much sooner.

Safe by construction:
- It is only a read: the same `GET /sync` (same `since`, filter, `full_state`) the sync
  loop would send. Asking for a sync does not acknowledge anything: the homeserver drops
  to-device messages only when a later request presents a newer `since`.
- It is used only if it matches what the started bot would ask: the same homeserver, access
  token and `since` (read again from the database by the sync loop). Anything else (a
  config the quick read got wrong, another database engine, an error, no answer in time) is
  thrown away and the sync loop asks itself, as it always did.
- Nothing is logged from here but whether it was used; never the token or the answer.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import threading
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

SYNC_FILTER: dict[str, Any] = {
    "presence": {"not_types": ["*"]},
    "account_data": {"not_types": ["*"]},
    "room": {
        "timeline": {"limit": 50},
        "ephemeral": {"not_types": ["*"]},
        # Of a room's state the bot (and nio's encryption) read only who is in it and that
        # it is encrypted; the rest (power levels, join rules, history visibility, names) is
        # asked for when needed (`room_state`). Half of a DM's state events: the first sync
        # after a start, with every room's full state, is parsed in half the time.
        "state": {"types": ["m.room.create", "m.room.member", "m.room.encryption"]},
    },
}
CREDENTIALS_FILE = "credentials.json"  # as bot/matrix/secrets.py writes it
SYNC_TOKEN_KEY = "sync_token"  # as bot/storage/sync_state.py keeps it
REQUEST_TIMEOUT = 30.0


def sync_path(since: str, *, full_state: bool) -> str:
    """The path and query of a sync without long-polling, as the sync loop's first one."""
    query = {"since": since, "timeout": "0", "filter": json.dumps(SYNC_FILTER,
                                                                   separators=(",", ":"))}
    if full_state:
        query["full_state"] = "true"
    return "/_matrix/client/v3/sync?" + urllib.parse.urlencode(query)


@dataclass
class Prefetched:
    homeserver: str
    access_token: str
    since: str
    done: threading.Event = field(default_factory=threading.Event)
    body: bytes | None = None  # the answer's body when the homeserver said 200


_pending: Prefetched | None = None


def _quick_read(config_path: Path) -> tuple[str, Path, Path] | None:
    """(homeserver, data_dir, SQLite file) from the config, without validating it."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    data = yaml.load(config_path.read_text(encoding="utf-8"), Loader=loader)
    if not isinstance(data, dict) or not isinstance(data.get("matrix"), dict):
        return None
    homeserver = data["matrix"].get("homeserver")
    if not isinstance(homeserver, str) or not homeserver.startswith(("http://", "https://")):
        return None
    data_dir = Path(str(data.get("data_dir") or "./data"))
    if not data_dir.is_absolute():
        data_dir = (config_path.parent / data_dir).resolve()
    database = str(data.get("database") or "")
    if not database:
        db_file = data_dir / "chathulp.db"
    elif database.startswith("sqlite://"):
        db_file = Path(database.removeprefix("sqlite://"))
    else:
        return None  # another engine: its driver is not worth importing this early
    return homeserver.rstrip("/"), data_dir, db_file


def _stored_since(db_file: Path) -> str | None:
    # Read-only: never creates the file or changes it (the bot has not claimed it yet).
    con = sqlite3.connect(f"{db_file.as_uri()}?mode=ro", uri=True, timeout=1.0)
    try:
        row = con.execute("SELECT value FROM kv WHERE key = ?", (SYNC_TOKEN_KEY,)).fetchone()
    finally:
        con.close()
    return row[0] if row and isinstance(row[0], str) else None


def _fetch(job: Prefetched) -> None:
    try:
        request = urllib.request.Request(
            job.homeserver + sync_path(job.since, full_state=True),
            headers={"Authorization": f"Bearer {job.access_token}"},
        )
        # No proxies from the environment: nio (aiohttp) does not use them either.
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        with opener.open(request, timeout=REQUEST_TIMEOUT) as answer:
            if answer.status == 200:
                job.body = answer.read()
    except Exception:
        job.body = None
    finally:
        job.done.set()


def start(config_path: str | os.PathLike[str]) -> None:
    """Ask for the first sync in the background, if a previous run left a login and a sync
    token. Never raises: whatever goes wrong here, the bot starts as it would without."""
    global _pending
    try:
        found = _quick_read(Path(config_path))
        if found is None:
            return
        homeserver, data_dir, db_file = found
        creds = json.loads((data_dir / CREDENTIALS_FILE).read_text(encoding="utf-8"))
        token = creds.get("access_token") if isinstance(creds, dict) else None
        if not isinstance(token, str) or not db_file.is_file():
            return
        since = _stored_since(db_file)
        if since is None:
            return
        job = Prefetched(homeserver, token, since)
        threading.Thread(target=_fetch, args=(job,), name="sync-prefetch", daemon=True).start()
        _pending = job
    except Exception:
        _pending = None


def pending() -> bool:
    """Whether a prefetch was started and not yet taken."""
    return _pending is not None


def take(homeserver: str, access_token: str, since: str | None,
         wait: float = REQUEST_TIMEOUT) -> dict[str, Any] | None:
    """The prefetched first sync's answer if it is the one the bot would ask for now, else
    None. Taken once: a second call returns None. Blocks up to `wait` seconds: call it
    in a thread (`asyncio.to_thread`)."""
    global _pending
    job, _pending = _pending, None
    if job is None:
        return None
    if (job.homeserver, job.access_token, job.since) != (
            homeserver.rstrip("/"), access_token, since):
        log.debug("Start-up: the prefetched sync does not match; not used")
        return None
    started = time.monotonic()
    if not job.done.wait(wait) or job.body is None:
        log.debug("Start-up: the prefetched sync failed; not used")
        return None
    try:
        parsed = json.loads(job.body)
    except ValueError:
        return None
    if not isinstance(parsed, dict) or "next_batch" not in parsed:
        return None
    log.debug("Start-up: prefetched sync used (waited %.2f s for it)",
              time.monotonic() - started)
    return parsed


def forget() -> None:
    """Drop a prefetch nobody will take (tests; a start that failed)."""
    global _pending
    _pending = None
