"""Wiring: config → database → Matrix transport → handlers → sync loop."""

from __future__ import annotations

import asyncio
import errno
import fcntl
import logging
import os
import stat
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import IO, TYPE_CHECKING

import aiohttp

from bot.clock import Clock, SystemClock
from bot.config.models import Config
from bot.handlers.context import Context
from bot.handlers.crisis import ESCALATE
from bot.handlers.now_queue import QUEUE_EXPIRE
from bot.handlers.policy import staff_power_levels
from bot.handlers.router import Router
from bot.intakes import IntakeOpener
from bot.matrix import logguard
from bot.matrix.admin import HomeserverAdmin
from bot.matrix.client import MatrixTransport, StartupError
from bot.matrix.secrets import database_keys, load_or_create_secrets
from bot.matrix.sync import Handlers, SyncLoop
from bot.metrics import METRICS
from bot.outbox import Outbox
from bot.purges import RoomPurger
from bot.reload import Reloader
from bot.services.retention import RetentionJob
from bot.startup import mark
from bot.storage import migrations, rights, sealing
from bot.storage import outbox as outbox_store
from bot.storage import sync_state as tstore
from bot.storage.bookings import (
    CHECK_COUNSELOR,
    CHECK_YOUTH,
    OPEN_SESSION,
    REMIND_COUNSELOR,
    REMIND_YOUTH,
    Timer,
)
from bot.storage.db import Database
from bot.storage.faults import is_storage_fault
from bot.storage.followup import FORGET_PHONE
from bot.storage.waiting import Waiting
from bot.timers import TimerService
from bot.waiting_watch import WaitingWatch

if TYPE_CHECKING:
    from aiohttp import web

log = logging.getLogger(__name__)


PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600
LOCK_FILE = "chathulp.lock"
DB_FILE = "chathulp.db"


def _unusable(data_dir: Path, problem: str) -> StartupError:
    return StartupError(
        f"the data directory {data_dir} cannot be used: {problem}. The bot keeps its database, "
        "E2EE keys and login there and must be able to write to it. Point data_dir in the "
        "config at a writable directory (for Docker: a volume mounted read-write), or fix "
        "the directory's owner and rights, then start again."
    )


def prepare_data_dir(data_dir: Path) -> None:
    """Create the data directory (0700) or check it; tighten looser rights; prove it writable.

    Raises StartupError with one clear message (which path, what is wrong, what to do) when
    it is missing and cannot be made, is not a directory, or cannot be written to.
    """
    if data_dir.exists() and not data_dir.is_dir():
        raise _unusable(data_dir, "it is a file, not a directory")
    try:
        data_dir.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR)
    except OSError as exc:
        problem = f"it does not exist and cannot be created ({_why(exc)})"
        raise _unusable(data_dir, problem) from None
    probe = data_dir / f".write-test-{os.getpid()}"
    try:
        fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE)
        try:
            os.write(fd, b"ok")
            os.fsync(fd)
        finally:
            os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise _unusable(data_dir, f"writing to it fails ({_why(exc)})") from None
    mode = stat.S_IMODE(data_dir.stat().st_mode)
    if mode & 0o077:
        os.chmod(data_dir, PRIVATE_DIR)
        log.info("Tightened the rights of the data directory %s from %04o to 0700",
                 data_dir, mode)
    tighten_data_files(data_dir)


def _why(exc: OSError) -> str:
    reasons = {
        errno.EROFS: "read-only file system",
        errno.EACCES: "permission denied",
        errno.EPERM: "permission denied",
        errno.ENOSPC: "the disk is full",
        errno.ENOTDIR: "a part of the path is a file, not a directory",
        errno.ENOENT: "a part of the path does not exist",
    }
    return reasons.get(exc.errno or 0, exc.strerror or type(exc).__name__)


def tighten_data_files(data_dir: Path) -> None:
    """Owner-only rights for everything in the data directory: the database and its -wal/
    -shm, the E2EE store, credentials.json, secrets.json, the lock file (whatever the umask)."""
    for root, dirs, files in os.walk(data_dir):
        for name in dirs:
            _chmod_at_most(Path(root) / name, PRIVATE_DIR)
        for name in files:
            _chmod_at_most(Path(root) / name, PRIVATE_FILE)


def _chmod_at_most(path: Path, mode: int) -> None:
    try:
        st = path.lstat()
        if stat.S_ISLNK(st.st_mode):
            return
        if stat.S_IMODE(st.st_mode) & ~mode:
            os.chmod(path, stat.S_IMODE(st.st_mode) & mode)
    except FileNotFoundError:
        pass  # e.g. a -shm file SQLite removed meanwhile


