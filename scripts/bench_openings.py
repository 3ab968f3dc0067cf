"""Benchmark session openings: N bookings due in the same minute, against a local Synapse.

Run:  .venv/bin/python scripts/bench_openings.py [--count 200] [--synapse-ratelimits]

Starts a fresh LocalSynapse (bot/devserver.py), registers the bot, N youths and N counselors,
starts the real App with a FakeClock two minutes before a round minute T, books N sessions at
T (one counselor each) with their open_session timer, then sets the clock to T and refreshes
the timers: that real instant is t0. All N timers are due at t0, so an opening's lateness is
(moment its room is open with both invited) - t0.

Prints: seconds until the last room is open with both invited (target: <= 30 s), the median
and worst lateness, a per-phase breakdown (create room, invites, handler end), failures, and
the CPU used by the bot (this process) and by Synapse during the openings. Exits 1 if any
opening failed (not open, handler error, or the room lacks either invite).

By default the bot's account gets Synapse's admin `override_ratelimit` (no rate limits), as a
production bot account needs: Synapse limits room creation per user (rc_room_creation,
default 10 at once, then one per ~60 s), which devserver's config does not relax.
`--synapse-ratelimits` skips the override to show that effect (bounded by --deadline).
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import logging
import os
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

import aiohttp
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.app import App
from bot.clock import FakeClock
from bot.config.models import Config
from bot.devserver import LocalSynapse
from bot.domain.availability import Slot
from bot.storage import bookings, youths
from bot.storage import sessions as session_store

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "bench-password-123"
ALL_WEEK = {d: ["00:00-24:00"] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
TARGET_S = 30.0


def build_config(hs_url: str, bot_id: str, data_dir: Path, counselors: list[str]) -> Config:
    """As tests/conftest.py's MatrixEnv.config, with one counselor per booking."""
    data = copy.deepcopy(yaml.safe_load((ROOT / "config.example.yaml").read_text()))
    data["matrix"].update(homeserver=hs_url, user_id=bot_id, password=PASSWORD)
    data["data_dir"] = str(data_dir)
    data["admins"] = []
    data["staff_room"] = {"room_id": "", "name": "staff", "invite": []}
    data["web"] = {**data.get("web", {}), "enabled": False}
    data["scheduling"].update(
        counselors=[
            {"user_id": c, "display_name": f"C{i}", "languages": ["nl", "en"],
             "topics": ["*"], "hours": ALL_WEEK}
            for i, c in enumerate(counselors)
        ],
        opening_hours=None,
        closures=[],
    )
    return Config.model_validate(data)


async def register_all(server: LocalSynapse, names: list[str], chunk: int = 40) -> list[str]:
    ids: list[str] = []
    for i in range(0, len(names), chunk):
        ids += await asyncio.gather(*(server.register(n, PASSWORD) for n in names[i:i + chunk]))
    return ids


