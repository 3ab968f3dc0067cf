"""The device's fallback key: published once, signed as a one-time key with "fallback": true,
renewed after a day, uploaded again after a failed upload (bot/matrix/fallback_key.py).
With a real vodozemac account inside nio's Olm wrapper; the homeserver is a recorder."""

from __future__ import annotations

import json
from typing import Any

import vodozemac
from nio.crypto import OlmAccount

from bot.matrix import fallback_key
from bot.matrix.fallback_key import RENEW_AFTER, keep_fallback_key

NOW = 1_800_000_000.0


class FakeOlm:
    user_id, device_id = "@bot:fake", "BOTDEVICE"

    def __init__(self) -> None:
        self.account = OlmAccount()
        self.saved = 0

    def save_account(self) -> None:
        self.saved += 1

    def sign_json(self, obj: dict[str, Any]) -> str:
        canonical = json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return self.account.sign(canonical)


class Homeserver:
    def __init__(self, *, works: bool = True) -> None:
        self.works = works
        self.uploads: list[dict[str, Any]] = []

    async def upload(self, body: dict[str, Any]) -> bool:
        self.uploads.append(body)
        return self.works


def only_key(body: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    [(key_id, obj)] = body["fallback_keys"].items()
    return key_id, obj


async def test_a_new_device_publishes_a_signed_fallback_key() -> None:
    olm, hs = FakeOlm(), Homeserver()
    assert await keep_fallback_key(olm, hs.upload, None, NOW)
    key_id, obj = only_key(hs.uploads[0])
    assert key_id.startswith("signed_curve25519:")
    assert obj["fallback"] is True
    signature = obj["signatures"]["@bot:fake"]["ed25519:BOTDEVICE"]
    signed = json.dumps({"fallback": True, "key": obj["key"]}, sort_keys=True,
                        separators=(",", ":")).encode()
    vodozemac.Ed25519PublicKey.from_base64(olm.account.identity_keys["ed25519"]).verify_signature(
        signed, vodozemac.Ed25519Signature.from_base64(signature))  # raises if wrong
    assert olm.saved == 2  # on disk before the upload, and once marked published
    assert fallback_key.signed_fallback_keys(olm) == {}  # published: nothing pending


async def test_it_is_kept_for_a_day_then_renewed() -> None:
    olm, hs = FakeOlm(), Homeserver()
    await keep_fallback_key(olm, hs.upload, None, NOW)
    assert not await keep_fallback_key(olm, hs.upload, NOW, NOW + RENEW_AFTER - 60)
    assert len(hs.uploads) == 1
    assert await keep_fallback_key(olm, hs.upload, NOW, NOW + RENEW_AFTER + 1)
    assert len(hs.uploads) == 2
    assert only_key(hs.uploads[0])[1]["key"] != only_key(hs.uploads[1])[1]["key"]


async def test_a_failed_upload_is_not_taken_for_published_and_the_same_key_goes_next() -> None:
    olm, down = FakeOlm(), Homeserver(works=False)
    assert not await keep_fallback_key(olm, down.upload, None, NOW)
    up = Homeserver()
    assert await keep_fallback_key(olm, up.upload, None, NOW + 30)
    assert only_key(down.uploads[0]) == only_key(up.uploads[0])  # not a second new key
