"""The homeserver's admin API (Synapse), for the youth's rights: purge a room, deactivate an
account the service made. Used only when an admin token is configured
(`retention.homeserver_admin_token` or CHATHULP_ADMIN_TOKEN)."""

from __future__ import annotations

import logging
import os
from urllib.parse import quote

import aiohttp

from bot.config.models import Config

log = logging.getLogger(__name__)

ADMIN_TOKEN_ENV = "CHATHULP_ADMIN_TOKEN"


def admin_token(config: Config) -> str | None:
    configured = config.retention.homeserver_admin_token
    return os.environ.get(ADMIN_TOKEN_ENV) or (
        configured.get_secret_value() if configured else None) or None


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

    async def purge_room(self, room_id: str) -> bool:
        """Remove every member and purge the room's history from the homeserver."""
        return await self._call("DELETE", f"/_synapse/admin/v2/rooms/{quote(room_id)}",
                                {"block": False, "purge": True})

    async def deactivate(self, user_id: str) -> bool:
        """Deactivate an account and erase what the homeserver holds of it (GDPR erase)."""
        return await self._call("POST", f"/_synapse/admin/v1/deactivate/{quote(user_id)}",
                                {"erase": True})
