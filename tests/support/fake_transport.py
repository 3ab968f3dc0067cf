"""A Transport (bot/handlers/transport.py) without a homeserver: it records what handlers do.

Rooms it creates get invented ids (`!room1:fake`, …); membership, encryption and room state are
simulated so that handler branches which depend on them can be driven. Any method can be told
to fail: `fake.fail["create_room"] = RuntimeError("refused")` raises on every call (until the
key is removed); a callable value decides per call.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bot.domain.messages import Message
from bot.handlers.transport import InviteSummary, RoomInfo


@dataclass(frozen=True)
class SentFile:
    room_id: str
    filename: str
    data: bytes
    mimetype: str


@dataclass(frozen=True)
class Sent:
    room_id: str
    message: Message
    queued: bool  # via post(), not send_notice()
    plaintext: bool  # allow_plaintext was set

    @property
    def body(self) -> str:
        return self.message.plain


@dataclass
class FakeRoom:
    room_id: str
    encrypted: bool = True
    members: set[str] = field(default_factory=set)
    invited: set[str] = field(default_factory=set)
    state: dict[str, dict[str, Any]] = field(default_factory=dict)
    created: dict[str, Any] | None = None  # create_room's arguments, if the bot created it


Failure = BaseException | Callable[..., BaseException | None]


class FakeTransport:
    def __init__(self, user_id: str = "@bot:fake") -> None:
        self._user_id = user_id
        self.rooms: dict[str, FakeRoom] = {}
        self.sent: list[Sent] = []
        self.files: list[SentFile] = []  # encrypted attachments (send_file)
        self.created: list[str] = []
        self.invites: list[tuple[str, str]] = []
        self.joins: list[str] = []
        self.left: list[str] = []
        self.powers: list[tuple[str, str, int]] = []
        self.dropped: list[tuple[str, Message]] = []  # refused sends (unknown/unencrypted)
        self.fail: dict[str, Failure] = {}
        self.creators_power = False
        self.summaries: dict[str, InviteSummary] = {}  # rooms the bot is invited to
        self.declined: list[tuple[str, str | None]] = []  # (room, reason) of leave(reason=)
        self.kicks: list[tuple[str, str]] = []
        self._counter = 0

    # --- simulation -----------------------------------------------------------------------

    def add_room(self, *members: str, encrypted: bool = True, room_id: str | None = None,
                 bot_joined: bool = True) -> str:
        """A room someone else made (e.g. a youth's DM with the bot)."""
        room_id = room_id or self._new_id()
        room = FakeRoom(room_id, encrypted=encrypted, members=set(members))
        if bot_joined:
            room.members.add(self.user_id)
        self.rooms[room_id] = room
        return room_id

    def user_joins(self, room_id: str, user_id: str) -> None:
        room = self.rooms[room_id]
        room.invited.discard(user_id)
        room.members.add(user_id)

    def to(self, room_id: str) -> list[str]:
        """Bodies of everything sent into a room, in order."""
        return [s.body for s in self.sent if s.room_id == room_id]

    def _new_id(self) -> str:
        self._counter += 1
        return f"!room{self._counter}:fake"

    def _maybe_fail(self, method: str, *args: Any) -> None:
        failure = self.fail.get(method)
        if failure is None:
            return
        exc = failure(*args) if callable(failure) and not isinstance(failure, BaseException) \
            else failure
        if exc is not None:
            raise exc

    # --- Transport ------------------------------------------------------------------------

    @property
    def user_id(self) -> str:
        return self._user_id

    async def send_notice(
        self, room_id: str, message: Message, *, allow_plaintext: bool = False
    ) -> str | None:
        self._maybe_fail("send_notice", room_id, message)
        room = self.rooms.get(room_id)
        if room is None or self.user_id not in room.members:
            self.dropped.append((room_id, message))
            return None
        if not room.encrypted and not allow_plaintext:
            self.dropped.append((room_id, message))
            return None
        self.sent.append(Sent(room_id, message, False, allow_plaintext))
        return f"$event{len(self.sent)}"

    async def send_now(
        self, room_id: str, message: Message, *, allow_plaintext: bool = False
    ) -> str | None:
        return await self.send_notice(room_id, message, allow_plaintext=allow_plaintext)

    async def send_file(
        self, room_id: str, filename: str, data: bytes, mimetype: str
    ) -> str | None:
        self._maybe_fail("send_file", room_id, filename)
        room = self.rooms.get(room_id)
        if room is None or self.user_id not in room.members or not room.encrypted:
            return None
        self.files.append(SentFile(room_id, filename, data, mimetype))
        return f"$file{len(self.files)}"

    def post(self, room_id: str, message: Message) -> None:
        self._maybe_fail("post", room_id, message)
        self.sent.append(Sent(room_id, message, True, False))

    async def create_room(
        self,
        *,
        invite: list[str],
        name: str | None = None,
        topic: str | None = None,
        is_direct: bool = False,
        history_visibility: str = "joined",
        power_levels: dict[str, Any] | None = None,
        extra_state: list[dict[str, Any]] | None = None,
    ) -> str:
        args = {"invite": list(invite), "name": name, "topic": topic, "is_direct": is_direct,
                "history_visibility": history_visibility,
                "power_levels": copy.deepcopy(power_levels), "extra_state": extra_state}
        self._maybe_fail("create_room", args)
        room_id = self._new_id()
        room = FakeRoom(room_id, encrypted=True, members={self.user_id}, invited=set(invite),
                        created=args)
        for event in extra_state or []:
            room.state[event["type"]] = dict(event["content"])
        room.state["m.room.power_levels"] = copy.deepcopy(power_levels or {"users": {}})
        self.rooms[room_id] = room
        self.created.append(room_id)
        return room_id

    async def invite(self, room_id: str, user_id: str) -> bool:
        self._maybe_fail("invite", room_id, user_id)
        self.invites.append((room_id, user_id))
        room = self.rooms.get(room_id)
        if room is None:
            return False
        if user_id not in room.members:
            room.invited.add(user_id)
        return True

    async def join(self, room_id: str) -> bool:
        self._maybe_fail("join", room_id)
        self.joins.append(room_id)
        room = self.rooms.setdefault(room_id, FakeRoom(room_id))
        room.invited.discard(self.user_id)
        room.members.add(self.user_id)
        return True

    async def leave(self, room_id: str, *, reason: str | None = None) -> None:
        self._maybe_fail("leave", room_id)
        self.left.append(room_id)
        if reason is not None:
            self.declined.append((room_id, reason))
        room = self.rooms.get(room_id)
        if room is not None:
            room.members.discard(self.user_id)

    async def kick(self, room_id: str, user_id: str, *, reason: str | None = None) -> bool:
        self._maybe_fail("kick", room_id, user_id)
        self.kicks.append((room_id, user_id))
        room = self.rooms.get(room_id)
        if room is None:
            return False
        room.members.discard(user_id)
        room.invited.discard(user_id)
        return True

    async def invite_summary(self, room_id: str) -> InviteSummary | None:
        self._maybe_fail("invite_summary", room_id)
        return self.summaries.get(room_id)

    def room_members(self, room_id: str) -> set[str] | None:
        room = self.rooms.get(room_id)
        if room is None or self.user_id not in room.members:
            return None
        return set(room.members) | set(room.invited)

    async def set_power(self, room_id: str, user_id: str, level: int) -> None:
        self._maybe_fail("set_power", room_id, user_id, level)
        self.powers.append((room_id, user_id, level))
        levels = self.rooms[room_id].state.setdefault("m.room.power_levels", {"users": {}})
        levels.setdefault("users", {})[user_id] = level

    async def set_power_levels(self, room_id: str, content: dict[str, Any]) -> bool:
        self._maybe_fail("set_power_levels", room_id, content)
        self.rooms[room_id].state["m.room.power_levels"] = copy.deepcopy(content)
        return True

    async def room_state(self, room_id: str, event_type: str) -> dict[str, Any] | None:
        self._maybe_fail("room_state", room_id, event_type)
        room = self.rooms.get(room_id)
        return None if room is None else room.state.get(event_type)

    async def wait_for_room(self, room_id: str, timeout: float = 30) -> bool:
        return self.room_info(room_id) is not None

    async def creators_have_power(self) -> bool:
        return self.creators_power

    def room_info(self, room_id: str) -> RoomInfo | None:
        room = self.rooms.get(room_id)
        if room is None or self.user_id not in room.members:
            return None
        return RoomInfo(encrypted=room.encrypted, member_count=len(room.members))

    def joined_rooms(self) -> list[str]:
        return [r for r, room in self.rooms.items() if self.user_id in room.members]
