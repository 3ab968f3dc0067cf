"""A message the bot cannot decrypt yet survives a restart: its key arrives while the bot is
down, and after the restart the kept message is read and answered (real Synapse, real E2EE)."""

from __future__ import annotations

import secrets
from typing import Any

import aiohttp
import pytest

from bot.storage import undecryptable
from tests.conftest import MatrixEnv
from tests.support.waiting import wait_until

pytestmark = pytest.mark.synapse


async def test_kept_message_is_answered_after_restart_when_its_key_comes(
    mx: MatrixEnv,
) -> None:
    bot_id = await mx.register("bot")
    data_dir = mx.tmp / "bot-data"
    app = await mx.start_bot(mx.config(bot_id, data_dir))
    youth = await mx.user("youth")
    room = await youth.open_dm(bot_id)
    await youth.say(room, "hoi")
    await youth.wait_for(lambda: len([m for m in youth.received if m.sender == bot_id]) >= 1)
    texts = app.config.text(None)

    # The youth's next message is encrypted with a new megolm session whose key is withheld.
    olm = youth.client.olm
    assert olm is not None
    olm.create_outbound_group_session(room)
    session = olm.outbound_group_sessions[room]
    first_key = session.session_key  # exported at message index 0, before encrypting
    session.shared = True  # encrypt without sharing the key (yet)
    content = olm.group_encrypt(room, {"type": "m.room.message",
                                       "content": {"msgtype": "m.text", "body": "1"}})
    async with aiohttp.ClientSession() as http:
        async with http.put(
            f"{mx.synapse.url}/_matrix/client/v3/rooms/{room}/send/m.room.encrypted/"
            f"{secrets.token_hex(8)}",
            json=content, headers={"Authorization": f"Bearer {youth.client.access_token}"},
        ) as r:
            assert r.status == 200
    await wait_until(lambda: undecryptable.count(app.db), lambda n: n == 1, timeout=30)
    mark = youth.mark()
    await mx.stop_bot(app)

    # While the bot is down, the key is shared (it waits on the server as a to-device event).
    session.shared = False
    # nio would export the key at the current index (1): share the one from index 0.
    olm.outbound_group_sessions[room] = _KeyAtIndexZero(session, first_key)
    await youth.client.share_group_session(room, ignore_unverified_devices=True)
    assert olm.outbound_group_sessions[room].id == session.id

    app2 = await mx.start_bot(mx.config(bot_id, data_dir))
    reply = await youth.next_message(room, sender=bot_id, after=mark, timeout=60)
    assert reply.body != texts.undecryptable
    assert "oud" in reply.body.lower()  # "1" (Nederlands) answered: the age question
    assert await undecryptable.count(app2.db) == 0


class _KeyAtIndexZero:
    """The youth's outbound session, exporting the key it had before its first message."""

    def __init__(self, session: Any, key: str) -> None:
        object.__setattr__(self, "_session", session)
        object.__setattr__(self, "session_key", key)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._session, name)

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self._session, name, value)
