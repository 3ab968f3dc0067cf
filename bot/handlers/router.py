"""Routes each incoming event to the conversation it belongs to.

Rules that hold for every audience live here: only encrypted rooms are talked in, only 1:1
rooms are used for youths (youths must never see each other), the staff room is the staff's.
"""

from __future__ import annotations

import logging

from bot.domain.texts import plain
from bot.handlers import notify
from bot.handlers.context import Context
from bot.handlers.sessions import SessionRooms
from bot.handlers.staff import StaffConversation
from bot.handlers.transport import Incoming, Invite, Membership
from bot.handlers.youth import YouthConversation
from bot.metrics import METRICS
from bot.storage import sessions as sessions_store
from bot.storage import transport as tstore
from bot.storage.faults import is_storage_fault

log = logging.getLogger(__name__)

class Router:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.youth = YouthConversation(ctx)
        self.sessions = SessionRooms(ctx, self.youth.appointments)
        self.staff = StaffConversation(ctx, self.sessions)

    async def counselor_dm(self, user_id: str) -> str:
        """The DM room with a counselor (opened if needed)."""
        room_id = await notify.counselor_dm(self.ctx, user_id)
        assert room_id is not None
        return room_id

    async def on_invite(self, invite: Invite) -> None:
        ok = await self.ctx.transport.join(invite.room_id)
        if ok:
            kind = "staff" if invite.room_id == self.ctx.staff_room_id else "dm"
            await tstore.remember_room(self.ctx.db, invite.room_id, kind, invite.inviter)
            log.info("Joined a room (%s)", kind)

    async def on_membership(self, member: Membership) -> None:
        if member.membership != "join" or member.previous == "join":
            return
        if member.user_id == self.ctx.transport.user_id:
            return
        kind = await tstore.room_kind(self.ctx.db, member.room_id)
        if kind == "session":
            await self.sessions.on_membership(member)
        elif kind == "dm" and not self.ctx.is_staff(member.user_id):
            await self.youth.on_join(member.room_id, member.user_id)

    async def on_undecryptable(self, room_id: str, sender: str) -> None:
        if room_id == self.ctx.staff_room_id:
            return
        # Who wrote is not known here, nor their language: the default says it in both.
        text = self.ctx.config.text(None).undecryptable
        await self.ctx.transport.send_notice(room_id, plain(text))

    async def _in_session(self, msg: Incoming) -> None:
        if msg.kind != "text":
            return
        session = await sessions_store.by_room(self.ctx.db, msg.room_id)
        if session is None:
            return
        if msg.sender == session.counselor_id and msg.body.lstrip().startswith("!"):
            await self.staff.on_message(msg)
        elif msg.sender == session.youth_id:
            await self.youth.crisis_check(msg)

    async def on_message(self, msg: Incoming) -> None:
        if msg.room_id == self.ctx.staff_room_id:
            return  # staff talk among themselves there; commands come in their DMs
        if not msg.room_encrypted:
            if await tstore.warn_once(self.ctx.db, msg.room_id):
                text = self.ctx.config.text(None).unencrypted_room
                await self.ctx.transport.send_notice(msg.room_id, plain(text), allow_plaintext=True)
            return
        kind = await tstore.room_kind(self.ctx.db, msg.room_id)
        if kind == "session":
            # Only with session.bot_stays is the bot still here: commands and the crisis net.
            await self._in_session(msg)
            return
        if msg.member_count > 2:
            if await tstore.warn_once(self.ctx.db, msg.room_id):
                text = self.ctx.config.text(None).group_room
                await self.ctx.transport.send_notice(msg.room_id, plain(text))
            return
        try:
            # A savepoint inside the event's transaction: a bug undoes the half-done change.
            async with tstore.atomically(self.ctx.db):
                if self.ctx.is_staff(msg.sender):
                    await self.staff.on_message(msg)
                else:
                    await self.youth.on_message(msg)
        except Exception as exc:
            if is_storage_fault(exc):
                raise  # not handled: the sync loop holds the event back until storage works
            # Never leave a youth without an answer because of a bug; never leak a traceback.
            log.exception("Handling a message failed")
            METRICS.inc("chathulp_errors_total")
            text = self.ctx.config.text(None).crash
            await self.ctx.transport.send_notice(msg.room_id, plain(text))
