"""The youth's encrypted DM with the bot: crisis net first, then the intake.

Every text message is checked for crisis phrases before anything else; a hit gets the crisis
text at once and an urgent alert in the staff room, and the intake carries on where it was.
"""

from __future__ import annotations

import logging
import re
from datetime import datetime, timedelta

from bot.domain import text_choice
from bot.domain.crisis import CrisisMatcher
from bot.domain.intake import IntakeFlow, IntakeResult, IntakeState
from bot.domain.messages import Message, plain
from bot.handlers.appointments import Appointments
from bot.handlers.commands import Words, first_match
from bot.handlers.context import Context
from bot.handlers.crisis import CrisisDesk
from bot.handlers.followup import BetweenSessions
from bot.handlers.notify import staff_language, tell_counselor
from bot.handlers.opening import closed_notice
from bot.handlers.policy import dm_levels
from bot.handlers.rights import YouthRights
from bot.handlers.transport import Incoming
from bot.metrics import METRICS
from bot.storage import sessions as sessions_store
from bot.storage import sync_state as tstore
from bot.storage import youths

log = logging.getLogger(__name__)

# Intake step id → case column. Steps an admin adds keep their answers in `cases.answers`.
CASE_FIELDS = {
    "age": "age_band",
    "topic": "topic",
    "urgency": "urgency",
    "municipality": "municipality",
    "story": "free_text",
}
# The first message a youth with a Matrix account sends from an invite page: "start <code>".
START_CODE = re.compile(r"^\s*start\s+([A-Za-z0-9-]{2,40})\s*$", re.IGNORECASE)
# The youth's answer to a proposed handover (`!handover`).
YES = Words("yes", {"nl": ("ja", "ok", "oke", "goed", "prima", "is goed", "akkoord"),
                    "en": ("yes",)})
NO = Words("no", {"nl": ("nee", "neen", "liever niet", "niet"), "en": ("no",)})
# After this long away, a youth in the middle of the intake is welcomed back.
WELCOME_BACK_AFTER = timedelta(hours=6)


