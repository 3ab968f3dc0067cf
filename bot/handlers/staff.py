"""Counselors' and admins' DMs with the bot: the counselor's commands.

Each command is declared next to its implementation. The case defaults to the counselor's
current or most recent session; `#REF` names another one — which must be theirs.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import TYPE_CHECKING

from bot.domain import sessions as rules
from bot.domain.availability import Slot, parse_away
from bot.domain.texts import Message, plain
from bot.handlers.context import Context
from bot.handlers.notify import tell_counselor
from bot.matrix.events import Incoming
from bot.storage import bookings, youths
from bot.storage import sessions as store
from bot.storage import transport as tstore
from bot.storage.bookings import OPEN_SESSION, reminder_plan

if TYPE_CHECKING:
    from bot.handlers.sessions import SessionRooms

log = logging.getLogger(__name__)

Command = Callable[["StaffConversation", Incoming, rules.Command], Awaitable[Message]]
COMMANDS: dict[str, tuple[str, Command]] = {}


def command(name: str, usage: str) -> Callable[[Command], Command]:
    def register(fn: Command) -> Command:
        COMMANDS[name] = (usage, fn)
        return fn

    return register


class StaffConversation:
    def __init__(self, ctx: Context, sessions: SessionRooms) -> None:
        self.ctx = ctx
        self.sessions = sessions

    async def on_message(self, msg: Incoming) -> None:
        if msg.kind != "text":
            return
        cmd = rules.parse_command(msg.body)
        if cmd is None or cmd.name not in COMMANDS:
            reply = self.help()
        else:
            reply = await COMMANDS[cmd.name][1](self, msg, cmd)
        if await tstore.room_kind(self.ctx.db, msg.room_id) == "session":
            # A command typed in a session room (bot_stays): answer privately, in the DM.
            await tell_counselor(self.ctx, msg.sender, reply)
        else:
            await self.ctx.transport.send_notice(msg.room_id, reply)

    def help(self) -> Message:
        lines = ["chathulp — commando's (in dit gesprek):"]
        lines += [f"{usage}" for usage, _ in COMMANDS.values()]
        lines.append("Zonder #REF gaat het om je huidige of laatste gesprek.")
        return plain("\n".join(lines))

    async def target(self, sender: str, ref: str | None) -> store.Session | str:
        """The session a command is about, or why there is none."""
        if ref:
            case = await store.case_by_ref(self.ctx.db, ref)
            if case is None:
                return f"Geen dossier {ref} gevonden."
            session = await store.latest_for_case(self.ctx.db, case["id"])
            mine = case["counselor_id"] == sender or (
                session is not None and session.counselor_id == sender)
            if not mine or session is None:
                return f"Dossier {ref} is niet van jou."
            return session
        session = await store.latest_for_counselor(self.ctx.db, sender)
        return session if session is not None else "Je hebt nog geen gesprek gehad."


@command("help", "!help — deze lijst")
async def _help(self: StaffConversation, msg: Incoming, cmd: rules.Command) -> Message:
    return self.help()


@command("end", "!end <uitkomst> [#REF] — gesprek afsluiten (done, follow-up, referred, no-show)")
async def _end(self: StaffConversation, msg: Incoming, cmd: rules.Command) -> Message:
    outcome = rules.outcome_of(self.ctx.config.session, cmd.args)
    if outcome is None:
        valid = ", ".join(o.id for o in self.ctx.config.session.outcomes)
        return plain(f"Welke uitkomst? Kies uit: {valid}")
    session = await self.target(msg.sender, cmd.ref)
    if isinstance(session, str):
        return plain(session)
    if session.state == "ended":
        return plain("Dat gesprek is al afgesloten.")
    await self.sessions.end(session, outcome)
    case = await youths.get_case(self.ctx.db, session.case_id)
    return plain(f"Afgesloten ({outcome}) — dossier {case.ref if case else '?'}.")


@command("followup", "!followup <wanneer> [#REF] — vervolggesprek met jou (bv. di 15:00)")
async def _followup(self: StaffConversation, msg: Incoming, cmd: rules.Command) -> Message:
    session = await self.target(msg.sender, cmd.ref)
    if isinstance(session, str):
        return plain(session)
    ctx = self.ctx
    now = ctx.clock.now()
    tz = ctx.config.tz
    when = rules.parse_followup(cmd.args, now, tz, session.start.astimezone(tz).time())
    if isinstance(when, str):
        return plain(when)
    cfg = ctx.config.scheduling
    slot = Slot(msg.sender, when, when + timedelta(minutes=cfg.slot_minutes))
    plan = [*reminder_plan(cfg, slot, now), (OPEN_SESSION, None, slot.start)]
    result = await bookings.book(ctx.db, case_id=session.case_id, youth_id=session.youth_id,
                                 slot=slot, now=now, reminders=plan,
                                 buffer=timedelta(minutes=cfg.buffer_minutes))
    if result.reason == "slot_taken":
        return plain("Op dat moment heb je al een gesprek. Kies een ander moment.")
    if result.reason == "youth_has_booking":
        return plain("Deze jongere heeft al een volgende afspraak.")
    if ctx.timers is not None:
        await ctx.timers.refresh()
    case = await youths.get_case(ctx.db, session.case_id)
    language = case.language if case else ctx.config.default_language
    name = self.sessions._name(msg.sender)
    youth_room = await youths.dm_room_of(ctx.db, session.youth_id)
    if youth_room:
        ctx.transport.post(youth_room, self.sessions.text(
            language, "followup_booked_youth", when=self.sessions.when(when, language),
            counselor=name))
    return plain(f"Vervolggesprek geboekt: {self.sessions.when(when, 'nl')}"
                 f" — dossier {case.ref if case else '?'}.")


@command("note", "!note <tekst> [#REF] — privénotitie bij het dossier (nooit voor de jongere)")
async def _note(self: StaffConversation, msg: Incoming, cmd: rules.Command) -> Message:
    if not cmd.args.strip():
        return plain("Wat wil je noteren? Bv. !note vraagt naar budgethulp")
    session = await self.target(msg.sender, cmd.ref)
    if isinstance(session, str):
        return plain(session)
    await store.add_note(self.ctx.db, session.case_id, msg.sender, cmd.args.strip()[:5000],
                         self.ctx.clock.now())
    return plain("Notitie bewaard.")


@command("handover", "!handover @collega:server [#REF] — jongere overdragen (de jongere beslist)")
async def _handover(self: StaffConversation, msg: Incoming, cmd: rules.Command) -> Message:
    colleague = rules.mentioned_user(cmd.args, msg.formatted_body) or ""
    if self.ctx.config.scheduling.counselor(colleague) is None or colleague == msg.sender:
        return plain("Aan wie? Geef de Matrix-id van een collega, bv. !handover @tom:server")
    session = await self.target(msg.sender, cmd.ref)
    if isinstance(session, str):
        return plain(session)
    case = await youths.get_case(self.ctx.db, session.case_id)
    if case is None:
        return plain("Dat dossier bestaat niet meer.")
    await store.propose_handover(self.ctx.db, case.id, msg.sender, colleague,
                                 self.ctx.clock.now())
    youth_room = await youths.dm_room_of(self.ctx.db, session.youth_id)
    if youth_room:
        self.ctx.transport.post(youth_room, self.sessions.text(
            case.language, "handover_question", counselor=self.sessions._name(msg.sender),
            colleague=self.sessions._name(colleague)))
    return plain(f"Gevraagd aan de jongere (dossier {case.ref}). Je hoort het antwoord hier.")


@command("agenda", "!agenda — je gesprekken van de komende 14 dagen")
async def _agenda(self: StaffConversation, msg: Incoming, cmd: rules.Command) -> Message:
    now = self.ctx.clock.now()
    rows = await bookings.bookings_for_counselor(self.ctx.db, msg.sender, now,
                                                 now + timedelta(days=14))
    if not rows:
        return plain("Geen gesprekken gepland.")
    lines = []
    for b in rows:
        case = await youths.get_case(self.ctx.db, b.case_id)
        lines.append(f"{self.sessions.when(b.start, 'nl')} — dossier {case.ref if case else '?'}")
    return plain("\n".join(lines))


@command("away", "!away <van> [tot] — afwezig (bv. !away today, !away 2026-12-24 2027-01-02)")
async def _away(self: StaffConversation, msg: Incoming, cmd: rules.Command) -> Message:
    today = self.ctx.clock.now().astimezone(self.ctx.config.tz).date()
    parsed = parse_away(cmd.args, today)
    if isinstance(parsed, str):
        return plain(parsed)
    await bookings.add_absence(self.ctx.db, msg.sender, parsed[0], parsed[1],
                               self.ctx.clock.now())
    return plain(f"Genoteerd: afwezig van {parsed[0]:%d-%m-%Y} tot en met {parsed[1]:%d-%m-%Y}. "
                 "Er worden dan geen gesprekken met jou geboekt.")


@command("back", "!back — weer aanwezig")
async def _back(self: StaffConversation, msg: Incoming, cmd: rules.Command) -> Message:
    today = self.ctx.clock.now().astimezone(self.ctx.config.tz).date()
    ended = await bookings.end_absences(self.ctx.db, msg.sender, today)
    return plain("Welkom terug!" if ended else "Je stond niet als afwezig genoteerd.")



async def notify_handover(ctx: Context, from_id: str, to_id: str, message: Message) -> None:
    for counselor in (from_id, to_id):
        await tell_counselor(ctx, counselor, message)
