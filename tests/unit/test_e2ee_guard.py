"""A room key that arrives while the disk is full is not lost (issue 16).

Offline, with nio's real Olm machines and SQLite stores: a youth's device opens an Olm session
to the bot (a pre-key message carrying an `m.room_key`). While every write fails as on a full
disk, nio consumes the one-time key in memory and then fails to write the account; handled
again from that memory the same message cannot be decrypted (the key is gone). With the
guard, the keys are reloaded from disk when the batch is held back, the re-delivered message
is decrypted once writing works, and the room key is on disk (it survives a restart).
Also: the test-only fault hook on the bot's own database (bot/storage/faults.py)."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import aiohttp
import pytest
from nio import (
    AsyncClient,
    AsyncClientConfig,
    EncryptedToDeviceEvent,
    MatrixRoom,
    RoomSendResponse,
    ToDeviceEvent,
)
from nio.crypto import Olm, OlmDevice
from nio.store import SqliteStore

from bot.matrix.e2ee_guard import E2EEGuard
from bot.storage import faults
from bot.storage.db import Database

BOT, YOUTH = "@bot:fake", "@youth:fake"
ROOM = "!dm:fake"


@pytest.fixture
def fault_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "disk-full"
    monkeypatch.setattr(faults, "FAULT_FILE", str(path))
    monkeypatch.setattr(faults, "INJECTING", True)
    return path


def disk_full(path: Path, full: bool) -> None:
    if full:
        path.touch()
    else:
        path.unlink()


def bot_client(store: Path) -> AsyncClient:
    store.mkdir(exist_ok=True)
    client = AsyncClient("http://127.0.0.1:1", BOT, store_path=str(store),
                         config=AsyncClientConfig(encryption_enabled=True,
                                                  store_sync_tokens=False))
    client.restore_login(BOT, "BOTDEVICE", "token")  # loads (or creates) the store
    return client


def room_key_event(youth: Olm, bot: AsyncClient) -> tuple[EncryptedToDeviceEvent, str]:
    """The youth's first message to the bot's device: a pre-key message with a room key."""
    assert bot.olm is not None
    bot.olm.account.generate_one_time_keys(1)
    otk = next(iter(bot.olm.account.one_time_keys["curve25519"].values()))
    bot.olm.account.mark_keys_as_published()
    bot.olm.save_account()
    keys = bot.olm.account.identity_keys
    device = OlmDevice(BOT, "BOTDEVICE", {"ed25519": keys["ed25519"],
                                          "curve25519": keys["curve25519"]})
    session = youth.create_session(otk, keys["curve25519"])
    youth.create_outbound_group_session(ROOM)
    group = youth.outbound_group_sessions[ROOM]
    content = youth._olm_encrypt(session, device, "m.room_key", {
        "algorithm": "m.megolm.v1.aes-sha2", "room_id": ROOM,
        "session_id": group.id, "session_key": group.session_key,
    })
    event = ToDeviceEvent.parse_event(
        {"sender": YOUTH, "type": "m.room.encrypted", "content": content})
    assert isinstance(event, EncryptedToDeviceEvent)
    return event, group.id


def has_room_key(client: AsyncClient, youth: Olm, session_id: str) -> bool:
    assert client.olm is not None
    sender_key = youth.account.identity_keys["curve25519"]
    return client.olm.inbound_group_store.get(ROOM, sender_key, session_id) is not None


@pytest.fixture
def youth(tmp_path: Path) -> Olm:
    (tmp_path / "youth").mkdir()
    return Olm(YOUTH, "YOUTHDEV", SqliteStore(YOUTH, "YOUTHDEV", str(tmp_path / "youth")))


def disk_fills_at_the_room_key(client: AsyncClient, fault_file: Path) -> None:
    """The disk fills up mid-batch: the Olm session's writes went through, the room key's
    write is the first to fail."""
    assert client.store is not None
    store = client.store
    save = store.save_inbound_group_session

    def save_on_a_full_disk(session: object) -> None:
        fault_file.touch()
        save(session)

    store.save_inbound_group_session = save_on_a_full_disk  # type: ignore[method-assign]


@pytest.mark.parametrize("when", ["from the start", "at the room key"])
def test_a_room_key_received_in_a_fault_is_kept_after_it(
    tmp_path: Path, fault_file: Path, youth: Olm, when: str
) -> None:
    client = bot_client(tmp_path / "bot")
    guard = E2EEGuard(client)
    guard.install()
    event, session_id = room_key_event(youth, client)
    assert client.olm is not None
    if when == "from the start":
        fault_file.touch()
    else:
        disk_fills_at_the_room_key(client, fault_file)

    with pytest.raises(Exception) as caught:
        client.olm.handle_to_device_event(event)
    assert fault_file.exists()
    assert faults.is_storage_fault(caught.value)
    assert "database or disk is full" in str(caught.value)
    assert guard.dirty
    client.next_batch = "s1"
    guard.batch_unacknowledged()  # the sync loop holds the batch back
    assert client.next_batch is None and not guard.dirty and guard.reloads == 1

    if when == "at the room key":  # the key reached memory: kept, written before the ack
        assert has_room_key(client, youth, session_id)
        with pytest.raises(Exception):  # noqa: B017 - not on disk yet: no ack
            guard.before_ack()
    else:
        assert not has_room_key(client, youth, session_id)

    fault_file.unlink()  # the fault clears; the server re-delivers the same to-device event
    client.olm.handle_to_device_event(event)
    guard.before_ack()
    assert has_room_key(client, youth, session_id)

    restarted = bot_client(tmp_path / "bot")  # the key is on disk, not only in memory
    assert has_room_key(restarted, youth, session_id)


def test_without_the_reload_the_key_would_be_lost(
    tmp_path: Path, fault_file: Path, youth: Olm
) -> None:
    """The failure the guard prevents (nio's own behaviour): the Olm session that carried
    the key is in memory only, so the re-delivered message is not decrypted again and the
    key, kept only in memory, is gone after a restart."""
    client = bot_client(tmp_path / "bot")
    E2EEGuard(client).install()
    event, session_id = room_key_event(youth, client)
    assert client.olm is not None
    disk_fills_at_the_room_key(client, fault_file)
    with pytest.raises(Exception):  # noqa: B017
        client.olm.handle_to_device_event(event)
    fault_file.unlink()
    assert client.olm.handle_to_device_event(event) is None
    assert has_room_key(client, youth, session_id)  # in memory only
    assert not has_room_key(bot_client(tmp_path / "bot"), youth, session_id)


def test_new_one_time_keys_are_written_before_they_are_uploaded(
    tmp_path: Path, fault_file: Path
) -> None:
    client = bot_client(tmp_path / "bot")
    E2EEGuard(client).install()
    assert client.olm is not None
    fault_file.touch()
    with pytest.raises(Exception):  # noqa: B017 - nothing to upload: not written
        client.olm.share_keys()
    fault_file.unlink()
    content = client.olm.share_keys()
    restarted = bot_client(tmp_path / "bot")
    assert restarted.olm is not None
    assert set(restarted.olm.account.one_time_keys["curve25519"]) == {
        key.split(":", 1)[1] for key in content["one_time_keys"]}


async def test_injected_disk_full_fails_writes_like_sqlite_and_rolls_back(
    tmp_path: Path, fault_file: Path
) -> None:
    db = Database(tmp_path / "bot.db")
    await db.open()
    try:
        await db.execute("CREATE TABLE t (x INTEGER)")
        async with db.transaction():
            await db.execute("INSERT INTO t VALUES (1)")
        disk_full(fault_file, True)
        with pytest.raises(sqlite3.OperationalError) as caught:
            async with db.transaction():
                await db.execute("INSERT INTO t VALUES (2)")
        assert str(caught.value) == "database or disk is full"
        assert caught.value.sqlite_errorcode == sqlite3.SQLITE_FULL
        assert faults.is_storage_fault(caught.value)
        assert await db.fetchval("SELECT COUNT(*) FROM t") == 1  # reads still work
        disk_full(fault_file, False)
        async with db.transaction():  # no transaction was left open
            await db.execute("INSERT INTO t VALUES (3)")
        assert await db.fetchval("SELECT COUNT(*) FROM t") == 2
    finally:
        await db.close()


async def test_a_commit_that_fails_is_rolled_back(tmp_path: Path, fault_file: Path) -> None:
    """The fault starts between a transaction's write and its commit."""
    db = Database(tmp_path / "bot.db")
    await db.open()
    try:
        await db.execute("CREATE TABLE t (x INTEGER)")
        with pytest.raises(sqlite3.OperationalError):
            async with db.transaction():
                await db.execute("INSERT INTO t VALUES (1)")
                disk_full(fault_file, True)
        disk_full(fault_file, False)
        assert await db.fetchval("SELECT COUNT(*) FROM t") == 0
        async with db.transaction():
            await db.execute("INSERT INTO t VALUES (2)")
        assert await db.fetchval("SELECT COUNT(*) FROM t") == 1
    finally:
        await db.close()


def test_what_counts_as_a_write() -> None:
    assert faults.is_write("  insert into t values (1)")
    assert faults.is_write("UPDATE t SET x = 1")
    assert faults.is_write("WITH a AS (SELECT 1) DELETE FROM t")
    assert not faults.is_write("SELECT * FROM t")
    assert not faults.is_write("PRAGMA foreign_keys=ON")
    assert not faults.is_write("WITH a AS (SELECT 1) SELECT * FROM a")


async def test_a_failed_key_claim_does_not_block_the_room_for_good(
    tmp_path: Path, youth: Olm, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The bot's first message in a youth's room claims a one-time key of the youth's device
    (for the Olm session that carries the room key). When that claim fails (the homeserver
    is away for longer than nio's retries), nio leaves the room marked "sharing a key" for
    good, and every later send into that room waits on that mark forever: the youth's
    answers stay queued until the bot restarts. With the guard the mark is cleared and the
    next send shares the key again."""
    client = bot_client(tmp_path / "bot")
    E2EEGuard(client).install()
    keys = youth.account.identity_keys
    assert client.olm is not None
    client.olm.device_store.add(OlmDevice(YOUTH, "YOUTHDEV", {
        "ed25519": keys["ed25519"], "curve25519": keys["curve25519"]}))
    room = MatrixRoom(ROOM, BOT, encrypted=True)
    room.add_member(BOT, None, None)
    room.add_member(YOUTH, None, None)
    room.members_synced = True
    client.rooms[ROOM] = room
    claims: list[object] = []

    async def claim(users: object) -> object:
        claims.append(users)
        if len(claims) == 1:  # what nio's _send raises after its last retry
            raise aiohttp.ClientConnectionError("homeserver away")
        return None  # no key came: nio shares with the devices it has a session with

    async def send(response_class: type, *_a: object, **_kw: object) -> object:
        return RoomSendResponse("$sent", ROOM)

    monkeypatch.setattr(client, "keys_claim", claim)
    monkeypatch.setattr(client, "_send", send)
    content = {"msgtype": "m.notice", "body": "hello"}
    with pytest.raises(aiohttp.ClientConnectionError):
        await client.room_send(ROOM, "m.room.message", content, ignore_unverified_devices=True)
    async with asyncio.timeout(5):  # without the guard: waits forever
        resp = await client.room_send(ROOM, "m.room.message", content,
                                      ignore_unverified_devices=True)
    assert isinstance(resp, RoomSendResponse) and len(claims) == 2
    assert ROOM not in client.sharing_session
    await client.close()


class Killed(BaseException):
    """`kill -9` of the bot: nothing after this point happens, nothing uncommitted stays."""


def test_a_kill_between_the_olm_session_and_the_room_key_loses_no_key(
    tmp_path: Path, youth: Olm
) -> None:
    """The youth's first message to the bot carries the room key in an Olm pre-key message.
    nio writes what it does with it step by step: the used one-time key removed (account),
    the new Olm session, then the room key. A kill after the first writes and before the last
    left the one-time key gone and the session used on disk: the re-delivered message could
    not be decrypted again, the room key was lost for good and every message of the youth
    stayed unreadable to the bot. With the guard one to-device event's writes commit
    together: after the kill none of them is on disk and the re-delivered message is
    decrypted as the first time."""
    client = bot_client(tmp_path / "bot")
    E2EEGuard(client).install()
    event, session_id = room_key_event(youth, client)
    assert client.olm is not None and client.store is not None

    def killed(_session: object) -> None:
        raise Killed

    client.store.save_inbound_group_session = killed  # type: ignore[method-assign]
    with pytest.raises(Killed):
        client.olm.handle_to_device_event(event)
    restarted = bot_client(tmp_path / "bot")  # the server re-delivers the same event
    E2EEGuard(restarted).install()
    assert restarted.olm is not None
    restarted.olm.handle_to_device_event(event)
    assert has_room_key(restarted, youth, session_id)
    assert has_room_key(bot_client(tmp_path / "bot"), youth, session_id)  # and on disk
