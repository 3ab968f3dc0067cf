"""Outside opening hours: a youth who writes while the service is closed is told so at once —
that nobody of the team is reading, when it opens again, the lines open day and night, and
that the intake and booking work already. Once per closed period (not on every message)."""

from __future__ import annotations

from datetime import timedelta

from bot.domain.messages import Message
from bot.domain.opening import is_open, next_opening
from bot.domain.referrals import always_open_block
from bot.domain.text_choice import in_languages
from bot.domain.when import format_when
from bot.handlers.context import Context
from bot.storage import referrals as store

# Without any opening ahead, the notice comes at most once a day.
_NO_OPENING_REPEAT = timedelta(days=1)


async def closed_notice(ctx: Context, user_id: str,
                        language: str | list[str] | None) -> Message | None:
    """The notice when the service is closed now and the youth was not told yet in this
    closed period; None otherwise. Notes that it was told. A list of languages (the youth
    chose none yet): the notice in each, in order."""
    now = ctx.clock.now()
    cfg, tz = ctx.config.scheduling, ctx.config.tz
    if is_open(cfg, tz, now):
        return None
    told = await store.closed_told_until(ctx.db, user_id)
    if told is not None and now.timestamp() < told:
        return None
    opens = next_opening(cfg, tz, now)
    await store.mark_closed_told(ctx.db, user_id, opens or now + _NO_OPENING_REPEAT)
    catalogue = ctx.config.catalogue

    def notice(language: str | None) -> Message:
        lang = catalogue.lang(language)
        lines = always_open_block(ctx.config.referrals, lang)
        if opens is None:
            return catalogue.say(lang, "closed_no_opening", lines=lines)
        return catalogue.say(lang, "closed_now", when=format_when(opens, tz, lang, now),
                             lines=lines)

    return in_languages(language if isinstance(language, list) else [language], notice)
