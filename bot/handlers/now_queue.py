"""The live queue for "now": when every fitting counselor who may take youths now is busy.

- The offer then has a choice "now: wait for the first counselor who is free"; choosing it
  puts the youth in the queue (`now_queue` table) and tells them their place and an honest
  estimate (`bot.domain.now_queue`). Any later message gets their place again; a leave word
  ('boeken', 'book', …) takes them out and offers moments to book.
- `dispatch()` gives free counselors the next youths (crisis-flagged, then urgency "today",
  then the oldest), through the one booking service as a "now" booking, so the session room
  opens at once (its opening timer is due when the booking commits). It runs when a session
  ends, every little while (`App`), and at start-up. Everyone whose place changed is told.
- Nobody waits forever: a `queue_expire` timer per place; after
  `scheduling.queue_max_wait_minutes` the youth is offered a booking and the staff room told.
- The staff room hears the queue length when it changes (case references only, via the
  room policy's guard); the gauge `chathulp_queue_length` follows it.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import TYPE_CHECKING

from bot.domain import now_queue as rules
from bot.domain.availability import Slot
from bot.domain.messages import Message
from bot.domain.offers import Needs
from bot.handlers.commands import Words, first_match
from bot.handlers.context import Context
from bot.handlers.policy import post_to_staff
from bot.metrics import METRICS
from bot.storage import alerts, bookings, youths
from bot.storage import now_queue as store
from bot.storage import sync_state as tstore
from bot.storage.bookings import Timer

if TYPE_CHECKING:
    from bot.handlers.appointments import Appointments

log = logging.getLogger(__name__)

QUEUE_EXPIRE = "queue_expire"
# The queue length the staff room was last told (kv key).
TOLD_LENGTH = "now_queue_length_told"

# Youth words: out of the queue, to book a moment instead (recognised in every language).
LEAVE = Words("leave", {
    "nl": ("boeken", "afspraak maken", "moment kiezen", "wachtrij verlaten", "uit de wachtrij",
           "niet meer wachten", "stop met wachten"),
    "en": ("book", "leave", "leave the queue", "leave queue", "stop waiting"),
})


class NowQueue:
    def __init__(self, ctx: Context, appointments: Appointments) -> None:
        self.ctx = ctx
        self.appointments = appointments

    def say(self, language: str | None, key: str, **values: str) -> Message:
        return self.ctx.config.catalogue.say(language, key, **values)

    # --- who may take a youth now -------------------------------------------------------

    async def eligible(self) -> list[str]:
        """The counselors who may take a youth now (`bot.domain.now_queue.now_eligible`)."""
        said = await alerts.duty(self.ctx.db)
        absences = await bookings.list_absences(self.ctx.db)
        return rules.now_eligible(self.ctx.config.scheduling, self.ctx.config.tz,
                                  self.ctx.clock.now(), said, absences)

    # --- the youth's side ---------------------------------------------------------------

    async def on_text(self, youth: youths.Youth, case: youths.Case, text: str,
                      word: str | None) -> list[Message] | None:
        """A message from a youth in the queue (None: they are not in it). `word`: the
        booking word it is, if any ('cancel' and 'move' leave the queue too)."""
        entry = await store.of_youth(self.ctx.db, youth.user_id)
        if entry is None:
            return None
        language = youth.intake.language
        if first_match((LEAVE,), text) or word in ("cancel", "move"):
            await self.leave(entry)
            log.info("A youth left the queue to book")
            return [self.say(language, "queue.left"),
                    *await self.appointments.offer(youth, case, queue=False)]
        place, estimate = await self._place_of(entry.id, language)
        return [self.say(language, "queue.waiting", place=str(place), estimate=estimate)]

    async def join(self, youth: youths.Youth, case: youths.Case) -> list[Message]:
        """Put the youth in the queue; their place and estimate. If a counselor is free by
        now (and nobody before them fits), they get them at once: the reply is their turn."""
        now = self.ctx.clock.now()
        language = youth.intake.language
        async with tstore.atomically(self.ctx.db):
            await store.lock(self.ctx.db)
            entry_id = await store.join(self.ctx.db, youth.user_id, case.id, now)
            if entry_id is None:  # waiting already
                entry = await store.of_youth(self.ctx.db, youth.user_id)
                assert entry is not None
                entry_id = entry.id
            else:
                due = now + timedelta(minutes=self.ctx.config.scheduling.queue_max_wait_minutes)
                await bookings.add_timer(self.ctx.db, kind=QUEUE_EXPIRE, due=due, now=now,
                                         payload=str(entry_id))
            if youth.user_id in await self._match():
                await self.tell_places()
                return []  # their turn already: `your_turn` is on its way
            place, estimate = await self._place_of(entry_id, language)
            await store.set_place_told(self.ctx.db, entry_id, place)
            await self.tell_places()
        if self.ctx.timers is not None:
            await self.ctx.timers.refresh()
        log.info("A youth joined the queue for now")
        return [self.say(language, "queue.joined", place=str(place), estimate=estimate)]

    async def leave(self, entry: rules.Waiting) -> None:
        async with tstore.atomically(self.ctx.db):
            await store.lock(self.ctx.db)
            if await store.remove(self.ctx.db, entry.id):
                await self.tell_places()

    # --- counselors free: the next youths -----------------------------------------------

    async def dispatch(self) -> int:
        """Give every counselor who is free now the next fitting youth; how many got one."""
        async with tstore.atomically(self.ctx.db):
            await store.lock(self.ctx.db)
            given = await self._match()
            await self.tell_places()
        return len(given)

    async def _match(self) -> set[str]:
        """In queue order, each youth a fitting counselor who is free now, while there are;
        the youths who got one. Runs under the queue's lock."""
        entries = rules.order(await store.waiting(self.ctx.db))
        if not entries:
            return set()
        eligible = await self.eligible()
        given: set[str] = set()
        if eligible:
            for entry in entries:
                if await self._give(entry, eligible):
                    given.add(entry.youth_id)
        return given

    async def _give(self, entry: rules.Waiting, eligible: list[str]) -> bool:
        case = await youths.get_case(self.ctx.db, entry.case_id)
        youth = await youths.get_youth(self.ctx.db, entry.youth_id,
                                       self.appointments.flow.new_state())
        now = self.ctx.clock.now()
        if case is None or youth is None or await store.in_session(self.ctx.db, entry.youth_id,
                                                                   now):
            await store.remove(self.ctx.db, entry.id)  # gone, or being helped already
            return False
        cfg = self.ctx.config.scheduling
        needs = Needs(
            language=youth.intake.language, topic=case.topic,
            municipality=case.municipality or youth.municipality, urgency=case.urgency,
            preferred_counselor=await youths.youth_counselor(self.ctx.db, youth.user_id),
        )
        busy = await bookings.busy_periods(self.ctx.db, now - timedelta(days=1),
                                           now + timedelta(days=1))
        absences = await bookings.list_absences(self.ctx.db)
        slot = rules.free_now(cfg, self.ctx.config.tz, needs, busy, absences, now, eligible)
        if slot is None:
            return False
        result = await self.appointments.booking.book_offered(
            case=case, youth_id=youth.user_id, slot=Slot(slot.counselor_id, slot.start,
                                                          slot.end, True))
        if result.booking is None:
            if result.reason == "youth_has_booking":
                await store.remove(self.ctx.db, entry.id)  # booked meanwhile: not waiting
            return False
        await store.remove(self.ctx.db, entry.id)
        await youths.set_offer(self.ctx.db, youth.user_id, None)
        room = await youths.dm_room_of(self.ctx.db, youth.user_id)
        if room is not None:
            await self.ctx.transport.send_notice(room, self.say(
                case.language, "queue.your_turn",
                counselor=self.appointments.booking.name(slot.counselor_id)))
        log.info("The next youth in the queue got a counselor")
        return True

    # --- nobody waits forever -----------------------------------------------------------

    async def on_timer(self, timer: Timer, lateness: timedelta) -> None:
        """`queue_expire`: still waiting after the maximum: offer a booking, tell the staff."""
        try:
            entry_id = int(timer.payload or "")
        except ValueError:
            return
        async with tstore.atomically(self.ctx.db):
            await store.lock(self.ctx.db)
            entry = await store.get(self.ctx.db, entry_id)
            if entry is None or not await store.remove(self.ctx.db, entry_id):
                return  # got a counselor, left or was erased meanwhile
            minutes = str(self.ctx.config.scheduling.queue_max_wait_minutes)
            case = await youths.get_case(self.ctx.db, entry.case_id)
            youth = await youths.get_youth(self.ctx.db, entry.youth_id,
                                           self.appointments.flow.new_state())
            if case is not None and youth is not None:
                replies = [self.say(case.language, "queue.expired", minutes=minutes),
                           *await self.appointments.offer(youth, case, queue=False)]
                room = await youths.dm_room_of(self.ctx.db, youth.user_id)
                if room is not None:
                    for message in replies:
                        await self.ctx.transport.send_notice(room, message)
                await post_to_staff(self.ctx, self.say(None, "queue.staff_expired", ref=case.ref,
                                                        minutes=minutes), case.id)
            await self.tell_places()
        log.info("A youth waited the maximum in the queue and was offered a booking")

    # --- places -------------------------------------------------------------------------

    async def tell_places(self) -> None:
        """Tell every waiting youth whose place changed their new place; the staff room the
        length when it changed; the gauge."""
        entries = await store.waiting(self.ctx.db)
        count = len(entries)
        METRICS.set("chathulp_queue_length", count)
        recent = await store.recent_session_minutes(self.ctx.db) if entries else []
        eligible = len(await self.eligible()) if entries else 0
        for entry, place in rules.places(entries):
            if entry.place_told == place:
                continue
            await store.set_place_told(self.ctx.db, entry.id, place)
            if entry.place_told is None:
                continue  # just joined: their reply says it
            case = await youths.get_case(self.ctx.db, entry.case_id)
            room = await youths.dm_room_of(self.ctx.db, entry.youth_id)
            if case is None or room is None:
                continue
            estimate = self._estimate(case.language, place, eligible, recent)
            await self.ctx.transport.send_notice(room, self.say(
                case.language, "queue.place", place=str(place), estimate=estimate))
        told = await tstore.get_kv(self.ctx.db, TOLD_LENGTH)
        if told != str(count) and not (told is None and count == 0):
            await tstore.set_kv(self.ctx.db, TOLD_LENGTH, str(count))
            await post_to_staff(self.ctx, self.say(None, "queue.staff_length", count=str(count)))

    async def _place_of(self, entry_id: int, language: str) -> tuple[int, str]:
        entries = await store.waiting(self.ctx.db)
        place = next((p for e, p in rules.places(entries) if e.id == entry_id), len(entries))
        recent = await store.recent_session_minutes(self.ctx.db)
        return place, self._estimate(language, place, len(await self.eligible()), recent)

    def _estimate(self, language: str, place: int, counselors: int,
                  recent: list[float]) -> str:
        minutes = rules.estimate_minutes(place, counselors, recent)
        if minutes is None:
            return self.say(language, "queue.no_estimate").plain
        return self.say(language, "queue.estimate", minutes=str(minutes)).plain

    async def length(self) -> int:
        return len(await store.waiting(self.ctx.db))
