"""Between sessions, in the youth's DM: messages to their own counselor (`bericht <text>` /
`message <text>`), the counselor's answer (`!reply #REF <text>`), and the phone number a
youth may choose to give for a phone session (`nummer 0470 12 34 56`, `nummer wissen`).

A youth's message goes to the counselor of their upcoming session, else to their case's
counselor, in the counselor's DM with the bot, with the case reference; the answer comes
back in the youth's DM. When that counselor is no longer in the config (removed by a reload or
a restart), the message goes to the staff room instead — by case reference, never the youth's
id — and any counselor of the config may answer it (`reply_case`); the youth is told so.
Both travel through the outbox (sealed until sent) and end-to-end encrypted rooms; only who
wrote to whom and when is recorded (for the rate limit), never the text, and nothing of it is
logged. The crisis net reads a message before it is passed on.
"""

from __future__ import annotations

import logging
import re
from datetime import timedelta
from typing import TYPE_CHECKING

from bot.domain import forms
from bot.domain.messages import Message
from bot.domain.session_rules import case_ref
from bot.domain.when import format_when
from bot.handlers.commands import Argument, Call, FreeText, ParseEnv, UsageError
from bot.handlers.context import Context
from bot.handlers.notify import tell_counselor
from bot.handlers.policy import post_to_staff
from bot.handlers.staff import STAFF, StaffConversation
from bot.storage import bookings, youths
from bot.storage import followup as store
from bot.storage import sessions as sessions_store

if TYPE_CHECKING:
    from bot.services.booking import BookingService

log = logging.getLogger(__name__)

# 'bericht ik kom later', 'Bericht: …', 'message I will be late' (the rest may span lines).
MESSAGE = re.compile(r"^\s*(?:bericht|berichtje|message|msg)\b\s*:?\s*(.*)$",
                     re.IGNORECASE | re.DOTALL)
# 'nummer 0470 12 34 56', 'mijn nummer is …', 'number +32 …'; 'nummer wissen', 'erase number'.
PHONE = re.compile(r"^\s*(?:mijn\s+|my\s+)?(?:gsm-?)?(?:nummer|number|phone|telefoon|gsm)"
                   r"(?:\s+(?:is|:))?\s*:?\s*(.*)$", re.IGNORECASE | re.DOTALL)
PHONE_ERASE = re.compile(r"^\s*(?:(?:nummer|number)\s+(?:wissen|wis|weg|erase|delete|remove)|"
                         r"(?:wis|erase|delete|remove)\s+(?:mijn\s+|my\s+)?(?:nummer|number)|"
                         r"geen\s+nummer|no\s+number)\s*[.!]?\s*$", re.IGNORECASE)


