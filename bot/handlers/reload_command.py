"""`!reload` (admins, in their DM with the bot): read the config file again and apply it
(bot/reload.py). The reply says what changed, or why the file was refused (which key, which
line, what is expected) — then the running config stays."""

from __future__ import annotations

import logging

from bot.domain.messages import Message, plain
from bot.handlers.commands import Call, Role
from bot.handlers.staff import STAFF, StaffConversation

log = logging.getLogger(__name__)


@STAFF.command("reload", words={"nl": ("herlaad", "herladen")}, role=Role.ADMIN)
async def _reload(self: StaffConversation, call: Call[StaffConversation]) -> Message:
    reloader = self.ctx.reloader
    if reloader is None:
        return self.ctx.config.catalogue.say(self.lang, "commands.reload_unavailable")
    log.info("An admin asked for a config reload")
    result = await reloader.reload("!reload")
    # The config in effect now (the new one when it was applied) says it.
    texts, lang = self.ctx.config.catalogue, self.ctx.config.default_language
    if not result.ok:
        return plain(texts.plain(lang, "commands.reload_refused", problems=result.problems))
    nobody = texts.plain(lang, "commands.reload_nobody")
    lines = [texts.plain(lang, "commands.reload_done",
                         added=", ".join(result.added) or nobody,
                         removed=", ".join(result.removed) or nobody)]
    if result.orphaned_bookings:
        lines.append(texts.plain(lang, "commands.reload_orphaned",
                                 count=str(result.orphaned_bookings)))
    if result.restart_keys:
        lines.append(texts.plain(lang, "commands.reload_restart",
                                 keys=", ".join(result.restart_keys)))
    return plain("\n".join(lines))
