"""Anonymous accounts on the service's own homeserver, via Synapse's shared-secret admin API.

`GET /_synapse/admin/v1/register` gives a nonce; `POST` it back with
`mac = HMAC-SHA1(secret, nonce \\0 user \\0 password \\0 "notadmin")`. The registration logs a
device in; that device is logged out again at once, so the new account starts with none.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass

import aiohttp

log = logging.getLogger(__name__)

# No look-alikes (0/o, 1/l/i): ids and passwords are read off a screen and typed over.
ID_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
MAX_PASSWORD_LENGTH = 256
_ATTEMPTS = 5


class RegistrationError(Exception):
    """The account could not be created (homeserver down, misconfigured secret, …)."""


@dataclass(frozen=True)
class Account:
    user_id: str
    password: str
    generated: bool  # True: the service made up the password (show it once)


def random_localpart(prefix: str) -> str:
    return f"{prefix}-" + "".join(secrets.choice(ID_ALPHABET) for _ in range(6))


def random_password() -> str:
    """Four groups of four, e.g. 'Xk7m-p2Qa-9dRt-hW3e' (about 92 bits)."""
    groups = ("".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(4)) for _ in range(4))
    return "-".join(groups)


def registration_mac(secret: str, nonce: str, user: str, password: str, admin: bool) -> str:
    parts = (nonce, user, password, "admin" if admin else "notadmin")
    message = b"\x00".join(p.encode("utf-8") for p in parts)
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha1).hexdigest()


class Registrar:
    def __init__(
        self, api_url: str, secret: str | None, prefix: str, *, timeout: float = 20.0
    ) -> None:
        self.api_url = api_url.rstrip("/")
        self.secret = secret
        self.prefix = prefix
        self.timeout = aiohttp.ClientTimeout(total=timeout)
        self._http: aiohttp.ClientSession | None = None

    @property
    def configured(self) -> bool:
        return bool(self.secret)

    def _session(self) -> aiohttp.ClientSession:
        if self._http is None or self._http.closed:
            self._http = aiohttp.ClientSession(timeout=self.timeout)
        return self._http

    async def close(self) -> None:
        if self._http is not None:
            await self._http.close()
            self._http = None

    async def create(self, password: str | None = None) -> Account:
        """Create a fresh account with a random id; a generated password when none is given."""
        if not self.secret:
            raise RegistrationError("no registration shared secret configured")
        generated = password is None
        pw = random_password() if password is None else password
        try:
            for _ in range(_ATTEMPTS):
                user_id = await self._register(random_localpart(self.prefix), pw)
                if user_id is not None:
                    return Account(user_id, pw, generated)
        except (aiohttp.ClientError, TimeoutError, ValueError, KeyError) as exc:
            raise RegistrationError(f"homeserver: {type(exc).__name__}: {exc}") from exc
        raise RegistrationError("no free user id found")

    async def _register(self, localpart: str, password: str) -> str | None:
        """The new user id, or None when that localpart is taken."""
        assert self.secret is not None
        http = self._session()
        url = f"{self.api_url}/_synapse/admin/v1/register"
        async with http.get(url) as r:
            if r.status != 200:
                raise RegistrationError(f"nonce request answered {r.status}")
            nonce = str((await r.json())["nonce"])
        body = {
            "nonce": nonce, "username": localpart, "password": password, "admin": False,
            "mac": registration_mac(self.secret, nonce, localpart, password, False),
        }
        async with http.post(url, json=body) as r:
            data = await r.json(content_type=None)
            if r.status == 400 and isinstance(data, dict) and data.get("errcode") == (
                "M_USER_IN_USE"
            ):
                return None
            if r.status != 200 or not isinstance(data, dict):
                errcode = data.get("errcode") if isinstance(data, dict) else None
                raise RegistrationError(f"register answered {r.status} {errcode}")
        token = data.get("access_token")
        if token:
            await self._logout(str(token))
        return str(data["user_id"])

    async def _logout(self, token: str) -> None:
        try:
            async with self._session().post(
                f"{self.api_url}/_matrix/client/v3/logout",
                headers={"Authorization": f"Bearer {token}"}, json={},
            ) as r:
                if r.status != 200:
                    log.warning("Logging out the registration device answered %s", r.status)
        except (aiohttp.ClientError, TimeoutError) as exc:
            # The account exists and works; a stray device is untidy, not fatal.
            log.warning("Logging out the registration device failed: %s", type(exc).__name__)
