"""What handlers need from Matrix, and the records they get from it — no nio here.

`bot.matrix.client.MatrixTransport` implements `Transport` with matrix-nio; the tests'
`FakeTransport` (tests/support/fake_transport.py) records what handlers do, so handler
branches are tested in-process without a homeserver. The event records (`Incoming`,
`Membership`, `Invite`) are built by the sync loop (bot/matrix/sync.py) from nio events.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, Protocol

from bot.domain.messages import Message

Kind = Literal["text", "media", "edit", "reaction", "other"]


@dataclass(frozen=True)
class Incoming:
    room_id: str
    event_id: str
    sender: str
    kind: Kind
    body: str
    room_encrypted: bool
    member_count: int
    timestamp_ms: int
    formatted_body: str | None = None  # HTML as sent; only for reading mentions, never echoed


@dataclass(frozen=True)
class Membership:
    room_id: str
    event_id: str
    user_id: str
    membership: str
    previous: str | None


@dataclass(frozen=True)
class Invite:
    room_id: str
    inviter: str | None
    is_direct: bool


@dataclass(frozen=True)
class InviteSummary:
    """What an invitee can know of a room before joining (the room summary)."""

    encrypted: bool
    joined_members: int


@dataclass(frozen=True)
class RoomInfo:
    """A room the bot is in, as its client knows it."""

    encrypted: bool
    member_count: int


class Transport(Protocol):
    """The bot's one Matrix device, as handlers use it."""

    @property
    def user_id(self) -> str: ...

    async def send_notice(
        self, room_id: str, message: Message, *, allow_plaintext: bool = False
    ) -> str | None:
        """Send now (m.notice, plain + HTML); never into an unencrypted room unless
        `allow_plaintext`. Returns the event id, None if it was not sent."""
        ...

    async def send_now(
        self, room_id: str, message: Message, *, allow_plaintext: bool = False
    ) -> str | None:
        """Send at once, past the outbox (not durable): only for what must arrive before
        something irreversible (the erasure confirmation before an account is deactivated)."""
        ...

    async def send_file(
        self, room_id: str, filename: str, data: bytes, mimetype: str
    ) -> str | None:
        """Upload `data` encrypted (AES-CTR, keys only inside the encrypted event) and send it
        as an m.file; never into an unencrypted room. Returns the event id, None if not sent."""
        ...

    def post(self, room_id: str, message: Message) -> None:
        """Queue a notice and return at once; notices to one room keep their order."""
        ...

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
        """A private, invite-only room, encrypted from its first event. Raises RuntimeError
        when the homeserver refuses."""
        ...

    async def invite(self, room_id: str, user_id: str) -> bool:
        """True also when the user is already invited or in the room."""
        ...

    async def join(self, room_id: str) -> bool: ...

    async def leave(self, room_id: str, *, reason: str | None = None) -> None:
        """Leave a room, or decline an invite (`reason` is shown beside it)."""
        ...

    async def kick(self, room_id: str, user_id: str, *, reason: str | None = None) -> bool:
        """Remove a member (or withdraw an invite); False when the homeserver refused."""
        ...

    async def invite_summary(self, room_id: str) -> InviteSummary | None:
        """The summary of a room the bot is invited to; None when the server gives none."""
        ...

    def room_members(self, room_id: str) -> set[str] | None:
        """Joined and invited members as the client knows them; None for an unknown room."""
        ...

    async def set_power(self, room_id: str, user_id: str, level: int) -> None:
        """One user's power level, keeping the others'."""
        ...

    async def set_power_levels(self, room_id: str, content: dict[str, Any]) -> bool:
        """Replace a room's whole power levels (e.g. the staff room after a config reload);
        False when the homeserver refused."""
        ...

    async def room_state(self, room_id: str, event_type: str) -> dict[str, Any] | None:
        """The content of a state event (state key ""), None if there is none."""
        ...

    async def wait_for_room(self, room_id: str, timeout: float = 30) -> bool:
        """Wait until a room just created or joined is known to the client."""
        ...

    async def creators_have_power(self) -> bool:
        """True from room version 12 on: creators are privileged, not listed in `users`."""
        ...

    def room_info(self, room_id: str) -> RoomInfo | None:
        """The room as the client knows it now; None if the bot is not (yet) in it."""
        ...

    def joined_rooms(self) -> list[str]:
        """Every room the client knows the bot to be in."""
        ...
