"""Routes each incoming event to the conversation it belongs to.

Rules that hold for every audience live here: only encrypted rooms are talked in, only 1:1
rooms are used for youths (youths must never see each other), the staff room is the staff's.
"""

from __future__ import annotations

import logging

from bot.domain.messages import plain
from bot.handlers import audit as _audit  # noqa: F401 - declares !audit
from bot.handlers import notify
from bot.handlers import reload_command as _reload_command  # noqa: F401 - declares !reload
from bot.handlers.context import Context
from bot.handlers.policy import RoomPolicy
from bot.handlers.reports import staff_room_command
from bot.handlers.session_rooms import SessionRooms
from bot.handlers.staff import StaffConversation
from bot.handlers.transport import Incoming, Invite, Membership
from bot.handlers.youth import YouthConversation
from bot.metrics import METRICS
from bot.storage import sessions as sessions_store
from bot.storage import sync_state as tstore
from bot.storage.faults import is_storage_fault

log = logging.getLogger(__name__)

class Router:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.youth = YouthConversation(ctx)
        self.sessions = SessionRooms(ctx, self.youth.appointments)
        self.staff = StaffConversation(ctx, self.sessions)
        self.policy = RoomPolicy(ctx)
        ctx.staff_guard = self.policy
        self.youth.desk.sessions = self.sessions
        self.staff.crisis = self.youth.desk  # type: ignore[attr-defined]  # !claim and co.

    async def counselor_dm(self, user_id: str) -> str:
        """The DM room with a counselor (opened if needed)."""
        room_id = await notify.counselor_dm(self.ctx, user_id)
        assert room_id is not None
        return room_id

    async def on_invite(self, invite: Invite) -> None:
        await self.policy.on_invite(invite)

    async def on_membership(self, member: Membership) -> None:
        if member.room_id == self.ctx.staff_room_id and self.ctx.staff_room_id is not None:
            await self.policy.guard_staff_room()
            return
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
            # Staff talk among themselves there; only the crisis-alert commands and !report
            # are answered.
            await self.youth.desk.in_staff_room(msg, self.staff)
            await staff_room_command(self.staff, msg)
            return
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
