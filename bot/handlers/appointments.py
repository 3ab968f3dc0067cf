"""Booking in the youth's DM: offers, choosing, seeing, cancelling and moving an appointment;
reminders; notices to the counselor.

The offered slots are stored, so that "2" books exactly what the youth saw; the chosen slot is
re-checked and booked in one transaction (two youths never get one counselor slot).
"""

from __future__ import annotations

import json
import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from bot.config.scheduling import SchedulingConfig
from bot.domain.availability import Slot
from bot.domain.messages import Message, fill, numbered, plain
from bot.domain.now_queue import can_wait
from bot.domain.offers import Needs, Offer, find_slots, reminder_times
from bot.domain.when import format_when
from bot.handlers.commands import Words, first_match
from bot.handlers.context import Context
from bot.handlers.now_queue import NowQueue
from bot.handlers.policy import post_to_staff
from bot.services.booking import BookingService
from bot.storage import bookings, youths
from bot.storage import followup as followup_store
from bot.storage import sync_state as tstore
from bot.storage.bookings import Booking, Timer

if TYPE_CHECKING:
    from bot.domain.crisis import CrisisMatcher
    from bot.domain.intake import IntakeFlow

log = logging.getLogger(__name__)

# Youth words (no commands), recognised in every language whatever the youth chose.
WORDS = (
    Words("show", {"nl": ("afspraak", "mijn afspraak"), "en": ("appointment", "my appointment")}),
    Words("cancel", {"nl": ("annuleer", "annuleren", "afspraak annuleren"), "en": ("cancel",)}),
    Words("move", {"nl": ("verzet", "verzetten", "ander moment"), "en": ("move", "reschedule")}),
)


def booking_word(text: str) -> str | None:
    return first_match(WORDS, text)


def _slot_json(slot: Slot) -> dict[str, object]:
    return {"c": slot.counselor_id, "s": slot.start.isoformat(), "e": slot.end.isoformat(),
            "now": slot.now}


def _slot_from(d: dict[str, object]) -> Slot:
    return Slot(str(d["c"]), datetime.fromisoformat(str(d["s"])),
                datetime.fromisoformat(str(d["e"])), bool(d.get("now")))


