"""The youth's encrypted DM with the bot."""

from __future__ import annotations

import logging

from bot.domain.texts import plain
from bot.handlers.context import Context
from bot.matrix.events import Incoming

log = logging.getLogger(__name__)


class YouthConversation:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    async def on_message(self, msg: Incoming) -> None:
        texts = self.ctx.config.text(None)
        if msg.kind in ("reaction", "edit"):
            return  # a reaction or an edit is not a new answer
        if msg.kind in ("media", "other"):
            await self.ctx.transport.send_notice(msg.room_id, plain(texts.not_understood_media))
            return
        await self.ctx.transport.send_notice(msg.room_id, plain(texts.greeting))
