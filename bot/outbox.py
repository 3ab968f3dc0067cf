"""The durable outbox: nothing the bot decided to say is lost, nothing is said twice.

- `put`/`put_leave`/`put_to_user` write a row in the running DB transaction (if any), so the
  row exists exactly when the decision that made it does (the handled event, the booking).
- One sender task drains the rows: in order per room (a leave after the notices before it),
  rooms in parallel. A row is marked done only after the homeserver took it; its Matrix
  transaction id is fixed in the row, so a send repeated after a crash is deduplicated by
  the homeserver (Synapse caches a txn id per access token) — exactly once on the wire.
- What cannot be sent yet (homeserver down, room not synced yet, 429) waits with back-off;
  the backlog and the oldest item's age are metrics, and an item older than
  `alert_after_minutes` triggers one alert (a notice in the staff room) until it clears.
- What can never be sent (an unencrypted room, a room the bot is not in) is dropped, logged.

No nio here: the actual sending is a `Delivery` (bot/matrix/client.py implements it).
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Literal, Protocol

from bot.backoff import Backoff
from bot.domain.messages import Message, text_to_html
from bot.metrics import METRICS
from bot.storage import outbox as store
from bot.storage.db import Database
from bot.storage.faults import is_storage_fault
from bot.storage.outbox import OutboxItem

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outcome:
    status: Literal["sent", "retry", "drop"]
    detail: str | None = None  # the event id when sent, else why not

    @classmethod
    def sent(cls, event_id: str | None = None) -> Outcome:
        return cls("sent", event_id)

    @classmethod
    def retry(cls, why: str) -> Outcome:
        return cls("retry", why)

    @classmethod
    def drop(cls, why: str) -> Outcome:
        return cls("drop", why)


# A merged message stays far below Matrix's 64 KiB event limit, also once encrypted and with
# every character JSON-escaped.
MERGE_LIMIT = 6000


def merged(items: list[OutboxItem]) -> list[list[OutboxItem]]:
    """The rows of one room in sending order, grouped into messages: consecutive notices
    decided in the same transaction (same `batch`) become one message, up to MERGE_LIMIT
    characters; everything else is a message (or leave) of its own. Deterministic, so a
    resend after a crash forms the same groups (the first row's txn id is the message's)."""
    groups: list[list[OutboxItem]] = []
    size = 0
    for item in items:
        last = groups[-1][-1] if groups else None
        grow = len(item.body) + len(item.html)
        if (last is not None and item.batch is not None and item.action == store.NOTICE
                and last.action == store.NOTICE and last.batch == item.batch
                and last.allow_plain == item.allow_plain and size + grow <= MERGE_LIMIT):
            groups[-1].append(item)
            size += grow
        else:
            groups.append([item])
            size = grow
    return groups


def joined(group: list[OutboxItem]) -> OutboxItem:
    """One row standing for a group: the texts as paragraphs, the first row's txn id."""
    first = group[0]
    if len(group) == 1:
        return first
    origin = next((i.origin_ms for i in group if i.origin_ms), None)
    return OutboxItem(
        first.id, first.room_id, first.user_id, first.action,
        "\n\n".join(i.body for i in group),
        "<br><br>".join(i.html or text_to_html(i.body) for i in group),
        first.allow_plain, origin, first.txn_id, first.attempts, first.created_at, first.batch,
    )


class Delivery(Protocol):
    async def deliver(self, item: OutboxItem) -> Outcome:
        """Send a notice / leave a room, with `item.txn_id` as the Matrix transaction id."""
        ...

    async def resolve_dm(self, user_id: str) -> str | None:
        """The DM room with a user (created if there is none); None if that failed."""
        ...


# Messages `Transport.post()` queued while handling one event: written to the outbox in that
# event's transaction just before it commits (see `Outbox.handling`).
_DEFERRED: contextvars.ContextVar[list[tuple[str, Message]] | None] = contextvars.ContextVar(
    "chathulp_outbox_deferred", default=None
)