class Appointments:
    def __init__(self, ctx: Context, flow: IntakeFlow, crisis: CrisisMatcher) -> None:
        self.ctx = ctx
        self.flow = flow
        self.crisis = crisis
        self.booking = BookingService(ctx, flow)
        self.queue = NowQueue(ctx, self)  # "now" while every fitting counselor is busy

    @property
    def cfg(self) -> SchedulingConfig:
        return self.ctx.config.scheduling

    def _name(self, counselor_id: str) -> str:
        return self.booking.name(counselor_id)

    def _when(self, at: datetime, language: str) -> str:
        return format_when(at, self.ctx.config.tz, language, self.ctx.clock.now())

    # --- the youth's side -------------------------------------------------------------------

    async def on_text(self, youth: youths.Youth, case: youths.Case, room_id: str,
                      text: str) -> list[Message]:
        """A message from a youth whose intake is done."""
        language = youth.intake.language
        texts = self.ctx.config.text(language)
        word = booking_word(text)
        waiting = await self.queue.on_text(youth, case, text, word)
        if waiting is not None:
            return waiting  # in the queue for "now": their place, or out of it to book
        booking = await bookings.active_booking(self.ctx.db, youth.user_id)
        stored = await youths.get_offer(self.ctx.db, youth.user_id)

        if word == "cancel":
            if booking is None:
                return [plain(texts.appointment_none)]
            await self.booking.cancel(booking, case.ref)
            await youths.set_offer(self.ctx.db, youth.user_id, None)
            log.info("Appointment cancelled by the youth")
            return [plain(texts.cancelled)]
        if word == "move" or (word == "show" and booking is None):
            return await self.offer(youth, case, moving=booking)
        if word == "show" and booking is not None:
            return [self._show(booking, language)]

        if stored:
            offer = json.loads(stored)
            queue = bool(offer.get("queue"))
            choice = _number(text, len(offer["slots"]) + queue)
            if choice is not None and queue and choice == 1:
                await youths.set_offer(self.ctx.db, youth.user_id, None)
                if booking is not None:  # booked meanwhile: nothing to wait for
                    return [self._show(booking, language)]
                return await self.queue.join(youth, case)
            if choice is not None:
                return await self._choose(youth, case, offer, choice - queue)
            # Not a choice: show the same moments again, kindly.
            slots = [_slot_from(s) for s in offer["slots"]]
            return [self._offer_message(slots, language, None, None, queue=queue)]
        if booking is not None:
            return [self._show(booking, language)]
        return await self.offer(youth, case)

    async def offer(self, youth: youths.Youth, case: youths.Case,
                    moving: Booking | None = None, queue: bool = True) -> list[Message]:
        """Find fitting free moments and offer them as numbered choices. "Now" is offered
        when a counselor who may take youths now is free; when they are all busy, waiting in
        the queue is (`queue`: may be offered; not when moving a booking)."""
        now = self.ctx.clock.now()
        language = youth.intake.language
        texts = self.ctx.config.text(language)
        preferred = await youths.youth_counselor(self.ctx.db, youth.user_id)
        needs = Needs(
            language=language,
            topic=case.topic,
            municipality=case.municipality or youth.municipality,
            urgency=case.urgency,
            preferred_counselor=preferred,
        )
        horizon = now + timedelta(days=self.cfg.horizon_days + 1)
        busy = await bookings.busy_periods(self.ctx.db, now - timedelta(days=1), horizon)
        if moving is not None:
            busy = [b for b in busy if not (b.counselor_id == moving.counselor_id
                                            and b.start == moving.start)]
        absences = await bookings.list_absences(self.ctx.db)
        # A visit takes place at an office: "now" cannot be offered when moving one (it
        # would confirm a private chat and, in one breath, a visit at the office).
        now_ids = ([] if moving is not None and moving.form == "visit"
                   else await self.queue.eligible())
        result: Offer = find_slots(self.cfg, self.ctx.config.tz, needs, busy, absences, now,
                                   now_ids=now_ids)
        wait = (queue and moving is None and not any(s.now for s in result.slots)
                and can_wait(self.cfg, needs, now_ids))
        if wait:
            # Every fitting counselor on duty is busy: waiting is the first choice.
            result = Offer(result.slots[: max(self.cfg.offers - 1, 0)], result.continuity)
        if not result.slots and not wait:
            await youths.set_offer(self.ctx.db, youth.user_id, None)
            await self._staff_notice(self.ctx.config.catalogue.say(None, "staff_no_slots",
                                                                   ref=case.ref), case.id)
            # Nobody free: say so honestly, with the lines that are open (never the crisis text).
            return [plain(texts.no_slots)]
        stored = {"slots": [_slot_json(s) for s in result.slots],
                  "moving": moving.id if moving else None, "queue": wait}
        await youths.set_offer(self.ctx.db, youth.user_id, json.dumps(stored))
        return [self._offer_message(list(result.slots), language, result.continuity, preferred,
                                    queue=wait)]

    def _offer_message(self, slots: list[Slot], language: str, continuity: str | None,
                       preferred: str | None, *, queue: bool = False) -> Message:
        texts = self.ctx.config.text(language)
        options = []
        if queue:
            options.append(self.ctx.config.catalogue.plain(language, "queue.offer_queue"))
        for slot in slots:
            template = texts.offer_now if slot.now else texts.offer_slot
            values = {"when": self._when(slot.start, language),
                      "counselor": self._name(slot.counselor_id)}
            options.append(fill(template, values).plain)
        reason = {"preferred_away": texts.continuity_away,
                  "preferred_no_slot": texts.continuity_no_slot,
                  "preferred_gone": texts.continuity_gone}.get(continuity or "")
        intro = texts.offer_intro
        if reason and preferred:
            intro = fill(reason, {"counselor": self._name(preferred)}).plain + "\n\n" + intro
        return numbered(intro, options, texts.offer_outro)

    async def _choose(self, youth: youths.Youth, case: youths.Case, offer: dict,
                      choice: int) -> list[Message]:
        now = self.ctx.clock.now()
        language = youth.intake.language
        texts = self.ctx.config.text(language)
        slot = _slot_from(offer["slots"][choice - 1])
        if slot.now:
            # "Now" means now, also when the youth took a minute to choose.
            start = max(slot.start, _next_minute(now))
            slot = Slot(slot.counselor_id, start, start + (slot.end - slot.start), True)
        moving_id = offer.get("moving")
        moving = await bookings.get_booking(self.ctx.db, moving_id) if moving_id else None
        result = await self.booking.book_offered(case=case, youth_id=youth.user_id, slot=slot,
                                                 moving=moving)
        if result.reason == "slot_taken":
            fresh = await self.offer(youth, case, moving=moving)
            return [plain(texts.slot_taken), *fresh]
        if result.booking is None:
            active = await bookings.active_booking(self.ctx.db, youth.user_id)
            await youths.set_offer(self.ctx.db, youth.user_id, None)
            return [self._show(active, language)] if active else await self.offer(youth, case)
        booking = result.booking
        await youths.set_offer(self.ctx.db, youth.user_id, None)
        values = {"when": self._when(booking.start, language),
                  "counselor": self._name(booking.counselor_id)}
        # Never promise a reminder that will not come: none for "now" or a near moment.
        if slot.now:
            confirmation = self.ctx.config.catalogue.say(language, "queue.booked_now", **values)
        elif not reminder_times(self.cfg, booking.start, now, "youth"):
            confirmation = fill(texts.booked_no_reminder, values)
        else:
            confirmation = fill(texts.booked, values)
        # How it takes place (a moved video, phone or visit session), how to send a message.
        extra = self.booking.forms.booked(booking, language, how=booking.form != "chat",
                                          hint=not slot.now)
        return [confirmation + extra if extra else confirmation]

    def _show(self, booking: Booking, language: str) -> Message:
        texts = self.ctx.config.text(language)
        if not self.ctx.is_staff(booking.counselor_id):
            # Its counselor is no longer in the config: never named; the form by its label
            # (the `booked_*` texts name the counselor), a visit's office as well.
            shown = fill(texts.appointment_show_no_counselor, {
                "when": self._when(booking.start, language),
                "form": self.booking.forms.label(booking.form, booking.place, language)})
            office = self.booking.forms.office_nameless(booking, language)
            return shown + office if office else shown
        shown = fill(texts.appointment_show, {"when": self._when(booking.start, language),
                                              "counselor": self._name(booking.counselor_id)})
        # A video, phone or visit session: how it takes place (chat needs no word).
        how = self.booking.forms.booked(booking, language, how=booking.form != "chat",
                                        hint=False)
        return shown + how if how else shown

    # --- timers -----------------------------------------------------------------------------

    async def remind(self, timer: Timer, lateness: timedelta) -> None:
        booking = await bookings.get_booking(self.ctx.db, timer.booking_id or 0)
        if booking is None or booking.status != "booked":
            return
        case = await youths.get_case(self.ctx.db, booking.case_id)
        if case is None:
            return
        late = lateness > timedelta(minutes=1)
        if timer.kind == bookings.REMIND_YOUTH:
            room_id = await youths.dm_room_of(self.ctx.db, booking.youth_id)
            if room_id is None:
                return
            texts = self.ctx.config.text(case.language)
            when = self._when(booking.start, case.language)
            # A counselor removed from the config (a reload) is never named: they will not
            # come. The nameless text says what the opening then does (a free colleague steps
            # in, else new moments at once; phone/visit: the staff room is told).
            named = self.ctx.is_staff(booking.counselor_id)
            if not named and booking.form == "visit":
                # Its reminder says the team was asked to arrange a colleague: true only once
                # the staff room was (normally at the reload; else now, with this reminder).
                await self.tell_gone_visit(booking, case)
            message = (fill(texts.reminder, {"when": when,
                                             "counselor": self._name(booking.counselor_id)})
                       if named else fill(texts.reminder_no_counselor, {"when": when}))
            # A video, phone or visit session: the reminder says which, and what to do.
            phone = (await followup_store.phone_of(self.ctx.db, booking.id)
                     if booking.form == "phone" else None)
            message = self.booking.forms.reminder(booking, case.language, when,
                                                  phone, named) or message
            if late:
                message = message + plain(texts.late_apology)
            await self.ctx.transport.send_notice(room_id, message)
        elif booking.form == "visit" and not self.ctx.is_staff(booking.counselor_id):
            await self.tell_gone_visit(booking, case)  # the team, if not told yet
        elif self.ctx.is_staff(booking.counselor_id):  # never to a counselor since removed
            phone = (await followup_store.phone_of(self.ctx.db, booking.id)
                     if booking.form == "phone" else None)
            await self.booking.notify_counselor(
                booking.counselor_id, "staff_reminder", booking, case.ref, late=late,
                extra=self.booking.forms.staff_note(booking, phone, with_phone=True))

    # --- a visit whose counselor is gone -----------------------------------------------------

    async def tell_gone_visits(self) -> int:
        """After a reload: each upcoming office visit whose counselor is no longer in the
        config, and of which the staff room was not told yet, is told now — long before its
        time, so that a colleague can take it over or have it moved. One transaction: the
        notices and their `gone_told_at` marks commit together (a second reload repeats
        nothing). Returns how many were told."""
        told = 0
        async with tstore.atomically(self.ctx.db):
            now = self.ctx.clock.now()
            for booking in await bookings.visits_not_told(self.ctx.db, now):
                if self.ctx.is_staff(booking.counselor_id):
                    continue
                case = await youths.get_case(self.ctx.db, booking.case_id)
                if case is not None and await self.tell_gone_visit(booking, case):
                    told += 1
        if told:
            log.warning("%d upcoming visit(s) with a counselor no longer in the config: the "
                        "staff room was asked for a colleague", told)
        return told

    async def tell_gone_visit(self, booking: Booking, case: youths.Case) -> bool:
        """Inside the caller's transaction: the staff room is asked, once per booking, to
        have a colleague take over (or move) an office visit whose counselor is no longer in
        the config — by case ref, time and office, never the youth's name or id. Nobody is
        chosen for it: no stand-in is at an office by rule. False when it was told before."""
        if not await bookings.mark_gone_told(self.ctx.db, booking.id, self.ctx.clock.now()):
            return False
        lang = self.ctx.config.default_language
        await self._staff_notice(self.ctx.config.catalogue.say(
            None, "session.staff_visit_counselor_removed", ref=case.ref,
            counselor=booking.counselor_id, when=self._when(booking.start, lang),
            form=self.booking.forms.label(booking.form, booking.place, lang)), case.id)
        return True

    # --- helpers ----------------------------------------------------------------------------

    async def _staff_notice(self, message: Message, case_id: int | None = None) -> None:
        await post_to_staff(self.ctx, message, case_id)


def _number(text: str, count: int) -> int | None:
    key = text.strip().rstrip(".").strip()
    if key.isdigit() and 1 <= int(key) <= count:
        return int(key)
    return None


def _next_minute(at: datetime) -> datetime:
    whole = at.replace(second=0, microsecond=0)
    return whole if whole == at else whole + timedelta(minutes=1)
