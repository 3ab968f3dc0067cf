"""The sync loop: long-poll, hand events to the handlers once, persist the token, back off.

- The sync token is stored in our DB *after* a batch was handled, so a crash re-delivers the
  batch; `handled_events` makes sure no event is handled twice (also across restarts).
- The first sync after a start is `full_state=True` (else nio's `client.rooms` stays empty).
- On a very first sync (no token) old timeline events are not answered: they predate the bot.
- Homeserver errors: exponential back-off with asyncio.sleep (never blocking), then resume.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import aiohttp
from nio import (
    InviteMemberEvent,
    MegolmEvent,
    SyncError,
    SyncResponse,
)
from nio.exceptions import LocalProtocolError

from bot.handlers.transport import Invite
from bot.matrix import logguard
from bot.matrix.client import MatrixTransport
from bot.matrix.events import (
    MAX_BODY,
    Incoming,
    Membership,
    classify,
    membership_of,
    strip_mx_reply,
)
from bot.matrix.undecryptable import Parking
from bot.metrics import METRICS
from bot.storage import sync_state as tstore
from bot.storage.db import Database

log = logging.getLogger(__name__)

SYNC_FILTER = {
    "presence": {"not_types": ["*"]},
    "account_data": {"not_types": ["*"]},
    "room": {"timeline": {"limit": 50}, "ephemeral": {"not_types": ["*"]}},
}


@dataclass
class Handlers:
    on_message: Callable[[Incoming], Awaitable[None]]
    on_invite: Callable[[Invite], Awaitable[None]]
    on_membership: Callable[[Membership], Awaitable[None]] | None = None
    on_undecryptable: Callable[[str, str], Awaitable[None]] | None = None


class SyncLoop:
    def __init__(
        self,
        transport: MatrixTransport,
        db: Database,
        handlers: Handlers,
        *,
        backoff_max: float = 30.0,
        poll_timeout_ms: int = 30_000,
        undecryptable_after: float = 60.0,
    ) -> None:
        self.transport = transport
        self.db = db
        self.handlers = handlers
        self.backoff_max = backoff_max
        self.poll_timeout_ms = poll_timeout_ms
        self.undecryptable_after = undecryptable_after
        self.last_success: float | None = None  # monotonic time of the last good sync
        self.consecutive_failures = 0
        # Undecryptable events wait in the database for their keys (also across restarts).
        self.parking = Parking(db, give_up_after=undecryptable_after)
        self._key_requested: set[str] = set()
        self._stop = asyncio.Event()
        self.synced_once = asyncio.Event()

    def stop(self) -> None:
        self._stop.set()

    async def run(self) -> None:
        client = self.transport.nio
        since = await tstore.get_kv(self.db, tstore.SYNC_TOKEN)
        first = True
        backoff = 1.0
        while not self._stop.is_set():
            try:
                resp = await client.sync(
                    timeout=0 if first else self.poll_timeout_ms,
                    sync_filter=SYNC_FILTER,
                    since=since,
                    full_state=True if first else None,
                )
                if isinstance(resp, SyncError):
                    raise _SyncFailed(f"{resp.status_code}: {resp.message}")
                await self._after_sync(resp, answer_timeline=since is not None)
                since = resp.next_batch
                await tstore.set_kv(self.db, tstore.SYNC_TOKEN, since)
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
            except Exception:
                # A bug in a handler must not stop the service; the batch is re-delivered
                # and already-handled events are skipped.
                self.consecutive_failures += 1
                log.exception("Unexpected error in the sync loop; retrying in %.0f s", backoff)
                await self._sleep(backoff)
                backoff = min(backoff * 2, self.backoff_max)

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
            if self.handlers.on_membership and await tstore.claim_event(
                self.db, event_id, room_id
            ):
                await self.handlers.on_membership(member)
            return
        kind = classify(event)  # type: ignore[arg-type]
        if kind is None:
            return
        if not await tstore.claim_event(self.db, event_id, room_id):
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
            await self.handlers.on_message(msg)

    async def _request_key(self, event: MegolmEvent) -> None:
        if event.event_id in self._key_requested:
            return
        self._key_requested.add(event.event_id)
        try:
            await self.transport.nio.request_room_key(event)
        except Exception:
            log.debug("room key request failed", exc_info=True)

    def _decrypt(self, source: dict[str, object]) -> object | None:
        client = self.transport.nio
        event = MegolmEvent.from_dict(source)
        if not isinstance(event, MegolmEvent):
            return None
        decrypted = client.decrypt_event(event)
        if decrypted is None or isinstance(decrypted, MegolmEvent):
            return None
        decrypted.room_id = event.room_id  # type: ignore[attr-defined]
        return decrypted

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
            if self.handlers.on_undecryptable and await tstore.claim_event(
                self.db, parked.event_id, parked.room_id
            ):
                await self.handlers.on_undecryptable(parked.room_id, parked.sender)
            await self.parking.forget(parked.event_id)
        recovered = {f.parked.event_id for f in result.recovered}
        given_up = {p.event_id for p in result.given_up}
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


class _SyncFailed(Exception):
    pass
