"""Counselors' and admins' DMs with the bot: the counselor's commands.

Each command is declared once, right above its implementation (`STAFF.command`, see
`bot/handlers/commands.py`): words, arguments, role, help. Replies are catalogue texts (group
`session`) in the language of the counselor who typed the command (`notify.staff_language`;
in the staff room: the service's default language). A case command is about the counselor's
current or most recent session; `#REF` names another one — which must be theirs by the one
case-access rule (bot.domain.case_access); a reference that is not theirs gets the same answer
as one that does not exist.
"""

from __future__ import annotations

import logging
from contextvars import ContextVar
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from bot.domain import case_access
from bot.domain import session_rules as rules
from bot.domain.messages import Message, plain
from bot.handlers import referrals
from bot.handlers.commands import (
    Call,
    Colleague,
    CommandSet,
    Days,
    FollowupTime,
    FreeText,
    Outcome,
    ParseEnv,
    Role,
    SessionForm,
)
from bot.handlers.context import Context
from bot.handlers.notify import staff_language, tell_counselor
from bot.handlers.transport import Incoming
from bot.storage import bookings, caseload, youths
from bot.storage import sessions as store
from bot.storage import sync_state as tstore

if TYPE_CHECKING:
    from bot.handlers.session_rooms import SessionRooms

log = logging.getLogger(__name__)

# The room of the command being handled (commands that send more than a reply, e.g. !report).
COMMAND_ROOM: ContextVar[str | None] = ContextVar("chathulp_command_room", default=None)
# Who typed the command being handled (replies are in their language).
COMMAND_SENDER: ContextVar[str | None] = ContextVar("chathulp_command_sender", default=None)

# The counselor's commands; each is declared right above its implementation below.
STAFF: CommandSet[StaffConversation] = CommandSet()


class StaffConversation:
    def __init__(self, ctx: Context, sessions: SessionRooms) -> None:
        self.ctx = ctx
        self.sessions = sessions

    @property
    def lang(self) -> str:
        """The language of the reply to the command being handled: the sender's
        (`staff_language`), or the service's default in the staff room and outside a command."""
        if COMMAND_ROOM.get() == self.ctx.staff_room_id:
            return self.ctx.config.default_language
        return staff_language(self.ctx.config, COMMAND_SENDER.get())

    def say(self, key: str, **values: str) -> Message:
        """A text of the catalogue group `session` in the reply's language (`lang`)."""
        return self.ctx.config.catalogue.say(self.lang, f"session.{key}", **values)

    def role(self, user_id: str) -> Role:
        return Role.ADMIN if user_id in self.ctx.config.admins else Role.COUNSELOR

    def env(self, msg: Incoming) -> ParseEnv:
        return ParseEnv(self.ctx.config, self.ctx.clock.now(), msg.sender, self.lang,
                        msg.formatted_body)

    def help_values(self) -> dict[str, str]:
        return {"outcomes": rules.outcome_choices(self.ctx.config.session, self.lang)}

    async def on_message(self, msg: Incoming) -> None:
        if msg.kind != "text":
            return
        COMMAND_ROOM.set(msg.room_id)
        sender = COMMAND_SENDER.set(msg.sender)
        try:
            reply = await STAFF.dispatch(self, msg.body, self.env(msg), self.role(msg.sender),
                                         self.target, self.help_values())
            if reply is None:  # not a command: the overview
                reply = self.help(msg.sender)
        finally:
            COMMAND_SENDER.reset(sender)
        if await tstore.room_kind(self.ctx.db, msg.room_id) == "session":
            # A command typed in a session room (bot_stays): answer privately, in the DM.
            await tell_counselor(self.ctx, msg.sender, reply)
        else:
            await self.ctx.transport.send_notice(msg.room_id, reply)

    def help(self, user_id: str) -> Message:
        return STAFF.help(self.ctx.config.catalogue, self.lang, self.role(user_id),
                          **self.help_values())

    async def access(self, sender: str, facts: case_access.CaseFacts | None
                     ) -> case_access.Access:
        """What `sender` may do with a case: the one rule (bot.domain.case_access)."""
        cfg = self.ctx.config
        return case_access.access(facts, sender, cfg.scheduling.by_id, cfg.admins)

    async def target(self, sender: str, ref: str | None) -> store.Session | Message:
        """The session a command is about, or the reply saying why there is none. A case the
        sender may not act on gets the same reply as one that does not exist."""
        if ref:
            facts = await caseload.facts_by_ref(self.ctx.db, ref)
            if await self.access(sender, facts) is not case_access.Access.ACT:
                return self.say("unknown_case", ref=ref)
            assert facts is not None
            session = await store.latest_for_case(self.ctx.db, facts.case_id)
            if session is None:
                return self.ctx.config.catalogue.say(self.lang, "caseload.no_session", ref=ref)
            return session
        session = await store.latest_for_counselor(self.ctx.db, sender)
        if session is not None:
            facts = await caseload.facts(self.ctx.db, session.case_id)
            if await self.access(sender, facts) is case_access.Access.ACT:
                return session
        return self.say("no_case")

    async def ref_of(self, session: store.Session) -> str:
        case = await youths.get_case(self.ctx.db, session.case_id)
        return case.ref if case else "?"


