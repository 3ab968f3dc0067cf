"""Reaching counselors: their DM with the bot (opened by the bot when there is none yet)."""

from __future__ import annotations

import logging

from bot.config.models import Config
from bot.domain.messages import Message
from bot.handlers.context import Context
from bot.handlers.policy import dm_levels
from bot.storage import sync_state as tstore

log = logging.getLogger(__name__)


def staff_language(config: Config, user_id: str | None) -> str:
    """The language of command replies and notices to one staff member: their counselor
    config's `language`, else the first of their `languages` that has texts, else the
    service's default language (admins who are no counselor, anyone unknown)."""
    counselor = None if user_id is None else config.scheduling.counselor(user_id)
    known = config.catalogue.languages
    if counselor is not None:
        for language in [counselor.language, *counselor.languages]:
            if language in known:
                return language
    return config.default_language


async def counselor_dm(ctx: Context, user_id: str) -> str | None:
    """The DM room with a counselor: the newest one the bot is in, or a new encrypted one."""
    for room_id in await tstore.dm_rooms_of(ctx.db, user_id):
        room = ctx.transport.room_info(room_id)
        if room is not None and room.encrypted and room.member_count <= 2:
            return room_id
    try:
        # History from the invite on: notices sent before the counselor joins stay readable.
        room_id = await ctx.transport.create_room(
            invite=[user_id], is_direct=True, history_visibility="invited",
            power_levels=await dm_levels(ctx, user_id),
        )
    except RuntimeError:
        log.exception("Could not open a DM with a counselor")
        return None
    await tstore.remember_room(ctx.db, room_id, "dm", user_id)
    return room_id


async def tell_counselor(ctx: Context, user_id: str, message: Message) -> None:
    """Queued, not awaited: the DM may be brand new and only usable after the next sync.

    With the durable outbox, `post` writes the notice as a row in the running transaction,
    so a crash loses no notice. (The transport's `send_to_user`, where the outbox opens the
    DM itself, is not used yet: a DM it opened got the room key before the counselor's
    devices were known in tests/integration/test_booking.py.)
    """
    room_id = await counselor_dm(ctx, user_id)
    if room_id is not None:
        ctx.transport.post(room_id, message)
