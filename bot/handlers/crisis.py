"""The crisis net in the youth's conversation, and crisis alerts a counselor can act on.

Every text a youth sends is read (body, HTML, a file's caption, an edit's new text, and a
phrase split over up to three messages in a row). Two tiers: *acute* gets the crisis reply
and an alert at once; *concern* gets a direct question ("do you mean you don't want to live
any more?") — yes (or an acute message) is the acute path, no carries on where the youth was
and notes the concern on the case. A message that got a crisis reply is not an intake answer.

One open alert per case: another hit updates it (a short reply within `crisis.quiet_minutes`).
The reply says honestly whether someone of the team is on duty now (`on_duty_now`).
Counselors answer `!claim #REF` (staff room or DM): exactly one wins and the session-room
machinery opens an encrypted room with the youth. An alert nobody claimed within
`crisis.escalate_minutes` is raised again (a timer row, so it also runs late after downtime).
Nothing of the youth's words is logged or stored: alerts hold case, category, step and times.
"""

from __future__ import annotations

import html
import json
import logging
import re
from collections import deque
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from bot.domain import case_access, text_choice
from bot.domain import duty as duty_rules
from bot.domain.crisis import CrisisMatcher, CrisisResult
from bot.domain.intake import IntakeState
from bot.domain.messages import Message, plain
from bot.handlers.commands import Call, CommandSet, FreeText, Words, first_match
from bot.handlers.context import Context
from bot.handlers.notify import staff_language, tell_counselor
from bot.handlers.policy import post_to_staff
from bot.handlers.staff import STAFF, StaffConversation
from bot.handlers.transport import Incoming
from bot.metrics import METRICS
from bot.storage import alerts as store
from bot.storage import bookings, caseload, youths

if TYPE_CHECKING:
    from bot.handlers.session_rooms import SessionRooms
    from bot.storage.bookings import Timer

log = logging.getLogger(__name__)

# Timer kind: an alert still open `crisis.escalate_minutes` after it was raised.
ESCALATE = "crisis_escalate"
# Messages in a row read together for a split phrase: at most this many, this close.
SPLIT_SPAN = 3
SPLIT_WINDOW = timedelta(minutes=2)
# The commands that also work in the staff room.
STAFF_ROOM_COMMANDS = ("claim", "alerts", "close", "duty")

YES = Words("yes", {"nl": ("ja", "jah", "jawel", "ja dat bedoel ik", "misschien", "soms"),
                    "en": ("yes", "yeah", "yep", "maybe", "sometimes")})
NO = Words("no", {"nl": ("nee", "neen", "nee hoor", "nope", "nee dat niet"),
                  "en": ("no", "nah", "no not that")})
_TAGS = re.compile(r"<[^>]*>")


async def on_duty_now(ctx: Context) -> list[str]:
    """The counselors on duty now (see bot.domain.duty), in config order."""
    said = await store.duty(ctx.db)
    absences = await bookings.list_absences(ctx.db)
    return duty_rules.on_duty(ctx.config.scheduling, ctx.config.tz, ctx.clock.now(), said,
                              absences)


async def to_staff_room(ctx: Context, message: Message, case_id: int | None = None) -> None:
    """Every crisis notice for the staff room goes through the room policy's guard (never
    posted while someone who is not staff is in the room; held, tied to its case)."""
    await post_to_staff(ctx, message, case_id)


def html_text(formatted: str | None) -> str:
    """The text content of an HTML body."""
    if not formatted:
        return ""
    return html.unescape(_TAGS.sub(" ", formatted.replace("<br>", "\n")))


