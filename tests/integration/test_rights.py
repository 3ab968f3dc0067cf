"""The youth's rights on a real Synapse: the history export as an encrypted attachment the
youth's own client decrypts, and erasure purging the session room with an admin token."""

from __future__ import annotations

import json
import secrets
from datetime import UTC, datetime
from typing import Any

import aiohttp
import pytest
from nio import MatrixRoom, MemoryDownloadResponse, RoomEncryptedFile
from nio.crypto.attachments import decrypt_attachment

from bot.matrix.admin import HomeserverAdmin
from bot.storage import purges, rights
from bot.storage.db import Database
from tests.conftest import PASSWORD, MatrixEnv
from tests.integration.test_intake import ask
from tests.integration.test_sessions import Journey
from tests.support.waiting import wait_until

pytestmark = pytest.mark.synapse


async def admin_token(mx: MatrixEnv) -> str:
    """A registered homeserver admin's access token, as an operator would configure it."""
    user_id = await mx.synapse.register(f"admin-{secrets.token_hex(4)}", PASSWORD, admin=True)
    async with aiohttp.ClientSession() as http, http.post(
        f"{mx.synapse.url}/_matrix/client/v3/login",
        json={"type": "m.login.password", "identifier": {"type": "m.id.user", "user": user_id},
              "password": PASSWORD},
    ) as r:
        assert r.status == 200
        return str((await r.json())["access_token"])


async def room_on_server(url: str, token: str, room_id: str) -> int:
    async with aiohttp.ClientSession() as http, http.get(
        f"{url}/_synapse/admin/v1/rooms/{room_id}",
        headers={"Authorization": f"Bearer {token}"},
    ) as r:
        return r.status


async def test_history_file_decrypts_and_erasure_purges_the_session_room(
    mx: MatrixEnv,
) -> None:
    j = await Journey.start(mx)
    sara = j.staff[0]
    await ask(j.youth, j.room, j.bot_id, "1")  # "Nu meteen, met Sara"
    room = await j.session_room()
    mark = j.youth.mark()
    await j.join(j.youth, room)
    await j.join(sara, room)
    await j.youth.next_message(room, sender=j.bot_id, after=mark)  # the summary
    mark = j.youth.mark()
    assert "is afgesloten" in await j.command(sara, "!end done")
    # The youth's "closed" notice is sent beside the counselor's reply: wait for it, so the
    # next answer in the DM is the one to the next question.
    await j.youth.wait_for(lambda: any(
        m.room_id == j.room and "afgesloten" in m.body for m in j.youth.received[mark:]))

    # The export: two encrypted attachments; the youth's client downloads and decrypts them.
    files: list[RoomEncryptedFile] = []

    async def on_file(r: MatrixRoom, event: RoomEncryptedFile) -> None:
        if r.room_id == j.room:
            files.append(event)

    j.youth.client.add_event_callback(on_file, RoomEncryptedFile)  # type: ignore[arg-type]
    (reply,) = await ask(j.youth, j.room, j.bot_id, "geschiedenis bestand")
    assert "bestand" in reply
    await j.youth.wait_for(lambda: len(files) >= 2, timeout=30)
    by_name = {f.body: f for f in files}
    assert set(by_name) == {"geschiedenis.txt", "geschiedenis.json"}
    plain: dict[str, Any] = {}
    for name, event in by_name.items():
        got = await j.youth.client.download(event.url)
        assert isinstance(got, MemoryDownloadResponse), got
        assert b"Sara" not in got.body  # the homeserver holds ciphertext only
        plain[name] = decrypt_attachment(got.body, event.key["k"], event.hashes["sha256"],
                                         event.iv)
    data = json.loads(plain["geschiedenis.json"])
    assert [s["counselor"] for s in data["sessions"]] == ["Sara"]
    assert "Sara" in plain["geschiedenis.txt"].decode()

    # Erasure with an admin token: the session room is purged from the homeserver.
    token = await admin_token(mx)
    j.app.ctx.admin = HomeserverAdmin(mx.synapse.url, token)
    assert await room_on_server(mx.synapse.url, token, room) == 200
    (question,) = await ask(j.youth, j.room, j.bot_id, "vergeet mij")
    assert "WIS ALLES" in question
    (done,) = await ask(j.youth, j.room, j.bot_id, "wis alles")
    assert "alles over jou is gewist" in done
    assert "worden nu van de server van de dienst verwijderd" in done  # not claimed done

    # The bot's own completion: the queued purge goes (with its audit line) only once
    # Synapse says its delete task is complete. Synapse's scheduler may hold a new task back
    # for up to a minute (and the bot asks again if it fails): a generous deadline.
    async def purge_done() -> tuple[int, list[str]]:
        left = await j.app.db.fetchval("SELECT COUNT(*) FROM room_purges")
        return int(left), [a.action for a in await rights.audit_trail(j.app.db)]

    _, actions = await wait_until(
        purge_done, lambda got: got[0] == 0 and "purge" in got[1], timeout=150, interval=0.5)
    assert "erasure" in actions
    assert await room_on_server(mx.synapse.url, token, room) == 404
    assert await j.app.db.fetchval("SELECT COUNT(*) FROM cases WHERE youth_id = ?",
                                   (j.youth.user_id,)) == 0


