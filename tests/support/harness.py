"""The bot's handlers in-process: real Router, real SQLite storage, a FakeTransport, a fake clock.

Only Matrix is faked, so a handler branch runs in milliseconds:

    h = await Harness.start(tmp_path)
    replies = await h.youth_says(YOUTH, "hoi")       # the bot's answers in the youth's DM
    replies = await h.counselor_says(SARA, "!agenda")

The config is config.example.yaml with the overrides the real-Synapse tests use (two
counselors, Sara and Tom, working 09:00-21:00 every day, no opening hours or closures).
"""

from __future__ import annotations

import copy
import hashlib
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

from bot.clock import FakeClock
from bot.config.models import Config
from bot.handlers import notify
from bot.handlers.context import Context
from bot.handlers.crisis import ESCALATE
from bot.handlers.now_queue import QUEUE_EXPIRE
from bot.handlers.router import Router
from bot.handlers.transport import Incoming, Invite, Kind, Membership
from bot.storage import bookings, migrations, sealing, sessions
from bot.storage.bookings import (
    CHECK_COUNSELOR,
    CHECK_YOUTH,
    OPEN_SESSION,
    REMIND_COUNSELOR,
    REMIND_YOUTH,
)
from bot.storage.db import Database
from bot.storage.followup import FORGET_PHONE
from bot.storage.sessions import Session
from tests.support.fake_transport import FakeTransport

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = yaml.safe_load((ROOT / "config.example.yaml").read_text())
BRUSSELS = ZoneInfo("Europe/Brussels")
START = datetime(2026, 12, 1, 10, 0, tzinfo=BRUSSELS)  # a Tuesday
ALL_DAY = {d: ["09:00-21:00"] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
BOT = "@bot:fake"
YOUTH = "@youth:fake"
SARA = "@sara:fake"
TOM = "@tom:fake"
# The answers of a Dutch intake in the example config, after the greeting ("hoi").
INTAKE_ANSWERS = ("1", "2", "school", "deze week", "kortrijk", "overslaan")


def counselor(user_id: str, name: str, **extra: Any) -> dict[str, Any]:
    return {"user_id": user_id, "display_name": name, "languages": ["nl", "en"],
            "hours": ALL_DAY, **extra}


def make_config(data_dir: Path, **overrides: Any) -> Config:
    """The example config with the integration tests' changes; `overrides` per section
    (a dict is merged into the section, anything else replaces it)."""
    data = copy.deepcopy(EXAMPLE)
    data["matrix"].update(homeserver="http://fake.invalid", user_id=BOT, password="unused")
    data["data_dir"] = str(data_dir)
    data["admins"] = []
    data["staff_room"] = {"room_id": "", "name": "staff", "invite": []}
    data["web"] = {**data.get("web", {}), "enabled": False}
    data["scheduling"].update(counselors=[counselor(SARA, "Sara"), counselor(TOM, "Tom")],
                              opening_hours=None, closures=[])
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(data.get(key), dict):
            data[key].update(value)
        else:
            data[key] = value
    return Config.model_validate(data)


class RecordingTimers:
    """Stands in for TimerService: counts refreshes; timers are run with `Harness.run_due`."""

    def __init__(self) -> None:
        self.refreshes = 0

    async def refresh(self) -> None:
        self.refreshes += 1


class Harness:
    def __init__(self, config: Config, db: Database, clock: FakeClock,
                 transport: FakeTransport | None = None) -> None:
        self.config = config
        self.db = db
        self.clock = clock
        self.transport = transport or FakeTransport(BOT)
        self.timers = RecordingTimers()
        self.ctx = Context(config, clock, db, self.transport, timers=self.timers)
        staff = "!staff:fake"
        self.ctx.staff_room_id = (staff if staff in self.transport.rooms
                                  else self.transport.add_room(room_id=staff))
        self.router = Router(self.ctx)
        self.dms: dict[str, str] = {}
        self._events = 0

    @classmethod
    async def start(cls, tmp_path: Path, *, at: datetime = START, **overrides: Any) -> Harness:
        config = make_config(tmp_path / "bot-data", **overrides)
        db = Database(tmp_path / "bot-data" / "chathulp.db")
        await db.open()
        await migrations.upgrade(db)
        # Sensitive text sealed as in production; one key per data dir (restarts read it).
        sealing.use(db, sealing.Sealer(hashlib.sha256(str(tmp_path).encode()).digest()))
        return cls(config, db, FakeClock(at))

    async def close(self) -> None:
        await self.db.close()

    def restarted(self) -> Harness:
        """The bot started again: a new Context, Router and handlers (nothing they kept in
        memory survives) on the same database, homeserver (rooms) and clock. Close only one
        of the two (they share the database)."""
        again = Harness(self.config, self.db, self.clock, self.transport)
        again.dms = dict(self.dms)
        again._events = self._events
        return again

    # --- talking ------------------------------------------------------------------------

    def mark(self) -> int:
        return len(self.transport.sent)

    def since(self, mark: int, room_id: str | None = None) -> list[str]:
        return [s.body for s in self.transport.sent[mark:]
                if room_id is None or s.room_id == room_id]

    @property
    def staff_room(self) -> str:
        assert self.ctx.staff_room_id is not None
        return self.ctx.staff_room_id

    async def message(self, room_id: str, sender: str, body: str, *, kind: Kind = "text",
                      formatted_body: str | None = None) -> list[str]:
        """`sender` writes in a room; the bot's notices into that room in reply."""
        self._events += 1
        room = self.transport.rooms[room_id]
        msg = Incoming(room_id=room_id, event_id=f"$in{self._events}", sender=sender,
                       kind=kind, body=body, room_encrypted=room.encrypted,
                       member_count=len(room.members),
                       timestamp_ms=int(self.clock.now().timestamp() * 1000),
                       formatted_body=formatted_body)
        mark = self.mark()
        await self.router.on_message(msg)
        return self.since(mark, room_id)

    async def dm(self, user_id: str) -> str:
        """The user's DM with the bot: a 1:1 encrypted room the user invited the bot to."""
        if user_id not in self.dms:
            room_id = self.transport.add_room(user_id, bot_joined=False)
            await self.router.on_invite(Invite(room_id, user_id, True))
            self.dms[user_id] = room_id
        return self.dms[user_id]

    async def youth_says(self, user_id: str, text: str, **kw: Any) -> list[str]:
        return await self.message(await self.dm(user_id), user_id, text, **kw)

    async def counselor_dm(self, user_id: str) -> str:
        """The DM the bot opens with a counselor, joined by them."""
        room_id = await notify.counselor_dm(self.ctx, user_id)
        assert room_id is not None
        if user_id not in self.transport.rooms[room_id].members:
            await self.joins(room_id, user_id)
        return room_id

    async def counselor_says(self, user_id: str, text: str, **kw: Any) -> list[str]:
        return await self.message(await self.counselor_dm(user_id), user_id, text, **kw)

    async def joins(self, room_id: str, user_id: str) -> None:
        """A user accepts an invite: the room's membership changes and the bot hears of it."""
        self.transport.user_joins(room_id, user_id)
        self._events += 1
        await self.router.on_membership(
            Membership(room_id, f"$member{self._events}", user_id, "join", "invite"))

    async def finish_intake(self, user_id: str = YOUTH) -> list[str]:
        """Greeting and every intake answer; returns the last replies (ending in the offer)."""
        await self.youth_says(user_id, "hoi")
        replies: list[str] = []
        for answer in INTAKE_ANSWERS:
            replies = await self.youth_says(user_id, answer)
        return replies

    async def book_now(self, user_id: str = YOUTH) -> int:
        """Intake, then choice 1 ("now": Sara at 10:00 on the default clock); the booking id."""
        offer = (await self.finish_intake(user_id))[-1]
        assert "1. Nu meteen" in offer, offer
        await self.youth_says(user_id, "1")
        booking = await bookings.active_booking(self.db, user_id)
        assert booking is not None
        return booking.id

    async def open_now(self, user_id: str = YOUTH) -> Session:
        """`book_now`, then its opening timer runs: the session room exists, both invited."""
        booking_id = await self.book_now(user_id)
        await self.run_due()
        session = await sessions.by_booking(self.db, booking_id)
        assert session is not None and session.state == "open" and session.room_id
        return session

    # --- time ---------------------------------------------------------------------------

    def at(self, when: datetime) -> None:
        self.clock.set(when)

    async def run_due(self) -> int:
        """Run every pending timer that is due by the fake clock, as TimerService would
        (claimed first, so at most once); returns how many ran."""
        handlers = {
            REMIND_YOUTH: self.router.youth.appointments.remind,
            REMIND_COUNSELOR: self.router.youth.appointments.remind,
            OPEN_SESSION: self.router.sessions.on_timer,
            CHECK_COUNSELOR: self.router.sessions.on_timer,
            CHECK_YOUTH: self.router.sessions.on_timer,
            ESCALATE: self.router.youth.desk.on_timer,
            QUEUE_EXPIRE: self.router.youth.appointments.queue.on_timer,
            FORGET_PHONE: self.router.sessions.on_timer,
        }
        now = self.clock.now()
        ran = 0
        for timer in await bookings.pending_timers(self.db):
            if timer.due > now or timer.kind not in handlers:
                continue
            if await bookings.claim_timer(self.db, timer.id, now):
                await handlers[timer.kind](timer, max(now - timer.due, timedelta(0)))
                ran += 1
        return ran

