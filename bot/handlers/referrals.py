"""Referrals to a line of the directory: a counselor's `!end referred <line>` records where to
(the figures count it per line) and the youth gets that line's details in their language."""

from __future__ import annotations

import logging

from bot.domain.referrals import line_text
from bot.handlers.context import Context
from bot.storage import referrals as store
from bot.storage import youths
from bot.storage.sessions import Session

log = logging.getLogger(__name__)


def line_name(ctx: Context, line_id: str, language: str | None) -> str:
    line = ctx.config.referrals.line(line_id)
    if line is None:
        return line_id
    lang = ctx.config.catalogue.lang(language)
    return line.name.get(lang) or next(iter(line.name.values()))


async def refer(ctx: Context, session: Session, line_id: str) -> None:
    """Record the line on the session's booking and send the youth its details."""
    await store.set_referred_to(ctx.db, session.booking_id, line_id)
    line = ctx.config.referrals.line(line_id)
    case = await youths.get_case(ctx.db, session.case_id)
    room = await youths.dm_room_of(ctx.db, session.youth_id)
    if line is None or case is None or room is None:
        return
    lang = ctx.config.catalogue.lang(case.language)
    await ctx.transport.send_notice(room, ctx.config.catalogue.say(
        lang, "session.referred_youth", line=line_name(ctx, line_id, lang),
        lines=line_text(line, lang)))
    log.info("Session ended with a referral to a directory line")