async def lift_ratelimits(server: LocalSynapse, user_id: str) -> None:
    """Synapse admin API: no rate limits for `user_id` (needs an admin's token)."""
    admin = await server.register("bench-admin", PASSWORD, admin=True)
    async with aiohttp.ClientSession() as http:
        async with http.post(f"{server.url}/_matrix/client/v3/login", json={
            "type": "m.login.password", "password": PASSWORD,
            "identifier": {"type": "m.id.user", "user": admin},
        }) as r:
            token = (await r.json())["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        url = f"{server.url}/_synapse/admin/v1/users/{quote(user_id)}/override_ratelimit"
        async with http.post(url, headers=headers,
                             json={"messages_per_second": 0, "burst_count": 0}) as r:
            if r.status != 200:
                raise RuntimeError(f"override_ratelimit failed: {r.status} {await r.text()}")
        async with http.post(f"{server.url}/_matrix/client/v3/logout", headers=headers, json={}):
            pass


def proc_cpu_seconds(pid: int) -> float:
    """utime + stime of a process (Linux /proc), in seconds."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def self_cpu_seconds() -> float:
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime + ru.ru_stime


class Probe:
    """Real (monotonic) timestamps of each opening's steps, keyed by booking or room."""

    def __init__(self) -> None:
        self.t0 = 0.0
        self.handler_start: dict[int, float] = {}
        self.handler_end: dict[int, float] = {}
        self.handler_error: dict[int, str] = {}
        self.marked_open: dict[int, float] = {}
        self.create_calls: list[tuple[float, float]] = []
        self.invite_calls: list[tuple[float, float, bool]] = []
        self.refresh_calls: list[tuple[float, float]] = []
        self.sync_calls: list[tuple[float, float]] = []
        self.key_calls: list[tuple[float, float]] = []
        self.capability_fetches = 0

    def rel(self, t: float) -> float:
        return t - self.t0


def instrument(app: App, probe: Probe) -> None:
    """Wrap (on the instances, and the one store function) the steps of an opening."""
    sessions = app.router.sessions
    transport = app.transport
    timers = app.timers
    orig_open = sessions.open
    orig_create = transport.create_room
    orig_invite = transport.invite
    orig_refresh = timers.refresh
    orig_mark_open = session_store.mark_open
    orig_version = transport.default_room_version
    nio = transport.nio
    orig_sync, orig_query, orig_claim = nio.sync, nio.keys_query, nio.keys_claim

    async def open_(booking_id: int) -> None:
        probe.handler_start.setdefault(booking_id, time.monotonic())
        try:
            await orig_open(booking_id)
        except Exception as exc:
            probe.handler_error[booking_id] = f"{type(exc).__name__}: {exc}"
            raise
        finally:
            probe.handler_end[booking_id] = time.monotonic()

    async def create_room(**kwargs: Any) -> str:
        start = time.monotonic()
        try:
            return await orig_create(**kwargs)
        finally:
            probe.create_calls.append((start, time.monotonic()))

    async def invite(room_id: str, user_id: str) -> bool:
        start = time.monotonic()
        ok = await orig_invite(room_id, user_id)
        probe.invite_calls.append((start, time.monotonic(), ok))
        return ok

    async def refresh() -> None:
        start = time.monotonic()
        await orig_refresh()
        probe.refresh_calls.append((start, time.monotonic()))

    async def mark_open(db: Any, session: session_store.Session, now: datetime) -> None:
        await orig_mark_open(db, session, now)
        probe.marked_open.setdefault(session.booking_id, time.monotonic())

    async def default_room_version() -> str:
        if transport._room_version is None:  # this call asks the homeserver
            probe.capability_fetches += 1
        return await orig_version()

    def timed_into(
        calls: list[tuple[float, float]], call: Callable[..., Awaitable[Any]]
    ) -> Callable[..., Awaitable[Any]]:
        async def wrapper(*args: Any, **kwargs: Any) -> Any:
            start = time.monotonic()
            try:
                return await call(*args, **kwargs)
            finally:
                calls.append((start, time.monotonic()))

        return wrapper

    transport.default_room_version = default_room_version  # type: ignore[method-assign]
    nio.sync = timed_into(probe.sync_calls, orig_sync)  # type: ignore[method-assign]
    nio.keys_query = timed_into(probe.key_calls, orig_query)  # type: ignore[method-assign]
    nio.keys_claim = timed_into(probe.key_calls, orig_claim)  # type: ignore[method-assign]
    sessions.open = open_  # type: ignore[method-assign]
    transport.create_room = create_room  # type: ignore[method-assign]
    transport.invite = invite  # type: ignore[method-assign]
    timers.refresh = refresh  # type: ignore[method-assign]
    session_store.mark_open = mark_open  # type: ignore[assignment]


async def invited_in(http: aiohttp.ClientSession, hs: str, token: str, room_id: str) -> set[str]:
    url = f"{hs}/_matrix/client/v3/rooms/{quote(room_id)}/members"
    async with http.get(url, params={"membership": "invite"},
                        headers={"Authorization": f"Bearer {token}"}) as r:
        data = await r.json()
    return {ev["state_key"] for ev in data.get("chunk", [])
            if ev.get("content", {}).get("membership") == "invite"}


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def spread(calls: list[tuple[float, float]] | list[tuple[float, float, bool]]) -> str:
    if not calls:
        return "none"
    durations = [c[1] - c[0] for c in calls]
    return (f"{len(calls)} calls, median {statistics.median(durations) * 1000:.0f} ms, "
            f"p90 {pct(durations, 0.9) * 1000:.0f} ms, max {max(durations) * 1000:.0f} ms")


def max_concurrency(calls: list[tuple[float, float]] | list[tuple[float, float, bool]]) -> int:
    events = sorted([(c[0], 1) for c in calls] + [(c[1], -1) for c in calls])
    level = best = 0
    for _, delta in events:
        level += delta
        best = max(best, level)
    return best


async def timed(label: str, step: Callable[[], Awaitable[Any]]) -> Any:
    start = time.monotonic()
    result = await step()
    print(f"  {label}: {time.monotonic() - start:.1f} s", flush=True)
    return result


async def run(args: argparse.Namespace, work: Path) -> int:
    n = args.count
    server = LocalSynapse(work / "synapse")
    print(f"Synapse in {server.data_dir}", flush=True)
    await timed("Synapse start", server.start)
    app: App | None = None
    try:
        bot_id = await server.register("bench-bot", PASSWORD)
        if not args.synapse_ratelimits:
            await lift_ratelimits(server, bot_id)
        youth_ids = await timed(f"register {n} youths", lambda: register_all(
            server, [f"youth-{i}" for i in range(n)]))
        counselor_ids = await timed(f"register {n} counselors", lambda: register_all(
            server, [f"counselor-{i}" for i in range(n)]))

        config = build_config(server.url, bot_id, work / "bot", counselor_ids)
        now = datetime.now(UTC)
        due = now.replace(second=0, microsecond=0) + timedelta(minutes=5)
        clock = FakeClock(due - timedelta(minutes=2))
        app = App(config, clock)
        await timed("bot start", app.start)
        instrument(app, probe := Probe())

        db = app.db
        fresh = app.router.youth.appointments.flow.new_state("nl")
        booking_ids: dict[int, tuple[str, str]] = {}

        async def setup() -> None:
            for i, (youth, counselor) in enumerate(zip(youth_ids, counselor_ids, strict=True)):
                _, case = await youths.first_contact(db, youth, f"!dm-{i}:localhost", fresh,
                                                     clock.now())
                await db.execute("UPDATE cases SET status = 'open', topic = 'school' "
                                 "WHERE id = ?", (case.id,))
                result = await bookings.book(
                    db, case_id=case.id, youth_id=youth,
                    slot=Slot(counselor, due, due + timedelta(minutes=45)),
                    now=clock.now(), reminders=[(bookings.OPEN_SESSION, None, due)],
                )
                if result.booking is None:
                    raise RuntimeError(f"booking {i} refused: {result.reason}")
                booking_ids[result.booking.id] = (youth, counselor)
            await app.timers.refresh()

        await timed(f"book {n} sessions at {due:%H:%M} UTC (fake)", setup)
        assert app.sync.last_success is not None
        await asyncio.sleep(1)  # let the sync loop settle into its long poll

        # --- the openings --------------------------------------------------------------------
        cpu_bot, cpu_hs = self_cpu_seconds(), proc_cpu_seconds(server.proc.pid)  # type: ignore[union-attr]
        clock.set(due)
        probe.t0 = time.monotonic()
        await app.timers.refresh()
        deadline = probe.t0 + args.deadline
        while time.monotonic() < deadline:
            if all(b in probe.handler_end for b in booking_ids):
                break
            await asyncio.sleep(0.05)
        await app.timers.drain(max(0.0, deadline - time.monotonic()))
        cpu_bot = self_cpu_seconds() - cpu_bot
        cpu_hs = proc_cpu_seconds(server.proc.pid) - cpu_hs  # type: ignore[union-attr]
        elapsed = time.monotonic() - probe.t0

        # --- verification (not timed) --------------------------------------------------------
        rows = await db.fetchall("SELECT booking_id, state, room_id FROM sessions")
        by_booking = {r["booking_id"]: r for r in rows}
        token = app.transport.nio.access_token
        sem = asyncio.Semaphore(20)
        failures: dict[int, str] = {}

        async with aiohttp.ClientSession() as http:
            async def check(booking_id: int, want: tuple[str, str]) -> None:
                row = by_booking.get(booking_id)
                if booking_id in probe.handler_error:
                    failures[booking_id] = probe.handler_error[booking_id]
                elif row is None or row["state"] != "open" or not row["room_id"]:
                    failures[booking_id] = f"session {dict(row) if row else 'missing'}"
                else:
                    async with sem:
                        invited = await invited_in(http, server.url, token, row["room_id"])
                    if not set(want) <= invited:
                        failures[booking_id] = f"invited {sorted(invited)}, want {sorted(want)}"

            await asyncio.gather(*(check(b, w) for b, w in booking_ids.items()))

        ok = [b for b in booking_ids if b not in failures and b in probe.marked_open]
        lateness = [probe.rel(probe.marked_open[b]) for b in ok]
        starts = [probe.rel(t) for t in probe.handler_start.values()]
        ends = [probe.rel(t) for t in probe.handler_end.values()]
        rooms_done = sorted(probe.rel(c[1]) for c in probe.create_calls)
        refresh = [c[1] - c[0] for c in probe.refresh_calls]
        last = max(lateness) if lateness else float("nan")
        rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

        print(f"\n=== {n} openings due at one instant "
              f"({'Synapse rate limits' if args.synapse_ratelimits else 'bot not rate-limited'})")
        print(f"rooms open with both invited: {len(ok)}/{n}   failures: {len(failures)}")
        if lateness:
            verdict = "met" if len(ok) == n and last <= TARGET_S else "NOT met"
            print(f"last room open with both invited: {last:.2f} s after t0 "
                  f"(target <= {TARGET_S:.0f} s: {verdict})")
            print(f"lateness: median {statistics.median(lateness):.2f} s, "
                  f"p90 {pct(lateness, 0.9):.2f} s, worst {last:.2f} s, "
                  f"best {min(lateness):.2f} s")
        print("phases (s after t0):")
        if starts:
            print(f"  handlers entered: first {min(starts):.2f}, last {max(starts):.2f}")
        if rooms_done:
            print(f"  rooms created:    first {rooms_done[0]:.2f}, "
                  f"median {statistics.median(rooms_done):.2f}, last {rooms_done[-1]:.2f}")
        if ends:
            print(f"  handlers done:    last {max(ends):.2f} (incl. no-show timers + refresh)")
        print(f"  create_room: {spread(probe.create_calls)}, "
              f"max {max_concurrency(probe.create_calls)} in flight")
        print(f"  invite:      {spread(probe.invite_calls)}, "
              f"max {max_concurrency(probe.invite_calls)} in flight, "
              f"{sum(1 for c in probe.invite_calls if not c[2])} refused")
        if refresh:
            print(f"  timers.refresh: {len(refresh)} calls, total {sum(refresh):.2f} s, "
                  f"max {max(refresh) * 1000:.0f} ms")
        window = [c for c in probe.sync_calls if c[1] >= probe.t0]
        print(f"  sync loop: {spread(window)} (ending after t0)")
        keys = [c for c in probe.key_calls if c[1] >= probe.t0]
        print(f"  keys query/claim: {spread(keys)}")
        print(f"  GET /capabilities (room version) requests: {probe.capability_fetches}")
        print(f"CPU during the openings ({elapsed:.1f} s wall): bot {cpu_bot:.1f} s "
              f"({cpu_bot / elapsed:.0%} of a core), Synapse {cpu_hs:.1f} s "
              f"({cpu_hs / elapsed:.0%} of a core); bot peak RSS {rss_mb:.0f} MB")
        for booking_id, why in sorted(failures.items())[:10]:
            print(f"  FAILED booking {booking_id}: {why}")
        return 1 if failures or len(ok) != n else 0
    finally:
        if app is not None:
            await app.stop()
        await server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200, help="bookings due at once")
    parser.add_argument("--deadline", type=float, default=300.0,
                        help="give up waiting for the openings after this many seconds")
    parser.add_argument("--synapse-ratelimits", action="store_true",
                        help="do not lift Synapse's rate limits for the bot's account")
    parser.add_argument("--workdir", type=Path, default=None,
                        help="keep Synapse's and the bot's data here (default: a temp dir)")
    parser.add_argument("-v", "--verbose", action="store_true", help="the bot's INFO logs")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if args.workdir is not None:
        args.workdir.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix="openings-", dir=args.workdir))
        sys.exit(asyncio.run(run(args, work)))
    with tempfile.TemporaryDirectory(prefix="bench-openings-") as tmp:
        sys.exit(asyncio.run(run(args, Path(tmp))))


if __name__ == "__main__":
    main()