async def user_deactivated(url: str, token: str, user_id: str) -> bool:
    async with aiohttp.ClientSession() as http, http.get(
        f"{url}/_synapse/admin/v2/users/{user_id}",
        headers={"Authorization": f"Bearer {token}"},
    ) as r:
        assert r.status == 200
        return bool((await r.json())["deactivated"])


async def test_erasure_deactivates_an_account_the_service_made(mx: MatrixEnv) -> None:
    token = await admin_token(mx)
    bot_id = await mx.register("bot")
    config = mx.config(bot_id, mx.tmp / "bot-data",
                       retention={"homeserver_admin_token": token})
    app = await mx.start_bot(config)
    youth = await mx.user("youth")
    # What the invite page does after making an account: the bot opens the chat (and
    # records that the service made this account).
    await app.open_intake(youth.user_id, "krt-school-3")
    await youth.wait_for(lambda: youth.invites, timeout=30)
    room = youth.invites[0]
    mark = youth.mark()
    await youth.join(room)
    greeting = await youth.next_message(room, sender=bot_id, after=mark)
    assert "chatbot" in greeting.body  # short, in both languages; the rest after the choice
    await youth.wait_for(lambda: any("taal" in m.body for m in youth.received[mark:]))
    (question,) = await ask(youth, room, bot_id, "vergeet mij")
    assert "WIS ALLES" in question
    # The confirmation reaches the youth before the account is closed.
    (done,) = await ask(youth, room, bot_id, "wis alles")
    assert "alles over jou is gewist" in done

    async def deactivated() -> bool:
        return await user_deactivated(mx.synapse.url, token, youth.user_id)

    await wait_until(deactivated, timeout=30, interval=0.5)
    assert not await rights.is_service_account(app.db, youth.user_id)
    actions = [a.action for a in await rights.audit_trail(app.db)]
    assert "deactivation" in actions


async def test_a_purge_left_pending_by_a_stop_is_done_after_the_restart(mx: MatrixEnv) -> None:
    token = await admin_token(mx)
    bot_id = await mx.register("bot")
    config = mx.config(bot_id, mx.tmp / "bot-data",
                       retention={"homeserver_admin_token": token})
    await mx.stop_bot(await mx.start_bot(config))
    # A session room on the homeserver, a counselor still in it.
    sara = await mx.user("sara")
    created = await sara.client.room_create(name="session")
    room = created.room_id  # type: ignore[union-attr]
    assert await room_on_server(mx.synapse.url, token, room) == 200
    # What an erasure queued before the bot stopped (or was killed) ahead of the purge.
    db = Database(config.database_url)
    await db.open()
    try:
        await purges.want(db, [room], "youth request", datetime.now(UTC))
    finally:
        await db.close()

    app = await mx.start_bot(config)

    async def left() -> int:
        return await purges.count(app.db)

    await wait_until(left, lambda n: n == 0, timeout=150, interval=0.5)
    assert await room_on_server(mx.synapse.url, token, room) == 404
    assert [(a.action, a.reason) for a in await rights.audit_trail(app.db)] == [
        ("purge", "youth request")]
