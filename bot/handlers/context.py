"""What every handler gets: config, clock, database and a way to talk."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from bot.clock import Clock
from bot.config.models import Config
from bot.domain.messages import Message
from bot.handlers.transport import Transport
from bot.storage.db import Database

if TYPE_CHECKING:
    from bot.matrix.admin import PurgeAnswer


class HomeserverAdmin(Protocol):
    """The homeserver's admin API (bot.matrix.admin), when an admin token is configured.
    Rooms are purged through the purge queue (bot/purges.py), not by handlers."""

    async def start_purge(self, room_id: str) -> PurgeAnswer: ...

    async def purge_status(self, delete_id: str) -> PurgeAnswer: ...

    async def deactivate(self, user_id: str) -> bool: ...


class Purges(Protocol):
    """What handlers need of `bot.purges.RoomPurger`."""

    def kick(self) -> None:
        """Rooms were queued for purging (call after the commit)."""
        ...


class Timers(Protocol):
    """What handlers need of `bot.timers.TimerService`."""

    async def refresh(self) -> None:
        """Make the scheduled jobs match the pending timer rows (after every change)."""
        ...


class StaffGuard(Protocol):
    """What handlers need of `bot.handlers.policy.RoomPolicy`."""

    async def post_to_staff(self, message: Message, case_id: int | None = None) -> bool:
        """Post into the staff room only while nobody but staff is in it (else held, tied
        to `case_id`)."""
        ...


class ConfigReloader(Protocol):
    """What handlers need of `bot.reload.Reloader` (`!reload`)."""

    async def reload(self, trigger: str) -> Any:
        """Read, validate and apply the config file; a `bot.reload.ReloadResult`."""
        ...


@dataclass
class Context:
    config: Config
    clock: Clock
    db: Database
    transport: Transport
    staff_room_id: str | None = None
    timers: Timers | None = None
    admin: HomeserverAdmin | None = None
    staff_guard: StaffGuard | None = None
    reloader: ConfigReloader | None = None
    purges: Purges | None = None

    def is_staff(self, user_id: str) -> bool:
        return user_id in self.staff_ids()

    def staff_ids(self) -> set[str]:
        ids = set(self.config.admins) | set(self.config.staff_room.invite)
        ids |= {c.user_id for c in getattr(self.config.scheduling, "counselors", [])}
        return ids
