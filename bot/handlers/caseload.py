"""`!cases` and `!case #REF` in a counselor's DM with the bot: the caseload and one case.

Who may read a case is the one case-access rule (bot.domain.case_access): the case's
counselor, a stand-in for a session they stepped into, a colleague it was handed to — and,
read-only, an admin. Every `!case` read is written to the audit trail (`case_read`, or
`case_read_admin` for an admin who is not the case's counselor; a refused one as
`case_read_refused`) with the reader and the case reference, never the youth; `!audit` shows
it. A reference the reader may not read gets the same answer as one that does not exist.

Replies are HTML with a plain-text body, in the reader's language; whatever a youth or a
counselor wrote is escaped. No youth's Matrix id is ever part of a reply.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.domain import session_rules as rules
from bot.domain.case_access import Access
from bot.domain.messages import Message, esc
from bot.domain.when import short_when
from bot.handlers.commands import Argument, Call, ParseEnv, UsageError
from bot.handlers.staff import STAFF, StaffConversation
from bot.storage import caseload as store
from bot.storage import rights
from bot.texts import Catalogue

CASES_PER_PAGE = 15
NOTES_PER_PAGE = 10


class Page(Argument):
    """An optional page number (1 when left out)."""

    kind = "page"

    def __init__(self) -> None:
        super().__init__(required=False)

    def parse(self, text: str, env: ParseEnv) -> tuple[int, str]:
        word, _, rest = text.strip().partition(" ")
        if not word:
            return 1, ""
        if not (word.isascii() and word.isdigit()) or int(word) < 1:
            raise UsageError("caseload.bad_page", text=word[:20])
        return int(word), rest.strip()


class CaseRef(Argument):
    """A case reference, '#K7Q-4MX' (the '#' may be left out), as the first word."""

    kind = "case"

    def label(self, texts: Catalogue, language: str) -> str:
        return texts.get(language, "commands.arg_case").strip("[]")  # required here

    def parse(self, text: str, env: ParseEnv) -> tuple[str, str]:
        word, _, rest = text.strip().partition(" ")
        ref = rules.case_ref(word) or rules.case_ref(f"#{word}") if word else None
        if ref is None:
            raise UsageError()
        return ref, rest.strip()


class _Out:
    """A reply built of sections: plain lines and safe HTML side by side."""

    def __init__(self) -> None:
        self.plain: list[str] = []
        self.html: list[str] = []

    def heading(self, message: Message) -> None:
        if self.plain:
            self.plain.append("")
        self.plain.append(message.plain)
        self.html.append(f"<p><b>{message.html}</b></p>")

    def items(self, messages: list[Message]) -> None:
        self.plain += [f"• {m.plain}".replace("\n", "\n  ") for m in messages]
        if messages:
            self.html.append("<ul>" + "".join(f"<li>{m.html}</li>" for m in messages) + "</ul>")

    def line(self, message: Message) -> None:
        self.plain.append(message.plain)
        self.html.append(f"<p>{message.html}</p>")

    def message(self) -> Message:
        return Message("\n".join(self.plain), "".join(self.html))


def _pages(total: int, per_page: int) -> int:
    return max(1, -(-total // per_page))


class CaseView:
    """Renders the caseload and one case for one reader, in their language."""

    def __init__(self, conv: StaffConversation) -> None:
        self.conv = conv
        self.ctx = conv.ctx
        self.lang = conv.lang
        self.catalogue = conv.ctx.config.catalogue

    def t(self, key: str, **values: str) -> Message:
        return self.catalogue.say(self.lang, f"caseload.{key}", **values)

    def name(self, counselor_id: str | None) -> str:
        if counselor_id is None:
            return self.t("unknown").plain
        return self.conv.sessions.booking.name(counselor_id)

    def short(self, at: datetime | None) -> str:
        if at is None:
            return self.t("none").plain
        return short_when(at, self.ctx.config.tz, self.lang)

    def day(self, at: datetime) -> str:
        return f"{at.astimezone(self.ctx.config.tz):%d-%m-%Y %H:%M}"

    def answer(self, step: str, value: str | None) -> str:
        """The label of an intake answer (a topic, a municipality) in the reader's language."""
        if not value:
            return self.t("unknown").plain
        described = self.conv.sessions.appointments.flow.describe({step: value}, self.lang)
        return described[0][1] if described else value

    # --- !cases -----------------------------------------------------------------------------

    def caseload(self, items: list[store.CaseloadItem], page: int) -> Message:
        if not items:
            return self.t("cases_none")
        pages = _pages(len(items), CASES_PER_PAGE)
        page = min(page, pages)
        shown = items[(page - 1) * CASES_PER_PAGE: page * CASES_PER_PAGE]
        out = _Out()
        out.heading(self.t("cases_title", count=str(len(items)), page=str(page),
                           pages=str(pages)))
        out.items([self.t(
            "cases_item", ref=f"#{i.ref}", topic=self.answer("topic", i.topic),
            municipality=self.answer("municipality", i.municipality),
            last=self.short(i.last_session), next=self.short(i.next_session),
            alerts=self.t("cases_alerts", count=str(i.open_alerts)).plain
            if i.open_alerts else "") for i in shown])
        if page < pages:
            out.line(self.t("more", command=f"!cases {page + 1}"))
        return out.message()

    # --- !case ------------------------------------------------------------------------------

    def case(self, record: store.CaseRecord, page: int, labels: dict[str, str]) -> Message:
        case = record.case
        out = _Out()
        out.heading(self.t(
            "case_title", ref=f"#{case.ref}", status=self.t(f"status_{case.status}").plain,
            opened=self.day(record.opened_at), counselor=self.name(case.counselor_id),
            topic=self.answer("topic", case.topic),
            municipality=self.answer("municipality", case.municipality)))
        notes_pages = _pages(len(record.notes), NOTES_PER_PAGE)
        page = min(page, notes_pages)
        if page == 1:
            self._intake(out, record)
            self._sessions(out, record)
        self._notes(out, record, page, notes_pages)
        if page == 1:
            self._handovers(out, record)
            self._alerts(out, record, labels)
        return out.message()

    def _intake(self, out: _Out, record: store.CaseRecord) -> None:
        out.heading(self.t("intake_title"))
        flow = self.conv.sessions.appointments.flow
        described = flow.describe(record.case.answers, self.lang)
        lines = [_pair(label, value) for label, value in described]
        if record.case.free_text:
            lines.append(_pair(self.t("story_label").plain, record.case.free_text))
        out.items(lines or [self.t("none")])

    def _sessions(self, out: _Out, record: store.CaseRecord) -> None:
        out.heading(self.t("sessions_title"))
        cfg = self.ctx.config.session
        lines = []
        for s in record.sessions:
            if s.outcome:
                outcome = rules.outcome_label(cfg, s.outcome, self.lang)
            elif s.status == "no_show":
                outcome = rules.outcome_label(cfg, "no-show", self.lang)
            elif s.status == "missed":
                outcome = self.t("session_missed").plain
            else:
                outcome = self.t("session_not_ended").plain
            counselor = self.name(s.counselor_id)
            if s.standin_for:
                counselor += f" ({self.t('standin', counselor=self.name(s.standin_for)).plain})"
            lines.append(self.t("session_item", when=self.day(s.start), counselor=counselor,
                                outcome=outcome))
        lines += [self.t("upcoming_item", when=self.day(s.start),
                         counselor=self.name(s.counselor_id)) for s in record.upcoming]
        out.items(lines or [self.t("none")])

    def _notes(self, out: _Out, record: store.CaseRecord, page: int, pages: int) -> None:
        out.heading(self.t("notes_title", page=str(page), pages=str(pages)))
        shown = record.notes[(page - 1) * NOTES_PER_PAGE: page * NOTES_PER_PAGE]
        out.items([self.t("note_item", when=self.day(n.at), counselor=self.name(n.counselor_id),
                          text=n.body) for n in shown] or [self.t("none")])
        if page < pages:
            out.line(self.t("more", command=f"!case #{record.case.ref} {page + 1}"))

    def _handovers(self, out: _Out, record: store.CaseRecord) -> None:
        out.heading(self.t("handovers_title"))
        out.items([self.t("handover_item", when=self.day(h.at), counselor=self.name(h.from_id),
                          colleague=self.name(h.to_id),
                          state=self.t(f"handover_{h.state}").plain)
                   for h in record.handovers] or [self.t("none")])

    def _alerts(self, out: _Out, record: store.CaseRecord, labels: dict[str, str]) -> None:
        out.heading(self.t("alerts_title"))
        lines = []
        for a in record.alerts:
            state = (self.t("alert_claimed", counselor=self.name(a.claimed_by))
                     if a.state == "claimed" else self.t(f"alert_{a.state}"))
            lines.append(self.t("alert_item", when=self.day(a.at),
                                kind=self.t(f"alert_{a.tier}").plain,
                                category=labels.get(a.category, a.category),
                                state=state.plain, hits=str(a.hits)))
        out.items(lines or [self.t("none")])