class Outbox:
    def __init__(
        self,
        db: Database,
        delivery: Delivery,
        *,
        alert_after_minutes: float = 10.0,
        on_alert: Callable[[int, float], Awaitable[None]] | None = None,
        poll_seconds: float = 2.0,
        backoff_max: float = 30.0,
        parallel: int = 64,
    ) -> None:
        self.db = db
        self.delivery = delivery
        self.alert_after = alert_after_minutes * 60
        self.on_alert = on_alert
        self.poll_seconds = poll_seconds
        self._wake = asyncio.Event()
        self._stop = asyncio.Event()
        self._workers: dict[str, asyncio.Task[None]] = {}
        self.backoff = Backoff(0.5, backoff_max)
        self._parallel = asyncio.Semaphore(parallel)
        self._alerted = False
        self._task: asyncio.Task[None] | None = None
        self.idle = asyncio.Event()

    # --- deciding -----------------------------------------------------------------------------

    async def put(self, room_id: str, message: Message, *, allow_plain: bool = False,
                  origin_ms: int | None = None) -> int:
        row = await store.enqueue(self.db, room_id=room_id, body=message.plain,
                                  html=message.html, allow_plain=allow_plain,
                                  origin_ms=origin_ms, batch=self.db.transaction_key)
        self.db.after_commit(self.kick)
        return row

    async def put_to_user(self, user_id: str, message: Message) -> int:
        """To a user's DM with the bot, which the sender finds or creates itself."""
        row = await store.enqueue(self.db, room_id=None, user_id=user_id, body=message.plain,
                                  html=message.html, batch=self.db.transaction_key)
        self.db.after_commit(self.kick)
        return row

    async def put_leave(self, room_id: str) -> int:
        """Leave the room once everything queued for it before is sent."""
        row = await store.enqueue(self.db, room_id=room_id, action=store.LEAVE)
        self.db.after_commit(self.kick)
        return row

    @staticmethod
    def defer(room_id: str, message: Message) -> bool:
        """For the synchronous `post()`: remember the message for the event being handled.
        False when no event is being handled (then the caller must queue it itself)."""
        deferred = _DEFERRED.get()
        if deferred is None:
            return False
        deferred.append((room_id, message))
        return True

    async def handling(self, work: Callable[[], Awaitable[None]]) -> None:
        """Run `work` (inside the caller's transaction) and write what it `post()`ed."""
        deferred: list[tuple[str, Message]] = []
        token = _DEFERRED.set(deferred)
        try:
            await work()
        finally:
            _DEFERRED.reset(token)
        for room_id, message in deferred:
            await self.put(room_id, message)

    def kick(self) -> None:
        """Something may be pending now (call after a commit, too)."""
        self.idle.clear()
        self._wake.set()

    # --- sending ------------------------------------------------------------------------------

    def start(self) -> None:
        if self._task is None:
            self._stop.clear()
            self._task = asyncio.create_task(self.run(), name="outbox")

    async def stop(self, timeout: float = 5.0) -> None:
        """Stop; let running sends finish for up to `timeout` s (the rest stays pending)."""
        self._stop.set()
        self._wake.set()
        if self._workers:
            await asyncio.wait(list(self._workers.values()), timeout=timeout)
        for task in list(self._workers.values()):
            task.cancel()
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except (asyncio.CancelledError, Exception):
                pass
            self._task = None

    async def run(self) -> None:
        while not self._stop.is_set():
            try:
                await self.pump()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                if is_storage_fault(exc):
                    log.warning("Outbox: the database cannot be written; trying again")
                else:
                    log.exception("The outbox could not be read; trying again")
            try:
                async with asyncio.timeout(self.poll_seconds):
                    await self._wake.wait()
            except TimeoutError:
                pass
            self._wake.clear()

    async def pump(self) -> int:
        """Start a sender for every room with pending rows; returns how many rooms wait."""
        targets = await store.pending_targets(self.db)
        await self._watch_backlog()
        for room_id, user_id in targets:
            key = room_id or f"user:{user_id}"
            if key in self._workers or self.backoff.wait_left(key) > 0:
                continue
            task = asyncio.create_task(self._send_group(key, room_id, user_id),
                                       name="outbox-room")
            self._workers[key] = task
            task.add_done_callback(lambda _t, k=key: self._done(k))
        if not targets and not self._workers:
            self.idle.set()
        return len(targets)

    def _done(self, key: str) -> None:
        self._workers.pop(key, None)
        if not self._stop.is_set():
            self._wake.set()

    async def _send_group(self, key: str, room_id: str | None, user_id: str | None) -> None:
        async with self._parallel:
            try:
                if room_id is None:
                    await self._address(user_id or "")
                    return
                # Read here, by the room's only sender: a list read before it started could
                # hold rows another sender finished meanwhile.
                for group in merged(await store.pending_in_room(self.db, room_id)):
                    if not await self._send_one(key, joined(group),
                                                [i.id for i in group]):
                        return
                self.backoff.succeeded(key)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                if is_storage_fault(exc):  # said loudly by the sync loop; retried after it
                    log.warning("Outbox: the database cannot be written; a room waits")
                else:
                    log.exception("Sending from the outbox failed")
                self._later(key, f"{type(exc).__name__}")

    async def _address(self, user_id: str) -> None:
        key = f"user:{user_id}"
        room_id = await self.delivery.resolve_dm(user_id)
        if room_id is None:
            self._later(key, "no DM room")
            return
        await store.address(self.db, user_id, room_id)
        self.backoff.succeeded(key)

    async def _send_one(self, key: str, item: OutboxItem, ids: list[int] | None = None) -> bool:
        """Send one message (`ids`: the rows it stands for, when several were merged)."""
        ids = ids or [item.id]
        outcome = await self.delivery.deliver(item)
        if outcome.status == "sent":
            if len(ids) == 1:
                await store.mark_done(self.db, item.id, outcome.detail)
            else:
                await store.mark_all_done(self.db, ids, outcome.detail)
            if item.origin_ms:
                METRICS.observe("chathulp_reply_latency_seconds",
                                time.time() - item.origin_ms / 1000)
            return True
        if outcome.status == "drop":
            log.warning("Outbox item %d dropped: %s", item.id, outcome.detail)
            for item_id in ids:
                await store.mark_dropped(self.db, item_id, outcome.detail or "")
            return True
        await store.note_attempt(self.db, item.id, outcome.detail or "")
        self._later(key, outcome.detail or "")
        return False

    def _later(self, key: str, why: str) -> None:
        delay = self.backoff.failed(key)
        log.info("Outbox: a room waits %.0f s (%s)", delay, why)

    async def _watch_backlog(self) -> None:
        count, oldest = await store.backlog(self.db)
        age = 0.0 if oldest is None else max(0.0, time.time() - oldest)
        METRICS.set("chathulp_outbox_backlog", count)
        METRICS.set("chathulp_outbox_oldest_seconds", age)
        if age > self.alert_after and not self._alerted:
            self._alerted = True
            log.warning("Outbox: %d items waiting, the oldest for %.0f s", count, age)
            if self.on_alert is not None:
                try:
                    await self.on_alert(count, age)
                except Exception:
                    log.exception("Could not raise the outbox alert")
        elif age <= self.alert_after:
            self._alerted = False

    async def wait_idle(self, timeout: float = 30.0) -> bool:
        """Until nothing is pending (for tests and a clean shutdown)."""
        self.kick()
        try:
            async with asyncio.timeout(timeout):
                while True:
                    await self.idle.wait()
                    if not self._workers and (await store.backlog(self.db))[0] == 0:
                        return True
                    self.idle.clear()
                    self.kick()
        except TimeoutError:
            return False
