"""The batched E2EE store loads exactly what nio's own store loads (bot/matrix/store.py).

Offline, with nio's real stores and vodozemac sessions: room keys with and without
forwarding chains, devices with several keys, and every trust state, written by nio's
`DefaultStore` and read back by both stores."""

from __future__ import annotations

from pathlib import Path

from nio.crypto import InboundGroupSession, OlmAccount, OlmDevice, TrustState
from nio.crypto.sessions import OutboundGroupSession
from nio.store import DefaultStore

from bot.matrix.store import BatchLoadingStore

BOT, DEVICE, PICKLE = "@bot:fake", "BOTDEVICE", "pickle key"


def _filled_store(path: Path) -> DefaultStore:
    store = DefaultStore(BOT, DEVICE, str(path), PICKLE)
    store.save_account(OlmAccount())
    for n in range(5):
        outbound = OutboundGroupSession()
        chain = [f"curve{n}-{i}" for i in range(n % 3)]  # none, one or two forwarders
        store.save_inbound_group_session(InboundGroupSession(
            outbound.session_key, f"ed{n}", f"sender{n}", f"!room{n}:fake", chain))
    devices: dict[str, dict[str, OlmDevice]] = {}
    for n in range(6):
        user = f"@youth{n}:fake"
        devices[user] = {f"DEV{n}": OlmDevice(
            user, f"DEV{n}", {"ed25519": f"ed{n}", "curve25519": f"cu{n}"},
            display_name=f"phone {n}", deleted=n == 5)}
    devices["@youth0:fake"]["TABLET"] = OlmDevice(
        "@youth0:fake", "TABLET", {"ed25519": "edT", "curve25519": "cuT"})
    store.save_device_keys(devices)
    store.verify_device(devices["@youth1:fake"]["DEV1"])
    store.blacklist_device(devices["@youth2:fake"]["DEV2"])
    store.ignore_device(devices["@youth3:fake"]["DEV3"])
    return store


def _sessions(store: DefaultStore) -> list[tuple[str, str, str, str, list[str], int]]:
    loaded = store.load_inbound_group_sessions()
    out = []
    for room_id, by_sender in loaded._entries.items():
        for sender_key, by_id in by_sender.items():
            for session_id, s in by_id.items():
                out.append((room_id, sender_key, session_id, s.ed25519,
                            list(s.forwarding_chain), s.first_known_index))
    return sorted(out)


def _devices(store: DefaultStore) -> list[tuple[str, str, dict[str, str], str, bool, TrustState]]:
    return sorted(
        (d.user_id, d.id, dict(d.keys), d.display_name, d.deleted, d.trust_state)
        for d in store.load_device_keys()
    )


def test_batched_loads_equal_nios_own(tmp_path: Path) -> None:
    _filled_store(tmp_path)
    nio_store = DefaultStore(BOT, DEVICE, str(tmp_path), PICKLE)
    batched = BatchLoadingStore(BOT, DEVICE, str(tmp_path), PICKLE)

    sessions = _sessions(batched)
    assert sessions == _sessions(nio_store)
    assert len(sessions) == 5
    assert sorted(len(s[4]) for s in sessions) == [0, 0, 1, 1, 2]

    devices = _devices(batched)
    assert devices == _devices(nio_store)
    assert len(devices) == 7
    states = {(user, dev): state for user, dev, _, _, _, state in devices}
    assert states[("@youth1:fake", "DEV1")] == TrustState.verified
    assert states[("@youth2:fake", "DEV2")] == TrustState.blacklisted
    assert states[("@youth3:fake", "DEV3")] == TrustState.ignored
    assert states[("@youth4:fake", "DEV4")] == TrustState.unset
    keys = {(user, dev): k for user, dev, k, _, _, _ in devices}
    assert keys[("@youth0:fake", "TABLET")] == {"ed25519": "edT", "curve25519": "cuT"}


def test_an_empty_store_loads_empty(tmp_path: Path) -> None:
    store = BatchLoadingStore(BOT, DEVICE, str(tmp_path), PICKLE)  # no account yet
    assert _sessions(store) == []
    assert _devices(store) == []
