"""A fallback key for the bot's device: a youth's first message can be read even when more
youths write at the same moment than the bot has one-time keys.

A youth's client starts an Olm session with the bot's device on a one-time key it claims
from the homeserver; through that session the room key of the youth's messages reaches the
bot. nio (0.26) publishes only one-time keys, 50 of them, and tops them up after a sync.
When more youths claim than there are keys (a class that scans the poster together; the
load generator with 60 youths at once lost hundreds of first messages this way), the
others' clients find no key, never share their room key with the bot, and the message is
kept undecryptable until the youth is asked to write it again
(`matrix.undecryptable_resend_minutes`). The Matrix spec's answer is a fallback key: the
homeserver hands it out when the one-time keys are gone, and vodozemac accepts a pre-key
message made with it (and, after a renewal, with the previous one).

The key is signed like a one-time key (with `"fallback": true` in the signed object, as the
spec says), written to nio's store before it is uploaded (as the one-time keys are:
bot/matrix/e2ee_guard.py), and marked published once the homeserver has it. A fallback key
can be used by many senders, so it is renewed every `RENEW_AFTER` (a day): a session started
with it is then no longer possible with a key the device keeps for longer than two days.
Not renewed each time the homeserver reports it used (nio does not parse that sync field,
`device_unused_fallback_key_types`): in a burst that would renew it at every sync, and
vodozemac keeps only the one previous key, so a client that claimed a key two renewals ago
could no longer reach the bot.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

log = logging.getLogger(__name__)

RENEW_AFTER = 24 * 3600.0
KV_PUBLISHED_AT = "fallback_key_published_at"  # when the current fallback key was uploaded


def signed_fallback_keys(olm: Any) -> dict[str, Any]:
    """The account's fallback key that the homeserver does not have yet, signed for upload
    as `fallback_keys` (empty when there is none)."""
    out: dict[str, Any] = {}
    for key_id, key in olm.account._account.fallback_key.items():
        obj: dict[str, Any] = {"key": key.to_base64(), "fallback": True}
        signature = olm.sign_json(obj)
        out[f"signed_curve25519:{key_id}"] = {
            **obj, "signatures": {olm.user_id: {f"ed25519:{olm.device_id}": signature}},
        }
    return out


async def keep_fallback_key(
    olm: Any,
    upload: Callable[[dict[str, Any]], Awaitable[bool]],
    published_at: float | None,
    now: float,
) -> bool:
    """Publish a fallback key when the device has none yet, one was made but not uploaded
    (a crash or a failed upload), or the current one is older than `RENEW_AFTER`.

    `upload(body)` posts `/keys/upload` and says whether the homeserver took it. True when a
    key was published now (the caller records `now` as `published_at`)."""
    account = olm.account
    pending = signed_fallback_keys(olm)
    if not pending:
        if published_at is not None and now - published_at < RENEW_AFTER:
            return False
        account._account.generate_fallback_key()
        pending = signed_fallback_keys(olm)
    # On disk before the homeserver hands it out: a pre-key message made with it must find
    # the key after a crash too.
    olm.save_account()
    if not await upload({"fallback_keys": pending}):
        log.warning("Publishing the device's fallback key failed; retried after the next sync")
        return False
    account.mark_keys_as_published()
    olm.save_account()
    log.info("Published a new fallback key for the bot's device")
    return True
