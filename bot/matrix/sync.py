"""The sync loop: long-poll, hand events to the handlers once, persist the token, back off.

- The sync token is stored in our DB *after* a batch was handled, so a crash re-delivers the
  batch; `handled_events` makes sure no event is handled twice (also across restarts).
- Handling one event is one DB transaction: the claim in `handled_events`, the state change
  and the replies queued in the outbox commit together (`handle_once`). A kill before the
  commit means the event is handled again after the restart; after it, the outbox sends.
- Storage faults (disk full, read-only database): the batch is not acknowledged (the token
  is not advanced, so the server re-delivers its events and to-device keys), the fault is
  reported (`storage_fault`, health 503, `on_storage_fault`) and the batch is retried
  every `storage_backoff_max` seconds at most (2 s), without long-polling: a full disk is
  no homeserver outage, and once writing works the batch goes through within seconds (health
  200 again) instead of after the homeserver back-off of up to 30 s.
- The first sync after a start is `full_state=True` (else nio's `client.rooms` stays empty);
  after a restart it was asked for at the process start already (`prefetch`).
- On a very first sync (no token) old timeline events are not answered: they predate the bot.
- Homeserver errors: exponential back-off with asyncio.sleep (never blocking), then resume.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

import aiohttp
from nio import (
    InviteMemberEvent,
    MegolmEvent,
    SyncError,
    SyncResponse,
)
from nio.exceptions import LocalProtocolError

from bot.handlers.transport import Invite
from bot.matrix import fallback_key, logguard, prefetch
from bot.matrix.client import MatrixTransport
from bot.matrix.events import (
    MAX_BODY,
    Incoming,
    Membership,
    classify,
    membership_of,
    strip_mx_reply,
)
from bot.matrix.prefetch import SYNC_FILTER
from bot.matrix.undecryptable import Parking
from bot.metrics import METRICS
from bot.storage import sync_state as tstore
from bot.storage.db import Database
from bot.storage.faults import is_storage_fault

if TYPE_CHECKING:
    from bot.outbox import Outbox

log = logging.getLogger(__name__)



@dataclass
class Handlers:
    on_message: Callable[[Incoming], Awaitable[None]]
    on_invite: Callable[[Invite], Awaitable[None]]
    on_membership: Callable[[Membership], Awaitable[None]] | None = None
    on_undecryptable: Callable[[str, str], Awaitable[None]] | None = None
    # Told once when a storage fault starts (True) and once when it clears (False).
    on_storage_fault: Callable[[bool], Awaitable[None]] | None = None


async def handle_once(
    db: Database,
    event_id: str,
    room_id: str,
    work: Callable[[], Awaitable[None]],
    outbox: Outbox | None = None,
) -> bool:
    """Claim an event and handle it in one transaction; False if it was handled before.

    What `work` changes and queues commits together with the claim, or not at all.
    """
    async with db.transaction():
        if not await tstore.claim_event(db, event_id, room_id):
            return False
        if outbox is not None:
            await outbox.handling(work)
        else:
            await work()
    if outbox is not None:
        outbox.kick()
    return True


class SyncLoop:
    def __init__(
        self,
        transport: MatrixTransport,
        db: Database,
        handlers: Handlers,
        *,
        backoff_max: float = 30.0,
        storage_backoff_max: float = 2.0,
        poll_timeout_ms: int = 30_000,
        undecryptable_after: float = 60.0,
    ) -> None:
        self.transport = transport
        self.db = db
        self.handlers = handlers
        self.backoff_max = backoff_max
        self.storage_backoff_max = storage_backoff_max
        self.poll_timeout_ms = poll_timeout_ms
        self.undecryptable_after = undecryptable_after
        self.last_success: float | None = None  # monotonic time of the last good sync
        self.consecutive_failures = 0
        # Undecryptable events wait in the database for their keys (also across restarts).
        self.parking = Parking(db, give_up_after=undecryptable_after)
        self._key_requested: set[str] = set()
        self._sessions_requested: set[str] = set()
        self._fallback_published_at: float | None = None  # read from the database once
        self._stop = asyncio.Event()
        self.synced_once = asyncio.Event()
        self.outbox: Outbox | None = None
        self.storage_fault = False
        self.prefetched = False  # the first sync came from `prefetch`

    def stop(self) -> None:
        self._stop.set()

    async def run(self) -> None:
        client = self.transport.nio
        since = await tstore.get_kv(self.db, tstore.SYNC_TOKEN)
        first = True
        backoff = 1.0
        while not self._stop.is_set():
            try:
                resp = await self._prefetched(since) if first else None
                resp = resp or await client.sync(
                    # After a storage fault no long poll: the retry returns at once, with
                    # the batch held back or an empty one, and shows whether writing works.
                    timeout=0 if first or self.storage_fault else self.poll_timeout_ms,
                    sync_filter=SYNC_FILTER,
                    since=since,
                    full_state=True if first else None,
                )
                if isinstance(resp, SyncError):
                    raise _SyncFailed(f"{resp.status_code}: {resp.message}")
                await self._after_sync(resp, answer_timeline=since is not None)
                self.transport.before_ack()  # room keys kept only in memory go to disk first
                await tstore.set_kv(self.db, tstore.SYNC_TOKEN, resp.next_batch)
                since = resp.next_batch  # acknowledged only once everything was persisted
                await self._storage_ok()
                first = False
                backoff = 1.0
                self.consecutive_failures = 0
                self.last_success = time.monotonic()
                self.synced_once.set()
            except asyncio.CancelledError:
                raise
            except (
                _SyncFailed,
                aiohttp.ClientError,
                TimeoutError,
                OSError,
                LocalProtocolError,
            ) as exc:
                self.consecutive_failures += 1
                log.warning(
                    "Sync failed (%s: %s); retrying in %.0f s",
                    type(exc).__name__, exc, backoff,
                )
                await self._sleep(backoff)
                backoff = min(backoff * 2, self.backoff_max)
            except Exception as exc:
                if is_storage_fault(exc):
                    # Not acknowledged: the same batch comes again once writing works.
                    await self._storage_failed(exc)
                    self.transport.batch_unacknowledged()  # nio handles it again, in full
                    # A short back-off of its own: retrying costs a local write and a quick
                    # sync, and the fault's end is noticed within seconds.
                    backoff = min(backoff, self.storage_backoff_max)
                    await self._sleep(backoff)
                    backoff = min(backoff * 2, self.storage_backoff_max)
                    continue
                # A bug in a handler must not stop the service; the batch is re-delivered
                # and already-handled events are skipped.
                self.consecutive_failures += 1
                log.exception("Unexpected error in the sync loop; retrying in %.0f s", backoff)
                await self._sleep(backoff)
                backoff = min(backoff * 2, self.backoff_max)

    async def _prefetched(self, since: str | None) -> SyncResponse | None:
        """The first sync, if `prefetch` asked for it while the bot was starting (the same
        request; taken once), handed to nio as `client.sync` would have."""
        client = self.transport.nio
        token = getattr(client, "access_token", None)
        if since is None or not token or not prefetch.pending():
            return None
        parsed = await asyncio.to_thread(prefetch.take, client.homeserver, token, since)
        if parsed is None:
            return None
        resp = SyncResponse.from_dict(parsed)
        if not isinstance(resp, SyncResponse):
            return None
        await client.receive_response(resp)
        self.prefetched = True
        log.info("First sync: the answer asked for at the process start was used")
        return resp

    async def _storage_failed(self, exc: BaseException) -> None:
        if self.storage_fault:
            return
        self.storage_fault = True
        METRICS.set("chathulp_storage_fault", 1)
        log.error(
            "STORAGE FAULT: the database cannot be written (%s). Sync is held back: no "
            "message is acknowledged until writing works again. Free disk space or make the "
            "data directory writable.", exc,
        )
        if self.handlers.on_storage_fault is not None:
            try:
                await self.handlers.on_storage_fault(True)
            except Exception:
                log.warning("Could not report the storage fault", exc_info=True)

    async def _storage_ok(self) -> None:
        if not self.storage_fault:
            return
        self.storage_fault = False
        METRICS.set("chathulp_storage_fault", 0)
        log.warning("Storage works again; what came in meanwhile has been handled")
        if self.handlers.on_storage_fault is not None:
            try:
                await self.handlers.on_storage_fault(False)
            except Exception:
                log.warning("Could not report the storage recovery", exc_info=True)

    async def _sleep(self, seconds: float) -> None:
        try:
            async with asyncio.timeout(seconds):
                await self._stop.wait()
        except TimeoutError:
            pass

    async def _after_sync(self, resp: SyncResponse, *, answer_timeline: bool) -> None:
        client = self.transport.nio
        # Keys first: the batch's messages may need a session from a key claim or query.
        await self._key_housekeeping()

        for room_id in list(client.rooms):
            self.transport.room_known(room_id)

        for room_id, info in resp.rooms.invite.items():
            inviter, direct = None, False
            for ev in info.invite_state:
                if isinstance(ev, InviteMemberEvent) and ev.state_key == client.user_id:
                    inviter = ev.sender
                    direct = bool((ev.content or {}).get("is_direct"))
            await self.handlers.on_invite(Invite(room_id, inviter, direct))

        for room_id, info in resp.rooms.join.items():
            room = client.rooms.get(room_id)
            for event in info.timeline.events:
                if not answer_timeline:
                    continue
                await self._dispatch(room_id, event, room)

        await self._retry_pending()

    async def _dispatch(self, room_id: str, event: object, room: object) -> None:
        client = self.transport.nio
        sender = getattr(event, "sender", None)
        event_id = getattr(event, "event_id", None)
        if not event_id or sender == client.user_id:
            return
        if isinstance(event, MegolmEvent):
            # Not decryptable (yet): kept until the key arrives; ask the sender's devices.
            source = {**event.source, "room_id": room_id}
            if await self.parking.park(event_id, room_id, sender or "", event.session_id,
                                       event.sender_key, source):
                await self._request_key(event)
            return
        member = membership_of(event, room_id)  # type: ignore[arg-type]
        if member is not None:
            on_membership = self.handlers.on_membership
            if on_membership is not None:
                await handle_once(self.db, event_id, room_id,
                                  partial(on_membership, member), self.outbox)
            return
        kind = classify(event)  # type: ignore[arg-type]
        if kind is None:
            return
        msg = Incoming(
            room_id=room_id,
            event_id=event_id,
            sender=sender or "",
            kind=kind[0],
            body=kind[1],
            room_encrypted=bool(getattr(room, "encrypted", False)),
            member_count=int(getattr(room, "member_count", 0) or 0),
            timestamp_ms=int(getattr(event, "server_timestamp", 0) or 0),
            formatted_body=(
                strip_mx_reply(getattr(event, "formatted_body", None)) or ""
            )[:MAX_BODY] or None,
        )
        with (
            self.transport.answering(room_id, msg.timestamp_ms),
            logguard.guarding(msg.body, msg.formatted_body),
        ):
            await handle_once(self.db, event_id, room_id,
                              partial(self.handlers.on_message, msg), self.outbox)

    async def _request_key(self, event: MegolmEvent) -> None:
        if event.event_id in self._key_requested:
            return
        self._key_requested.add(event.event_id)
        if event.session_id in self._sessions_requested:
            return  # one request per room key, however many messages wait for it
        self._sessions_requested.add(event.session_id)
        try:
            await self.transport.nio.request_room_key(event)
        except Exception:
            log.debug("room key request failed", exc_info=True)

    def _decrypt(self, source: dict[str, object]) -> object | None:
        client = self.transport.nio
        if not self._key_may_have_come(source):
            return None
        event = MegolmEvent.from_dict(source)
        if not isinstance(event, MegolmEvent):
            return None
        decrypted = client.decrypt_event(event)
        if decrypted is None or isinstance(decrypted, MegolmEvent):
            return None
        decrypted.room_id = event.room_id  # type: ignore[attr-defined]
        return decrypted

    def _key_may_have_come(self, source: dict[str, object]) -> bool:
        """False when nio surely holds no room key for a kept event (a dict look-up, as nio's
        own decryption starts with): every kept event is tried after every sync, and parsing
        and failing to decrypt each one cost about a millisecond, with hundreds kept after a
        key outage (youths' clients that found no one-time key of the bot's device)."""
        olm = self.transport.nio.olm
        content = source.get("content")
        if olm is None or not isinstance(content, dict):
            return True
        room_id = source.get("room_id")
        sender_key, session_id = content.get("sender_key"), content.get("session_id")
        if not all(isinstance(v, str) for v in (room_id, sender_key, session_id)):
            return True  # an unusual event: nio judges it
        return olm.inbound_group_store.get(room_id, sender_key, session_id) is not None

    async def _retry_pending(self) -> None:
        """Kept undecryptable events: read the ones whose keys came; give up on old ones."""
        client = self.transport.nio
        result = await self.parking.retry(self._decrypt)
        for found in result.recovered:
            parked = found.parked
            METRICS.inc("chathulp_undecryptable_recovered_total")
            await self._dispatch(parked.room_id, found.event, client.rooms.get(parked.room_id))
            await self.parking.forget(parked.event_id)
        for parked in result.given_up:
            METRICS.inc("chathulp_undecryptable_given_up_total")
            log.warning("Giving up on an undecryptable event in %s", parked.room_id)
            on_undecryptable = self.handlers.on_undecryptable
            if on_undecryptable is not None:
                await handle_once(self.db, parked.event_id, parked.room_id,
                                  partial(on_undecryptable, parked.room_id, parked.sender),
                                  self.outbox)
            await self.parking.forget(parked.event_id)
        recovered = {f.parked.event_id for f in result.recovered}
        given_up = {p.event_id for p in result.given_up}
        if not self.synced_once.is_set():
            # The first sync of a run: the answers to youths who wrote while the bot was down
            # go first; the kept events' keys are asked for again from the next sync on.
            return
        for parked in await self.parking.pending():
            # After a restart nio has forgotten its requests: ask again, once per run.
            if parked.event_id not in recovered | given_up and \
                    parked.event_id not in self._key_requested:
                event = MegolmEvent.from_dict(parked.event)
                if isinstance(event, MegolmEvent):
                    await self._request_key(event)

    async def _key_housekeeping(self) -> None:
        client = self.transport.nio
        await client.send_to_device_messages()
        if client.should_upload_keys:
            await client.keys_upload()
        if client.should_query_keys:
            await client.keys_query()
        if client.should_claim_keys:
            await client.keys_claim(client.get_users_for_key_claiming())
        await self._keep_fallback_key()

    async def _keep_fallback_key(self) -> None:
        """The device's fallback key published, and renewed daily (bot/matrix/fallback_key.py)."""
        olm = self.transport.nio.olm
        if olm is None or not olm.account.shared:
            return  # the device's own keys first (nio's first upload)
        if self._fallback_published_at is None:
            stored = await tstore.get_kv(self.db, fallback_key.KV_PUBLISHED_AT)
            self._fallback_published_at = float(stored) if stored else 0.0
        now = time.time()
        if await fallback_key.keep_fallback_key(olm, self.transport.upload_keys,
                                                self._fallback_published_at or None, now):
            await tstore.set_kv(self.db, fallback_key.KV_PUBLISHED_AT, repr(now))
            self._fallback_published_at = now


class _SyncFailed(Exception):
    pass
