"""A real E2EE matrix-nio client playing a youth or a counselor in tests."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from nio import (
    AsyncClient,
    AsyncClientConfig,
    InviteMemberEvent,
    LoginResponse,
    MatrixRoom,
    MegolmEvent,
    RoomMessageNotice,
    RoomMessageText,
)

from bot.matrix.client import ENCRYPTION_STATE

# How often `wait_for` re-checks its predicate without a notification (seconds).
RECHECK = 0.2


@dataclass
class Received:
    room_id: str
    sender: str
    body: str
    html: str | None
    msgtype: str
    event_id: str


@dataclass
class MatrixUser:
    client: AsyncClient
    received: list[Received] = field(default_factory=list)
    undecryptable: list[str] = field(default_factory=list)
    invites: list[str] = field(default_factory=list)
    _changed: asyncio.Condition = field(default_factory=asyncio.Condition)
    _task: asyncio.Task[None] | None = None

    @property
    def user_id(self) -> str:
        return self.client.user_id

    @classmethod
    async def login(cls, homeserver: str, user_id: str, password: str, store: Path) -> MatrixUser:
        await asyncio.to_thread(store.mkdir, parents=True, exist_ok=True)
        client = AsyncClient(
            homeserver, user_id, store_path=str(store),
            config=AsyncClientConfig(encryption_enabled=True, store_sync_tokens=True),
        )
        resp = await client.login(password, device_name="test")
        assert isinstance(resp, LoginResponse), resp
        if client.should_upload_keys:
            await client.keys_upload()
        user = cls(client)
        client.add_event_callback(user._on_message, (RoomMessageText, RoomMessageNotice))
        client.add_event_callback(user._on_megolm, MegolmEvent)
        client.add_event_callback(user._on_invite, InviteMemberEvent)
        # Every response (a sync, a key query...) may change what a `wait_for` predicate
        # reads (rooms, members, devices): wake the waiters then, instead of on a poll.
        client.add_response_callback(user._on_response)
        await client.sync(timeout=0, full_state=True)
        user._task = asyncio.create_task(user._sync_forever())
        return user

    async def _sync_forever(self) -> None:
        while True:
            try:
                await self.client.sync_forever(timeout=1000, full_state=True)
            except asyncio.CancelledError:
                raise
            except Exception:  # the homeserver may be down in an outage test
                await asyncio.sleep(0.5)

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    async def _on_response(self, response: object) -> None:
        await self._notify()

    async def _on_message(self, room: MatrixRoom, event: RoomMessageText) -> None:
        content = event.source.get("content", {})
        self.received.append(
            Received(room.room_id, event.sender, event.body, content.get("formatted_body"),
                     content.get("msgtype", ""), event.event_id)
        )
        await self._notify()

    async def _on_megolm(self, room: MatrixRoom, event: MegolmEvent) -> None:
        self.undecryptable.append(event.event_id)
        await self._notify()

    async def _on_invite(self, room: MatrixRoom, event: InviteMemberEvent) -> None:
        if event.state_key == self.user_id and event.membership == "invite":
            if room.room_id not in self.invites:
                self.invites.append(room.room_id)
            await self._notify()

    async def wait_for(
        self, predicate: Callable[[], object], timeout: float = 30, what: str = "event"
    ) -> object:
        async with asyncio.timeout(timeout):
            async with self._changed:
                while True:
                    value = predicate()
                    if value:
                        return value
                    try:
                        async with asyncio.timeout(RECHECK):
                            await self._changed.wait()
                    except TimeoutError:
                        pass  # re-check: state outside this client (a bot's) does not notify

    async def next_message(
        self, room_id: str, *, sender: str | None = None, after: int | None = None,
        timeout: float = 30,
    ) -> Received:
        """The first message in `room_id` (from `sender`) received after index `after`."""
        start = len(self.received) if after is None else after

        def find() -> Received | None:
            for msg in self.received[start:]:
                if msg.room_id == room_id and (sender is None or msg.sender == sender):
                    return msg
            return None

        found = await self.wait_for(find, timeout, f"a message in {room_id}")
        assert isinstance(found, Received)
        return found

    def mark(self) -> int:
        return len(self.received)

    async def open_dm(self, bot_id: str, *, encrypted: bool = True) -> str:
        resp = await self.client.room_create(
            is_direct=True, invite=[bot_id],
            initial_state=[ENCRYPTION_STATE] if encrypted else [],
        )
        room_id = resp.room_id
        # Wait until the bot has joined, so that it gets the room key of our first message.
        def joined() -> bool:
            room = self.client.rooms.get(room_id)
            return bool(room and bot_id in room.users and room.users[bot_id] is not None
                        and bot_id not in room.invited_users)
        await self.wait_for(joined, 30, "the bot to join")
        return room_id

    async def say(self, room_id: str, text: str) -> str:
        resp = await self.client.room_send(
            room_id, "m.room.message", {"msgtype": "m.text", "body": text},
            ignore_unverified_devices=True,
        )
        assert hasattr(resp, "event_id"), resp
        return resp.event_id

    async def send_raw(
        self, room_id: str, content: dict, event_type: str = "m.room.message"
    ) -> str:
        resp = await self.client.room_send(room_id, event_type, content,
                                           ignore_unverified_devices=True)
        assert hasattr(resp, "event_id"), resp
        return resp.event_id

    async def join(self, room_id: str) -> None:
        await self.client.join(room_id)
        # Usable for sending only once our own sync has seen the join.
        await self.wait_for(lambda: room_id in self.client.rooms, 30, "our join")

    async def close(self) -> None:
        if self._task:
            self._task.cancel()
            try:
                await self._task
            except (asyncio.CancelledError, Exception):
                pass
        await self.client.close()
