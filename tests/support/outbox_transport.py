"""A FakeTransport behind a real durable Outbox, as MatrixTransport is in the running bot:
handlers' sends and leaves become outbox rows; `deliver` puts them "on the wire" (the
FakeTransport's records) and remembers every transaction id it was given."""

from __future__ import annotations

import asyncio

from bot.domain.messages import Message
from bot.outbox import Outbox, Outcome
from bot.storage import outbox as outbox_store
from bot.storage import sync_state as tstore
from bot.storage.db import Database
from bot.storage.outbox import OutboxItem
from tests.support.fake_transport import FakeTransport


class OutboxTransport(FakeTransport):
    def __init__(self, db: Database, user_id: str = "@bot:fake") -> None:
        super().__init__(user_id)
        self.db = db
        self.outbox = Outbox(db, self, poll_seconds=0.2, backoff_max=0.5)
        self.down = False  # the homeserver does not answer
        self.wire: list[tuple[str, str]] = []  # (txn id, room id) of every attempt on the wire
        self._tasks: set[asyncio.Task[int]] = set()

    # --- what handlers call -------------------------------------------------------------------

    async def send_notice(self, room_id: str, message: Message, *,
                          allow_plaintext: bool = False) -> str | None:
        await self.outbox.put(room_id, message, allow_plain=allow_plaintext)
        return None

    def post(self, room_id: str, message: Message) -> None:
        if not Outbox.defer(room_id, message):
            task = asyncio.create_task(self.outbox.put(room_id, message))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def leave(self, room_id: str) -> None:
        await self.outbox.put_leave(room_id)

    async def send_to_user(self, user_id: str, message: Message) -> None:
        await self.outbox.put_to_user(user_id, message)

    # --- Delivery ---------------------------------------------------------------------------

    async def deliver(self, item: OutboxItem) -> Outcome:
        assert item.room_id is not None
        if self.down:
            return Outcome.retry("homeserver down")
        self.wire.append((item.txn_id, item.room_id))
        if item.action == outbox_store.LEAVE:
            await FakeTransport.leave(self, item.room_id)
            return Outcome.sent()
        event_id = await FakeTransport.send_notice(
            self, item.room_id, Message(item.body, item.html), allow_plaintext=item.allow_plain)
        return Outcome.sent(event_id) if event_id else Outcome.drop("refused")

    async def resolve_dm(self, user_id: str) -> str | None:
        if self.down:
            return None
        for room_id in await tstore.dm_rooms_of(self.db, user_id):
            if self.room_info(room_id) is not None:
                return room_id
        room_id = await self.create_room(invite=[user_id], is_direct=True)
        await tstore.remember_room(self.db, room_id, "dm", user_id)
        return room_id
