"""Self cross-signing: without it, Element (exclude-insecure-devices mode) neither decrypts the
bot's messages nor shares its room keys with the bot.

matrix-nio has no cross-signing, so we do it here with plain HTTP: upload master,
self-signing and user-signing keys once (the first upload needs no interactive auth on
current Synapse), then sign the bot's device key with the self-signing key. The private seeds
live in secrets.json so later starts find the same keys on the server and change nothing.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import aiohttp
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from bot.matrix.secrets import Secrets, b64, unb64

log = logging.getLogger(__name__)


class CrossSigningError(RuntimeError):
    pass


def canonical_json(obj: Any) -> bytes:
    return json.dumps(
        obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    ).encode("utf-8")


class SigningKey:
    def __init__(self, seed_b64: str) -> None:
        self._key = Ed25519PrivateKey.from_private_bytes(unb64(seed_b64))
        self.public = b64(self._key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw))

    def sign(self, obj: dict[str, Any]) -> str:
        unsigned = {k: v for k, v in obj.items() if k not in ("signatures", "unsigned")}
        return b64(self._key.sign(canonical_json(unsigned)))


def _add_signature(obj: dict[str, Any], user_id: str, key: SigningKey) -> dict[str, Any]:
    signed = dict(obj)
    signed.pop("unsigned", None)
    signatures = {u: dict(s) for u, s in obj.get("signatures", {}).items()}
    signatures.setdefault(user_id, {})[f"ed25519:{key.public}"] = key.sign(obj)
    signed["signatures"] = signatures
    return signed


def build_keys(user_id: str, secrets: Secrets) -> dict[str, dict[str, Any]]:
    master = SigningKey(secrets.master_seed)
    ssk = SigningKey(secrets.self_signing_seed)
    usk = SigningKey(secrets.user_signing_seed)

    def key_obj(usage: str, key: SigningKey) -> dict[str, Any]:
        return {"user_id": user_id, "usage": [usage], "keys": {f"ed25519:{key.public}": key.public}}

    return {
        "master_key": key_obj("master", master),
        "self_signing_key": _add_signature(key_obj("self_signing", ssk), user_id, master),
        "user_signing_key": _add_signature(key_obj("user_signing", usk), user_id, master),
    }


async def ensure_cross_signed(
    http: aiohttp.ClientSession,
    homeserver: str,
    access_token: str,
    user_id: str,
    device_id: str,
    secrets: Secrets,
    password: str | None = None,
    known: dict[str, Any] | None = None,
) -> str:
    """Make sure the server has our cross-signing keys and our device is signed by them.

    `known`: the answer of `query_own_keys` the caller already has (one round trip less).
    Returns what was done: "uploaded", "signed" or "unchanged".
    """
    headers = {"Authorization": f"Bearer {access_token}"}
    api = f"{homeserver}/_matrix/client/v3"
    master = SigningKey(secrets.master_seed)
    ssk = SigningKey(secrets.self_signing_seed)
    done = "unchanged"

    server = known if known is not None else await query_own_keys(http, api, headers,
                                                                   user_id)
    server_master = _first_key(server.get("master_keys", {}).get(user_id))
    if server_master != master.public:
        if server_master is not None and password is None:
            raise CrossSigningError(
                "the bot account already has other cross-signing keys (secrets.json lost or "
                "replaced?). Replacing them needs the bot's password: set "
                "CHATHULP_BOT_PASSWORD for one start, or restore secrets.json from a backup."
            )
        await _upload_signing_keys(http, api, headers, build_keys(user_id, secrets), user_id,
                                   password)
        done = "uploaded"
        server = await query_own_keys(http, api, headers, user_id)

    device = server.get("device_keys", {}).get(user_id, {}).get(device_id)
    if device is None:
        raise CrossSigningError(f"device {device_id} has no keys on the server to sign")
    sigs = device.get("signatures", {}).get(user_id, {})
    if f"ed25519:{ssk.public}" not in sigs:
        signed = _add_signature(device, user_id, ssk)
        body = {user_id: {device_id: signed}}
        async with http.post(f"{api}/keys/signatures/upload", json=body, headers=headers) as r:
            data = await r.json()
            if r.status != 200 or data.get("failures"):
                raise CrossSigningError(f"signing the device failed: {r.status} {data}")
        done = "signed" if done == "unchanged" else done
    return done


async def query_own_keys(
    http: aiohttp.ClientSession, api: str, headers: dict[str, str], user_id: str
) -> dict[str, Any]:
    async with http.post(
        f"{api}/keys/query", json={"device_keys": {user_id: []}}, headers=headers
    ) as r:
        if r.status != 200:
            raise CrossSigningError(f"keys/query failed: {r.status} {await r.text()}")
        return await r.json()


def _first_key(key_obj: dict[str, Any] | None) -> str | None:
    if not key_obj:
        return None
    return next(iter(key_obj.get("keys", {}).values()), None)


async def _upload_signing_keys(
    http: aiohttp.ClientSession,
    api: str,
    headers: dict[str, str],
    keys: dict[str, Any],
    user_id: str,
    password: str | None,
) -> None:
    url = f"{api}/keys/device_signing/upload"
    async with http.post(url, json=keys, headers=headers) as r:
        if r.status == 200:
            return
        data = await r.json(content_type=None)
        if r.status != 401 or password is None:
            raise CrossSigningError(f"uploading cross-signing keys failed: {r.status} {data}")
        session = data.get("session")
    auth = {
        "type": "m.login.password",
        "identifier": {"type": "m.id.user", "user": user_id},
        "password": password,
        "session": session,
    }
    async with http.post(url, json={**keys, "auth": auth}, headers=headers) as r:
        if r.status != 200:
            raise CrossSigningError(
                f"uploading cross-signing keys with password failed: {r.status} {await r.text()}"
            )
