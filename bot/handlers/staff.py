"""Counselors' and admins' DMs with the bot: the counselor's commands.

Each command is declared next to its implementation; its replies are texts of the `session`
config section (in the service's default language). The case defaults to the counselor's
current or most recent session; `#REF` names another one — which must be theirs.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import TYPE_CHECKING

from bot.domain import sessions as rules
from bot.domain.availability import parse_away
from bot.domain.texts import Message, plain
from bot.handlers.context import Context
from bot.handlers.notify import tell_counselor
from bot.handlers.transport import Incoming
from bot.storage import bookings, youths
from bot.storage import sessions as store
from bot.storage import transport as tstore

if TYPE_CHECKING:
    from bot.handlers.sessions import SessionRooms

log = logging.getLogger(__name__)

Command = Callable[["StaffConversation", Incoming, rules.Command], Awaitable[Message]]
COMMANDS: dict[str, Command] = {}


def command(name: str) -> Callable[[Command], Command]:
    def register(fn: Command) -> Command:
        COMMANDS[name] = fn
        return fn

    return register


class StaffConversation:
    def __init__(self, ctx: Context, sessions: SessionRooms) -> None:
        self.ctx = ctx
        self.sessions = sessions

    @property
    def lang(self) -> str:
        return self.ctx.config.default_language

    def say(self, key: str, **values: str) -> Message:
        return self.sessions.text(self.lang, key, **values)

    async def on_message(self, msg: Incoming) -> None:
        if msg.kind != "text":
            return
        cmd = rules.parse_command(msg.body)
        if cmd is None:
            reply = self.help()
        elif cmd.name not in COMMANDS:
            reply = self.say("unknown_command")
        else:
            reply = await COMMANDS[cmd.name](self, msg, cmd)
        if await tstore.room_kind(self.ctx.db, msg.room_id) == "session":
            # A command typed in a session room (bot_stays): answer privately, in the DM.
            await tell_counselor(self.ctx, msg.sender, reply)
        else:
            await self.ctx.transport.send_notice(msg.room_id, reply)

    def help(self) -> Message:
        return self.say("help", outcomes=rules.outcome_choices(self.ctx.config.session,
                                                                self.lang))

    async def target(self, sender: str, ref: str | None) -> store.Session | Message:
        """The session a command is about, or the reply saying why there is none."""
        if ref:
            case = await store.case_by_ref(self.ctx.db, ref)
            if case is None:
                return self.say("unknown_case", ref=ref)
            session = await store.latest_for_case(self.ctx.db, case.id)
            mine = case.counselor_id == sender or (
                session is not None and session.counselor_id == sender)
            if not mine or session is None:
                return self.say("not_your_case", ref=ref)
            return session
        session = await store.latest_for_counselor(self.ctx.db, sender)
        return session if session is not None else self.say("no_case")

    async def ref_of(self, session: store.Session) -> str:
        case = await youths.get_case(self.ctx.db, session.case_id)
        return case.ref if case else "?"


@command("help")
async def _help(self: StaffConversation, msg: Incoming, cmd: rules.Command) -> Message:
    return self.help()


@command("end")
async def _end(self: StaffConversation, msg: Incoming, cmd: rules.Command) -> Message:
    cfg = self.ctx.config.session
    choices = rules.outcome_choices(cfg, self.lang)
    if not cmd.args.strip():
        return self.say("which_outcome", outcomes=choices)
    outcome = rules.outcome_of(cfg, cmd.args)
    if outcome is None:
        return self.say("unknown_outcome", text=cmd.args.strip(), outcomes=choices)
    session = await self.target(msg.sender, cmd.ref)
    if isinstance(session, Message):
        return session
    ref = await self.ref_of(session)
    if session.state == "ended":
        return self.say("already_ended", ref=ref)
    await self.sessions.end(session, outcome)
    return self.say("ended", ref=ref, outcome=rules.outcome_label(cfg, outcome, self.lang))


@command("followup")
async def _followup(self: StaffConversation, msg: Incoming, cmd: rules.Command) -> Message:
    session = await self.target(msg.sender, cmd.ref)
    if isinstance(session, Message):
        return session
    ctx = self.ctx
    now = ctx.clock.now()
    tz = ctx.config.tz
    when = rules.parse_followup(cmd.args, now, tz, session.start.astimezone(tz).time())
    if isinstance(when, str):
        return self.say("bad_time", text=cmd.args.strip(),
                        examples=rules.FOLLOWUP_EXAMPLES)
    case = await youths.get_case(ctx.db, session.case_id)
    if case is None:
        return self.say("no_case")
    result = await self.sessions.booking.book_followup(
        case=case, youth_id=session.youth_id, counselor_id=msg.sender, start=when)
    ref = case.ref
    if result.reason == "slot_taken":
        return self.say("followup_busy", when=self.sessions.when(when, self.lang))
    if result.reason == "youth_has_booking":
        return self.say("followup_youth_booked", ref=ref)
    return self.say("followup_booked_counselor", ref=ref,
                    when=self.sessions.when(when, self.lang))


@command("note")
async def _note(self: StaffConversation, msg: Incoming, cmd: rules.Command) -> Message:
    if not cmd.args.strip():
        return self.help()
    session = await self.target(msg.sender, cmd.ref)
    if isinstance(session, Message):
        return session
    await store.add_note(self.ctx.db, session.case_id, msg.sender, cmd.args.strip()[:5000],
                         self.ctx.clock.now())
    return self.say("note_saved", ref=await self.ref_of(session))


@command("handover")
async def _handover(self: StaffConversation, msg: Incoming, cmd: rules.Command) -> Message:
    colleague = rules.mentioned_user(cmd.args, msg.formatted_body)
    if not colleague or colleague == msg.sender:
        return self.say("bad_user")
    if self.ctx.config.scheduling.counselor(colleague) is None:
        return self.say("unknown_colleague", colleague=colleague)
    session = await self.target(msg.sender, cmd.ref)
    if isinstance(session, Message):
        return session
    case = await youths.get_case(self.ctx.db, session.case_id)
    if case is None:
        return self.say("no_case")
    await store.propose_handover(self.ctx.db, case.id, msg.sender, colleague,
                                 self.ctx.clock.now())
    names = {"counselor": self.sessions._name(msg.sender),
             "colleague": self.sessions._name(colleague)}
    youth_room = await youths.dm_room_of(self.ctx.db, session.youth_id)
    if youth_room:
        self.ctx.transport.post(youth_room, self.sessions.text(
            case.language, "handover_question", **names))
    return self.say("handover_asked", ref=case.ref, **names)


@command("agenda")
async def _agenda(self: StaffConversation, msg: Incoming, cmd: rules.Command) -> Message:
    now = self.ctx.clock.now()
    rows = await bookings.bookings_for_counselor(self.ctx.db, msg.sender, now,
                                                 now + timedelta(days=14))
    if not rows:
        return self.say("agenda_empty")
    lines = [self.say("agenda_title").plain]
    for b in rows:
        case = await youths.get_case(self.ctx.db, b.case_id)
        lines.append(self.say("agenda_item", when=self.sessions.when(b.start, self.lang),
                              ref=case.ref if case else "?").plain)
    return plain("\n".join(lines))


@command("away")
async def _away(self: StaffConversation, msg: Incoming, cmd: rules.Command) -> Message:
    today = self.ctx.clock.now().astimezone(self.ctx.config.tz).date()
    parsed = parse_away(cmd.args, today)
    if isinstance(parsed, str):
        return plain(parsed)
    await bookings.add_absence(self.ctx.db, msg.sender, parsed[0], parsed[1],
                               self.ctx.clock.now())
    return self.say("away_noted", first=f"{parsed[0]:%d-%m-%Y}", last=f"{parsed[1]:%d-%m-%Y}")


@command("back")
async def _back(self: StaffConversation, msg: Incoming, cmd: rules.Command) -> Message:
    today = self.ctx.clock.now().astimezone(self.ctx.config.tz).date()
    ended = await bookings.end_absences(self.ctx.db, msg.sender, today)
    return self.say("back_noted" if ended else "back_not_away")
