"""Room policy: which rooms the bot joins, who may stay in the staff room, and one guard for
every post into the staff room.

The rule for an invite (decided before joining, from what the homeserver tells an invitee —
the invite's `is_direct` flag and the room summary: encryption and joined members, the same
facts as the invite's stripped state):

1. the staff room of the config (or the one the bot made) is always joined;
2. more than `matrix.invites_per_hour` invites from one user in the last hour: ignored (no
   answer at all — a flood gets no reaction; `chathulp_invites_ignored_total`);
3. not marked as a direct chat → declined, the reason says "one-to-one chats only";
4. otherwise joined: an encrypted one-to-one DM (a youth's intake, a counselor's DM) stays;
   a room that turns out not to be encrypted, or to have someone besides the inviter in it,
   is left at once with a short notice ("start an encrypted chat", "one-to-one chats only").
   The room summary (encryption, joined members) is only trusted when it says "encrypted,
   nobody else": Synapse answers it from room statistics that lag behind (a fresh DM was
   once counted with two joined members), so a "no" is checked against the room's own
   state after joining rather than declined on.
The decline's notice is the reason of the rejection, which clients show beside the invite.

Rooms the bot creates let nobody but the bot invite (`dm_power_levels`, `staff_power_levels`);
session rooms let the counselor (50) invite, never the youth (bot/domain/session_rules.py).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import defaultdict
from typing import Any

from bot.domain.messages import Message, plain
from bot.handlers.context import Context
from bot.handlers.transport import Invite
from bot.metrics import METRICS
from bot.storage import intents
from bot.storage import sync_state as tstore

log = logging.getLogger(__name__)

BOT_LEVEL = 100
# Seconds to wait, after removing someone from the staff room, for the client to see it.
RELEASE_WAIT = 60
STAFF_LEVEL = 50


def dm_power_levels(bot_id: str, user_id: str, *, creators_have_power: bool) -> dict[str, Any]:
    """A DM the bot opens: the other user can talk but not invite, kick or change state."""
    users = {} if creators_have_power else {bot_id: BOT_LEVEL}
    return {"users": {**users, user_id: 0}, "users_default": 0, "events_default": 0,
            "state_default": BOT_LEVEL, "invite": BOT_LEVEL, "kick": BOT_LEVEL,
            "ban": BOT_LEVEL, "redact": BOT_LEVEL}


async def dm_levels(ctx: Context, user_id: str) -> dict[str, Any]:
    """`dm_power_levels` for a DM the bot opens with `user_id` now."""
    creators = await ctx.transport.creators_have_power()
    return dm_power_levels(ctx.transport.user_id, user_id, creators_have_power=creators)


def staff_power_levels(bot_id: str, staff: list[str], *,
                       creators_have_power: bool) -> dict[str, Any]:
    """The staff room the bot makes: staff are moderators (50) but only the bot invites."""
    users: dict[str, int] = {} if creators_have_power else {bot_id: BOT_LEVEL}
    users.update({user: STAFF_LEVEL for user in staff})
    return {"users": users, "users_default": 0, "events_default": 0,
            "state_default": BOT_LEVEL, "invite": BOT_LEVEL, "kick": BOT_LEVEL,
            "ban": BOT_LEVEL, "redact": STAFF_LEVEL}


async def post_to_staff(ctx: Context, message: Message, case_id: int | None = None) -> bool:
    """Every post into the staff room goes through here (see `RoomPolicy.post_to_staff`).
    `case_id`: the case the post is about (a held post is erased with the youth)."""
    if ctx.staff_guard is not None:
        return await ctx.staff_guard.post_to_staff(message, case_id)
    if ctx.staff_room_id is None:
        return False
    await ctx.transport.send_notice(ctx.staff_room_id, message)
    return True


class RoomPolicy:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        # Per inviter: the rooms they invited the bot to in the last hour, first seen when.
        self._invites: dict[str, dict[str, float]] = defaultdict(dict)
        self._tasks: set[asyncio.Task[None]] = set()
        self._removing: set[str] = set()  # staff-room removals decided, not made yet
        self._watching = False  # a task waits for the room to be clean (`_release_when_clean`)

    # --- invites ------------------------------------------------------------------------

    def _flooding(self, inviter: str, room_id: str) -> bool:
        """Too many rooms from one inviter in an hour. The same invite handled again (a sync
        batch re-delivered after a storage fault or a kill, every 2 s while the disk is
        full) is the same room: counting each delivery made a youth whose first invite came
        during a fault "a flood", and their DM was never joined."""
        now = time.monotonic()
        seen = self._invites[inviter]
        for room, first in list(seen.items()):
            if now - first > 3600:
                del seen[room]
        if room_id in seen:
            return False
        if len(seen) >= self.ctx.config.matrix.invites_per_hour:
            return True
        seen[room_id] = now
        return False

    async def on_invite(self, invite: Invite) -> None:
        ctx = self.ctx
        if invite.room_id == ctx.staff_room_id:
            await self._join(invite, "staff")
            return
        if invite.inviter is None or self._flooding(invite.inviter, invite.room_id):
            METRICS.inc("chathulp_invites_ignored_total")
            log.warning("Ignoring an invite: too many invites from one user")
            return
        texts = ctx.config.text(None)
        if not invite.is_direct:
            await self._decline(invite, texts.group_room, "not a direct chat")
            return
        summary = await ctx.transport.invite_summary(invite.room_id)
        trusted = summary is not None and summary.encrypted and summary.joined_members <= 1
        # A summary that says "not encrypted" or "someone else joined" is not trusted to
        # decline on: Synapse answers it from its room statistics, which are updated in the
        # background (seen in CI: a youth's fresh one-to-one DM counted with two joined
        # members, and the invite was declined; the youth would never have been answered).
        # The room's own state, once joined, decides; a group or unencrypted room is left
        # at once with the same short notice.
        if await self._join(invite, "dm") and not trusted:
            self._spawn(self._check_joined(invite.room_id))

    async def _join(self, invite: Invite, kind: str) -> bool:
        # Recorded before the join is made: a kill right after the join went through left the
        # room unknown to the database for good (seen in the crash drill: after the restart
        # the room came as joined, with no invite to handle again), and erasing the youth
        # then missed that room's rows. A record of a join that failed is harmless (the bot
        # is not in that room).
        await tstore.remember_room(self.ctx.db, invite.room_id, kind, invite.inviter)
        ok = await self.ctx.transport.join(invite.room_id)
        if ok:
            log.info("Joined a room (%s)", kind)
        return ok

    async def _decline(self, invite: Invite, reason: str, why: str) -> None:
        METRICS.inc("chathulp_invites_declined_total")
        log.info("Declined an invite (%s)", why)
        await self.ctx.transport.leave(invite.room_id, reason=reason)

    async def _check_joined(self, room_id: str) -> None:
        """No summary to trust before joining: look at the room once the client knows it."""
        transport = self.ctx.transport
        if not await transport.wait_for_room(room_id):
            return
        info = transport.room_info(room_id)
        if info is None:
            return
        texts = self.ctx.config.text(None)
        if not info.encrypted:
            await transport.send_notice(room_id, plain(texts.unencrypted_room),
                                        allow_plaintext=True)
        elif info.member_count > 2:
            await transport.send_notice(room_id, plain(texts.group_room))
        else:
            return
        METRICS.inc("chathulp_invites_declined_total")
        log.info("Left a room that is no encrypted one-to-one chat")
        await transport.leave(room_id)

    def _spawn(self, coro: Any) -> None:
        task = asyncio.create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # --- the staff room -----------------------------------------------------------------

    def intruders(self) -> set[str] | None:
        """Members (joined or invited) of the staff room who are not staff; None when the
        bot does not know the room's members."""
        room_id = self.ctx.staff_room_id
        if room_id is None:
            return None
        members = self.ctx.transport.room_members(room_id)
        if members is None:
            return None
        return {m for m in members
                if m != self.ctx.transport.user_id and not self.ctx.is_staff(m)}

    async def guard_staff_room(self, *, release: bool = True) -> None:
        """Remove whoever is in the staff room without being staff, then send what was held
        (`release=False`: the caller releases it, see `release_held`).

        Inside an event's transaction the removal (a network call) is made once it has
        committed, never inside it. That it need not be durable: until the homeserver says
        the member is gone they are in the member list, so every staff-room post stays held
        (`post_to_staff`); and a removal lost to a crash is made again at start-up
        (`sync_staff_room`), or when the event is handled again after a rollback."""
        room_id = self.ctx.staff_room_id
        intruders = self.intruders()
        if room_id is None or intruders is None:
            return
        if intruders:
            users = sorted(intruders - self._removing)
            if not users:
                return  # their removal is on its way
            if self.ctx.db.in_transaction:
                self.ctx.db.after_commit(lambda: self._spawn(self._remove(room_id, users)))
            else:
                await self._remove(room_id, users)
        elif release:
            await self.release_held()

    async def _remove(self, room_id: str, users: list[str]) -> None:
        reason = self.ctx.config.text(None).staff_room_only
        self._removing.update(users)
        try:
            for user in users:
                METRICS.inc("chathulp_staff_room_removals_total")
                log.warning("Removing a non-staff member from the staff room")
                try:
                    await self.ctx.transport.kick(room_id, user, reason=reason)
                except Exception:
                    log.exception("Could not remove a non-staff member from the staff room")
        finally:
            self._removing.difference_update(users)
        if not self._watching:
            self._watching = True
            self._spawn(self._release_when_clean())

    async def _release_when_clean(self) -> None:
        """After a removal: the bot's own removal event is no event it handles, so nothing
        else would send the posts held meanwhile. Once the client's member list (what the
        room keys are shared with) no longer holds anyone who is not staff, send them —
        checked each second for at most RELEASE_WAIT seconds (then the next membership
        change or start-up does it)."""
        try:
            for _ in range(RELEASE_WAIT):
                if self.intruders() == set():
                    async with tstore.atomically(self.ctx.db):
                        await self.release_held()
                    return
                await asyncio.sleep(1)
        except Exception:
            log.exception("Could not send the held staff-room notices")
        finally:
            self._watching = False

    def wanted_staff(self) -> set[str]:
        """Who belongs in the staff room: the config's admins, counselors and
        `staff_room.invite` (the bot itself aside)."""
        return self.ctx.staff_ids() - {self.ctx.transport.user_id}

    async def sync_staff_room(self) -> None:
        """Make the staff room the config's (at start and after a config reload): whoever is
        not staff is removed (`guard_staff_room`), power levels follow the config (staff 50,
        below `invite`: only the bot invites), and staff who are not in it are invited —
        also into a room that already existed. A staff member who left is invited again."""
        room_id = self.ctx.staff_room_id
        transport = self.ctx.transport
        if room_id is None:
            return
        if transport.room_members(room_id) is None and not await transport.wait_for_room(
                room_id):
            log.warning("The staff room is not known yet; its members are checked later")
            return
        await self.guard_staff_room(release=False)  # the caller releases held posts
        await self._staff_levels(room_id)
        for user in sorted(self.wanted_staff() - (transport.room_members(room_id) or set())):
            if await transport.invite(room_id, user):
                METRICS.inc("chathulp_staff_room_invites_total")
                log.info("Invited a staff member of the config into the staff room")

    async def _staff_levels(self, room_id: str) -> None:
        transport = self.ctx.transport
        current = await transport.room_state(room_id, "m.room.power_levels")
        if not current:
            return
        creators = await transport.creators_have_power()
        wanted = staff_power_levels(transport.user_id, sorted(self.wanted_staff()),
                                    creators_have_power=creators)
        # Owners of the room (100, e.g. the admin who made it) cannot be lowered by the bot.
        users = {u: level for u, level in current.get("users", {}).items()
                 if isinstance(level, int) and level >= BOT_LEVEL}
        for user, level in wanted["users"].items():
            users.setdefault(user, level)
        content = {**current, **{k: v for k, v in wanted.items() if k != "users"},
                   "users": users}
        if content != current:
            if await transport.set_power_levels(room_id, content):
                log.info("Staff room power levels now follow the config")
            else:
                log.warning("Could not set the staff room's power levels")

    async def post_to_staff(self, message: Message, case_id: int | None = None) -> bool:
        """The only way into the staff room: sent only while every member is staff (else held
        — a row in the database, written with the decision — and sent once the others are
        gone, also after a restart). True when it was sent now."""
        room_id = self.ctx.staff_room_id
        if room_id is None:
            return False
        intruders = self.intruders()
        if intruders:
            await intents.hold_staff_post(self.ctx.db, message, case_id)
            METRICS.inc("chathulp_staff_posts_held_total")
            log.warning("Holding a staff-room notice: a non-staff member is present")
            await self.guard_staff_room()
            return False
        await self.ctx.transport.send_notice(room_id, message)
        return True

    async def release_held(self) -> int:
        """Queue the held posts, oldest first, while only staff is in the room; each row is
        deleted as its notice is queued (run inside a transaction, both commit together).
        Returns how many were queued."""
        room_id = self.ctx.staff_room_id
        queued = 0
        for post in await intents.held_staff_posts(self.ctx.db):
            if room_id is None or self.intruders() != set():
                break
            if await intents.release_staff_post(self.ctx.db, post.id):
                await self.ctx.transport.send_notice(room_id, post.message)
                queued += 1
        if queued:
            log.info("Sent %d held staff-room notice(s)", queued)
        return queued
