"""Erasing a youth: on their request (`vergeet mij`) or when retention says so.

Upcoming bookings are cancelled through the booking service (the counselor is told, without
details), every row about the youth goes (`bot.storage.rights.ERASURE`), and with a homeserver
admin token their session rooms are queued for purging in the same transaction (the purge
queue, bot/purges.py, works them off and audits each once Synapse confirms it) and an
account the service made is deactivated. The audit trail gets what happened and why, never
who.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.handlers.context import Context
from bot.reports import retain_youth
from bot.storage import bookings, rights, youths

if TYPE_CHECKING:
    from bot.services.booking import BookingService

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Erased:
    youth_id: str
    rows: int
    # Session rooms queued for purging from the homeserver (purged in the background), and
    # those that stay there (no admin token).
    rooms_to_purge: int
    rooms_kept: int
    # The service made this account and the youth asked: deactivate it (`deactivate`) once
    # the youth has read the confirmation.
    account_ours: bool


class Eraser:
    def __init__(self, ctx: Context, booking: BookingService | None) -> None:
        self.ctx = ctx
        self.booking = booking

    async def erase(self, youth_id: str, reason: str, *, by_request: bool = True) -> Erased:
        """`by_request`: the youth asked (their account, if the service made it, is to be
        deactivated: `deactivate`); else retention (the account follows its own retention)."""
        ctx = self.ctx
        upcoming = await bookings.active_booking(ctx.db, youth_id)
        if upcoming is not None and self.booking is not None:
            case = await youths.get_case(ctx.db, upcoming.case_id)
            await self.booking.cancel(upcoming, case.ref if case else "")
        data = await rights.youth_data(ctx.db, youth_id)
        ours = await rights.is_service_account(ctx.db, youth_id)
        now = ctx.clock.now()
        # The figures for funders keep the youth's anonymous counts, and the session rooms
        # to purge are queued (same transaction).
        purge = ctx.admin is not None
        rows = await rights.erase_youth(
            ctx.db, youth_id, keep_account=not by_request,
            before=lambda: retain_youth(ctx.db, youth_id, ctx.config.tz),
            purge_reason=reason if purge else None, now=now)
        if ctx.timers is not None:
            await ctx.timers.refresh()
        queued = len(set(data.session_rooms)) if purge else 0
        if queued and ctx.purges is not None:
            ctx.db.after_commit(ctx.purges.kick)
        await rights.audit(ctx.db, "erasure", reason, now)
        log.info("Erased a youth (%s): %d rows, %d of %d session rooms queued for purging",
                 reason, rows, queued, len(data.session_rooms))
        return Erased(youth_id, rows, queued, len(set(data.session_rooms)) - queued,
                      ours and by_request)

    async def deactivate(self, erased: Erased, reason: str) -> bool:
        """Deactivate (and have the homeserver erase) the account the service made."""
        if not erased.account_ours or self.ctx.admin is None:
            return False
        if not await self.ctx.admin.deactivate(erased.youth_id):
            return False
        await rights.audit(self.ctx.db, "deactivation", reason, self.ctx.clock.now())
        return True