class BetweenSessions:
    def __init__(self, ctx: Context, booking: BookingService) -> None:
        self.ctx = ctx
        self.booking = booking

    def say(self, language: str | None, key: str, **values: str) -> Message:
        return self.ctx.config.catalogue.say(language, f"followup.{key}", **values)

    @staticmethod
    def is_message(text: str) -> bool:
        return MESSAGE.match(text) is not None

    async def on_text(self, youth: youths.Youth, case: youths.Case,
                      text: str) -> list[Message] | None:
        """The reply when `text` is a message for the counselor or about the phone number;
        None when it is neither (the conversation goes on as usual)."""
        language = youth.intake.language or self.ctx.config.default_language
        if (found := MESSAGE.match(text)) is not None:
            return [await self.pass_on(youth, case, found.group(1).strip(), language)]
        if PHONE_ERASE.match(text):
            return [await self._phone(youth, case, None, language)]
        if (found := PHONE.match(text)) is not None and found.group(1).strip():
            number = forms.phone_number(found.group(1))
            if number is not None:
                return [await self._phone(youth, case, number, language)]
            upcoming = await bookings.active_booking(self.ctx.db, youth.user_id)
            if upcoming is not None and upcoming.form == "phone":
                return [self.say(language, "phone_unreadable")]
        return None

    # --- messages to the counselor -------------------------------------------------------------

    async def recipient(self, youth_id: str,
                        case: youths.Case) -> tuple[str, youths.Case] | None:
        """(counselor, case) a youth's message goes to: the counselor of the upcoming session,
        else the case's own counselor; None when the youth has no counselor yet."""
        return await recipient(self.ctx, youth_id, case)

    async def pass_on(self, youth: youths.Youth, case: youths.Case, text: str,
                      language: str) -> Message:
        cfg = self.ctx.config.followup
        found = await self.recipient(youth.user_id, case)
        if found is None:
            return self.say(language, "message_no_counselor")
        counselor, of = found
        # Their counselor is no longer in the config: never named, the team reads it.
        team = gone(self.ctx, counselor)
        name = (self.say(language, "the_team").plain if team
                else self.booking.name(counselor))
        if not text:
            return self.say(language, "message_empty")
        if len(text) > cfg.message_max_length:
            return self.say(language, "message_too_long", max=str(cfg.message_max_length))
        now = self.ctx.clock.now()
        sent = await store.messages_since(self.ctx.db, youth.user_id, "to_counselor",
                                          now - timedelta(days=1))
        last_hour = [m for m in sent if m.at > now - timedelta(hours=1)]
        if len(sent) >= cfg.messages_per_day or len(last_hour) >= cfg.messages_per_hour:
            return self.say(language, "message_limit", counselor=name)
        if team:
            if self.ctx.staff_room_id is None:  # (only before the first start made it)
                return self.say(language, "message_team_unreachable")
            # By case reference only, as every staff-room notice (held while a stranger is
            # in the room, sent once they are gone).
            await post_to_staff(self.ctx, self.say(
                None, "staff_message_team", ref=of.ref, counselor=counselor, text=text), of.id)
        else:
            await tell_counselor(self.ctx, counselor, self.ctx.config.catalogue.say(
                None, "followup.staff_message", ref=of.ref, text=text))
        await store.record_message(self.ctx.db, case_id=of.id, youth_id=youth.user_id,
                                   counselor_id=counselor, direction="to_counselor", now=now)
        if team:
            log.info("A youth's message between sessions passed on to the staff room (their "
                     "counselor is no longer in the config)")
            return self.say(language, "message_sent_team")
        log.info("A youth's message between sessions passed on to their counselor")
        return self.say(language, "message_sent", counselor=name)

    # --- the phone number ----------------------------------------------------------------------

    async def _phone(self, youth: youths.Youth, case: youths.Case, number: str | None,
                     language: str) -> Message:
        upcoming = await bookings.active_booking(self.ctx.db, youth.user_id)
        if upcoming is None or upcoming.form != "phone":
            return self.say(language, "phone_not_needed")
        if number is None:
            await store.set_phone(self.ctx.db, upcoming.id, None)
            log.info("A youth erased the phone number of their phone session")
            return self.say(language, "phone_removed")
        await store.set_phone(self.ctx.db, upcoming.id, number)
        if gone(self.ctx, upcoming.counselor_id):
            # Their counselor is no longer in the config (as the session's opening decides):
            # the number goes to nobody now, and at the session's time to the colleague who
            # steps in (bot/handlers/session_rooms.py `_phone_counselor_removed`).
            log.info("A youth gave a number for their phone session (its counselor is no "
                     "longer in the config)")
            return self.say(language, "phone_saved_no_counselor", number=number)
        of = await youths.get_case(self.ctx.db, upcoming.case_id)
        lang = self.ctx.config.default_language
        when = format_when(upcoming.start, self.ctx.config.tz, lang, self.ctx.clock.now())
        await tell_counselor(self.ctx, upcoming.counselor_id, self.ctx.config.catalogue.say(
            lang, "followup.staff_phone", ref=of.ref if of else case.ref, when=when,
            number=number))
        log.info("A youth gave a number for their phone session")
        return self.say(language, "phone_saved", counselor=self.booking.name(
            upcoming.counselor_id), number=number)


