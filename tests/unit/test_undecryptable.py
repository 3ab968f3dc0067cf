"""Undecryptable messages kept in the database (both engines) and when the sender is asked
to resend (bot/storage/undecryptable.py, bot/matrix/undecryptable.py)."""

from __future__ import annotations

from typing import Any

from bot.matrix.undecryptable import Parking
from bot.storage import undecryptable as store
from bot.storage.db import Database

EVENT = {"type": "m.room.encrypted", "event_id": "$e1", "room_id": "!r:x",
         "content": {"algorithm": "m.megolm.v1.aes-sha2", "ciphertext": "AAA",
                     "session_id": "S1", "sender_key": "K1", "device_id": "D"}}


class Clock:
    def __init__(self) -> None:
        self.t = 1_800_000_000.0

    def __call__(self) -> float:
        return self.t


async def test_park_keeps_each_event_once_and_survives_reopen(db: Database) -> None:
    assert await store.park(db, "$e1", "!r:x", "@y:x", "S1", "K1", EVENT, 100)
    assert not await store.park(db, "$e1", "!r:x", "@y:x", "S1", "K1", EVENT, 200)
    assert await store.park(db, "$e2", "!r:x", "@y:x", "S2", "K1", EVENT, 50)
    rows = await store.parked(db)
    assert [r.event_id for r in rows] == ["$e2", "$e1"]  # oldest first
    first = rows[1]
    assert (first.room_id, first.sender, first.session_id, first.sender_key,
            first.received_at) == ("!r:x", "@y:x", "S1", "K1", 100)
    assert first.event == EVENT
    await store.forget(db, "$e2")
    assert await store.count(db) == 1


async def test_a_message_whose_key_comes_is_recovered_not_asked_again(db: Database) -> None:
    clock = Clock()
    parking = Parking(db, give_up_after=600, now=clock)
    assert await parking.park("$e1", "!r:x", "@y:x", "S1", "K1", EVENT)
    keys: dict[str, Any] = {}

    def decrypt(source: dict[str, Any]) -> Any:
        return keys.get(source["content"]["session_id"])

    clock.t += 599
    result = await parking.retry(decrypt)
    assert result.recovered == [] and result.given_up == []
    keys["S1"] = "decrypted"
    result = await parking.retry(decrypt)
    assert [r.event for r in result.recovered] == ["decrypted"] and result.given_up == []
    await parking.forget("$e1")
    assert await parking.retry(decrypt) == type(result)([], [])


async def test_the_sender_is_asked_only_after_the_configured_time(db: Database) -> None:
    clock = Clock()
    parking = Parking(db, give_up_after=600, now=clock)
    await parking.park("$e1", "!r:x", "@y:x", "S1", "K1", EVENT)
    clock.t += 599
    assert (await parking.retry(lambda _s: None)).given_up == []
    clock.t += 1
    given_up = (await parking.retry(lambda _s: None)).given_up
    assert [p.event_id for p in given_up] == ["$e1"]


async def test_a_restart_keeps_the_parked_event_and_its_age(db: Database) -> None:
    clock = Clock()
    await Parking(db, give_up_after=600, now=clock).park("$e1", "!r:x", "@y:x", "S1", "K1",
                                                          EVENT)
    # A new process: nothing in memory, the row is still there with its first arrival time.
    clock.t += 300
    again = Parking(db, give_up_after=600, now=clock)
    assert (await again.retry(lambda _s: "read")).recovered[0].parked.event_id == "$e1"
    clock.t += 300
    assert [p.event_id for p in (await again.retry(lambda _s: None)).given_up] == ["$e1"]


async def test_a_decrypt_error_counts_as_not_yet(db: Database) -> None:
    parking = Parking(db, give_up_after=600, now=Clock())
    await parking.park("$e1", "!r:x", "@y:x", "S1", "K1", EVENT)

    def broken(_source: dict[str, Any]) -> Any:
        raise ValueError("bad ciphertext")

    result = await parking.retry(broken)
    assert result.recovered == [] and result.given_up == []
