"""The bot's one Matrix device: log in once, restore ever after, send safely.

Pitfalls designed around (see README, "E2EE"):
- never `logout()` — it deletes the device and its keys on the server;
- a stored device id without its E2EE store would silently break decryption: refuse to start;
- at start-up, check that the access token still works and the device's keys are on the server;
- the store's pickle key comes from secrets.json / CHATHULP_PICKLE_KEY, not nio's constant;
- a room we just created or joined is only in `client.rooms` after the next sync: wait for it.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import logging
import time
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import aiohttp
from nio import (
    AsyncClient,
    AsyncClientConfig,
    JoinError,
    LoginResponse,
    RoomCreateError,
    RoomInviteError,
    RoomKickError,
    RoomLeaveResponse,
    RoomPreset,
    RoomPutStateError,
    RoomSendResponse,
    RoomVisibility,
    UploadResponse,
)
from nio.exceptions import LocalProtocolError

from bot.config.models import Config
from bot.domain.messages import Message
from bot.handlers.transport import InviteSummary, RoomInfo
from bot.matrix.cross_signing import ensure_cross_signed, query_own_keys
from bot.matrix.e2ee_guard import E2EEGuard
from bot.matrix.secrets import (
    Credentials,
    Secrets,
    load_credentials,
    load_or_create_secrets,
    save_credentials,
)
from bot.matrix.store import BatchLoadingStore
from bot.metrics import METRICS
from bot.outbox import Outbox, Outcome
from bot.storage import outbox as outbox_store
from bot.storage import sync_state as tstore
from bot.storage.outbox import OutboxItem

log = logging.getLogger(__name__)

ENCRYPTION_STATE = {
    "type": "m.room.encryption",
    "state_key": "",
    "content": {"algorithm": "m.megolm.v1.aes-sha2"},
}


class StartupError(RuntimeError):
    """The bot cannot start safely; the message says why and what to do."""


@dataclass
class _Answering:
    """The message being handled in this task: its room and origin_server_ts (ms)."""

    room_id: str
    origin_ms: int
    replied: bool = False


# Set by the sync loop around a handler (contextvars follow the task through its awaits), so
# the first reply sent into that room measures the reply latency without the handlers' help.
_ANSWERING: ContextVar[_Answering | None] = ContextVar("chathulp_answering", default=None)


class MatrixTransport:
    """Implements `bot.handlers.transport.Transport` with matrix-nio."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.data_dir = Path(config.data_dir)
        self.store_dir = self.data_dir / "store"
        self.client: AsyncClient | None = None
        self.e2ee: E2EEGuard | None = None  # keeps nio's key store honest (storage faults)
        self.secrets: Secrets | None = None
        self._room_waiters: dict[str, asyncio.Event] = {}
        # Per-room ordered queues for sends that must not block the caller (see `post`).
        self._outbox: dict[str, asyncio.Queue[Message]] = {}
        self._outbox_workers: dict[str, asyncio.Task[None]] = {}
        self._http: aiohttp.ClientSession | None = None
        self._room_version: str | None = None
        # The durable outbox (set by the App): sends and leaves become rows, sent after commit.
        self.outbox: Outbox | None = None
        self._posting: set[asyncio.Task[int]] = set()
        # A room unknown this long after a row for it was written is not going to be.
        self.unknown_room_give_up = 600.0

    @property
    def nio(self) -> AsyncClient:
        if self.client is None:
            raise RuntimeError("transport not started")
        return self.client

    @property
    def user_id(self) -> str:
        return self.config.matrix.user_id

    def batch_unacknowledged(self) -> None:
        """The sync loop holds a batch back (storage fault): see bot/matrix/e2ee_guard.py."""
        if self.e2ee is not None:
            self.e2ee.batch_unacknowledged()

    def before_ack(self) -> None:
        """The sync loop is about to acknowledge a batch: every room key is on disk."""
        if self.e2ee is not None:
            self.e2ee.before_ack()

    # --- lifecycle --------------------------------------------------------------------------

    async def start(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.store_dir.mkdir(parents=True, exist_ok=True)
        self.secrets = await asyncio.to_thread(load_or_create_secrets, self.data_dir)
        mcfg = self.config.matrix
        nio_config = AsyncClientConfig(
            encryption_enabled=True,
            store_sync_tokens=False,  # we keep the token in our DB, after handling a batch
            pickle_key=self.secrets.pickle_key,
            max_timeouts=3,
            backoff_factor=0.5,
            max_timeout_retry_wait_time=5,
            request_timeout=40,
            store=BatchLoadingStore,  # nio's store, loaded in a few queries (bot/matrix/store.py)
        )
        client = AsyncClient(
            mcfg.homeserver, mcfg.user_id, store_path=str(self.store_dir), config=nio_config
        )
        self.client = client
        self.e2ee = E2EEGuard(client)
        self._http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30))

        creds = await asyncio.to_thread(load_credentials, self.data_dir)
        own: dict[str, Any] | None = None  # what the server holds of our keys, if asked
        if creds is None:
            await self._first_login()
        else:
            own = await self._restore(creds)
        self.e2ee.install()
        # Cached now, not fetched by concurrent openings; asked meanwhile (one round trip less
        # before the first sync).
        version = asyncio.create_task(self.default_room_version())
        try:
            if await self._check_device_keys(own):
                own = None  # changed on the server: asked again for the cross-signing
            password = mcfg.password.get_secret_value() if mcfg.password else None
            done = await ensure_cross_signed(
                self._http,
                mcfg.homeserver,
                client.access_token,
                client.user_id,
                client.device_id,
                self.secrets,
                password,
                known=own,
            )
        except BaseException:
            version.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await version
            raise
        await version
        log.info("Device %s ready (cross-signing: %s)", client.device_id, done)

    async def _first_login(self) -> None:
        client = self.nio
        mcfg = self.config.matrix
        if mcfg.password is None:
            raise StartupError(
                "no stored login in the data directory and no password: set matrix.password "
                "or CHATHULP_BOT_PASSWORD for the first start"
            )
        resp = await client.login(mcfg.password.get_secret_value(), device_name=mcfg.device_name)
        if not isinstance(resp, LoginResponse):
            raise StartupError(f"login as {mcfg.user_id} failed: {getattr(resp, 'message', resp)}")
        creds = Credentials(mcfg.homeserver, resp.user_id, resp.device_id, resp.access_token)
        await asyncio.to_thread(save_credentials, self.data_dir, creds)
        log.info("Logged in for the first time as device %s", resp.device_id)
        self.e2ee.install()
        if client.should_upload_keys:
            await client.keys_upload()

    async def _restore(self, creds: Credentials) -> dict[str, Any] | None:
        if creds.user_id != self.config.matrix.user_id:
            raise StartupError(
                f"the data directory belongs to {creds.user_id}, but the config says "
                f"{self.config.matrix.user_id}; use another data_dir"
            )
        store_file = self.store_dir / f"{creds.user_id}_{creds.device_id}.db"
        if not store_file.exists():
            raise StartupError(
                f"the E2EE store for device {creds.device_id} is missing ({store_file}). "
                "Reusing the device without its keys would silently break decryption. Restore "
                "the store from a backup, or delete credentials.json to log in as a new "
                "device (then remove the old device from the bot's account)."
            )
        self.nio.restore_login(creds.user_id, creds.device_id, creds.access_token)
        # Whether the token works and what the server holds of our keys: asked together, one
        # round trip before the first sync instead of two. The keys' answer counts only once
        # the token is known to work.
        resp, own = await asyncio.gather(self.nio.whoami(), self._query_own_keys(),
                                         return_exceptions=True)
        if isinstance(resp, BaseException):
            raise resp
        if getattr(resp, "user_id", None) != creds.user_id:
            raise StartupError(
                f"the stored access token no longer works ({getattr(resp, 'message', resp)}): "
                "was the bot's device logged out? Delete credentials.json and store/ to log "
                "in as a new device."
            )
        log.info("Restored device %s", creds.device_id)
        return own if isinstance(own, dict) else None

    async def _query_own_keys(self) -> dict[str, Any]:
        assert self._http is not None
        return await query_own_keys(
            self._http, f"{self.config.matrix.homeserver}/_matrix/client/v3",
            {"Authorization": f"Bearer {self.nio.access_token}"}, self.nio.user_id)

    async def _check_device_keys(self, own: dict[str, Any] | None) -> bool:
        """The device's keys must be on the server, or nobody can encrypt to us. `own`: the
        server's keys of our account if already asked. True if the device's keys were
        uploaded again (what the server holds changed)."""
        client = self.nio
        data = own if own is not None else await self._query_own_keys()
        ours = data.get("device_keys", {}).get(client.user_id, {}).get(client.device_id)
        mine = client.olm.account.identity_keys["ed25519"] if client.olm else None
        if ours is None:
            log.warning("The server lost this device's keys; uploading them again")
            client.olm.account.shared = False  # type: ignore[union-attr]
            await client.keys_upload()
            return True
        if ours.get("keys", {}).get(f"ed25519:{client.device_id}") != mine:
            raise StartupError(
                f"the server holds other keys for device {client.device_id} than the local "
                "store: the store does not belong to this device. Restore the right store."
            )
        if client.should_upload_keys:
            await client.keys_upload()  # one-time keys: the device's keys stay as they were
        return False

    async def close(self) -> None:
        # Let queued notices go out first (briefly), then stop.
        if self._outbox_workers:
            await asyncio.wait(list(self._outbox_workers.values()), timeout=10)
        for task in self._outbox_workers.values():
            task.cancel()
        # Deliberately no logout(): that would delete the device and its keys on the server.
        if self.client is not None:
            await self.client.close()
        if self._http is not None:
            await self._http.close()

    # --- rooms ------------------------------------------------------------------------------

    def room_info(self, room_id: str) -> RoomInfo | None:
        room = self.nio.rooms.get(room_id)
        if room is None:
            return None
        return RoomInfo(encrypted=bool(room.encrypted), member_count=int(room.member_count))

    def joined_rooms(self) -> list[str]:
        return list(self.nio.rooms)

    def room_known(self, room_id: str) -> None:
        """Called by the sync loop: the room is now in client.rooms."""
        waiter = self._room_waiters.pop(room_id, None)
        if waiter:
            waiter.set()

    async def wait_for_room(self, room_id: str, timeout: float = 30) -> bool:
        if room_id in self.nio.rooms:
            return True
        waiter = self._room_waiters.setdefault(room_id, asyncio.Event())
        try:
            async with asyncio.timeout(timeout):
                await waiter.wait()
        except TimeoutError:
            return room_id in self.nio.rooms
        return True

    async def join(self, room_id: str) -> bool:
        resp = await self.nio.join(room_id)
        if isinstance(resp, JoinError):
            log.warning("Could not join %s: %s", room_id, resp.message)
            return False
        return True

    async def default_room_version(self) -> str:
        """The homeserver's default room version (from /capabilities), cached."""
        if self._room_version is None:
            assert self._http is not None
            url = f"{self.config.matrix.homeserver}/_matrix/client/v3/capabilities"
            headers = {"Authorization": f"Bearer {self.nio.access_token}"}
            async with self._http.get(url, headers=headers) as r:
                data = await r.json()
            caps = data.get("capabilities", {}).get("m.room_versions", {})
            self._room_version = str(caps.get("default", "10"))
        return self._room_version

    async def creators_have_power(self) -> bool:
        """From room version 12 on, creators are privileged and must not be in `users`."""
        version = await self.default_room_version()
        return version.isdigit() and int(version) >= 12

    async def invite(self, room_id: str, user_id: str) -> bool:
        """Invite; True also when the user is already invited or in the room."""
        resp = await self.nio.room_invite(room_id, user_id)
        if isinstance(resp, RoomInviteError):
            if "already" in (resp.message or "").lower():
                return True
            log.warning("Invite into %s failed: %s", room_id, resp.message)
            return False
        return True

    async def set_power(self, room_id: str, user_id: str, level: int) -> None:
        """Give one user a power level (e.g. a stand-in counselor), keeping the others."""
        content = await self.room_state(room_id, "m.room.power_levels") or {}
        users = dict(content.get("users", {}))
        users[user_id] = level
        await self.nio.room_put_state(room_id, "m.room.power_levels", {**content, "users": users})

    async def set_power_levels(self, room_id: str, content: dict[str, Any]) -> bool:
        resp = await self.nio.room_put_state(room_id, "m.room.power_levels", content)
        if isinstance(resp, RoomPutStateError):
            log.warning("Setting the power levels of %s failed: %s", room_id, resp.message)
            return False
        return True

    async def leave(self, room_id: str, *, reason: str | None = None) -> None:
        """Without a reason, with the outbox: leave after what was queued for the room before
        is sent. With a reason (declining an invite): at once, the reason for the inviter."""
        if reason is None:
            if self.outbox is not None:
                await self.outbox.put_leave(room_id)
                return
            await self.nio.room_leave(room_id)
            return
        # nio's room_leave takes no reason; the reason is what the inviter sees.
        body = {"reason": reason}
        resp = await self._api("POST", f"/v3/rooms/{quote(room_id, safe='')}/leave", body)
        if resp is None:
            log.warning("Leaving/declining %s failed", room_id)

    async def kick(self, room_id: str, user_id: str, *, reason: str | None = None) -> bool:
        resp = await self.nio.room_kick(room_id, user_id, reason)
        if isinstance(resp, RoomKickError):
            log.warning("Removing a member from %s failed: %s", room_id, resp.message)
            return False
        return True

    async def invite_summary(self, room_id: str) -> InviteSummary | None:
        """The room summary (MSC3266, Synapse: /v1/room_summary) an invitee may read."""
        data = await self._api("GET", f"/v1/room_summary/{quote(room_id, safe='')}")
        if data is None:
            return None
        encryption = data.get("encryption", data.get("im.nheko.summary.encryption"))
        joined = data.get("num_joined_members")
        if not isinstance(joined, int):
            return None
        if data.get("membership") == "join":
            # The bot joined already and the invite comes again: a join whose record did not
            # commit (a kill, a storage fault). The bot is not "someone else in the room".
            joined -= 1
        return InviteSummary(encrypted=bool(encryption), joined_members=joined)

    def room_members(self, room_id: str) -> set[str] | None:
        room = self.nio.rooms.get(room_id)
        if room is None:
            return None
        return set(room.users) | set(room.invited_users)

    async def _api(
        self, method: str, path: str, body: dict[str, Any] | None = None
    ) -> dict[str, Any] | None:
        """A client-server API call nio does not offer (`path` under /_matrix/client)."""
        assert self._http is not None
        url = f"{self.config.matrix.homeserver}/_matrix/client{path}"
        headers = {"Authorization": f"Bearer {self.nio.access_token}"}
        try:
            async with self._http.request(method, url, json=body, headers=headers) as r:
                if r.status != 200:
                    return None
                data = await r.json()
        except (aiohttp.ClientError, TimeoutError, ValueError):
            return None
        return data if isinstance(data, dict) else None

    async def upload_keys(self, body: dict[str, Any]) -> bool:
        """POST /keys/upload with `body` (the fallback key: bot/matrix/fallback_key.py)."""
        return await self._api("POST", "/v3/keys/upload", body) is not None

    async def room_state(self, room_id: str, event_type: str) -> dict[str, Any] | None:
        resp = await self.nio.room_get_state_event(room_id, event_type)
        return getattr(resp, "content", None)

    async def create_room(
        self,
        *,
        invite: list[str],
        name: str | None = None,
        topic: str | None = None,
        is_direct: bool = False,
        history_visibility: str = "joined",
        power_levels: dict[str, Any] | None = None,
        extra_state: list[dict[str, Any]] | None = None,
    ) -> str:
        """A private, invite-only room, encrypted from its first event."""
        initial_state: list[dict[str, Any]] = [
            ENCRYPTION_STATE,
            {"type": "m.room.history_visibility", "state_key": "",
             "content": {"history_visibility": history_visibility}},
            {"type": "m.room.guest_access", "state_key": "",
             "content": {"guest_access": "forbidden"}},
            *(extra_state or []),
        ]
        resp = await self.nio.room_create(
            visibility=RoomVisibility.private,
            name=name,
            topic=topic,
            invite=invite,
            is_direct=is_direct,
            preset=RoomPreset.private_chat,
            initial_state=initial_state,
            power_level_override=power_levels,
        )
        if isinstance(resp, RoomCreateError):
            raise RuntimeError(f"creating a room failed: {resp.message}")
        return resp.room_id

    # --- sending ----------------------------------------------------------------------------

    @staticmethod
    @contextlib.contextmanager
    def answering(room_id: str, origin_ms: int) -> Iterator[None]:
        """While handling a message: the first notice sent into its room is its reply, and
        the time from the message's origin_server_ts to that reply is recorded."""
        token = _ANSWERING.set(_Answering(room_id, origin_ms) if origin_ms > 0 else None)
        try:
            yield
        finally:
            _ANSWERING.reset(token)

    def post(self, room_id: str, message: Message) -> None:
        """Queue a notice for a room and return at once; notices to one room keep their order.

        For rooms the bot has just created: handlers run inside the sync loop, and such a room
        only becomes usable after the next sync, so waiting for it there would stall the loop.
        With the outbox: written in the handled event's transaction (see `Outbox.handling`).
        """
        if self.outbox is not None:
            if not Outbox.defer(room_id, message):
                task = asyncio.create_task(self.outbox.put(room_id, message))
                self._posting.add(task)
                task.add_done_callback(self._posting.discard)
            return
        queue = self._outbox.setdefault(room_id, asyncio.Queue())
        queue.put_nowait(message)
        if room_id not in self._outbox_workers:
            self._outbox_workers[room_id] = asyncio.create_task(self._drain(room_id))

    async def _drain(self, room_id: str) -> None:
        queue = self._outbox[room_id]
        try:
            while not queue.empty():
                await self.send_notice(room_id, queue.get_nowait())
        except Exception:
            log.exception("Sending a queued notice failed")
        finally:
            self._outbox_workers.pop(room_id, None)
            if not queue.empty():  # raced with a new post
                self._outbox_workers[room_id] = asyncio.create_task(self._drain(room_id))

    async def send_file(
        self, room_id: str, filename: str, data: bytes, mimetype: str
    ) -> str | None:
        """Upload encrypted (the homeserver only ever sees ciphertext) and send an m.file whose
        `file` holds the key, IV and hash — inside the Megolm-encrypted event."""
        if not await self.wait_for_room(room_id):
            log.error("Not sending a file: room %s is unknown to the client", room_id)
            return None
        if not self.nio.rooms[room_id].encrypted:
            log.error("Not sending a file into unencrypted room %s", room_id)
            return None
        resp, keys = await self.nio.upload(
            io.BytesIO(data), content_type=mimetype, filename=filename, encrypt=True,
            filesize=len(data),
        )
        if not isinstance(resp, UploadResponse) or keys is None:
            log.error("Uploading a file failed: %s", getattr(resp, "message", resp))
            return None
        content = {
            "msgtype": "m.file",
            "body": filename,
            "filename": filename,
            "info": {"mimetype": mimetype, "size": len(data)},
            "file": {"url": resp.content_uri, "key": keys["key"], "iv": keys["iv"],
                     "hashes": keys["hashes"], "v": keys.get("v", "v2"),
                     "mimetype": mimetype},
        }
        sent = await self.nio.room_send(
            room_id, "m.room.message", content, ignore_unverified_devices=True
        )
        if isinstance(sent, RoomSendResponse):
            return sent.event_id
        log.error("Sending a file to %s failed: %s", room_id, getattr(sent, "message", sent))
        return None

    async def send_notice(
        self, room_id: str, message: Message, *, allow_plaintext: bool = False
    ) -> str | None:
        """Send bot text as m.notice with a plain body and safe HTML. Returns the event id.

        Refuses to send into an unencrypted room unless `allow_plaintext` (only used to say
        that the bot will not talk there).

        With the outbox (always in the running bot) the notice becomes an outbox row in the
        running transaction and is sent after it commits: None is returned then.
        """
        if self.outbox is not None:
            answering = _ANSWERING.get()
            origin_ms = None
            if answering is not None and answering.room_id == room_id and not answering.replied:
                answering.replied = True
                origin_ms = answering.origin_ms
            await self.outbox.put(room_id, message, allow_plain=allow_plaintext,
                                  origin_ms=origin_ms)
            return None
        return await self.send_now(room_id, message, allow_plaintext=allow_plaintext)

    async def keep_room_key_shared(self, room_id: str) -> None:
        """Share the bot's room key for `room_id` now if a send would have to (none yet, or
        the members changed): see App._keep_staff_key_shared."""
        client = self.nio
        room = client.rooms.get(room_id)
        if client.olm is None or room is None or not room.encrypted \
                or room_id in client.sharing_session \
                or not client.olm.should_share_group_session(room_id):
            return
        if not room.members_synced:
            await client.joined_members(room_id)
        await client.share_group_session(room_id, ignore_unverified_devices=True)

    async def send_now(
        self, room_id: str, message: Message, *, allow_plaintext: bool = False
    ) -> str | None:
        """Send at once, past the outbox: only for what must go out when the database
        cannot be written (the storage-fault notice)."""
        if not await self.wait_for_room(room_id):
            log.error("Not sending: room %s is unknown to the client", room_id)
            return None
        room = self.nio.rooms[room_id]
        if not room.encrypted and not allow_plaintext:
            log.error("Not sending into unencrypted room %s", room_id)
            return None
        content = {
            "msgtype": "m.notice",
            "body": message.plain,
            "format": "org.matrix.custom.html",
            "formatted_body": message.html,
        }
        # Trust on first use: room keys go to all devices of the members (see README).
        resp = await self.nio.room_send(
            room_id, "m.room.message", content, ignore_unverified_devices=True
        )
        if isinstance(resp, RoomSendResponse):
            answering = _ANSWERING.get()
            if answering is not None and answering.room_id == room_id and not answering.replied:
                answering.replied = True
                METRICS.observe(
                    "chathulp_reply_latency_seconds", time.time() - answering.origin_ms / 1000
                )
            return resp.event_id
        log.error("Sending to %s failed: %s", room_id, getattr(resp, "message", resp))
        return None

    # --- the outbox's Delivery ------------------------------------------------------------------

    async def deliver(self, item: OutboxItem) -> Outcome:
        """One outbox row on the wire, with its own transaction id (retries are deduplicated
        by the homeserver, also across restarts: the access token stays the same)."""
        assert item.room_id is not None
        try:
            if item.action == outbox_store.LEAVE:
                return await self._deliver_leave(item.room_id)
            return await self._deliver_notice(item)
        except (aiohttp.ClientError, OSError, TimeoutError, LocalProtocolError) as exc:
            return Outcome.retry(type(exc).__name__)

    async def _deliver_leave(self, room_id: str) -> Outcome:
        resp = await self.nio.room_leave(room_id)
        if isinstance(resp, RoomLeaveResponse):
            return Outcome.sent()
        code = getattr(resp, "status_code", None)
        if code in ("M_FORBIDDEN", "M_NOT_FOUND"):
            return Outcome.sent()  # not in the room (any more): the goal is reached
        return Outcome.retry(f"leave: {code}")

    async def _deliver_notice(self, item: OutboxItem) -> Outcome:
        room_id = item.room_id
        assert room_id is not None
        if not await self.wait_for_room(room_id, timeout=5):
            if time.time() - item.created_at > self.unknown_room_give_up:
                return Outcome.drop("room unknown to the client")
            return Outcome.retry("room not synced yet")
        room = self.nio.rooms[room_id]
        if not room.encrypted and not item.allow_plain:
            return Outcome.drop("unencrypted room")
        if room.encrypted:
            await self._know_devices(room)
        content = {
            "msgtype": "m.notice",
            "body": item.body,
            "format": "org.matrix.custom.html",
            "formatted_body": item.html,
        }
        # Trust on first use: room keys go to all devices of the members (see README).
        resp = await self.nio.room_send(
            room_id, "m.room.message", content, tx_id=item.txn_id,
            ignore_unverified_devices=True,
        )
        if isinstance(resp, RoomSendResponse):
            return Outcome.sent(resp.event_id)
        code = getattr(resp, "status_code", None)
        if code == "M_FORBIDDEN":
            return Outcome.drop("forbidden")
        return Outcome.retry(f"send: {code}")

    async def _know_devices(self, room: Any) -> None:
        """Query the devices of members (also invited ones, e.g. a counselor in a DM the bot
        just opened) that the client knows none of: else the room key would miss them."""
        client = self.nio
        if client.olm is None:
            return
        unknown = [u for u in room.users if u != client.user_id
                   and not list(client.device_store.active_user_devices(u))]
        if unknown:
            client.olm.users_for_key_query.update(unknown)
            await client.keys_query()

    async def resolve_dm(self, user_id: str) -> str | None:
        """The DM with a user (a counselor): the newest one the bot is in, or a new one."""
        assert self.outbox is not None
        db = self.outbox.db
        for room_id in await tstore.dm_rooms_of(db, user_id):
            room = self.room_info(room_id)
            if room is not None and room.encrypted and room.member_count <= 2:
                return room_id
        try:
            # History from the invite on: notices sent before the user joins stay readable.
            room_id = await self.create_room(
                invite=[user_id], is_direct=True, history_visibility="invited"
            )
        except (RuntimeError, aiohttp.ClientError, OSError, TimeoutError, LocalProtocolError):
            log.warning("Could not open a DM for queued notices; retrying later")
            return None
        await tstore.remember_room(db, room_id, "dm", user_id)
        return room_id

    async def send_to_user(self, user_id: str, message: Message) -> None:
        """Into the user's DM with the bot (found or opened by the outbox's sender)."""
        if self.outbox is None:
            raise RuntimeError("send_to_user needs the outbox")
        for room_id in await tstore.dm_rooms_of(self.outbox.db, user_id):
            room = self.room_info(room_id)
            if room is not None and room.encrypted and room.member_count <= 2:
                await self.send_notice(room_id, message)
                return
        await self.outbox.put_to_user(user_id, message)