class YouthConversation:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.flow = IntakeFlow(ctx.config.intake, ctx.config.default_language,
                               ctx.config.catalogue, ctx.config.referrals)
        self.crisis = CrisisMatcher(ctx.config.crisis, ctx.config.catalogue,
                                    ctx.config.referrals,
                                    lemmas=ctx.config.crisis.lemma_table(ctx.config.data_dir))
        self.appointments = Appointments(ctx, self.flow, self.crisis)
        self.rights = YouthRights(ctx, self.flow, self.appointments.booking)
        self.desk = CrisisDesk(ctx, self.crisis)
        self.between = BetweenSessions(ctx, self.appointments.booking)

    async def on_message(self, msg: Incoming) -> None:
        if msg.kind == "reaction":
            return  # a reaction is not a new answer
        now = self.ctx.clock.now()
        fresh = self.flow.new_state()
        youth = await youths.get_youth(self.ctx.db, msg.sender, fresh)
        first_time = youth is None
        youth, case = await youths.first_contact(self.ctx.db, msg.sender, msg.room_id, fresh, now)
        state = youth.intake

        code = START_CODE.match(msg.body) if msg.kind == "text" else None
        if code:
            youth = await self._apply_campaign(youth, code.group(1))
            state = youth.intake
            if state.status != "new":
                # Already talking: keep the campaign, show where they are.
                question = self.flow.question(state)
                await self._send(msg.room_id, [question] if question else [])
                return
            await self._begin(youth, case, msg.room_id, now)
            return

        if await self.desk.check(msg, youth, case, state, lambda: self._resume(youth)):
            if msg.kind == "text" and state.status == "done" and self.between.is_message(
                    msg.body):
                # A message for the counselor is still passed on (the crisis net read it).
                await self._send(msg.room_id, await self.between.on_text(youth, case,
                                                                         msg.body) or [])
            return  # a crisis matter: not also an answer to the intake or anything else
        if msg.kind == "edit":
            return  # an edit is not a new answer
        if msg.kind != "text":
            # Before a language is chosen: in each language of the intake, as the first message.
            reply = text_choice.in_languages(
                self._languages(state),
                lambda lang: plain(self.ctx.config.text(lang).not_understood_media))
            question = self.flow.question(state)
            await self._send(msg.room_id, [reply, *([question] if question else [])])
            return

        if (rights_reply := await self.rights.on_text(youth, msg.room_id, msg.body)) is not None:
            await self._send(msg.room_id, rights_reply)
            return
        if await self._handover_answer(msg, youth, case):
            return

        if state.status == "done" and (
                between := await self.between.on_text(youth, case, msg.body)) is not None:
            # A message for the counselor between sessions; a number for a phone session.
            await self._send(msg.room_id, between)
            return
        if state.status == "done":
            # Past the intake: appointments (offers, choosing, seeing, cancelling, moving).
            replies = await self.appointments.on_text(youth, case, msg.room_id, msg.body)
            await youths.touch(self.ctx.db, youth.user_id, now)
            replies = await self._closed_first(youth.user_id, state.language, replies)
            await self._send(msg.room_id, replies)
            return

        known = {"municipality": youth.municipality} if youth.municipality else {}
        away = timedelta(seconds=now.timestamp() - youth.last_seen)
        result = self.flow.handle(state, msg.body, known)
        if (
            not first_time
            and (away > WELCOME_BACK_AFTER or msg.room_id != youth.dm_room_id)
            and state.status in ("active", "paused")
            and result.state == state
        ):
            # Back after a long time (or in a new chat) and not an answer: welcome back at
            # the same step.
            result = self.flow.welcome_back(state)

        # The opening texts where they belong (bilingual first, the greeting after the language).
        replies = text_choice.with_greeting(self.ctx.config.catalogue, self.ctx.config.intake,
                                        state, result, self.rights.greeting)
        await self._save(youth, case, result, msg.room_id, now)
        if result.completed:
            # Straight on to the appointment: the first fitting free moments.
            fresh = await youths.get_youth(self.ctx.db, youth.user_id, result.state)
            case_now = await youths.get_case(self.ctx.db, case.id)
            if fresh and case_now:
                replies += await self.appointments.offer(fresh, case_now)
        replies = await self._closed_first(youth.user_id, self._languages(result.state),
                                           replies, after_first=state.status == "new")
        await self._send(msg.room_id, replies)

    async def _resume(self, youth: youths.Youth) -> list[Message]:
        """Where the youth was: the current intake question again (nothing past the intake)."""
        state = youth.intake
        if state.status not in ("active", "paused"):
            return []
        question = self.flow.question(state)
        return [question] if question else []

    async def crisis_check(self, msg: Incoming) -> None:
        """The crisis net alone, e.g. in a session room where the bot stays."""
        youth = await youths.get_youth(self.ctx.db, msg.sender, self.flow.new_state())
        if youth is None:
            return
        case = await youths.latest_case(self.ctx.db, youth.user_id)
        if case is not None:
            await self.desk.check(msg, youth, case, youth.intake, _nothing)

    async def _handover_answer(self, msg: Incoming, youth: youths.Youth,
                               case: youths.Case) -> bool:
        """A counselor proposed a colleague: the youth decides with yes or no. A yes also
        hands the case's upcoming bookings to the colleague where they are free then
        (`BookingService.hand_over`); the decision, the moves and every notice are one
        transaction."""
        pending = await sessions_store.pending_handover(self.ctx.db, youth.user_id)
        if pending is None:
            return False
        answer = first_match((YES, NO), msg.body)
        if answer is None:
            return False
        accepted = answer == YES.name
        names = self.appointments
        values = {"counselor": names._name(pending.from_id),
                  "colleague": names._name(pending.to_id), "ref": case.ref}
        text_key = "session.handover_accepted" if accepted else "session.handover_declined"
        catalogue = self.ctx.config.catalogue
        language = youth.intake.language
        async with tstore.atomically(self.ctx.db):
            decided = await sessions_store.decide_handover(self.ctx.db, pending.id, accepted,
                                                           self.ctx.clock.now())
            for counselor in (pending.from_id, pending.to_id):
                await tell_counselor(self.ctx, counselor, catalogue.say(
                    staff_language(self.ctx.config, counselor), text_key, **values))
            handed_case = await youths.get_case(self.ctx.db, pending.case_id)
            handed = (await names.booking.hand_over(handed_case, pending.from_id,
                                                    pending.to_id)
                      if accepted and decided and handed_case is not None else [])
            # One message: the answer, then what became of each upcoming booking.
            reply = catalogue.say(language, text_key, **values)
            for item in handed:
                when = names._when(item.booking.start, language)
                if item.moved:
                    key = "session.handover_booking_moved_youth"
                elif self.ctx.is_staff(item.booking.counselor_id):
                    key = "session.handover_booking_kept_youth"
                else:  # the previous counselor has left the config: never named
                    key = "session.handover_booking_kept_youth_unnamed"
                reply = reply + catalogue.say(language, key, when=when, **values)
            await self._send(msg.room_id, [reply])
        log.info("Handover %s", "accepted" if accepted else "declined")
        return True

    async def open_intake(self, user_id: str, campaign: str | None) -> str:
        """Open an encrypted DM with a youth (e.g. a new account from an invite page).

        The intake starts when the youth joins (see `on_join`), so that they can read it.
        (The running bot goes through `bot.intakes.IntakeOpener`, which makes this durable.)
        """
        room_id = await self.intake_room(user_id) or await self.create_intake_room(user_id)
        await self.record_intake(user_id, room_id, campaign)
        return room_id

    async def intake_room(self, user_id: str) -> str | None:
        """The intake DM already opened with a new account, if any: recorded, or created
        just before a crash (a room of only the bot and this user) — never a second one."""
        youth = await youths.get_youth(self.ctx.db, user_id, self.flow.new_state())
        if youth is not None and youth.dm_room_id:
            return youth.dm_room_id
        transport = self.ctx.transport
        for room_id in transport.joined_rooms():
            info = transport.room_info(room_id)
            if info is not None and info.encrypted and \
                    transport.room_members(room_id) == {transport.user_id, user_id}:
                return room_id
        return None

    async def create_intake_room(self, user_id: str) -> str:
        """The network half of opening an intake: never inside a transaction."""
        return await self.ctx.transport.create_room(
            invite=[user_id], is_direct=True, history_visibility="invited",
            power_levels=await dm_levels(self.ctx, user_id),
        )

    async def record_intake(self, user_id: str, room_id: str, campaign: str | None) -> None:
        """The database half: the room and the new youth (idempotent)."""
        now = self.ctx.clock.now()
        await tstore.remember_room(self.ctx.db, room_id, "dm", user_id)
        youth, _ = await youths.first_contact(self.ctx.db, user_id, room_id,
                                              self.flow.new_state(), now)
        if campaign:
            await self._apply_campaign(youth, campaign)
        log.info("Opened an intake room for a new youth")

    async def on_join(self, room_id: str, user_id: str) -> None:
        """A youth joined the DM the bot opened: begin the intake there."""
        youth = await youths.get_youth(self.ctx.db, user_id, self.flow.new_state())
        if youth is None or youth.dm_room_id != room_id or youth.intake.status != "new":
            return
        now = self.ctx.clock.now()
        youth, case = await youths.first_contact(self.ctx.db, user_id, room_id,
                                                 youth.intake, now)
        await self._begin(youth, case, room_id, now)

    async def _begin(
        self, youth: youths.Youth, case: youths.Case, room_id: str, now: datetime
    ) -> None:
        known = {"municipality": youth.municipality} if youth.municipality else {}
        result = self.flow.start(youth.intake, known)
        replies = text_choice.with_greeting(self.ctx.config.catalogue, self.ctx.config.intake,
                                        youth.intake, result, self.rights.greeting)
        await self._save(youth, case, result, room_id, now)
        replies = await self._closed_first(youth.user_id, self._languages(result.state),
                                           replies, after_first=True)
        await self._send(room_id, replies)

    async def _apply_campaign(self, youth: youths.Youth, code: str) -> youths.Youth:
        campaign = self.ctx.config.campaign(code)
        if campaign is None:
            return youth  # an unknown or old code: no region, no fuss
        await youths.set_campaign(self.ctx.db, youth.user_id, campaign.code,
                                  campaign.municipality)
        fresh = await youths.get_youth(self.ctx.db, youth.user_id, youth.intake)
        return fresh or youth

    def _crisis_language(self, state: IntakeState) -> str:
        return state.language or self.ctx.config.default_language

    async def _save(
        self,
        youth: youths.Youth,
        case: youths.Case,
        result: IntakeResult,
        room_id: str,
        now: datetime,
    ) -> None:
        fields = None
        if result.completed:
            fields = {col: result.state.answers.get(step) for step, col in CASE_FIELDS.items()}
            if youth.municipality and not fields.get("municipality"):
                fields["municipality"] = youth.municipality
        if case.status != "intake" and result.state.status in ("new", "active", "paused"):
            case = await youths.new_intake_case(self.ctx.db, youth, result.state, now)
        await youths.save_intake(
            self.ctx.db, youth, case, result.state, now, room_id=room_id,
            completed=result.completed, referred=result.referred, fields=fields,
        )
        if state_started(youth.intake, result.state):
            METRICS.inc("chathulp_intakes_started_total")
        if result.completed:
            METRICS.inc("chathulp_intakes_completed_total")
            log.info("Intake completed")

    def _languages(self, state: IntakeState) -> list[str]:
        """The youth's language; each language of the intake while none is chosen yet."""
        return text_choice.languages_for(self.ctx.config.intake, state)

    async def _closed_first(self, user_id: str, language: str | list[str],
                            replies: list[Message], *,
                            after_first: bool = False) -> list[Message]:
        """When the service is closed (and the youth was not told yet in this closed period):
        the notice leads the first reply, or follows it (`after_first`: the greeting)."""
        notice = await closed_notice(self.ctx, user_id, language)
        if notice is None or not replies:
            return replies
        first = replies[0] + notice if after_first else notice + replies[0]
        return [first, *replies[1:]]

    async def _send(self, room_id: str, messages: list[Message]) -> None:
        for message in messages:
            await self.ctx.transport.send_notice(room_id, message)


async def _nothing() -> list[Message]:
    return []


def state_started(before: IntakeState, after: IntakeState) -> bool:
    return before.status == "new" and after.status != "new"
