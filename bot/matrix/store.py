"""nio's E2EE store, loaded at start-up with a few queries instead of one per youth.

nio's `DefaultStore` loads each room key's forwarding chain and each device's keys with a
query of its own (peewee back-references): with 100 youths that is about 300 queries and
0.14 s of every start, growing with every youth who ever wrote. `BatchLoadingStore` loads
the same rows in one query per table and builds the same objects; everything else (saving,
trust, the file layout) is nio's own, so a store written by either opens with either.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from nio.crypto import GroupSessionStore, InboundGroupSession, OlmDevice, TrustState
from nio.crypto.device import DeviceStore
from nio.store import DefaultStore
from nio.store.database import use_database
from nio.store.file_trustdb import Key
from nio.store.models import DeviceKeys, ForwardedChains, Keys, MegolmInboundSessions


@dataclass
class BatchLoadingStore(DefaultStore):
    """`DefaultStore` whose start-up loads are batched (see the module docstring)."""

    @use_database
    def load_inbound_group_sessions(self) -> GroupSessionStore:
        store = GroupSessionStore()
        account = self._get_account()
        if not account:
            return store
        # Every forwarding chain of this account's room keys, in the order they were stored
        # (as the back-reference yields them).
        chains: dict[str, list[str]] = defaultdict(list)
        query = (
            ForwardedChains.select(ForwardedChains.session, ForwardedChains.sender_key)
            .join(MegolmInboundSessions)
            .where(MegolmInboundSessions.account == account)
            .order_by(ForwardedChains.id)
        )
        for chain in query:
            chains[chain.session_id].append(chain.sender_key)
        for s in account.inbound_group_sessions:
            session = InboundGroupSession.from_pickle(
                s.session, s.fp_key, s.sender_key, s.room_id, self.pickle_key,
                chains.get(s.session_id, []),
            )
            store.add(session)
            # As nio does: a pickle of the older library is saved again in vodozemac's format.
            if session.upgrade_pickle:
                session.upgrade_pickle = False
                self.save_inbound_group_session(session)
        return store

    @use_database
    def load_device_keys(self) -> DeviceStore:
        store = DeviceStore()
        account = self._get_account()
        if not account:
            return store
        keys: dict[int, dict[str, str]] = defaultdict(dict)
        query = (
            Keys.select(Keys.device, Keys.key_type, Keys.key)
            .join(DeviceKeys)
            .where(DeviceKeys.account == account)
            .order_by(Keys.id)
        )
        for key in query:
            keys[key.device_id][key.key_type] = key.key
        for d in account.device_keys:
            device = OlmDevice(
                d.user_id, d.device_id, dict(keys.get(d.id, {})),
                display_name=d.display_name, deleted=d.deleted,
            )
            trusted = Key.from_olmdevice(device)
            if trusted in self.trust_db:
                device.trust_state = TrustState.verified
            elif trusted in self.blacklist_db:
                device.trust_state = TrustState.blacklisted
            elif trusted in self.ignore_db:
                device.trust_state = TrustState.ignored
            else:
                device.trust_state = TrustState.unset
            store.add(device)
        return store