def create_private_file(path: Path) -> None:
    """Create `path` empty with mode 0600 if it does not exist (SQLite then gives its -wal
    and -shm files the same rights)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, PRIVATE_FILE)
    os.fchmod(fd, PRIVATE_FILE)
    os.close(fd)


def lock_data_dir(data_dir: Path) -> IO[str]:
    """One bot per data directory: two processes on one E2EE store would corrupt it."""
    prepare_data_dir(data_dir)
    fd = os.open(data_dir / LOCK_FILE, os.O_WRONLY | os.O_CREAT, PRIVATE_FILE)
    os.fchmod(fd, PRIVATE_FILE)
    handle = os.fdopen(fd, "w")  # held (locked) while running
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.close()
        raise StartupError(
            f"another chathulp is already running with the data directory {data_dir}"
        ) from None
    return handle


STAFF_ROOM_KEY = "staff_room_id"
# Seconds the start-up waits, after the first sync, for its answers to be sent before it
# checks the staff room, recovers openings and loads the timers.
FIRST_ANSWERS_HEAD_START = 1.0


def _database_unreachable(exc: BaseException) -> bool:
    """An OSError, or asyncpg's PostgresError (asyncpg is only imported for PostgreSQL)."""
    if isinstance(exc, OSError):
        return True
    asyncpg = sys.modules.get("asyncpg")
    return asyncpg is not None and isinstance(exc, asyncpg.PostgresError)


