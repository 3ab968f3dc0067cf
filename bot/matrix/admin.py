"""The homeserver's admin API (Synapse), for the youth's rights: purge a room, deactivate an
account the service made. Used only when an admin token is configured
(`retention.homeserver_admin_token` or CHATHULP_ADMIN_TOKEN).

Deleting a room (`DELETE /_synapse/admin/v2/rooms/<id>`) is asynchronous: the 200 only
carries a `delete_id`; Synapse runs the shutdown and purge as a scheduled task (delayed when
others run, and it can fail), whose state `GET /_synapse/admin/v2/rooms/delete_status/<id>`
tells. `start_purge` and `purge_status` are the two halves; bot/purges.py drives them.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import quote

import aiohttp

from bot.config.models import Config

log = logging.getLogger(__name__)

ADMIN_TOKEN_ENV = "CHATHULP_ADMIN_TOKEN"


def admin_token(config: Config) -> str | None:
    configured = config.retention.homeserver_admin_token
    return os.environ.get(ADMIN_TOKEN_ENV) or (
        configured.get_secret_value() if configured else None) or None


@dataclass(frozen=True)
class PurgeAnswer:
    """What the homeserver said to a purge request or a status question.

    - `started`: the delete task exists (`delete_id`); `busy`: one already runs for the room
      (its id, when found);
    - `scheduled`/`active`: the task waits or runs; `complete`: the room is purged;
      `failed`: the task failed (ask again); `unknown`: no such room or task (404);
    - `error`: no usable answer (homeserver down, 5xx, …; `detail` says which, without ids).
    """

    status: Literal["started", "busy", "scheduled", "active", "complete", "failed", "unknown",
                    "error"]
    delete_id: str | None = None
    detail: str | None = None


# A task status of Synapse's scheduler, as `purge_status` reports it.
_TASK_STATES = {"scheduled", "active", "complete", "failed"}


class HomeserverAdmin:
    def __init__(self, homeserver: str, token: str, *, timeout: float = 60.0) -> None:
        self.homeserver = homeserver.rstrip("/")
        self.token = token
        self.timeout = aiohttp.ClientTimeout(total=timeout)

    @classmethod
    def from_config(cls, config: Config) -> HomeserverAdmin | None:
        token = admin_token(config)
        return cls(config.matrix.homeserver, token) if token else None

    async def _call(self, method: str, path: str, body: dict[str, object]) -> bool:
        headers = {"Authorization": f"Bearer {self.token}"}
        try:
            async with aiohttp.ClientSession(timeout=self.timeout) as http, http.request(
                method, self.homeserver + path, json=body, headers=headers
            ) as r:
                if r.status == 200:
                    return True
                log.warning("Homeserver admin API answered %s to %s", r.status, method)
        except (aiohttp.ClientError, TimeoutError) as exc:
            log.warning("Homeserver admin API failed: %s", type(exc).__name__)
        return False

    async def _json(self, method: str, path: str,
                    body: dict[str, object] | None = None) -> tuple[int, dict[str, Any]]:
        """(HTTP status, JSON object) of one call; (0, {"error": why}) without an answer."""
        headers = {"Authorization": f"Bearer {self.token}"}
        try:
            async with aiohttp.ClientSession(timeout=self.timeout) as http, http.request(
                method, self.homeserver + path, json=body, headers=headers
            ) as r:
                try:
                    data = await r.json(content_type=None)
                except ValueError:
                    data = None
                return r.status, data if isinstance(data, dict) else {}
        except (aiohttp.ClientError, TimeoutError) as exc:
            return 0, {"error": type(exc).__name__}

    async def start_purge(self, room_id: str) -> PurgeAnswer:
        """Ask the homeserver to remove every local member and purge the room's history.

        `force_purge`: the purge goes ahead even when a local member could not be removed
        (else the task fails with "Users are still joined to this room" and nothing is
        purged). A room the homeserver does not know completes as a no-op task."""
        path = f"/_synapse/admin/v2/rooms/{quote(room_id)}"
        status, data = await self._json("DELETE", path,
                                        {"block": False, "purge": True, "force_purge": True})
        if status == 200 and isinstance(data.get("delete_id"), str):
            return PurgeAnswer("started", data["delete_id"])
        if status == 404:
            return PurgeAnswer("unknown")
        if status == 400 and "in progress" in str(data.get("error", "")):
            # A delete asked before (e.g. just before a crash) still runs: follow that one.
            return PurgeAnswer("busy", await self._running_purge(room_id))
        return PurgeAnswer("error", detail=self._why(status, data))

    async def _running_purge(self, room_id: str) -> str | None:
        status, data = await self._json(
            "GET", f"/_synapse/admin/v2/rooms/{quote(room_id)}/delete_status")
        results = data.get("results") if status == 200 else None
        for task in results if isinstance(results, list) else []:
            if isinstance(task, dict) and task.get("status") in ("scheduled", "active"):
                delete_id = task.get("delete_id")
                return delete_id if isinstance(delete_id, str) else None
        return None

    async def purge_status(self, delete_id: str) -> PurgeAnswer:
        """The state of a delete task `start_purge` started."""
        status, data = await self._json(
            "GET", f"/_synapse/admin/v2/rooms/delete_status/{quote(delete_id)}")
        if status == 404:
            return PurgeAnswer("unknown", delete_id)
        state = data.get("status")
        if status == 200 and state in _TASK_STATES:
            return PurgeAnswer(state, delete_id)
        return PurgeAnswer("error", delete_id, self._why(status, data))

    @staticmethod
    def _why(status: int, data: dict[str, Any]) -> str:
        """Short, without ids (Synapse's error texts can name the room)."""
        if status == 0:
            return str(data.get("error", "no answer"))
        code = data.get("errcode")
        return f"HTTP {status}" + (f" {code}" if isinstance(code, str) else "")

    async def purge_room(self, room_id: str) -> bool:
        """Ask for the purge (`start_purge`); True when the homeserver accepted it. The purge
        itself is done only once `purge_status` says `complete`."""
        return (await self.start_purge(room_id)).status in ("started", "busy", "unknown")

    async def deactivate(self, user_id: str) -> bool:
        """Deactivate an account and erase what the homeserver holds of it (GDPR erase)."""
        return await self._call("POST", f"/_synapse/admin/v1/deactivate/{quote(user_id)}",
                                {"erase": True})
