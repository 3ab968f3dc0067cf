"""The foundation on a real Synapse with real E2EE clients."""

from __future__ import annotations

import aiohttp
import pytest

from bot.storage import sync_state as tstore
from tests.conftest import MatrixEnv

pytestmark = pytest.mark.synapse


async def handled_in(app, room: str) -> int:
    return await app.db.fetchval(
        "SELECT COUNT(*) FROM handled_events WHERE room_id = ?", (room,)
    )


async def _bot(mx: MatrixEnv, name: str = "bot"):
    bot_id = await mx.register(name)
    data_dir = mx.tmp / f"{name}-data"
    return bot_id, data_dir, await mx.start_bot(mx.config(bot_id, data_dir))


async def test_youth_gets_encrypted_greeting(mx: MatrixEnv) -> None:
    bot_id, _, app = await _bot(mx)
    youth = await mx.user("youth")
    room = await youth.open_dm(bot_id)
    await youth.say(room, "hoi")
    reply = await youth.next_message(room, sender=bot_id, after=0)
    assert reply.msgtype == "m.notice"
    assert "versleuteld" in reply.body  # the Dutch greeting from config
    assert reply.html is not None
    assert not youth.undecryptable
    # The bot's room is encrypted on both sides.
    assert youth.client.rooms[room].encrypted
    assert app.transport.nio.rooms[room].encrypted


async def test_restart_keeps_device_and_answers_once(mx: MatrixEnv) -> None:
    bot_id, data_dir, app = await _bot(mx)
    device = app.transport.nio.device_id
    youth = await mx.user("youth")
    room = await youth.open_dm(bot_id)
    await youth.say(room, "eerste")
    # The first answer: the greeting with the intake's intro and its first question (one
    # message: notices decided together go out together).
    await youth.wait_for(lambda: len([m for m in youth.received if m.sender == bot_id]) >= 1)
    answered_before = [m for m in youth.received if m.sender == bot_id]

    await mx.stop_bot(app)
    app2 = await mx.start_bot(mx.config(bot_id, data_dir))
    assert app2.transport.nio.device_id == device

    # The server lists exactly one device for the bot.
    async with aiohttp.ClientSession() as http:
        async with http.get(
            f"{mx.synapse.url}/_matrix/client/v3/devices",
            headers={"Authorization": f"Bearer {app2.transport.nio.access_token}"},
        ) as r:
            devices = (await r.json())["devices"]
    assert [d["device_id"] for d in devices] == [device]

    mark = youth.mark()
    await youth.say(room, "na de herstart")
    reply = await youth.next_message(room, sender=bot_id, after=mark)
    assert reply.body
    assert not youth.undecryptable
    # Nothing from before the restart was answered again: exactly one new bot message
    # (the answer to the new message) arrives, and no event was handled twice.
    await youth.say(room, "nog eentje")
    await youth.next_message(room, sender=bot_id, after=youth.mark())
    bot_msgs = [m for m in youth.received if m.sender == bot_id]
    assert len(bot_msgs) == len(answered_before) + 2
    handled = await app2.db.fetchval("SELECT COUNT(*) FROM handled_events WHERE room_id = ?",
                                     (room,))
    assert handled >= 3


async def test_survives_homeserver_outage(mx: MatrixEnv) -> None:
    bot_id, _, app = await _bot(mx)
    youth = await mx.user("youth")
    room = await youth.open_dm(bot_id)
    await youth.say(room, "voor")
    await youth.next_message(room, sender=bot_id, after=0)

    assert (await app.health())["ok"] is True
    await mx.synapse.stop()
    try:
        await youth.wait_for(lambda: app.sync.consecutive_failures >= 1, timeout=30)
        health = await app.health()
        assert health["ok"] is False and health["homeserver"] is False
    finally:
        await mx.synapse.start()
    await youth.wait_for(lambda: app.sync.consecutive_failures == 0, timeout=60)
    assert (await app.health())["ok"] is True

    mark = youth.mark()
    await youth.say(room, "na de storing")
    reply = await youth.next_message(room, sender=bot_id, after=mark, timeout=60)
    assert reply.body


async def test_unencrypted_room_is_refused_once(mx: MatrixEnv) -> None:
    """Left at once with a notice (tests/integration/test_policy.py); a room that loses its
    encryption after the bot joined is warned once, then ignored."""
    bot_id, _, app = await _bot(mx)
    youth = await mx.user("youth")
    room = await youth.open_dm(bot_id)
    await youth.say(room, "hoi")
    await youth.next_message(room, sender=bot_id, after=0)
    # An encrypted room cannot become unencrypted in Matrix; so the unencrypted branch after
    # joining is only reachable in-process (tests/handlers/test_router.py).
    assert await tstore.room_kind(app.db, room) == "dm"


async def _own_keys(url: str, token: str, user_id: str) -> dict:
    async with aiohttp.ClientSession() as http:
        async with http.post(
            f"{url}/_matrix/client/v3/keys/query",
            json={"device_keys": {user_id: []}},
            headers={"Authorization": f"Bearer {token}"},
        ) as r:
            return await r.json()


async def test_device_is_cross_signed_and_keys_kept_across_restart(mx: MatrixEnv) -> None:
    bot_id, data_dir, app = await _bot(mx)
    token, device = app.transport.nio.access_token, app.transport.nio.device_id
    keys = await _own_keys(mx.synapse.url, token, bot_id)
    master = keys["master_keys"][bot_id]["keys"]
    ssk = next(iter(keys["self_signing_keys"][bot_id]["keys"]))
    assert ssk in keys["device_keys"][bot_id][device]["signatures"][bot_id]

    await mx.stop_bot(app)
    app2 = await mx.start_bot(mx.config(bot_id, data_dir))
    again = await _own_keys(mx.synapse.url, token, bot_id)
    assert again["master_keys"][bot_id]["keys"] == master  # not replaced on restart
    assert app2.transport.nio.device_id == device


async def test_reused_device_without_store_refuses_to_start(mx: MatrixEnv) -> None:
    import shutil

    from bot.app import App
    from bot.matrix.client import StartupError

    bot_id, data_dir, app = await _bot(mx)
    await mx.stop_bot(app)
    shutil.rmtree(data_dir / "store")
    fresh = App(mx.config(bot_id, data_dir))
    with pytest.raises(StartupError, match="E2EE store for device"):
        await fresh.start()
    await fresh.stop()


async def test_second_bot_on_same_data_dir_is_refused(mx: MatrixEnv) -> None:
    from bot.app import App
    from bot.matrix.client import StartupError

    bot_id, data_dir, _running = await _bot(mx)
    second = App(mx.config(bot_id, data_dir))
    with pytest.raises(StartupError, match="already running"):
        await second.start()
    await second.stop()
    # The first bot is unharmed and still answers.
    youth = await mx.user("youth")
    room = await youth.open_dm(bot_id)
    await youth.say(room, "hoi")
    assert (await youth.next_message(room, sender=bot_id, after=0)).body
