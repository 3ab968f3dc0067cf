"""The youth's rights on a real Synapse: the history export as an encrypted attachment the
youth's own client decrypts, and erasure purging the session room with an admin token."""

from __future__ import annotations

import json
import secrets
from typing import Any

import aiohttp
import pytest
from nio import MatrixRoom, MemoryDownloadResponse, RoomEncryptedFile
from nio.crypto.attachments import decrypt_attachment

from bot.matrix.admin import HomeserverAdmin
from bot.storage import rights
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
    assert "is afgesloten" in await j.command(sara, "!end done")

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

    async def status() -> int:
        return await room_on_server(mx.synapse.url, token, room)

    await wait_until(status, lambda s: s == 404, timeout=60, interval=0.5)
    assert await j.app.db.fetchval("SELECT COUNT(*) FROM cases WHERE youth_id = ?",
                                   (j.youth.user_id,)) == 0
    actions = [a.action for a in await rights.audit_trail(j.app.db)]
    assert "purge" in actions and "erasure" in actions