class CrisisDesk:
    def __init__(self, ctx: Context, matcher: CrisisMatcher) -> None:
        self.ctx = ctx
        self.matcher = matcher
        self.sessions: SessionRooms | None = None  # set by the router (for `!claim`)
        # Per youth, their last few texts for split phrases: in memory only, for at most
        # SPLIT_WINDOW, and deliberately never stored — no youth words at rest. (A restart
        # forgets them: a phrase split over a restart is read per message.) Whether the
        # concern question waits for an answer is stored (store.ask_question): it must
        # survive a restart, and it holds no words.
        # (time, event id, text). Changed only after the event's transaction commits: a
        # batch handled again after a storage fault or a kill must find the texts before
        # it as they were, not its own rolled-back copy or an emptied buffer.
        self._recent: dict[str, deque[tuple[datetime, str, str]]] = {}

    @property
    def cfg(self):  # type: ignore[no-untyped-def]
        return self.ctx.config.crisis

    def say(self, language: str | None, key: str, **values: str) -> Message:
        return self.ctx.config.catalogue.say(language, key, **values)

    def _languages(self, state: IntakeState) -> list[str]:
        """The youth's language; every language of the intake while none is chosen yet."""
        return text_choice.languages_for(self.ctx.config.intake, state)

    def _say_in(self, languages: list[str], key: str, **values: str) -> Message:
        return text_choice.in_languages(languages, lambda lang: self.say(lang, key, **values))

    async def _youth_languages(self, youth_id: str, case: youths.Case | None) -> list[str]:
        """For a text to a youth outside their own message (escalation, claim): the case's
        language once chosen, else every language of the intake."""
        default = self.ctx.config.default_language
        youth = await youths.get_youth(self.ctx.db, youth_id,
                                       IntakeState("new", None, default, {}))
        if youth is not None and len(languages := self._languages(youth.intake)) > 1:
            return languages
        if case is not None:
            return [case.language]
        return [youth.intake.language if youth is not None else default]

    # --- reading ------------------------------------------------------------------------

    def _texts(self, msg: Incoming) -> list[str]:
        texts = [msg.body] if msg.body.strip() else []
        extra = html_text(msg.formatted_body)
        if extra.strip() and extra.strip() != msg.body.strip():
            texts.append(extra)
        return texts

    def _read(self, youth_id: str, msg: Incoming) -> CrisisResult | None:
        texts = self._texts(msg)
        if not texts:
            return None
        now = self.ctx.clock.now()
        best: CrisisResult | None = None
        for text in texts:
            found = self.matcher.classify(text)
            if found is not None and (best is None or (found.acute and not best.acute)):
                best = found
        remember = False
        if msg.kind == "text" and (best is None or not best.acute):
            before = [t for at, event_id, t in self._recent.get(youth_id, ())
                      if now - at <= SPLIT_WINDOW and event_id != msg.event_id]
            joined = self.matcher.classify_recent([*before, msg.body],
                                                  span=SPLIT_SPAN)
            remember = True
            if joined is not None and (best is None or (joined.acute and not best.acute)):
                best = joined
        acute = best is not None and best.acute

        def after_commit() -> None:
            if acute:
                self._recent.pop(youth_id, None)  # read; not to be joined with what follows
            elif remember:
                recent = self._recent.setdefault(youth_id, deque(maxlen=SPLIT_SPAN))
                if all(event_id != msg.event_id for _, event_id, _ in recent):
                    recent.append((now, msg.event_id, msg.body))
            self._forget_old(now)

        self.ctx.db.after_commit(after_commit)
        return best

    def _forget_old(self, now: datetime) -> None:
        for user_id in [u for u, r in self._recent.items() if not r or now - r[-1][0] >
                        SPLIT_WINDOW]:
            del self._recent[user_id]

    # --- the youth's conversation -------------------------------------------------------

    async def check(
        self, msg: Incoming, youth: youths.Youth, case: youths.Case, state: IntakeState,
        resume: Callable[[], Awaitable[list[Message]]],
    ) -> bool:
        """Before anything else. True when the message was a crisis matter (then it is not
        an answer to anything else). `resume`: the messages that carry on where the youth
        was (e.g. the current intake question again). Before the youth chose a language,
        every text is in each language of the intake."""
        languages = self._languages(state)
        found = self._read(youth.user_id, msg)
        # Taken in this event's transaction: whatever comes now, the question is asked no
        # more (a rollback keeps it); older than the quiet period it is no question any more.
        asked = await store.take_question(self.ctx.db, youth.user_id, self.ctx.clock.now(),
                                          self.cfg.quiet_minutes * 60)
        if found is not None and found.acute:
            await self.acute(msg.room_id, youth, case, state, found.category)
            return True
        if asked is not None and msg.kind == "text":
            answer = first_match((YES, NO), msg.body)
            if answer == YES.name:
                await self.acute(msg.room_id, youth, case, state, asked.category)
                return True
            if answer == NO.name:
                await store.note_concern(self.ctx.db, case.id, youth.user_id, asked.category,
                                         state.step, self.ctx.clock.now())
                log.info("Concern noted on a case (category %s)", asked.category)
                await self._send(msg.room_id, [self._say_in(languages, "crisis.concern_no"),
                                               *(await resume())])
                return True
        if found is not None:
            # Concern: ask directly (again, if they write it again before answering).
            await store.ask_question(self.ctx.db, youth.user_id, case.id, found.category,
                                     self.ctx.clock.now())
            await self._send(msg.room_id, [self._say_in(languages, "crisis.concern_question")])
            METRICS.inc("chathulp_crisis_questions_total")
            log.info("Crisis concern: asked the direct question (category %s)", found.category)
            return True
        return False

    async def acute(self, room_id: str, youth: youths.Youth, case: youths.Case,
                    state: IntakeState, category: str) -> None:
        """The crisis reply, honest about who is there, and the case's one open alert (in
        each language of the intake while the youth chose none yet)."""
        languages = self._languages(state)
        now = self.ctx.clock.now()
        before = await store.open_for_case(self.ctx.db, case.id)
        alert, new = await store.raise_alert(self.ctx.db, case.id, youth.user_id, category,
                                             state.step, now)
        if new:
            # Durable before anything is sent: an escalation due while down is done late.
            due = now + timedelta(minutes=self.cfg.escalate_minutes)
            await bookings.add_timer(self.ctx.db, kind=ESCALATE, due=due, now=now,
                                     payload=json.dumps({"alert": alert.id}))
            if self.ctx.timers is not None:
                await self.ctx.timers.refresh()
        quiet = timedelta(minutes=self.cfg.quiet_minutes)
        last = None if before is None else (before.last_hit_at or before.created_at)
        recent = last is not None and now.timestamp() - last < quiet.total_seconds()
        on_duty = await on_duty_now(self.ctx)
        someone = bool(on_duty)
        if recent:
            key = "crisis.again_online" if someone else "crisis.again_nobody"
            await self._send(room_id, [self._say_in(languages, key)])
        else:
            online = "crisis.someone_online" if someone else "crisis.nobody_online"
            reply = text_choice.in_languages(
                languages, lambda lang: self.matcher.reply(lang) + self.say(lang, online))
            await self._send(room_id, [reply])
        label = self.matcher.labels.get(category, category)
        if new:
            notice = self.matcher.staff_alert(case.ref, category, state.step)
            notice = notice + self._duty_line(on_duty) + self.say(None, "crisis.alert_claim_hint",
                                                                  ref=case.ref)
            await to_staff_room(self.ctx, notice, case.id)
            METRICS.inc("chathulp_crisis_alerts_total")
            log.warning("Crisis alert raised (category %s)", category)
        elif not recent and alert.state == "open":
            await to_staff_room(self.ctx, self.say(None, "crisis.alert_again", ref=case.ref,
                                                   category=label, hits=str(alert.hits)),
                                case.id)
            log.warning("Crisis alert updated (category %s)", category)
        else:
            log.info("Crisis alert updated quietly (category %s)", category)

    def _duty_line(self, on_duty: list[str]) -> Message:
        if not on_duty:
            return self.say(None, "crisis.alert_nobody")
        return self.say(None, "crisis.alert_duty", names=", ".join(self._name(c) for c in on_duty))

    def _name(self, counselor_id: str) -> str:
        counselor = self.ctx.config.scheduling.counselor(counselor_id)
        return counselor.display_name if counselor else counselor_id

    async def _send(self, room_id: str, messages: list[Message]) -> None:
        for message in messages:
            await self.ctx.transport.send_notice(room_id, message)

    # --- escalation ---------------------------------------------------------------------

    async def on_timer(self, timer: Timer, lateness: timedelta) -> None:
        """An alert still open after `crisis.escalate_minutes`: raise it again, to the staff
        room and every admin, and tell the youth again to call 1813 or 112."""
        try:
            alert_id = int(json.loads(timer.payload or "{}")["alert"])
        except (ValueError, KeyError, TypeError):
            log.warning("Escalation timer %d without an alert", timer.id)
            return
        alert = await store.get_alert(self.ctx.db, alert_id)
        if alert is None or not await store.mark_escalated(self.ctx.db, alert_id,
                                                           self.ctx.clock.now()):
            return  # claimed or closed in time
        label = self.matcher.labels.get(alert.category, alert.category)
        minutes = int((self.ctx.clock.now().timestamp() - alert.created_at) // 60)
        values = {"ref": alert.ref, "category": label, "minutes": str(minutes)}
        await to_staff_room(self.ctx, self.say(None, "crisis.escalate_staff", **values),
                            alert.case_id)
        for admin in self.ctx.config.admins:
            await tell_counselor(self.ctx, admin, self.say(
                staff_language(self.ctx.config, admin), "crisis.escalate_staff", **values))
        if alert.youth_id:
            room_id = await youths.dm_room_of(self.ctx.db, alert.youth_id)
            case = None if alert.case_id is None else await youths.get_case(self.ctx.db,
                                                                           alert.case_id)
            if room_id:
                languages = await self._youth_languages(alert.youth_id, case)
                await self.ctx.transport.send_notice(
                    room_id, self._say_in(languages, "crisis.escalate_youth"))
        METRICS.inc("chathulp_crisis_escalations_total")
        log.warning("Crisis alert %d escalated (%d s late)", alert_id, lateness.total_seconds())

    # --- claiming -----------------------------------------------------------------------

    async def claim(self, counselor_id: str, ref: str, language: str | None = None) -> Message:
        alert = await store.by_ref(self.ctx.db, ref)
        if alert is None:
            return self.say(language, "crisis.no_alert", ref=ref)
        if alert.state == "closed":
            return self.say(language, "crisis.claim_closed", ref=ref)
        now = self.ctx.clock.now()
        if not await store.claim(self.ctx.db, alert.id, counselor_id, now):
            fresh = await store.get_alert(self.ctx.db, alert.id)
            if fresh is not None and fresh.state == "claimed" and fresh.claimed_by:
                return self.say(language, "crisis.claim_taken", ref=ref,
                                counselor=self._name(fresh.claimed_by))
            return self.say(language, "crisis.claim_closed", ref=ref)
        log.info("Crisis alert %d claimed", alert.id)
        await to_staff_room(self.ctx, self.say(None, "crisis.claim_taken", ref=ref,
                                               counselor=self._name(counselor_id)),
                            alert.case_id)
        if alert.case_id is not None and alert.youth_id:
            case = await youths.get_case(self.ctx.db, alert.case_id)
            room_id = await youths.dm_room_of(self.ctx.db, alert.youth_id)
            if room_id:
                youth_languages = await self._youth_languages(alert.youth_id, case)
                await self.ctx.transport.send_notice(
                    room_id, self._say_in(youth_languages, "crisis.youth_coming",
                                          counselor=self._name(counselor_id)))
            if case is not None and self.sessions is not None:
                slot = timedelta(minutes=self.ctx.config.scheduling.slot_minutes)
                booking_id = await store.crisis_booking(self.ctx.db, alert.case_id,
                                                        alert.youth_id, counselor_id, now,
                                                        now + slot, now)
                # Opened by a timer due now, once this claim has committed: never a room
                # created inside the event's transaction.
                await bookings.add_timer(self.ctx.db, kind=bookings.OPEN_SESSION, due=now,
                                         now=now, booking_id=booking_id)
                if self.ctx.timers is not None:
                    await self.ctx.timers.refresh()
        return self.say(language, "crisis.claim_won", ref=ref)

    async def list_open(self, language: str | None = None) -> Message:
        rows = await store.unfinished(self.ctx.db)
        if not rows:
            return self.say(language, "crisis.alerts_none")
        lines = [self.say(language, "crisis.alerts_title").plain]
        tz = self.ctx.config.tz
        for a in rows:
            when = datetime.fromtimestamp(a.created_at, tz).strftime("%d-%m %H:%M")
            state = (self.say(language, "crisis.state_open") if a.state == "open" else
                     self.say(language, "crisis.state_claimed",
                              counselor=self._name(a.claimed_by or "?")))
            label = self.matcher.labels.get(a.category, a.category)
            lines.append(self.say(language, "crisis.alerts_item", ref=a.ref, when=when,
                                  state=state.plain, category=label).plain)
        return plain("\n".join(lines))

    async def close(self, counselor_id: str, ref: str, note: str,
                    language: str | None = None) -> Message:
        alert = await store.by_ref(self.ctx.db, ref)
        if alert is None:
            return self.say(language, "crisis.no_alert", ref=ref)
        if not await self.may_close(alert, counselor_id):
            return self.say(language, "caseload.close_claimed", ref=ref,
                            counselor=self._name(alert.claimed_by or "?"))
        if not await store.close(self.ctx.db, alert.id, counselor_id, note,
                                 self.ctx.clock.now()):
            return self.say(language, "crisis.claim_closed", ref=ref)
        log.info("Crisis alert %d closed", alert.id)
        return self.say(language, "crisis.closed", ref=ref)

    async def may_close(self, alert: store.Alert, counselor_id: str) -> bool:
        """An open alert: any staff member (triage). A claimed one: who claimed it, the
        case's counselors by the one case-access rule, and admins."""
        if alert.state != "claimed" or alert.claimed_by in (None, counselor_id) \
                or counselor_id in self.ctx.config.admins:
            return True
        facts = None if alert.case_id is None else await caseload.facts(self.ctx.db,
                                                                         alert.case_id)
        cfg = self.ctx.config
        return case_access.may_act(facts, counselor_id, cfg.scheduling.by_id, cfg.admins)

    async def duty(self, counselor_id: str, word: str, language: str | None = None) -> Message:
        word = word.strip().lower()
        if word in ("on", "aan"):
            await store.set_duty(self.ctx.db, counselor_id, True, self.ctx.clock.now())
            return self.say(language, "crisis.duty_on")
        if word in ("off", "uit"):
            await store.set_duty(self.ctx.db, counselor_id, False, self.ctx.clock.now())
            return self.say(language, "crisis.duty_off")
        if word:
            return self.say(language, "crisis.duty_usage")
        on = await on_duty_now(self.ctx)
        if not on:
            return self.say(language, "crisis.duty_nobody")
        return self.say(language, "crisis.duty_now", names=", ".join(self._name(c) for c in on))

    async def in_staff_room(self, msg: Incoming, staff: StaffConversation) -> None:
        """`!claim`, `!alerts`, `!close` and `!duty` in the staff room, answered there."""
        if msg.kind != "text" or not self.ctx.is_staff(msg.sender):
            return
        split = CommandSet.split(msg.body)
        if split is None:
            return
        spec = STAFF.lookup(split[0])
        if spec is None or spec.name not in STAFF_ROOM_COMMANDS:
            return
        await staff.on_message(msg)


def _desk(conv: StaffConversation) -> CrisisDesk:
    desk = getattr(conv, "crisis", None)
    assert isinstance(desk, CrisisDesk), "the router gives the staff conversation its desk"
    return desk


def _ref(text: str) -> tuple[str | None, str]:
    """'#REF' (or a bare 'REF') as the first or last word: (ref, the rest)."""
    ref, rest = CommandSet.take_ref(text)
    if ref is None:
        ref, rest = CommandSet.take_ref(" ".join(f"#{w}" if i == 0 else w
                                                 for i, w in enumerate(text.split(" "))))
    return ref, rest


@STAFF.command("claim", words={"nl": ("opnemen",)}, args=(FreeText(required=False),))
async def _claim(self: StaffConversation, call: Call[StaffConversation]) -> Message:
    ref, _ = _ref(call.args["text"])
    if ref is None:
        return _desk(self).say(self.lang, "crisis.claim_ref")
    return await _desk(self).claim(call.sender, ref, self.lang)


@STAFF.command("alerts", words={"nl": ("alerts",)})
async def _alerts(self: StaffConversation, call: Call[StaffConversation]) -> Message:
    return await _desk(self).list_open(self.lang)


@STAFF.command("close", words={"nl": ("sluit",)}, args=(FreeText(required=False),))
async def _close(self: StaffConversation, call: Call[StaffConversation]) -> Message:
    ref, note = _ref(call.args["text"])
    if ref is None:
        return _desk(self).say(self.lang, "crisis.claim_ref")
    return await _desk(self).close(call.sender, ref, note, self.lang)


@STAFF.command("duty", words={"nl": ("dienst",)}, args=(FreeText(required=False),))
async def _duty(self: StaffConversation, call: Call[StaffConversation]) -> Message:
    return await _desk(self).duty(call.sender, call.args["text"], self.lang)


__all__ = ["ESCALATE", "CrisisDesk", "on_duty_now", "to_staff_room"]
