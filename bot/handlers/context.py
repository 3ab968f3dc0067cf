"""What every handler gets: config, clock, database and a way to talk."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.clock import Clock
from bot.config.models import Config
from bot.handlers.transport import Transport
from bot.storage.db import Database

if TYPE_CHECKING:
    from bot.timers import TimerService


@dataclass
class Context:
    config: Config
    clock: Clock
    db: Database
    transport: Transport
    staff_room_id: str | None = None
    timers: TimerService | None = None

    def is_staff(self, user_id: str) -> bool:
        return user_id in self.staff_ids()

    def staff_ids(self) -> set[str]:
        ids = set(self.config.admins) | set(self.config.staff_room.invite)
        ids |= {c.user_id for c in getattr(self.config.scheduling, "counselors", [])}
        return ids
