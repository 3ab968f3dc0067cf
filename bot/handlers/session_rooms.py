"""The session room at the booked time: opening exactly once, joins, summary, leaving,
no-shows, and the counselor's steering commands' effects.

Opening is an intent log in `sessions`: the row is written before the room is created, the
room carries the row's nonce in its state, and every step is idempotent — so a bot killed at
any point finishes the opening after a restart, with one room per booking.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from bot.config.session import SessionConfig
from bot.domain import forms
from bot.domain import session_rules as rules
from bot.domain.messages import Message
from bot.domain.text_choice import closing_key
from bot.domain.when import format_when, short_when
from bot.handlers.context import Context
from bot.handlers.notify import counselor_dm, staff_language, tell_counselor
from bot.handlers.policy import post_to_staff
from bot.handlers.transport import Membership
from bot.metrics import METRICS
from bot.services.booking import BookingService
from bot.storage import bookings, youths
from bot.storage import followup as followup_store
from bot.storage import sessions as store
from bot.storage import sync_state as tstore
from bot.storage.bookings import CHECK_COUNSELOR, CHECK_YOUTH, OPEN_SESSION, Timer
from bot.storage.followup import FORGET_PHONE
from bot.texts import Catalogue

if TYPE_CHECKING:
    from bot.handlers.appointments import Appointments

log = logging.getLogger(__name__)

SESSION_TAG = "org.chathulp.session"
OPENINGS_AT_ONCE = 8


class SessionRooms:
    def __init__(self, ctx: Context, appointments: Appointments) -> None:
        self.ctx = ctx
        self.appointments = appointments
        # A few openings at a time: with all of them at once, the homeserver interleaves
        # them and every room is late; in small batches the first ones are on time.
        self._opening = asyncio.Semaphore(OPENINGS_AT_ONCE)
        # Bookings being opened right now: a retry must not run beside a slow first attempt.
        self._in_progress: set[int] = set()
        # Counselor no-show checks prepared (stand-in chosen and invited), per booking.
        self._standins: dict[int, str | None] = {}

    @property
    def booking(self) -> BookingService:
        return self.appointments.booking

    @property
    def cfg(self) -> SessionConfig:
        return self.ctx.config.session

    @property
    def texts(self) -> Catalogue:
        return self.ctx.config.catalogue

    def text(self, language: str | None, key: str, **values: str) -> Message:
        """A text of the catalogue group `session` (`language` None: the default)."""
        return self.ctx.config.catalogue.say(language, f"session.{key}", **values)

    def _name(self, counselor_id: str) -> str:
        return self.booking.name(counselor_id)

    def lang_of(self, counselor_id: str) -> str:
        """The language of notices to this counselor."""
        return staff_language(self.ctx.config, counselor_id)

    # --- timers -----------------------------------------------------------------------------

    async def on_timer(self, timer: Timer, lateness: timedelta) -> None:
        if timer.booking_id is None:
            return
        if timer.kind == OPEN_SESSION:
            if lateness > timedelta(minutes=1):
                METRICS.inc("chathulp_openings_late_total")
            await self.open(timer.booking_id)
        elif timer.kind == CHECK_COUNSELOR:
            await self.apply_counselor_check(timer.booking_id)
        elif timer.kind == CHECK_YOUTH:
            await self.check_youth(timer.booking_id)
        elif timer.kind == FORGET_PHONE:  # a phone session's number, after the session
            if await followup_store.forget_phone(self.ctx.db, timer.booking_id):
                log.info("Phone number of booking %d erased after the session",
                         timer.booking_id)

    async def recover(self) -> None:
        """At start-up: finish openings that a crash interrupted."""
        for session in await store.unfinished_openings(self.ctx.db):
            log.info("Resuming the opening of session %d", session.id)
            await self.open(session.booking_id)

    # --- opening ----------------------------------------------------------------------------

    async def open(self, booking_id: int) -> None:
        if booking_id in self._in_progress:
            return
        self._in_progress.add(booking_id)
        try:
            async with self._opening:
                await self._open(booking_id)
        finally:
            self._in_progress.discard(booking_id)

    async def _open(self, booking_id: int) -> None:
        booking = await bookings.get_booking(self.ctx.db, booking_id)
        if booking is None or booking.status not in ("booked", "opened"):
            return
        now = self.ctx.clock.now()
        session, fresh = await store.begin(self.ctx.db, booking_id, booking.counselor_id, now)
        if session.state != "opening":
            return
        case = await youths.get_case(self.ctx.db, booking.case_id)
        if case is None:
            return
        if forms.opens_room(booking.form) and not self.ctx.is_staff(session.counselor_id):
            replaced = await self._counselor_removed(session, case, now)
            if replaced is None:
                return
            session = replaced
        if not forms.opens_room(booking.form):
            await self._open_without_room(session, now, booking, case)
            return
        # Only an opening that was interrupted can have a room we lost track of.
        room_id = session.room_id or (None if fresh else await self._find_room(session.nonce))
        if room_id is None:
            levels = rules.power_levels(
                self.ctx.transport.user_id, session.counselor_id, booking.youth_id
            )
            if await self.ctx.transport.creators_have_power():
                levels["users"].pop(self.ctx.transport.user_id, None)
            room_id = await self.ctx.transport.create_room(
                invite=[],
                name=rules.room_name(self.texts, case.language, booking.start,
                                     self.ctx.config.tz),
                topic=rules.room_topic(self.texts, case.language),
                power_levels=levels,
                extra_state=[{"type": SESSION_TAG, "state_key": "",
                              "content": {"nonce": session.nonce}}],
            )
        await store.set_room(self.ctx.db, session.id, room_id)
        await tstore.remember_room(self.ctx.db, room_id, "session", None)
        session = await store.get(self.ctx.db, session.id)  # type: ignore[assignment]
        assert session is not None
        await self._invite_both(session)
        async with tstore.atomically(self.ctx.db):
            # The pointer in the youth's DM commits with the opening: said exactly once.
            if await store.mark_open(self.ctx.db, session, now):
                await self._point_youth(session, case)
        for kind, minutes in ((CHECK_COUNSELOR, self.cfg.counselor_no_show_minutes),
                              (CHECK_YOUTH, self.cfg.youth_no_show_minutes)):
            await bookings.add_timer(self.ctx.db, kind=kind, booking_id=booking_id,
                                     due=booking.start + timedelta(minutes=minutes), now=now)
        if self.ctx.timers is not None:
            await self.ctx.timers.refresh()
        METRICS.inc("chathulp_sessions_opened_total")
        log.info("Session %d opened", session.id)

    async def _free_colleague(self, session: store.Session, case: youths.Case) -> str | None:
        """A free colleague on duty to step in for a removed counselor, with their DM with the
        bot ready (the network half: never inside the transaction that records it)."""
        standin = await self.booking.pick_standin(session, case)
        if standin is not None:
            dm = await counselor_dm(self.ctx, standin)
            if dm is not None:
                await self.ctx.transport.wait_for_room(dm)
        return standin

    async def _counselor_removed(self, session: store.Session, case: youths.Case,
                                 now: datetime) -> store.Session | None:
        """At the opening, the booking's counselor is no longer staff (removed from the config
        by a reload or a restart): never invited. As when a counselor does not come — a free
        colleague on duty steps in (the session opens with them), else the session ends
        unopened and the youth is offered new moments. The staff room is told either way.
        Returns the session to open with its new counselor, or None."""
        original = session.counselor_id
        standin = await self._free_colleague(session, case)
        if standin is not None and session.room_id is not None:
            # A room made before a crash: their rights (network, before the transaction).
            await self.ctx.transport.set_power(session.room_id, standin, 50)
        async with tstore.atomically(self.ctx.db):
            if standin is not None:
                await store.replace_counselor(self.ctx.db, session.id, standin, original)
                await tell_counselor(self.ctx, standin, self.text(
                    self.lang_of(standin), "standin_invited", ref=case.ref))
                await post_to_staff(self.ctx, self.text(
                    None, "staff_counselor_removed_standin", ref=case.ref, counselor=original,
                    standin=self._name(standin)), case.id)
                log.warning("Session %d: its counselor is no longer staff; a stand-in opens it",
                            session.id)
                return await store.get(self.ctx.db, session.id)
            await self._no_colleague(session, case, now)
            return None

    async def _no_colleague(self, session: store.Session, case: youths.Case,
                            now: datetime) -> None:
        """Inside the caller's transaction: the session of a counselor no longer in the config
        ends unopened, nobody being free to step in; the youth is told at once (the counselor
        not named) and offered new moments, the staff room is told by case ref."""
        await store.end(self.ctx.db, session, "no-show", now)
        youth = await youths.get_youth(self.ctx.db, session.youth_id,
                                       self.appointments.flow.new_state())
        replies = [self.text(case.language, "counselor_no_show_none",
                             counselor=self.text(case.language, "your_counselor").plain)]
        if youth is not None:
            replies += await self.appointments.offer(youth, case)
        youth_room = await youths.dm_room_of(self.ctx.db, session.youth_id)
        if youth_room:
            for message in replies:
                await self.ctx.transport.send_notice(youth_room, message)
        await post_to_staff(self.ctx, self.text(
            None, "staff_counselor_removed_none", ref=case.ref,
            counselor=session.counselor_id), case.id)
        log.warning("Session %d: its counselor is no longer staff and nobody could step in; "
                    "not opened", session.id)

    async def _point_youth(self, session: store.Session, case: youths.Case) -> None:
        """Who is coming and how to get in, in the youth's DM (an invite alone is easy to miss)."""
        youth_room = await youths.dm_room_of(self.ctx.db, session.youth_id)
        if youth_room is None or session.room_id is None:
            return
        await self.ctx.transport.send_notice(youth_room, self.text(
            case.language, "room_ready", counselor=self._name(session.counselor_id),
            link=rules.room_link(session.room_id)))

    async def _open_without_room(self, session: store.Session, now: datetime,
                                 booking: bookings.Booking, case: youths.Case) -> None:
        """A phone or visit session: no room, no no-show checks; it is open (for `!end`,
        the history) from its booked time on. The counselor is there by definition (they
        call, or receive the youth), so `!end no-show` counts as the youth's no-show.

        Its counselor no longer in the config (removed by a reload or restart): a phone
        session goes as a chat's (`_phone_counselor_removed`). A visit gets no stand-in (none
        is at the office by rule), so the staff room is told — by case ref, once, with the
        opening — that a colleague must take it over. The youth is told nothing (their
        reminder did not name the counselor)."""
        removed = not self.ctx.is_staff(session.counselor_id)
        if removed and booking.form == "phone":
            await self._phone_counselor_removed(session, now, booking, case)
            return
        async with tstore.atomically(self.ctx.db):
            if await store.mark_open(self.ctx.db, session, now) and removed:
                lang = self.ctx.config.default_language
                await post_to_staff(self.ctx, self.text(
                    None, "staff_counselor_removed_form", ref=case.ref,
                    counselor=session.counselor_id,
                    form=self.booking.forms.label(booking.form, booking.place, lang)),
                    case.id)
                log.warning("Session %d: its counselor is no longer staff; the staff room is "
                            "asked for a colleague (phone or visit)", session.id)
        await store.mark_joined(self.ctx.db, session.id, "counselor", now)
        METRICS.inc("chathulp_sessions_opened_total")
        log.info("Session %d began (no room: phone or visit)", session.id)

    async def _phone_counselor_removed(self, session: store.Session, now: datetime,
                                       booking: bookings.Booking, case: youths.Case) -> None:
        """A phone session whose counselor is no longer in the config, at its time: as for a
        chat (`_counselor_removed`) a free colleague on duty steps in — told the number to
        call (or that none was given) in their DM, as the booked counselor's reminder does,
        never in the staff room — else the session ends unopened and the youth is told at
        once and offered new moments. The staff room is told either way, by case ref. This
        is what the youth's nameless phone reminder promises."""
        original = session.counselor_id
        standin = await self._free_colleague(session, case)
        phone = await followup_store.phone_of(self.ctx.db, booking.id)
        async with tstore.atomically(self.ctx.db):
            if standin is None:
                await self._no_colleague(session, case, now)
                return
            await store.replace_counselor(self.ctx.db, session.id, standin, original)
            if await store.mark_open(self.ctx.db, session, now):
                await tell_counselor(self.ctx, standin, self.text(
                    self.lang_of(standin), "standin_phone", ref=case.ref)
                    + self.booking.forms.staff_note(booking, phone, with_phone=True))
                await post_to_staff(self.ctx, self.text(
                    None, "staff_counselor_removed_phone", ref=case.ref, counselor=original,
                    standin=self._name(standin)), case.id)
                log.warning("Session %d: its counselor is no longer staff; a stand-in makes "
                            "the phone call", session.id)
            await store.mark_joined(self.ctx.db, session.id, "counselor", now)
        METRICS.inc("chathulp_sessions_opened_total")
        log.info("Session %d began (no room: phone)", session.id)

    async def _post_call_link(self, session: store.Session) -> None:
        """A video session: a fresh call link in the room (once, with the summary)."""
        booking = await bookings.get_booking(self.ctx.db, session.booking_id)
        if booking is None or booking.form != "video" or session.room_id is None:
            return
        link = self.booking.forms.call_link()
        case = await youths.get_case(self.ctx.db, session.case_id)
        language = case.language if case else None
        if link is None:
            # `followup.video_url` was removed after this video call was booked: say so
            # rather than leave both waiting for a link that never comes.
            log.warning("Video session %d has no call link: followup.video_url is not set",
                        session.id)
            await self.ctx.transport.send_notice(session.room_id, self.texts.say(
                language, "followup.call_link_missing"))
            return
        await self.ctx.transport.send_notice(session.room_id, self.texts.say(
            language, "followup.call_link", url=link))

    async def _invite_both(self, session: store.Session) -> None:
        assert session.room_id is not None
        for user in (session.youth_id, session.counselor_id):
            await self.ctx.transport.invite(session.room_id, user)

    async def _find_room(self, nonce: str) -> str | None:
        """A room created just before a crash: find it by the nonce in its state."""
        known = await tstore.known_room_ids(self.ctx.db)
        for room_id in self.ctx.transport.joined_rooms():
            if room_id in known:
                continue
            content = await self.ctx.transport.room_state(room_id, SESSION_TAG)
            if content and content.get("nonce") == nonce:
                return room_id
        return None

    # --- in the room ------------------------------------------------------------------------

    async def on_membership(self, member: Membership) -> None:
        session = await store.by_room(self.ctx.db, member.room_id)
        if session is None or member.membership != "join":
            return
        now = self.ctx.clock.now()
        if member.user_id == session.youth_id:
            await store.mark_joined(self.ctx.db, session.id, "youth", now)
        elif member.user_id == session.counselor_id:
            await store.mark_joined(self.ctx.db, session.id, "counselor", now)
            # The counselor who helped a youth becomes that youth's counselor.
            await store.set_case_counselor(self.ctx.db, session.case_id, session.counselor_id,
                                           only_if_unset=True)
        else:
            return
        session = await store.get(self.ctx.db, session.id)
        if session and session.youth_joined and session.counselor_joined:
            await self._both_here(session)

    async def _both_here(self, session: store.Session) -> None:
        if not await store.claim_summary(self.ctx.db, session.id):
            return
        assert session.room_id is not None
        case = await youths.get_case(self.ctx.db, session.case_id)
        if case is None:
            return
        earlier = await store.count_with(self.ctx.db, session.youth_id, session.counselor_id,
                                         session.start)
        described = self.appointments.flow.describe(case.answers, case.language)
        summary = rules.summary_message(self.texts, case.language, described, case.free_text,
                                        earlier, self._name(session.counselor_id))
        await self.ctx.transport.send_notice(session.room_id, summary)
        await self._post_call_link(session)
        if not self.cfg.bot_stays:
            await self.ctx.transport.send_notice(session.room_id, self.text(
                case.language, "bot_leaves", counselor=self._name(session.counselor_id)))
            # From now on only the youth's and the counselor's devices hold the room's keys.
            await self.ctx.transport.leave(session.room_id)
            await store.set_state(self.ctx.db, session.id, "left")
            log.info("Left session room %d after both joined", session.id)

    # --- no-shows ---------------------------------------------------------------------------

    async def check_counselor(self, booking_id: int) -> None:
        """The counselor no-show check: both halves (the running bot's timer runs the second
        half in one transaction with the timer's done-mark, see bot/timers.py `prepare`)."""
        await self.prepare_counselor_check(booking_id)
        await self.apply_counselor_check(booking_id)

    async def _no_show_pending(self, booking_id: int) -> tuple[store.Session, youths.Case] | None:
        session = await store.by_booking(self.ctx.db, booking_id)
        if session is None or session.state != "open" or session.counselor_joined:
            return None
        case = await youths.get_case(self.ctx.db, session.case_id)
        return None if case is None else (session, case)

    async def prepare_counselor_check(self, booking_id: int) -> None:
        """The network half, outside any transaction, idempotent (repeated after a crash):
        choose a stand-in, invite them with moderator rights, and make sure the counselors'
        DMs exist, so that the check itself only changes the database and queues notices."""
        self._standins.pop(booking_id, None)
        found = await self._no_show_pending(booking_id)
        if found is None:
            return
        session, case = found
        standin = await self.booking.pick_standin(session, case)
        if standin is not None:
            assert session.room_id is not None
            if not await self.ctx.transport.invite(session.room_id, standin):
                raise RuntimeError("inviting the stand-in failed")
            await self.ctx.transport.set_power(session.room_id, standin, 50)
        for counselor in (session.counselor_id, standin):
            if counselor is not None:
                room_id = await counselor_dm(self.ctx, counselor)
                if room_id is not None:
                    await self.ctx.transport.wait_for_room(room_id)
        self._standins[booking_id] = standin

    async def apply_counselor_check(self, booking_id: int) -> None:
        """The database half: the stand-in takes over (or the session ends as a no-show)
        and every notice is queued — one transaction in the running bot."""
        if booking_id not in self._standins:
            await self.prepare_counselor_check(booking_id)
        standin = self._standins.pop(booking_id, None)
        found = await self._no_show_pending(booking_id)
        if found is None:
            return
        session, case = found
        original = session.counselor_id
        youth_room = await youths.dm_room_of(self.ctx.db, session.youth_id)
        if standin is not None:
            await store.replace_counselor(self.ctx.db, session.id, standin, original)
            message = self.text(case.language, "counselor_no_show_standin",
                                counselor=self._name(original), standin=self._name(standin))
            if youth_room:
                await self.ctx.transport.send_notice(youth_room, message)
            if session.room_id:
                await self.ctx.transport.send_notice(session.room_id, message)
            await tell_counselor(self.ctx, original, self.text(
                self.lang_of(original), "standin_took_over", ref=case.ref,
                standin=self._name(standin)))
            await tell_counselor(self.ctx, standin, self.text(
                self.lang_of(standin), "standin_invited", ref=case.ref))
            log.info("Stand-in invited for session %d", session.id)
            return
        # Nobody can step in: apologise honestly and offer new moments.
        await store.end(self.ctx.db, session, "no-show", self.ctx.clock.now())
        youth = await youths.get_youth(self.ctx.db, session.youth_id,
                                       self.appointments.flow.new_state())
        replies = [self.text(case.language, "counselor_no_show_none",
                             counselor=self._name(original))]
        if youth is not None:
            replies += await self.appointments.offer(youth, case)
        if youth_room:
            for message in replies:
                await self.ctx.transport.send_notice(youth_room, message)
        await tell_counselor(self.ctx, original, self.text(self.lang_of(original), "no_standin",
                                                           ref=case.ref))

    async def check_youth(self, booking_id: int) -> None:
        session = await store.by_booking(self.ctx.db, booking_id)
        if session is None or session.state != "open" or session.youth_joined:
            return
        case = await youths.get_case(self.ctx.db, session.case_id)
        ref = case.ref if case else "?"
        lang = self.lang_of(session.counselor_id)
        minutes = str(self.cfg.youth_no_show_minutes)
        await tell_counselor(self.ctx, session.counselor_id, self.text(
            lang, "youth_no_show", ref=ref, minutes=minutes, when=self.short(session.start, lang)))

    # --- ending -----------------------------------------------------------------------------

    async def end(self, session: store.Session, outcome: str) -> None:
        now = self.ctx.clock.now()
        await store.end(self.ctx.db, session, outcome, now)
        case = await youths.get_case(self.ctx.db, session.case_id)
        if case is None:
            return
        label = rules.outcome_label(self.cfg, outcome, case.language)
        # Chosen by state: no thanks to a youth who did not come; a booked next appointment
        # is named instead of "send me a message any time".
        upcoming = await bookings.active_booking(self.ctx.db, session.youth_id)
        at = upcoming.start if upcoming is not None and outcome != "no-show" else session.start
        closed = self.text(case.language, closing_key(outcome, upcoming is not None),
                           outcome=label, counselor=self._name(session.counselor_id),
                           when=self.when(at, case.language))
        youth_room = await youths.dm_room_of(self.ctx.db, session.youth_id)
        if youth_room:
            await self.ctx.transport.send_notice(youth_room, closed)
        if session.room_id and self.ctx.transport.room_info(session.room_id) is not None \
                and session.state != "left":
            await self.ctx.transport.send_notice(session.room_id, closed)
            await self.ctx.transport.leave(session.room_id)
        # The counselor is free: the next youth waiting for "now", if any, is theirs.
        await self.appointments.queue.dispatch()

    def when(self, at: datetime, language: str) -> str:
        return format_when(at, self.ctx.config.tz, language, self.ctx.clock.now())

    def short(self, at: datetime, language: str) -> str:
        return short_when(at, self.ctx.config.tz, language)

