"""nio's E2EE store across storage faults and kills: the keys on disk are the truth.

nio keeps its Olm account, Olm sessions and room keys in memory and writes each change to its
own SQLite store (peewee) as it goes. When such a write fails (disk full, read-only data
directory), nio raises out of the middle of handling a sync: its memory may then hold a room
key or a used one-time key that the disk does not, and, worse, half of an operation (a
one-time key consumed for a session that was never kept). Carrying on from that memory loses
the key at the next restart, and handling the re-delivered batch from it fails (the one-time
key is gone). So:

- a failed write to the store marks it `dirty`;
- when the sync loop holds a batch back (`batch_unacknowledged`), a dirty store is reloaded:
  nio's Olm machine is rebuilt from the disk, which is consistent at its last good write,
  and nio forgets which batch it saw, so that the batch the server re-delivers (the token was
  not advanced, so its to-device room keys come again) is handled in full again; room keys
  that reached memory but not the disk are kept and written before the next batch is
  acknowledged (`before_ack`);
- a room key share whose one-time key claim failed does not leave the room marked "sharing"
  for good (nio's mark would make every later send into that room wait forever);
- the writes of one to-device event (the used one-time key removed, the Olm session, the
  room key) commit together: a kill between them lost the room key for good;
- new one-time keys are written to the store *before* they are uploaded (nio writes them
  after): a kill or a fault between upload and write would otherwise make the next upload
  reuse their key ids ("one time key already exists") and leave a youth's first message
  encrypted to a key the bot no longer has.

Test-only: with CHATHULP_FAULT_FILE set (bot/storage/faults.py), writes to the store fail as
on a full disk while that file exists.
"""

from __future__ import annotations

import logging
from typing import Any

from nio import AsyncClient

from bot.storage import faults

log = logging.getLogger(__name__)


class E2EEGuard:
    def __init__(self, client: AsyncClient) -> None:
        self.client = client
        self.dirty = False
        self.reloads = 0
        self._unsaved: list[Any] = []  # room keys in memory, not yet on disk

    def install(self) -> None:
        """Wrap the loaded store and Olm machine (again after every reload)."""
        store = self.client.store
        olm = self.client.olm
        if store is None or olm is None:
            return
        database = store.database
        if not getattr(database, "_chathulp_guarded", False):
            execute_sql = database.execute_sql

            def guarded_execute_sql(sql: str, params: Any = None, *args: Any,
                                    **kwargs: Any) -> Any:
                try:
                    if faults.INJECTING:
                        _inject(database, sql)
                    return execute_sql(sql, params, *args, **kwargs)
                except Exception as exc:
                    if faults.is_storage_fault(exc):
                        self.dirty = True
                    raise

            database.execute_sql = guarded_execute_sql
            database._chathulp_guarded = True
        if not getattr(self.client, "_chathulp_share_guarded", False):
            self._guard_share_group_session()
        if not getattr(olm, "_chathulp_guarded", False):
            share_keys = olm.share_keys

            def share_keys_written_first() -> dict[str, Any]:
                content = share_keys()
                olm.save_account()  # the new one-time keys are on disk before the server has them
                return content

            olm.share_keys = share_keys_written_first  # type: ignore[method-assign]
            handle_to_device_event = olm.handle_to_device_event

            def handle_to_device_event_atomically(event: Any) -> Any:
                # One to-device event's writes (the used one-time key gone, the new Olm
                # session, the room key it carried) commit together or not at all: a kill
                # between them left the message undecryptable when re-delivered, and the
                # room key (every message of a youth's DM) lost for good.
                current = self.client.store
                if current is None:
                    return handle_to_device_event(event)
                with current.database.atomic():
                    return handle_to_device_event(event)

            olm.handle_to_device_event = handle_to_device_event_atomically  # type: ignore[method-assign]
            olm._chathulp_guarded = True  # type: ignore[attr-defined]

    def _guard_share_group_session(self) -> None:
        """nio marks a room "sharing a key" (`sharing_session`) before it claims one-time keys
        and clears the mark only in a `finally` that starts after the claim: when the claim
        raises (the homeserver away for longer than nio's retries), the mark stays, and every
        later `room_send` into that room waits on it forever — the youth's answers stay in the
        outbox until a restart. Here the mark this call made is cleared (its waiters woken)
        whatever the call raised; a mark of another call in progress is left alone."""
        client = self.client
        share = client.share_group_session

        async def share_group_session_cleared(room_id: str, *args: Any, **kwargs: Any) -> Any:
            before = client.sharing_session.get(room_id)
            try:
                return await share(room_id, *args, **kwargs)
            except BaseException:
                mark = client.sharing_session.get(room_id)
                if mark is not None and mark is not before:
                    client.sharing_session.pop(room_id, None)
                    mark.set()
                    log.warning("Sharing a room key failed; the next send shares it again")
                raise

        client.share_group_session = share_group_session_cleared  # type: ignore[method-assign]
        client._chathulp_share_guarded = True  # type: ignore[attr-defined]

    def batch_unacknowledged(self) -> None:
        """The sync loop did not acknowledge a batch: nio must handle its re-delivery in full,
        from what its store really holds."""
        client = self.client
        client.next_batch = None  # else nio skips a batch with a next_batch it saw before
        if not self.dirty or client.store is None:
            return
        old, old_olm = client.store, client.olm
        try:
            client.store = None
            client.olm = None
            client.load_store()  # reading works on a full disk
        except Exception:
            client.store, client.olm = old, old_olm
            log.warning("Could not reload the E2EE store; keeping nio's memory", exc_info=True)
            return
        try:
            old.database.close()
        except Exception:
            log.debug("closing the old E2EE store failed", exc_info=True)
        self.dirty = False
        self.reloads += 1
        # Room keys only add (a key cannot be "newer" than another copy): those that reached
        # memory but not the disk are kept, and written before the batch is acknowledged —
        # the Olm session that carried one may be on disk already, so its re-delivered
        # message cannot be decrypted a second time.
        self._unsaved = []
        if old_olm is not None and client.olm is not None:
            store = client.olm.inbound_group_store
            for session in old_olm.inbound_group_store:
                if store.get(session.room_id, session.sender_key, session.id) is None:
                    store.add(session)
                    self._unsaved.append(session)
            # nio keeps the keys it sends with in memory only: those already shared stay
            # usable (encrypting writes nothing; the staff room's fault notice needs one).
            client.olm.outbound_group_sessions.update(old_olm.outbound_group_sessions)
        self.install()
        log.warning("E2EE store: a write had failed; reloaded the keys from disk (%d room "
                    "keys kept from memory), the batch is handled again", len(self._unsaved))

    def before_ack(self) -> None:
        """Just before the sync loop acknowledges a batch: room keys kept from memory after a
        reload are on disk (raises the storage fault while they cannot be written)."""
        store = self.client.store
        while self._unsaved and store is not None:
            store.save_inbound_group_session(self._unsaved[0])
            self._unsaved.pop(0)


def _inject(database: Any, sql: str) -> None:
    """Test-only: raise "disk full" exactly where and as peewee would for a real one."""
    if faults.is_write(sql):
        from peewee import __exception_wrapper__  # the wrapper that turns sqlite3 errors

        with __exception_wrapper__:
            faults.check_write(sql)
