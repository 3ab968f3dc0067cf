"""Config reload without a restart: `!reload` (admins, in their DM with the bot) and SIGHUP.

The file is read (in a thread) and validated exactly as at start (`load_config`: every
section, then the cross-references). An invalid file is refused with the validation message
and the running config stays. A valid one is applied at ONE swap point, `swap_config`: what
is built from the config (the intake flow, the crisis matcher) is built first, off the event
loop, and then `ctx.config` and every holder of a built object are replaced together without
an `await` in between — no event, timer or web request sees half a config. Bookings, timers,
queue places and conversations are rows in the database and are not touched; the timers are
re-derived from their rows afterwards (`TimerService.refresh`) with the new grace minutes.

What cannot change while running (the bot's account, the data directory, the database, the
staff room's id, where the web pages listen) keeps its running value; the reply (and the log)
names those keys: they take effect at the next start.

After the swap the staff room is made to match the config (`RoomPolicy.sync_staff_room`):
counselors and admins added are invited, those dropped are removed, power levels follow.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.config.loader import ConfigError, load_config
from bot.config.models import Config
from bot.domain.crisis import CrisisMatcher
from bot.domain.intake import IntakeFlow
from bot.metrics import METRICS
from bot.storage import bookings

if TYPE_CHECKING:
    from bot.handlers.router import Router

log = logging.getLogger(__name__)

# Keys whose running value stays until the next start (a key path; a section: all of it).
RESTART_ONLY: tuple[tuple[str, ...], ...] = (
    ("matrix",), ("data_dir",), ("database",), ("staff_room", "room_id"), ("web", "enabled"),
    ("web", "bind"), ("web", "port"),
)


@dataclass(frozen=True)
class ReloadResult:
    ok: bool
    # Refused: the validation message (which key, which line, what is expected).
    problems: str = ""
    added: tuple[str, ...] = ()  # counselors (display names) now bookable
    removed: tuple[str, ...] = ()  # counselors (display names) no longer offered
    # Upcoming bookings still with a removed counselor (they are kept; see the reply).
    orphaned_bookings: int = 0
    restart_keys: tuple[str, ...] = ()  # changed, but only in effect after a restart


@dataclass(frozen=True)
class Built:
    """What is built from a config before it is swapped in (off the event loop)."""

    config: Config
    flow: IntakeFlow
    matcher: CrisisMatcher


def build(config: Config) -> Built:
    """The intake flow and the crisis matcher of `config` (a config with crisis words of its
    own may first build their lemma table in a child process: call this in a thread)."""
    return Built(config,
                 IntakeFlow(config.intake, config.default_language, config.catalogue,
                            config.referrals),
                 CrisisMatcher(config.crisis, config.catalogue, config.referrals,
                               lemmas=config.crisis.lemma_table(config.data_dir)))


def swap_config(router: Router, built: Built) -> None:
    """THE swap point: `ctx.config` and every object built from the config, replaced at once.

    Synchronous on purpose (no await: nothing else runs in between). Whoever keeps an
    IntakeFlow or a CrisisMatcher must be listed here; tests/unit/test_reload.py walks the
    handler objects and fails when one still holds the old ones.
    """
    ctx = router.ctx
    youth = router.youth
    ctx.config = built.config
    youth.flow = built.flow
    youth.appointments.flow = built.flow
    youth.appointments.booking.flow = built.flow
    youth.rights.flow = built.flow
    youth.crisis = built.matcher
    youth.appointments.crisis = built.matcher
    youth.desk.matcher = built.matcher


def _get(config: Config, path: tuple[str, ...]) -> Any:
    value: Any = config
    for part in path:
        value = getattr(value, part)
    return value


def keep_restart_only(running: Config, new: Config) -> tuple[Config, tuple[str, ...]]:
    """`new` with the running values of the RESTART_ONLY keys, and the keys that differed
    (dotted, for the reply and the log)."""
    changed = tuple(".".join(k) for k in RESTART_ONLY if _get(running, k) != _get(new, k))
    if not changed:
        return new, ()
    web = new.web.model_copy(update={"enabled": running.web.enabled, "bind": running.web.bind,
                                     "port": running.web.port})
    staff_room = new.staff_room.model_copy(update={"room_id": running.staff_room.room_id})
    kept = new.model_copy(update={"matrix": running.matrix, "data_dir": running.data_dir,
                                  "database": running.database, "web": web,
                                  "staff_room": staff_room})
    return kept, changed


class Reloader:
    """Reads, validates and applies the config file; one reload at a time."""

    def __init__(self, router: Router, path: str | Path, *,
                 also: list[Callable[[Config], None]] | None = None) -> None:
        self.router = router
        self.path = Path(path)
        # Other holders of config values outside the handlers (timers, outbox, web, …),
        # called right after the swap, synchronously.
        self.also = list(also or [])
        self._lock = asyncio.Lock()
        self._tasks: set[asyncio.Task[Any]] = set()
        self.reloads = 0  # applied reloads (for tests and /metrics-like checks)

    async def reload(self, trigger: str) -> ReloadResult:
        async with self._lock:
            return await self._reload(trigger)

    async def _reload(self, trigger: str) -> ReloadResult:
        ctx = self.router.ctx
        running = ctx.config
        try:
            loaded = await asyncio.to_thread(load_config, self.path)
        except ConfigError as exc:
            log.error("Config reload (%s) refused; the running config stays.\n%s", trigger, exc)
            return ReloadResult(False, problems=str(exc))
        new, restart_keys = keep_restart_only(running, loaded)
        try:
            built = await asyncio.to_thread(build, new)
        except Exception as exc:  # a valid file should always build; never half-apply one
            log.exception("Config reload (%s) refused: building from it failed", trigger)
            return ReloadResult(False, problems=f"{self.path}: {type(exc).__name__}: {exc}")
        before = {c.user_id: c.display_name for c in running.scheduling.counselors}
        after = {c.user_id: c.display_name for c in new.scheduling.counselors}
        # --- the swap: no await from here to the end of the block -------------------------
        swap_config(self.router, built)
        for apply in self.also:
            apply(new)
        # -----------------------------------------------------------------------------------
        self.reloads += 1
        METRICS.inc("chathulp_config_reloads_total")
        removed_ids = sorted(set(before) - set(after))
        orphaned = await self._upcoming_with(removed_ids)
        # An office visit gets no stand-in: the staff room is asked now, once per visit, to
        # have a colleague take it over or move it (also for a counselor gone before).
        await self.router.youth.appointments.tell_gone_visits()
        if ctx.timers is not None:
            await ctx.timers.refresh()  # the same rows, the new grace minutes
        self._spawn(self._sync_staff_room())
        result = ReloadResult(
            True,
            added=tuple(after[u] for u in sorted(set(after) - set(before))),
            removed=tuple(before[u] for u in removed_ids),
            orphaned_bookings=orphaned,
            restart_keys=restart_keys,
        )
        log.info("Config reloaded (%s): %d counselor(s) added, %d removed%s", trigger,
                 len(result.added), len(result.removed),
                 f"; in effect after a restart: {', '.join(restart_keys)}" if restart_keys
                 else "")
        if orphaned:
            log.warning("%d upcoming booking(s) are with counselors no longer in the config",
                        orphaned)
        return result

    async def _upcoming_with(self, counselor_ids: list[str]) -> int:
        if not counselor_ids:
            return 0
        ctx = self.router.ctx
        now = ctx.clock.now()
        horizon = now + timedelta(days=3660)
        count = 0
        for counselor_id in counselor_ids:
            found = await bookings.bookings_for_counselor(ctx.db, counselor_id, now, horizon)
            count += sum(1 for b in found if b.status == "booked")
        return count

    async def _sync_staff_room(self) -> None:
        """The staff room made the config's; held alerts released with their rows deleted
        in one transaction."""
        policy = self.router.policy
        await policy.sync_staff_room()
        async with self.router.ctx.db.transaction():
            await policy.release_held()

    def _spawn(self, coro: Any) -> None:
        """Outside the caller's transaction (a new task): invites and removals in Matrix."""
        task = asyncio.create_task(coro, name="staff-room-sync")
        self._tasks.add(task)
        task.add_done_callback(self._done)

    def _done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("Making the staff room match the config failed",
                      exc_info=task.exception())

    async def settled(self) -> None:
        """Wait for the staff-room work started by reloads (tests, shutdown)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    def reload_soon(self) -> None:
        """The SIGHUP handler (`loop.add_signal_handler`): reload in a task; the outcome is
        logged (a refusal with the validation message)."""
        task = asyncio.get_running_loop().create_task(self.reload("SIGHUP"), name="reload")
        self._tasks.add(task)
        task.add_done_callback(self._done)
