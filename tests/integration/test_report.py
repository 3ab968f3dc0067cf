"""`!report` on a real Synapse: the admin receives the figures and decrypts the attachments;
a counselor who is not an admin is refused."""

from __future__ import annotations

import csv
import io

import pytest
from nio import DownloadError, MatrixRoom, RoomEncryptedFile
from nio.crypto.attachments import decrypt_attachment

from tests.conftest import MatrixEnv
from tests.integration.test_sessions import counselors
from tests.support.report_seed import generate, load

pytestmark = pytest.mark.synapse


async def test_admin_receives_and_decrypts_the_report(mx: MatrixEnv) -> None:
    admin, tom = await mx.user("admin"), await mx.user("counselor")
    bot_id = await mx.register("bot")
    config = mx.config(bot_id, mx.tmp / "bot-data", admins=[admin.user_id],
                       scheduling=counselors(admin, tom))
    app = await mx.start_bot(config)
    seed = generate(seed=5, youths=60)
    await load(app.db, seed)

    files: list[tuple[str, RoomEncryptedFile]] = []

    async def on_file(room: MatrixRoom, event: RoomEncryptedFile) -> None:
        files.append((room.room_id, event))
        await admin._notify()

    admin.client.add_event_callback(on_file, (RoomEncryptedFile,))

    async def dm(user) -> str:
        room = await app.router.counselor_dm(user.user_id)
        await user.wait_for(lambda: room in user.invites, timeout=30)
        await user.join(room)
        return room

    room = await dm(admin)
    mark = admin.mark()
    await admin.say(room, "!report 2026-09")
    table = await admin.next_message(room, sender=bot_id, after=mark)
    assert table.body.startswith("Cijfers chathulp 2026-09")
    assert "<table>" in (table.html or "")
    await admin.wait_for(lambda: len(files) >= 9, timeout=60, what="nine attachments")
    sent = config.catalogue.plain("nl", "report.sent", period="2026-09")
    # The table and "sent" are decided together: one message, after the files.
    await admin.wait_for(lambda: any(r.body.endswith("\n\n" + sent) and r.room_id == room
                                     for r in admin.received[mark:]), timeout=30)

    plain: dict[str, bytes] = {}
    for room_id, event in files:
        assert room_id == room
        # Encrypted upload: the media repository holds ciphertext only.
        assert event.source["content"]["file"]["url"] == event.url
        resp = await admin.client.download(mxc=event.url)
        assert not isinstance(resp, DownloadError), resp
        data = decrypt_attachment(resp.body, event.key["k"], event.hashes["sha256"], event.iv)
        assert data != resp.body
        plain[event.body] = data
    assert plain["chathulp-2026-09.pdf"].startswith(b"%PDF")
    summary = list(csv.reader(io.StringIO(plain["chathulp-2026-09-summary.csv"].decode())))
    assert summary[0] == ["Cijfer", "Waarde"] and summary[1][0] == "Nieuwe contacten"
    assert summary[1][1] in table.body
    for name, data in plain.items():
        if name.endswith(".csv"):
            assert not any(y in data.decode() for y in seed.youths), name

    # A counselor who is not an admin gets a refusal and no files.
    tom_room = await dm(tom)
    before = len(files)
    mark = tom.mark()
    await tom.say(tom_room, "!report 2026-09")
    reply = await tom.next_message(tom_room, sender=bot_id, after=mark)
    assert reply.body == config.catalogue.plain("nl", "commands.not_allowed", command="!report")
    assert len(files) == before