class App:
    def __init__(
        self, config: Config, clock: Clock | None = None, *, sync_backoff_max: float = 30.0,
        config_path: str | Path | None = None,
    ) -> None:
        self.config = config
        self.clock = clock or SystemClock()
        logguard.install()
        self.db = Database(config.database_url)
        self.transport = MatrixTransport(config)
        self.ctx = Context(config, self.clock, self.db, self.transport)
        # Youths' Matrix ids never in the log; the bot's own and the staff's may be.
        logguard.allow({config.matrix.user_id, *self.ctx.staff_ids()})
        self.router = Router(self.ctx)
        self.sync = SyncLoop(
            self.transport,
            self.db,
            Handlers(
                on_message=self.router.on_message,
                on_invite=self.router.on_invite,
                on_membership=self.router.on_membership,
                on_undecryptable=self.router.on_undecryptable,
                on_storage_fault=self._storage_fault,
            ),
            backoff_max=sync_backoff_max,
            undecryptable_after=config.matrix.undecryptable_resend_minutes * 60,
        )
        # Every send and leave the bot decides on is a row first (see bot/outbox.py).
        self.outbox = Outbox(
            self.db, self.transport,
            alert_after_minutes=config.staff_room.outbox_alert_minutes,
            on_alert=self._outbox_alert,
            parallel=config.matrix.send_parallel,
        )
        self.transport.outbox = self.outbox
        # Intake DMs and session openings the homeserver keeps waiting: metrics, one notice.
        self.waiting = WaitingWatch(
            self.db, self.clock,
            alert_after_minutes=config.staff_room.outbox_alert_minutes,
            on_alert=self._waiting_alert,
        )
        self._watch_task: asyncio.Task[None] | None = None
        # How often that is checked (seconds).
        self.watch_interval = 60.0
        self.sync.outbox = self.outbox
        self._sync_task: asyncio.Task[None] | None = None
        self._web: web.AppRunner | None = None
        self._lock: IO[str] | None = None
        self._recovery_task: asyncio.Task[None] | None = None
        self._staff_key_task: asyncio.Task[None] | None = None
        # How often unfinished session openings are retried while running (seconds).
        self.recovery_interval = 60.0
        # How often the queue for "now" is matched with counselors who became free without a
        # session ending (a booking's time passed, `!duty on`), in seconds.
        self.queue_interval = 30.0
        self._queue_task: asyncio.Task[None] | None = None
        reminders = self.router.youth.appointments.remind
        on_session_timer = self.router.sessions.on_timer

        async def session_timer(timer: Timer, late: timedelta) -> None:
            if timer.kind == OPEN_SESSION:
                METRICS.observe("chathulp_opening_lateness_seconds", late.total_seconds())
            await on_session_timer(timer, late)

        self.timers = TimerService(
            self.db, self.clock, config.scheduling,
            {REMIND_YOUTH: reminders, REMIND_COUNSELOR: reminders,
             OPEN_SESSION: session_timer, CHECK_COUNSELOR: session_timer,
             CHECK_YOUTH: session_timer, ESCALATE: self.router.youth.desk.on_timer,
             QUEUE_EXPIRE: self.router.youth.appointments.queue.on_timer,
             FORGET_PHONE: session_timer},
            # An escalation, the end of a wait in the queue or a phone number to forget, due
            # while the bot was down, is done late, never dropped.
            grace_minutes={OPEN_SESSION: config.session.opening_grace_minutes,
                           ESCALATE: 7 * 24 * 60, QUEUE_EXPIRE: 7 * 24 * 60,
                           FORGET_PHONE: 7 * 24 * 60},
            prepare={CHECK_COUNSELOR: self._prepare_counselor_check},
            around=self.outbox.handling,
        )
        self.ctx.timers = self.timers
        self.ctx.admin = HomeserverAdmin.from_config(config)
        # Session rooms of erased youths, purged from the homeserver until Synapse confirms.
        self.purges = RoomPurger(self.db, self.clock, lambda: self.ctx.admin)
        self.ctx.purges = self.purges
        self.retention = RetentionJob(self.ctx, self.router.youth.rights.eraser)
        # `!reload` and SIGHUP: the file is read again and swapped in (bot/reload.py).
        self.reloader: Reloader | None = None
        if config_path is not None:
            self.reloader = Reloader(self.router, config_path, also=[self._use_config])
            self.ctx.reloader = self.reloader

        # Intake DMs promised to web sign-ups: an intent row first (see bot/intakes.py).
        self.intakes = IntakeOpener(self.db, self.router.youth)

    async def _prepare_counselor_check(self, timer: Timer, late: timedelta) -> None:
        if timer.booking_id is not None:
            await self.router.sessions.prepare_counselor_check(timer.booking_id)

    def _use_config(self, config: Config) -> None:
        """After `swap_config`: what App built from the config (synchronous, no await)."""
        self.config = config
        self.transport.config = config  # matrix.* is restart-only: the same values
        self.timers.cfg = config.scheduling
        self.timers.grace_minutes[OPEN_SESSION] = config.session.opening_grace_minutes
        self.outbox.alert_after = config.staff_room.outbox_alert_minutes * 60
        self.waiting.alert_after = config.staff_room.outbox_alert_minutes * 60
        self.ctx.admin = HomeserverAdmin.from_config(config)
        if self._web is not None:
            from bot.web import update_web_config

            update_web_config(self._web.app, config)

    def reload_soon(self) -> None:
        """The SIGHUP handler: reload the config file in a task (outcome in the log)."""
        if self.reloader is None:
            log.warning("SIGHUP: no config file to reload")
            return
        self.reloader.reload_soon()

    async def start(self) -> None:
        self._lock = await asyncio.to_thread(lock_data_dir, Path(self.config.data_dir))
        if self.db.path is not None and self.db.path != ":memory:":
            # SQLite: the file is made private before SQLite creates it.
            await asyncio.to_thread(create_private_file, Path(self.db.path))
        try:
            await self.db.open()
        except Exception as exc:
            if not _database_unreachable(exc):
                raise
            raise StartupError(f"cannot open the {self.db.engine.value} database: {exc}") from exc
        if not await self.db.claim("chathulp bot"):
            await self.db.close()
            raise StartupError("another chathulp is already running on this database")
        mark("database open")
        await migrations.upgrade(self.db)
        await self._seal_database()
        await tstore.forget_old_events(self.db)
        await outbox_store.forget_done(self.db)
        self.ctx.staff_room_id = self.config.staff_room.room_id or await tstore.get_kv(
            self.db, STAFF_ROOM_KEY
        )
        mark("database checked")
        await self._start_transport()
        mark("Matrix device ready")
        # The E2EE store exists now (created by nio with the process umask): owner-only.
        await asyncio.to_thread(tighten_data_files, Path(self.config.data_dir))
        self._sync_task = asyncio.create_task(self.sync.run(), name="sync")
        await self.sync.synced_once.wait()
        mark("first sync handled")
        # What was decided before a stop or crash and not yet sent goes out now, in order.
        self.outbox.start()
        # The answers of the first sync (to youths who wrote while the bot was down) go out
        # before the rest of the start-up competes with them for the event loop and the
        # homeserver; bounded, so that a send the homeserver refuses holds nothing up.
        await self.outbox.wait_idle(timeout=FIRST_ANSWERS_HEAD_START)
        mark("first answers sent")
        await self._ensure_staff_room()
        mark("staff room checked")
        # Timers last: what fell due while the bot was down can now reach Matrix.
        await self.router.sessions.recover()
        await self.sweep()
        # Sign-ups whose intake DM a stop or crash (or a rate limit) left unopened.
        self.intakes.start()
        await self.timers.start()
        mark("timers loaded")
        # Purges an erasure queued before a stop or crash are resumed (and new ones done).
        self.purges.start()
        # Retention: what expired while the bot was down is erased now, then daily.
        await self.retention.start()
        self._recovery_task = asyncio.create_task(self._keep_recovering(), name="recovery")
        self._staff_key_task = asyncio.create_task(self._keep_staff_key_shared(), name="key")
        # The queue for "now" kept its order over the stop: whoever can be helped now is.
        self._queue_task = asyncio.create_task(self._keep_dispatching(), name="queue")
        self._watch_task = asyncio.create_task(self._keep_watching(), name="waiting-watch")
        if self.config.web.enabled:
            from bot.web import start_web  # imported here: not on the way to the first answer

            self._web = await start_web(self.config, self)
            log.info("Web pages on %s:%d", self.config.web.bind, self.config.web.port)
        mark("running")
        log.info("chathulp is running")

    async def _seal_database(self) -> None:
        """The database key from the secrets; plain text from before (or values under an
        older key) are sealed with it now (idempotent)."""
        found = await asyncio.to_thread(load_or_create_secrets, Path(self.config.data_dir))
        key, old = database_keys(found)
        sealing.use(self.db, sealing.Sealer(key, old))
        await sealing.reseal_all(self.db)

    async def _start_transport(self) -> None:
        """Start the Matrix side; a homeserver that is down at boot is waited for, not fatal."""
        delay = 1.0
        while True:
            try:
                await self.transport.start()
                return
            except (aiohttp.ClientError, OSError, TimeoutError) as exc:
                log.warning("Homeserver not reachable (%s); retrying in %.0f s",
                            type(exc).__name__, delay)
                await self.transport.close()
                await asyncio.sleep(delay)
                delay = min(delay * 2, self.sync.backoff_max)

    async def _ensure_staff_room(self) -> None:
        sr = self.config.staff_room
        if self.ctx.staff_room_id is None:
            # Counselors are invited one by one below (`sync_staff_room`): one unknown id
            # must not stop the room from being made.
            invite = sorted(set(self.config.admins) | set(sr.invite))
            creators = await self.transport.creators_have_power()
            room_id = await self.transport.create_room(
                invite=invite, name=sr.name,
                power_levels=staff_power_levels(
                    self.transport.user_id, sorted(self.router.policy.wanted_staff()),
                    creators_have_power=creators),
            )
            await tstore.set_kv(self.db, STAFF_ROOM_KEY, room_id)
            await tstore.remember_room(self.db, room_id, "staff", None)
            self.ctx.staff_room_id = room_id
            log.info("Created the staff room")
        elif self.transport.room_info(self.ctx.staff_room_id) is None:
            await self.transport.join(self.ctx.staff_room_id)
        # Whoever got into the staff room while the bot was away and is not staff: out; staff
        # of the config who are not in it (e.g. a counselor added since): invited.
        await self.router.policy.sync_staff_room()
        # Alerts held before a stop or crash go out now if only staff is there.
        async with self.db.transaction():
            await self.router.policy.release_held()

    async def sweep(self) -> None:
        """At start-up: finish what a crash left half-done in session rooms — a bot that
        should have left (summary posted, or the session left or ended) leaves."""
        stays = self.config.session.bot_stays
        for session_id, room_id, state in await outbox_store.sessions_left_behind(self.db):
            if state == "open" and stays:
                continue
            if self.transport.room_info(room_id) is None:
                continue  # the bot is not in the room (any more)
            if await outbox_store.has_pending_leave(self.db, room_id):
                continue
            async with self.db.transaction():
                if state == "open":
                    await outbox_store.mark_session_left(self.db, session_id)
                await self.transport.leave(room_id)  # queued in the outbox
            log.info("Start-up sweep: leaving the room of session %d", session_id)

    async def _outbox_alert(self, count: int, age: float) -> None:
        if self.ctx.staff_room_id is None:
            return
        message = self.config.catalogue.say(None, "staff_outbox_backlog", count=str(count),
                                            minutes=str(int(age // 60)))
        await self.outbox.put(self.ctx.staff_room_id, message)

    async def _waiting_alert(self, found: Waiting, age: float) -> None:
        if self.ctx.staff_room_id is None:
            return
        message = self.config.catalogue.say(
            None, "staff_work_waiting", intakes=str(found.intakes),
            openings=str(found.openings), minutes=str(int(age // 60)),
        )
        await self.outbox.put(self.ctx.staff_room_id, message)

    async def _keep_watching(self) -> None:
        while True:
            try:
                await self.waiting.check()
            except Exception:
                log.exception("Checking for waiting intake DMs and openings failed")
            await asyncio.sleep(self.watch_interval)

    async def _storage_fault(self, started: bool) -> None:
        """Loud, and past the outbox (which needs the database): one staff-room notice."""
        if self.ctx.staff_room_id is None:
            return
        key = "staff_storage_fault" if started else "staff_storage_ok"
        message = self.config.catalogue.say(None, key)
        if started:
            await self.transport.send_now(self.ctx.staff_room_id, message)
        else:
            await self.outbox.put(self.ctx.staff_room_id, message)

    # --- hooks for the web side ---------------------------------------------------------------

    async def open_intake(self, user_id: str, campaign: str, *, wait: float = 10.0) -> None:
        """Durable before it returns: the intent row commits with the account record (the
        page then says "invited"); the DM is opened at once or, failing that, later."""
        async with self.db.transaction():
            # The web service made this account: erasure and retention may deactivate it.
            await rights.record_service_account(self.db, user_id, self.clock.now())
            await self.intakes.request(user_id, campaign)
        await self.intakes.wait(user_id, wait)

    async def health(self) -> dict[str, object]:
        """Homeserver reachable, database writable, sync fresh."""
        try:
            await tstore.set_kv(self.db, "health_probe", str(int(time.time())))
            db_ok = True
        except Exception:  # any failure means "not writable"
            db_ok = False
        age = None if self.sync.last_success is None else time.monotonic() - self.sync.last_success
        limit = self.sync.poll_timeout_ms / 1000 + 30
        hs_ok = self.sync.consecutive_failures == 0 and age is not None and age < limit
        if age is not None:
            METRICS.set("chathulp_sync_lag_seconds", age)
        storage_ok = db_ok and not self.sync.storage_fault
        if db_ok:
            try:
                await self.waiting.refresh()
            except Exception:
                log.debug("Could not refresh the gauges", exc_info=True)
        return {"homeserver": hs_ok, "database": storage_ok, "sync_age_seconds": age,
                "ok": hs_ok and storage_ok}

    async def _keep_recovering(self) -> None:
        """An opening that failed half-way (e.g. a homeserver blip) is finished later, not
        left until the next restart: openings are idempotent, so retrying is safe."""
        while True:
            await asyncio.sleep(self.recovery_interval)
            try:
                await self.router.sessions.recover()
            except Exception as exc:
                if is_storage_fault(exc):  # said loudly by the sync loop
                    log.warning("Retrying unfinished openings: the database cannot be written")
                else:
                    log.exception("Retrying unfinished openings failed; trying again later")

    async def _keep_staff_key_shared(self) -> None:
        """The staff room's room key is shared ahead of need while writing works (sharing one
        writes Olm sessions; encrypting with it writes nothing): so the storage-fault notice
        can go out while the disk is full."""
        while True:
            await asyncio.sleep(5)
            if self.ctx.staff_room_id is None or self.sync.storage_fault:
                continue
            try:
                await self.transport.keep_room_key_shared(self.ctx.staff_room_id)
            except Exception:
                log.debug("Sharing the staff room's key ahead failed", exc_info=True)

    async def _keep_dispatching(self) -> None:
        queue = self.router.youth.appointments.queue
        while True:
            try:
                await queue.dispatch()
            except Exception:
                log.exception("Matching the queue for now with free counselors failed")
            await asyncio.sleep(self.queue_interval)

    async def stop(self) -> None:
        if self.reloader is not None:
            await self.reloader.settled()
        if self._recovery_task is not None:
            self._recovery_task.cancel()
            self._recovery_task = None
        if self._staff_key_task is not None:
            self._staff_key_task.cancel()
            self._staff_key_task = None
        if self._queue_task is not None:
            self._queue_task.cancel()
            self._queue_task = None
        if self._watch_task is not None:
            self._watch_task.cancel()
            self._watch_task = None
        if self._web is not None:
            await self._web.cleanup()
            self._web = None
        await self.timers.shutdown()
        await self.retention.stop()
        await self.purges.stop()
        await self.intakes.stop()
        await self.outbox.stop()
        self.sync.stop()
        if self._sync_task is not None:
            self._sync_task.cancel()
            try:
                await self._sync_task
            except (asyncio.CancelledError, Exception):
                pass
        await self.transport.close()
        await self.db.close()
        if self._lock is not None:
            self._lock.close()  # releases the flock
            self._lock = None

    async def run_forever(self, stop: asyncio.Event) -> None:
        try:
            await self.start()
            await stop.wait()
        finally:
            await self.stop()
