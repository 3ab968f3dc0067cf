"""Counselors' and admins' DMs with the bot."""

from __future__ import annotations

from bot.domain.texts import plain
from bot.handlers.context import Context
from bot.matrix.events import Incoming

STAFF_HELP = (
    "Hi! I'm the chathulp bot. Booking notices and crisis alerts reach you here and in the "
    "staff room."
)


class StaffConversation:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    async def on_message(self, msg: Incoming) -> None:
        if msg.kind != "text":
            return
        await self.ctx.transport.send_notice(msg.room_id, plain(STAFF_HELP))
