"""Kept (undecryptable) events cost next to nothing per sync while their keys stay away, and
after a restart their keys are asked for again once per room key, after the first sync's
answers (bot/matrix/sync.py). With nio's real room-key store; the homeserver side is faked."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from nio import MegolmEvent
from nio.crypto import GroupSessionStore, InboundGroupSession
from nio.crypto.sessions import OutboundGroupSession

from bot.matrix.sync import Handlers, SyncLoop
from bot.storage.db import Database

ROOM, SENDER_KEY = "!dm:fake", "youthcurvekey"


def encrypted(event_id: str, session_id: str) -> dict[str, Any]:
    return {"type": "m.room.encrypted", "event_id": event_id, "room_id": ROOM,
            "sender": "@youth:fake", "origin_server_ts": 1_700_000_000_000,
            "content": {"algorithm": "m.megolm.v1.aes-sha2", "ciphertext": "AAAA",
                        "session_id": session_id, "sender_key": SENDER_KEY,
                        "device_id": "PHONE"}}


class FakeNio:
    user_id = "@bot:fake"

    def __init__(self) -> None:
        self.olm = SimpleNamespace(inbound_group_store=GroupSessionStore())
        self.rooms: dict[str, Any] = {}
        self.requested: list[str] = []
        self.decrypt_calls = 0

    async def request_room_key(self, event: MegolmEvent) -> None:
        self.requested.append(event.session_id)

    def decrypt_event(self, event: MegolmEvent) -> None:
        self.decrypt_calls += 1
        return None


async def _nothing(*_a: Any) -> None:
    return None


def make_loop(db: Database) -> tuple[SyncLoop, FakeNio]:
    nio = FakeNio()
    transport = SimpleNamespace(nio=nio)
    loop = SyncLoop(transport, db, Handlers(on_message=_nothing, on_invite=_nothing),  # type: ignore[arg-type]
                    undecryptable_after=3600)
    return loop, nio


async def test_a_kept_event_is_decrypted_only_once_its_room_key_is_there(db: Database) -> None:
    loop, nio = make_loop(db)
    outbound = OutboundGroupSession()
    source = encrypted("$e1", outbound.id)
    assert loop._decrypt(source) is None
    assert nio.decrypt_calls == 0  # no key: not parsed, not tried

    nio.olm.inbound_group_store.add(
        InboundGroupSession(outbound.session_key, "ed", SENDER_KEY, ROOM))
    loop._decrypt(source)
    assert nio.decrypt_calls == 1  # the key came: nio decrypts it


async def test_an_unusual_kept_event_is_left_to_nio(db: Database) -> None:
    loop, _nio = make_loop(db)
    source = encrypted("$e1", "S1")
    del source["content"]["sender_key"]
    assert loop._key_may_have_come(source)


async def test_after_a_restart_keys_are_asked_again_after_the_first_sync_once_per_key(
    db: Database,
) -> None:
    loop, nio = make_loop(db)
    for event_id, session in (("$a", "S1"), ("$b", "S1"), ("$c", "S2")):
        assert await loop.parking.park(event_id, ROOM, "@youth:fake", session, SENDER_KEY,
                                       encrypted(event_id, session))
    await loop._retry_pending()  # the first sync of this run
    assert nio.requested == []

    loop.synced_once.set()
    await loop._retry_pending()
    assert sorted(nio.requested) == ["S1", "S2"]  # two messages wait for S1: one request
    await loop._retry_pending()
    assert sorted(nio.requested) == ["S1", "S2"]  # once per run
    assert len(await loop.parking.pending()) == 3  # still kept, nothing given up