@STAFF.command("help", words={"nl": ("hulp",)})
async def _help(self: StaffConversation, call: Call[StaffConversation]) -> Message:
    return self.help(call.sender)


@STAFF.command("end", words={"nl": ("einde", "afsluiten")},
               args=(Outcome(with_line=True),), case=True)
async def _end(self: StaffConversation, call: Call[StaffConversation]) -> Message:
    cfg = self.ctx.config.session
    outcome, line = call.args["outcome"]
    session: store.Session = call.session
    ref = await self.ref_of(session)
    if session.state == "ended":
        return self.say("already_ended", ref=ref)
    await self.sessions.end(session, outcome)
    label = rules.outcome_label(cfg, outcome, self.lang)
    if line is not None:  # `!end referred druglijn`: recorded, and the youth gets its details
        await referrals.refer(self.ctx, session, line)
        label = f"{label}: {referrals.line_name(self.ctx, line, self.lang)}"
    return self.say("ended", ref=ref, outcome=label)


@STAFF.command("followup", words={"en": ("follow-up",), "nl": ("vervolg",)},
               args=(FollowupTime(), SessionForm(required=False)), case=True)
async def _followup(self: StaffConversation, call: Call[StaffConversation]) -> Message:
    session: store.Session = call.session
    when: datetime = call.args["when"]
    form, place = call.args["form"]
    ctx = self.ctx
    case = await youths.get_case(ctx.db, session.case_id)
    if case is None:
        return self.say("no_case")
    result = await self.sessions.booking.book_followup(
        case=case, youth_id=session.youth_id, counselor_id=call.sender, start=when,
        form=form, place=place)
    ref = case.ref
    if result.reason == "slot_taken":
        return self.say("followup_busy", when=self.sessions.when(when, self.lang))
    if result.reason == "youth_has_booking" or result.booking is None:
        return self.say("followup_youth_booked", ref=ref)
    return self.say("followup_booked_counselor", ref=ref,
                    when=self.sessions.when(when, self.lang),
                    ) + self.sessions.booking.forms.staff_note(result.booking)


@STAFF.command("note", words={"nl": ("notitie", "nota")}, args=(FreeText(),), case=True)
async def _note(self: StaffConversation, call: Call[StaffConversation]) -> Message:
    session: store.Session = call.session
    await store.add_note(self.ctx.db, session.case_id, call.sender, call.args["text"],
                         self.ctx.clock.now())
    return self.say("note_saved", ref=await self.ref_of(session))


@STAFF.command("handover", words={"nl": ("overdracht", "overdragen")},
               args=(Colleague(),), case=True)
async def _handover(self: StaffConversation, call: Call[StaffConversation]) -> Message:
    colleague: str = call.args["user"]
    session: store.Session = call.session
    case = await youths.get_case(self.ctx.db, session.case_id)
    if case is None:
        return self.say("no_case")
    await store.propose_handover(self.ctx.db, case.id, call.sender, colleague,
                                 self.ctx.clock.now())
    names = {"counselor": self.sessions._name(call.sender),
             "colleague": self.sessions._name(colleague)}
    youth_room = await youths.dm_room_of(self.ctx.db, session.youth_id)
    if youth_room:
        self.ctx.transport.post(youth_room, self.sessions.text(
            case.language, "handover_question", **names))
    return self.say("handover_asked", ref=case.ref, **names)


@STAFF.command("agenda")
async def _agenda(self: StaffConversation, call: Call[StaffConversation]) -> Message:
    now = self.ctx.clock.now()
    rows = await bookings.bookings_for_counselor(self.ctx.db, call.sender, now,
                                                 now + timedelta(days=14))
    if not rows:
        return self.say("agenda_empty")
    lines = [self.say("agenda_title").plain]
    for b in rows:
        case = await youths.get_case(self.ctx.db, b.case_id)
        item = self.say("agenda_item", when=self.sessions.when(b.start, self.lang),
                        ref=case.ref if case else "?").plain
        form = self.sessions.booking.forms.label(b.form, b.place, self.lang)
        lines.append(item + " " + self.ctx.config.catalogue.plain(
            self.lang, "followup.history_form", form=form))
    return plain("\n".join(lines))


@STAFF.command("away", words={"nl": ("afwezig",)}, args=(Days(),))
async def _away(self: StaffConversation, call: Call[StaffConversation]) -> Message:
    first, last = call.args["days"]
    await bookings.add_absence(self.ctx.db, call.sender, first, last, self.ctx.clock.now())
    return self.say("away_noted", first=f"{first:%d-%m-%Y}", last=f"{last:%d-%m-%Y}")


@STAFF.command("back", words={"nl": ("terug",)})
async def _back(self: StaffConversation, call: Call[StaffConversation]) -> Message:
    today = self.ctx.clock.now().astimezone(self.ctx.config.tz).date()
    ended = await bookings.end_absences(self.ctx.db, call.sender, today)
    return self.say("back_noted" if ended else "back_not_away")


# Declared in their own modules (they register on STAFF when imported).
from bot.handlers import caseload as _caseload  # noqa: E402, F401
from bot.handlers import followup as _followup_cmds  # noqa: E402, F401  (!reply)
from bot.handlers import reports as _reports  # noqa: E402, F401
