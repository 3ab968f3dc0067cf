"""A youth whose client finds none of the bot's one-time keys left is still read: the bot's
device publishes a fallback key (bot/matrix/fallback_key.py). Real Synapse, real E2EE.

Deterministic: the bot is stopped (it cannot top its one-time keys up), another user claims
every one of them until Synapse hands out the fallback key, the youth writes (its client
starts the Olm session on the fallback key, the only one left), and the restarted bot
decrypts the message with the fallback key from its store and answers it."""

from __future__ import annotations

import json
from typing import Any

import aiohttp
import pytest
import vodozemac

from bot.matrix import fallback_key
from bot.storage import sync_state as tstore
from tests.conftest import MatrixEnv
from tests.support.waiting import wait_until

pytestmark = pytest.mark.synapse


async def _claim(http: aiohttp.ClientSession, url: str, token: str, user_id: str,
                 device_id: str) -> dict[str, Any]:
    async with http.post(
        f"{url}/_matrix/client/v3/keys/claim",
        json={"one_time_keys": {user_id: {device_id: "signed_curve25519"}}},
        headers={"Authorization": f"Bearer {token}"},
    ) as r:
        assert r.status == 200
        data = await r.json()
    return data.get("one_time_keys", {}).get(user_id, {}).get(device_id, {})


async def test_a_youth_is_read_when_the_bots_one_time_keys_are_gone(mx: MatrixEnv) -> None:
    bot_id = await mx.register("bot")
    data_dir = mx.tmp / "bot-fallback"
    app = await mx.start_bot(mx.config(bot_id, data_dir))
    device_id = app.transport.nio.device_id
    ed25519 = app.transport.nio.olm.account.identity_keys["ed25519"]
    await wait_until(lambda: tstore.get_kv(app.db, fallback_key.KV_PUBLISHED_AT),
                     lambda v: v is not None, timeout=30)
    youth = await mx.user("youth")
    room = await youth.open_dm(bot_id)
    texts = app.config.text(None)
    await mx.stop_bot(app)

    claimer = await mx.user("claimer")
    async with aiohttp.ClientSession() as http:
        for _ in range(200):  # the bot keeps 50 one-time keys
            keys = await _claim(http, mx.synapse.url, claimer.client.access_token, bot_id,
                                device_id)
            assert keys, "no key at all: the bot published no fallback key"
            [(key_id, obj)] = keys.items()
            if obj.get("fallback"):
                break
        else:
            pytest.fail("Synapse never handed out a fallback key")
    signed = {k: v for k, v in obj.items() if k != "signatures"}
    vodozemac.Ed25519PublicKey.from_base64(ed25519).verify_signature(
        json.dumps(signed, sort_keys=True, separators=(",", ":")).encode(),
        vodozemac.Ed25519Signature.from_base64(
            obj["signatures"][bot_id][f"ed25519:{device_id}"]))
    assert key_id.startswith("signed_curve25519:")

    mark = youth.mark()
    await youth.say(room, "hoi")  # the youth's client can only use the fallback key now
    app2 = await mx.start_bot(mx.config(bot_id, data_dir))
    reply = await youth.next_message(room, sender=bot_id, after=mark, timeout=60)
    assert reply.body != texts.undecryptable
    assert await tstore.get_kv(app2.db, fallback_key.KV_PUBLISHED_AT) is not None