async def recipient(ctx: Context, youth_id: str,
                    case: youths.Case) -> tuple[str, youths.Case] | None:
    """(counselor, case) a youth's message goes to: the counselor of the upcoming session,
    else the case's own counselor; None when the youth has no counselor yet."""
    upcoming = await bookings.active_booking(ctx.db, youth_id)
    if upcoming is not None:
        of = await youths.get_case(ctx.db, upcoming.case_id)
        if of is not None:
            return upcoming.counselor_id, of
    if case.counselor_id:
        return case.counselor_id, case
    return None


def gone(ctx: Context, counselor_id: str) -> bool:
    """The counselor is no longer in the config (removed by a reload or restart; the test of
    the reminders and the session's opening): a youth's message for them goes to the staff
    room."""
    return not ctx.is_staff(counselor_id)


# --- the counselor's answer -------------------------------------------------------------------


class CaseRef(Argument):
    """A case reference that must be given: '#K7Q-4MX' as the first word."""

    kind = "ref"

    def parse(self, text: str, env: ParseEnv) -> tuple[str, str]:
        first = text.split(maxsplit=1)
        ref = case_ref(first[0]) if first else None
        if ref is None:
            raise UsageError("followup.reply_needs_ref")
        return ref, first[1] if len(first) > 1 else ""


async def reply_case(conv: StaffConversation, sender: str,
                     ref: str) -> youths.Case | Message:
    """The case a counselor may answer a message of, or the reply saying why not.

    The rule is the one of every case command (`StaffConversation.target`: the case's own
    counselor, or the counselor of its latest session — a stand-in, a colleague it was handed
    to), plus the counselor of the case's upcoming session before their first one was held
    (they got the message), plus any counselor of the config when the youth's messages go to
    the staff room (the counselor they would go to is no longer in the config: the team got
    the message and nobody else could answer). One function, so that a general case-access
    rule can replace it.
    """
    target = await conv.target(sender, ref)
    if not isinstance(target, Message):
        found = await youths.get_case(conv.ctx.db, target.case_id)
        return found if found is not None else conv.say("unknown_case", ref=ref)
    case = await sessions_store.case_by_ref(conv.ctx.db, ref)
    if case is not None:
        upcoming = await bookings.active_booking(conv.ctx.db, case.youth_id)
        if upcoming is not None and upcoming.case_id == case.id \
                and upcoming.counselor_id == sender:
            return case
        if conv.ctx.config.scheduling.counselor(sender) is not None:
            found = await recipient(conv.ctx, case.youth_id, case)
            if found is not None and found[1].id == case.id and gone(conv.ctx, found[0]):
                return case
    return target


@STAFF.command("reply", words={"nl": ("antwoord", "antwoorden")},
               args=(CaseRef(), FreeText(max_length=100_000)))
async def _reply(self: StaffConversation, call: Call[StaffConversation]) -> Message:
    ref: str = call.args["ref"]
    text: str = call.args["text"]
    case = await reply_case(self, call.sender, ref)
    if isinstance(case, Message):
        return case
    say = self.ctx.config.catalogue.say
    limit = self.ctx.config.followup.message_max_length
    if len(text) > limit:
        return say(self.lang, "followup.reply_too_long", max=str(limit))
    youth_room = await youths.dm_room_of(self.ctx.db, case.youth_id)
    if youth_room is None:
        return say(self.lang, "followup.reply_unreachable", ref=case.ref)
    name = self.sessions.booking.name(call.sender)
    self.ctx.transport.post(youth_room, say(case.language, "followup.message_from_counselor",
                                            counselor=name, text=text))
    await store.record_message(self.ctx.db, case_id=case.id, youth_id=case.youth_id,
                               counselor_id=call.sender, direction="to_youth",
                               now=self.ctx.clock.now())
    log.info("A counselor's answer between sessions passed on to the youth")
    return say(self.lang, "followup.reply_sent", ref=case.ref)