def _pair(label: str, value: str) -> Message:
    """'label: value', the label bold in HTML; both escaped."""
    return Message(f"{label}: {value}",
                   f"<b>{esc(label)}</b>: {esc(value).replace(chr(10), '<br>')}")


def _labels(conv: StaffConversation) -> dict[str, str]:
    """The crisis categories' labels (ids when the crisis desk is not there)."""
    desk: Any = getattr(conv, "crisis", None)
    matcher = getattr(desk, "matcher", None)
    return dict(getattr(matcher, "labels", {}) or {})


@STAFF.command("cases", words={"nl": ("dossiers",)}, args=(Page(),),
               help="caseload.help_cases")
async def _cases(self: StaffConversation, call: Call[StaffConversation]) -> Message:
    db = self.ctx.db
    items: list[store.CaseloadItem] = []
    for case_id in await store.candidate_cases(db, call.sender):
        facts = await store.facts(db, case_id)
        if await self.access(call.sender, facts) is not Access.ACT:
            continue
        item = await store.caseload_item(db, case_id)
        if item is not None:
            items.append(item)
    # Open alerts first, then the next session soonest, then the last session latest.
    items.sort(key=lambda i: (i.open_alerts == 0,
                              i.next_session.timestamp() if i.next_session else float("inf"),
                              -(i.last_session.timestamp() if i.last_session else 0), -i.case_id))
    return CaseView(self).caseload(items, call.args["page"])


@STAFF.command("case", words={"nl": ("dossier",)}, args=(CaseRef(), Page()),
               help="caseload.help_case")
async def _case(self: StaffConversation, call: Call[StaffConversation]) -> Message:
    db = self.ctx.db
    ref: str = call.args["case"]
    facts = await store.facts_by_ref(db, ref)
    access = await self.access(call.sender, facts)
    now = self.ctx.clock.now()
    record = None if facts is None or access is Access.NONE else await store.record(
        db, facts.case_id)
    if record is None:
        await rights.audit(db, "case_read_refused", f"#{ref}", now, actor=call.sender)
        return self.say("unknown_case", ref=ref)
    action = "case_read" if access is Access.ACT else "case_read_admin"
    await rights.audit(db, action, f"#{record.case.ref}", now, actor=call.sender)
    return CaseView(self).case(record, call.args["page"], _labels(self))

