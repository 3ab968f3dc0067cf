"""The one way a booking is made, moved, cancelled or handed to a stand-in.

Every path goes the same four steps, so every path respects working and opening hours,
closures, absences, buffers and the per-day maximum:

1. **check** the slot with the pure domain rules (`bot.domain.availability`: `slot_is_free`
   for an offered slot, `slot_fits` for a time a counselor chose or a booking handed to a
   colleague; `bot.domain.offers.choose_standin` for a no-show);
2. **write** it (`bot.storage.bookings.book`/`move`/`cancel`, one transaction each; the
   database refuses double bookings even if two checks raced);
3. **refresh the timers** (reminders, the session opening);
4. **tell the other side**: the counselor when a youth books, moves or cancels; the youth
   when a counselor books a follow-up; both counselors when a handover moves a booking (the
   youth hears it in the handover's answer). The person who asked gets the handler's reply.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from bot.domain.availability import BusyPeriod, Slot, slot_fits, slot_is_free
from bot.domain.messages import Message, fill, plain
from bot.domain.offers import Needs, choose_standin, youth_reminded
from bot.domain.when import format_when
from bot.handlers.notify import staff_language, tell_counselor
from bot.metrics import METRICS
from bot.services.forms import Forms
from bot.storage import bookings, youths
from bot.storage import followup as followup_store
from bot.storage import sessions as sessions_store
from bot.storage.bookings import OPEN_SESSION, Booking, BookResult, reminder_plan
from bot.storage.followup import FORGET_PHONE

if TYPE_CHECKING:
    from bot.domain.intake import IntakeFlow
    from bot.handlers.context import Context

log = logging.getLogger(__name__)

# Bookings further than this from a slot cannot touch its buffer or its local day.
_AROUND = timedelta(days=1)


@dataclass(frozen=True)
class HandedOver:
    """An upcoming booking after an accepted handover: `moved` to the colleague (`booking`
    is the new row, same time), or kept with the previous counselor (`booking` as it was)."""

    booking: Booking
    moved: bool


class BookingService:
    def __init__(self, ctx: Context, flow: IntakeFlow) -> None:
        self.ctx = ctx
        self.flow = flow  # describes a case's answers in the counselor's notice
        self.forms = Forms(ctx, self.name)  # what a session's form changes in the texts

    # --- booking ------------------------------------------------------------------------

    async def book_offered(
        self, *, case: youths.Case, youth_id: str, slot: Slot, moving: Booking | None = None
    ) -> BookResult:
        """Book a slot the youth chose from an offer (moving `moving` to it, if given).

        "slot_taken" when the slot no longer fits (taken, hours changed, an absence since);
        "youth_has_booking" / "not_active" as `bookings.book` / `bookings.move` say.
        """
        now = self.ctx.clock.now()
        cfg = self.ctx.config.scheduling
        busy = await self._busy_around(slot, moving)
        absences = await bookings.list_absences(self.ctx.db)
        if not slot_is_free(cfg, self.ctx.config.tz, slot, busy, absences, now):
            return BookResult(None, "slot_taken")
        # The reminders and the session opening are booked with the slot, atomically. "Now"
        # opens at once: the timer is due as soon as this booking commits.
        plan = [*reminder_plan(cfg, slot, now),
                (OPEN_SESSION, None, min(now, slot.start) if slot.now else slot.start)]
        if moving is not None and moving.form == "phone":  # a moved phone session
            kept = timedelta(minutes=self.ctx.config.followup.phone_kept_minutes)
            plan.append((FORGET_PHONE, None, slot.end + kept))
        buffer = timedelta(minutes=cfg.buffer_minutes)
        if moving is not None and moving.status == "booked":
            result = await bookings.move(self.ctx.db, moving.id, slot=slot, now=now,
                                         reminders=plan, buffer=buffer)
        else:
            result = await bookings.book(self.ctx.db, case_id=case.id, youth_id=youth_id,
                                         slot=slot, now=now, reminders=plan, buffer=buffer)
        if result.booking is None:
            return result
        await self._booked()
        if moving is not None:
            await self.notify_counselor(moving.counselor_id, "staff_cancelled", moving, case.ref)
        await self.notify_counselor(result.booking.counselor_id, "staff_new_booking",
                                    result.booking, case.ref, summary=case)
        return result

    async def book_followup(
        self, *, case: youths.Case, youth_id: str, counselor_id: str, start: datetime,
        form: str = "chat", place: str | None = None,
    ) -> BookResult:
        """Book a follow-up a counselor asked for at `start`, with them; the youth is told
        (how it takes place too: `form` chat, video, phone or visit, `place` an office id).

        "slot_taken" when the time is outside the counselor's working or the opening hours,
        on a closure or absence day, within the buffer of another booking, over their
        per-day maximum, or past; "youth_has_booking" when the youth has one already.
        """
        now = self.ctx.clock.now()
        cfg = self.ctx.config.scheduling
        tz = self.ctx.config.tz
        slot = Slot(counselor_id, start, start + timedelta(minutes=cfg.slot_minutes))
        busy = await self._busy_around(slot, None)
        absences = await bookings.list_absences(self.ctx.db)
        if not slot_fits(cfg, tz, slot, busy, absences, now):
            return BookResult(None, "slot_taken")
        plan = [*reminder_plan(cfg, slot, now), (OPEN_SESSION, None, slot.start)]
        if form == "phone":  # the number the youth may give goes after the session
            kept = timedelta(minutes=self.ctx.config.followup.phone_kept_minutes)
            plan.append((FORGET_PHONE, None, slot.end + kept))
        result = await bookings.book(self.ctx.db, case_id=case.id, youth_id=youth_id,
                                     slot=slot, now=now, reminders=plan,
                                     buffer=timedelta(minutes=cfg.buffer_minutes),
                                     form=form, place=place)
        if result.booking is None:
            return result
        await self._booked()
        youth_room = await youths.dm_room_of(self.ctx.db, youth_id)
        if youth_room:
            # No promise of a reminder that will not come (a follow-up that is very near).
            key = ("session.followup_booked_youth" if youth_reminded(cfg, slot.start, now)
                   else "session.followup_booked_youth_no_reminder")
            self.ctx.transport.post(youth_room, self.ctx.config.catalogue.say(
                case.language, key,
                when=self._when(start, case.language), counselor=self.name(counselor_id),
            ) + self.forms.booked(result.booking, case.language))  # type: ignore[operator]
        return result

    async def hand_over(self, case: youths.Case, from_id: str, to_id: str
                        ) -> list[HandedOver]:
        """After an accepted `!handover` of `case` from `from_id` to `to_id`: each upcoming
        booking of the case with `from_id` (no session opening yet) goes to `to_id` at the
        same time when `to_id` may take it then — the `!followup` rule (`slot_fits`: their
        working and the opening hours, no closure or absence, buffer, daily maximum) and
        the database's refusal of a double booking. Each move is one transaction
        (`bookings.move`: the old row and its timers cancelled, the new row and its timers
        written), so the reminders and the opening name `to_id`. A booking `to_id` cannot
        take stays with `from_id`. Both counselors are told; the youth's words are the
        caller's (one message with the handover's answer)."""
        now = self.ctx.clock.now()
        cfg = self.ctx.config.scheduling
        handed: list[HandedOver] = []
        for booking in await bookings.upcoming_with(self.ctx.db, case.id, from_id, now):
            slot = Slot(to_id, booking.start, booking.end)
            busy = await self._busy_around(slot, booking)
            absences = await bookings.list_absences(self.ctx.db)
            result = BookResult(None, "slot_taken")
            if slot_fits(cfg, self.ctx.config.tz, slot, busy, absences, now):
                plan = [*reminder_plan(cfg, slot, now), (OPEN_SESSION, None, slot.start)]
                if booking.form == "phone":  # the number the youth gave goes after it
                    kept = timedelta(minutes=self.ctx.config.followup.phone_kept_minutes)
                    plan.append((FORGET_PHONE, None, slot.end + kept))
                result = await bookings.move(self.ctx.db, booking.id, slot=slot, now=now,
                                             reminders=plan,
                                             buffer=timedelta(minutes=cfg.buffer_minutes))
            if result.reason == "not_active":
                continue  # cancelled or opened meanwhile: nothing to hand over
            if result.booking is None:
                handed.append(HandedOver(booking, moved=False))
                if self.ctx.is_staff(from_id):  # never to a counselor since removed
                    await self._tell(from_id, "handover_booking_kept_staff", booking.start,
                                     ref=case.ref, colleague=self.name(to_id))
                await self._tell(to_id, "handover_booking_kept_colleague", booking.start,
                                 ref=case.ref, counselor=self.name(from_id))
                continue
            moved = result.booking
            handed.append(HandedOver(moved, moved=True))
            phone = (await followup_store.phone_of(self.ctx.db, moved.id)
                     if moved.form == "phone" else None)
            await self.notify_counselor(
                to_id, "staff_new_booking", moved, case.ref, summary=case,
                extra=self.forms.staff_note(moved, phone, with_phone=True))
            await self._tell(from_id, "handover_booking_moved_staff", moved.start,
                             ref=case.ref, colleague=self.name(to_id))
        if any(h.moved for h in handed):
            await self._refresh_timers()
            log.info("Handover: %d upcoming booking(s) moved",
                     sum(h.moved for h in handed))
        return handed

    async def _tell(self, counselor_id: str, key: str, at: datetime, **values: str) -> None:
        """A `session.*` notice about a booking at `at` in the counselor's DM and language."""
        lang = staff_language(self.ctx.config, counselor_id)
        await tell_counselor(self.ctx, counselor_id, self.ctx.config.catalogue.say(
            lang, f"session.{key}", when=self._when(at, lang), **values))

    async def cancel(self, booking: Booking, ref: str) -> bool:
        """Cancel an upcoming booking and its timers; the counselor is told. False if it was
        not upcoming any more."""
        if not await bookings.cancel(self.ctx.db, booking.id, self.ctx.clock.now()):
            return False
        await self._refresh_timers()
        await self.notify_counselor(booking.counselor_id, "staff_cancelled", booking, ref)
        return True

    async def assign_standin(
        self, session: sessions_store.Session, case: youths.Case
    ) -> str | None:
        """A fitting colleague on duty and free now takes over a session whose counselor did
        not show up (written to the session); None when nobody can."""
        standin = await self.pick_standin(session, case)
        if standin is not None:
            await sessions_store.replace_counselor(self.ctx.db, session.id, standin,
                                                   session.counselor_id)
        return standin

    async def pick_standin(
        self, session: sessions_store.Session, case: youths.Case
    ) -> str | None:
        """Who `assign_standin` would choose now, without writing anything."""
        now = self.ctx.clock.now()
        cfg = self.ctx.config.scheduling
        needs = Needs(case.language, case.topic, case.municipality, case.urgency)
        busy = await bookings.busy_periods(self.ctx.db, now - _AROUND, now + _AROUND)
        absences = await bookings.list_absences(self.ctx.db)
        return choose_standin(cfg, self.ctx.config.tz, needs, session.counselor_id, busy,
                              absences, now)

    # --- notices ------------------------------------------------------------------------

    async def notify_counselor(self, counselor_id: str, key: str, booking: Booking, ref: str,
                               *, summary: youths.Case | None = None,
                               late: bool = False, extra: Message | None = None) -> None:
        """A booking notice (`staff_*` text) in the counselor's DM, in their language. Never
        to a counselor no longer in the config (a booking of theirs cancelled or moved)."""
        if not self.ctx.is_staff(counselor_id):
            return
        lang = staff_language(self.ctx.config, counselor_id)
        texts = self.ctx.config.text(lang)
        message = fill(getattr(texts, key), {"when": self._when(booking.start, lang),
                                             "ref": ref})
        if summary is not None:
            lines = [f"{label}: {value}" for label, value in
                     self.flow.describe(summary.answers, lang)]
            if lines:
                message = message + plain("\n".join(lines))
        if extra is not None:  # e.g. the session's form (bot.services.forms)
            message = message + extra
        if late:
            message = message + plain(texts.late_apology)
        await tell_counselor(self.ctx, counselor_id, message)

    def name(self, counselor_id: str) -> str:
        counselor = self.ctx.config.scheduling.counselor(counselor_id)
        return counselor.display_name if counselor else counselor_id

    # --- helpers ------------------------------------------------------------------------

    async def _busy_around(self, slot: Slot, moving: Booking | None) -> list[BusyPeriod]:
        """Active bookings near the slot; the one being moved does not count against it."""
        busy = await bookings.busy_periods(self.ctx.db, slot.start - _AROUND,
                                           slot.end + _AROUND)
        if moving is None:
            return busy
        return [b for b in busy
                if not (b.counselor_id == moving.counselor_id and b.start == moving.start)]

    async def _booked(self) -> None:
        await self._refresh_timers()
        METRICS.inc("chathulp_bookings_total")
        log.info("Appointment booked")

    async def _refresh_timers(self) -> None:
        if self.ctx.timers is not None:
            await self.ctx.timers.refresh()

    def _when(self, at: datetime, language: str) -> str:
        return format_when(at, self.ctx.config.tz, language, self.ctx.clock.now())
