"""`!audit` (admins): the audit trail — erasures, purges, deactivations, retention runs and
staff reads of a case (`case_read`: reader and case reference), with time and reason, never
whom they were about."""

from __future__ import annotations

from bot.domain.messages import Message, plain
from bot.handlers.commands import Call, Role
from bot.handlers.staff import STAFF, StaffConversation
from bot.storage import rights

SHOWN = 30


@STAFF.command("audit", words={"nl": ("logboek",)}, role=Role.ADMIN)
async def _audit(self: StaffConversation, call: Call[StaffConversation]) -> Message:
    trail = await rights.audit_trail(self.ctx.db, SHOWN)
    texts = self.ctx.config.catalogue
    if not trail:
        return texts.say(self.lang, "rights.audit_empty")
    lines = [texts.plain(self.lang, "rights.audit_title")]
    tz = self.ctx.config.tz
    for entry in trail:
        line = texts.plain(
            self.lang, "rights.audit_item", when=f"{entry.at.astimezone(tz):%Y-%m-%d %H:%M}",
            action=entry.action, reason=entry.reason, count=str(entry.count))
        if entry.actor:  # staff actions (e.g. `!case` reads): who
            line += " " + texts.plain(self.lang, "rights.audit_by", actor=entry.actor)
        lines.append(line)
    return plain("\n".join(lines))
