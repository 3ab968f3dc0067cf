"""`!report YYYY-MM`: an admin gets the month's figures — the summary as a table in the chat,
the PDF and the CSVs as encrypted attachments — in their DM with the bot or in the staff room.

Nothing here reads personal data: `bot.reports` hands over counts that are already suppressed.
"""

from __future__ import annotations

import asyncio
import logging

from bot.domain.messages import Message, esc
from bot.handlers.commands import Argument, Call, CommandSet, ParseEnv, Role, UsageError
from bot.handlers.notify import counselor_dm
from bot.handlers.staff import COMMAND_ROOM, STAFF, StaffConversation
from bot.handlers.transport import Incoming
from bot.reports import Report, chart_titles, period, render, report_for
from bot.storage import sync_state as tstore

log = logging.getLogger(__name__)


class Month(Argument):
    """A month, 'YYYY-MM'."""

    kind = "month"

    def parse(self, text: str, env: ParseEnv) -> tuple[str, str]:
        word = text.strip()
        if not word:
            raise UsageError()
        try:
            period(word, word, env.config.tz)
        except ValueError:
            raise UsageError("report.bad_month", text=" ".join(word.split())[:40]) from None
        return word, ""


def summary_message(report: Report) -> Message:
    """The summary as a two-column table (HTML) and aligned lines (plain)."""
    rows = report.summary.rows
    width = max(len(label) for label, _ in rows)
    plain_lines = [report.title, *(f"{label.ljust(width)}  {value}" for label, value in rows),
                   report.note]
    cells = "".join(f"<tr><td>{esc(label)}</td><td>{esc(value)}</td></tr>"
                    for label, value in rows)
    html = (f"<b>{esc(report.title)}</b><table><thead><tr><th>{esc(report.summary.columns[0])}"
            f"</th><th>{esc(report.summary.columns[1])}</th></tr></thead><tbody>{cells}</tbody>"
            f"</table><i>{esc(report.note)}</i>")
    return Message("\n".join(plain_lines), html)


async def _room_for(conv: StaffConversation, sender: str) -> str | None:
    """Where the files go: the staff room or the DM the command came from; never a session
    room (a youth may be in it) — then the admin's DM."""
    room = COMMAND_ROOM.get()
    if room is not None and (room == conv.ctx.staff_room_id
                             or await tstore.room_kind(conv.ctx.db, room) == "dm"):
        return room
    return await counselor_dm(conv.ctx, sender)


@STAFF.command("report", words={"nl": ("cijfers",), "en": ("figures",)}, args=(Month(),),
               role=Role.ADMIN, help="report.help")
async def _report(conv: StaffConversation, call: Call[StaffConversation]) -> Message:
    ctx = conv.ctx
    catalogue, lang = ctx.config.catalogue, conv.lang
    report = await report_for(ctx.db, ctx.config, call.args["month"])
    room = await _room_for(conv, call.sender)
    if room is None:
        return catalogue.say(lang, "report.failed")
    await ctx.transport.send_notice(room, summary_message(report))
    blobs = await asyncio.to_thread(render.files, report, chart_titles(ctx.config))
    sent = True
    for name, data in blobs.items():
        if name.endswith(".png"):
            continue  # the charts are in the PDF
        mimetype = "application/pdf" if name.endswith(".pdf") else "text/csv"
        sent = await ctx.transport.send_file(room, name, data, mimetype) is not None and sent
    log.info("Report sent (%d files)", len(blobs))
    key = "report.sent" if sent else "report.failed"
    return catalogue.say(lang, key, period=report.period)


async def staff_room_command(conv: StaffConversation, msg: Incoming) -> None:
    """In the staff room only `!report` is answered; the rest is the staff's own talk."""
    split = CommandSet.split(msg.body) if msg.kind == "text" else None
    if split is None:
        return
    spec = STAFF.lookup(split[0])
    if spec is not None and spec.name == "report":
        await conv.on_message(msg)
