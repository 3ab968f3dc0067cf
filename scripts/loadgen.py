"""Load and start-up figures for docs/PERFORMANCE.md, on a local Synapse (127.0.0.1 only).

    .venv/bin/python scripts/loadgen.py --youths 20 --rounds 5
    .venv/bin/python scripts/loadgen.py --youths 100 --rounds 3 --startup

N end-to-end-encrypted youths (matrix-nio, spread over `--procs` worker processes — default one
per 25 youths — so that one Python process's event loop and decryption work is not what sets
the pace) each open an encrypted DM with chathulp (its own process, `python -m bot run`) and
one with a bare matrix-nio echo bot (its own process, cross-signed the way the bot is:
bot/matrix/cross_signing.py) on the same homeserver.
In every round each youth writes to both at once ("hulp": chathulp answers it at any point of
the intake); the time from the send to the reply arriving in the youth's client is recorded.
Printed: p50/p95 of both, their ratio, and the bot's CPU and RSS (from /proc).

`--startup`: the bot is stopped, its database seeded with 10 000 past cases and 1 000 future
bookings (with their timers), a youth writes while it is down, and the time from the process
start to that youth receiving the answer is measured, with the RSS then. The bot's compiled
modules are kept between its starts, as in an installed bot (`--no-bytecode-cache`: compiled
at every start); `--verbose` logs the start-up phases (bot/startup.py), `--profile FILE` runs
the restart under cProfile.

The echo bot alone: `loadgen.py echo --homeserver URL --user ID --password PW --data DIR`.
A worker (started by the run; JSON lines on stdin/stdout): `loadgen.py worker …`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import yaml
from nio import (
    AsyncClient,
    AsyncClientConfig,
    InviteMemberEvent,
    LoginResponse,
    MatrixRoom,
    RoomMessageNotice,
    RoomMessageText,
)

SCRIPT = Path(__file__).resolve()
ROOT = SCRIPT.parent.parent
sys.path.insert(0, str(ROOT))

from bot.devserver import LocalSynapse  # noqa: E402
from bot.matrix.client import ENCRYPTION_STATE  # noqa: E402
from bot.matrix.cross_signing import ensure_cross_signed  # noqa: E402
from bot.matrix.secrets import load_or_create_secrets  # noqa: E402

PASSWORD = "loadgen-password"
MESSAGE = "hulp"


# --- the bare echo bot ------------------------------------------------------------------------

async def echo_main(homeserver: str, user_id: str, password: str, data: Path) -> None:
    store = data / "store"
    await asyncio.to_thread(store.mkdir, parents=True, exist_ok=True)
    secrets = load_or_create_secrets(data)
    client = AsyncClient(homeserver, user_id, store_path=str(store),
                         config=AsyncClientConfig(encryption_enabled=True,
                                                  store_sync_tokens=True,
                                                  pickle_key=secrets.pickle_key))
    resp = await client.login(password, device_name="echo")
    assert isinstance(resp, LoginResponse), resp
    if client.should_upload_keys:
        await client.keys_upload()
    async with aiohttp.ClientSession() as http:
        await ensure_cross_signed(http, homeserver, client.access_token, client.user_id,
                                  client.device_id, secrets, password)
    started = int(time.time() * 1000)

    async def on_invite(room: MatrixRoom, event: InviteMemberEvent) -> None:
        if event.state_key == client.user_id and event.membership == "invite":
            await client.join(room.room_id)

    replies: set[asyncio.Task[Any]] = set()

    async def on_text(room: MatrixRoom, event: RoomMessageText) -> None:
        if event.sender == client.user_id or event.server_timestamp < started:
            return
        # Replies in parallel (rooms are independent), as the bot's outbox sends them: a
        # serial echo bot would be the slowest party under load, not a baseline.
        task = asyncio.create_task(client.room_send(
            room.room_id, "m.room.message", {"msgtype": "m.notice", "body": event.body},
            ignore_unverified_devices=True))
        replies.add(task)
        task.add_done_callback(replies.discard)

    client.add_event_callback(on_invite, InviteMemberEvent)
    client.add_event_callback(on_text, RoomMessageText)
    print("echo ready", flush=True)
    await client.sync_forever(timeout=30_000, full_state=True)


# --- youths -----------------------------------------------------------------------------------

@dataclass
class Youth:
    client: AsyncClient
    rooms: dict[str, str] = field(default_factory=dict)  # "bot"/"echo" -> room id
    waiting: dict[str, asyncio.Future[float]] = field(default_factory=dict)
    task: asyncio.Task[None] | None = None
    answered_wall: float = 0.0  # time.time() of the last reply (start-up, across processes)
    # Per room: when (epoch ms) the message now waiting for its answer was sent. The bot may
    # answer one message with several notices: one arriving after the next message was
    # sent belongs to the earlier one and must not count as the next one's answer.
    sent_ms: dict[str, int] = field(default_factory=dict)

    def expect(self, room_id: str) -> asyncio.Future[float]:
        future: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self.waiting[room_id] = future
        self.sent_ms[room_id] = int(time.time() * 1000)
        return future

    async def on_reply(self, room: MatrixRoom, event: RoomMessageNotice) -> None:
        if event.sender == self.client.user_id:
            return
        if event.server_timestamp < self.sent_ms.get(room.room_id, 0):
            return  # a late notice answering an earlier message (same machine, same clock)
        future = self.waiting.pop(room.room_id, None)
        if future is not None and not future.done():
            self.answered_wall = time.time()
            future.set_result(time.monotonic())

    async def warm_up(self, who: str, attempts: int = 3) -> bool:
        """The first message (Olm sessions, room key) until it is answered: a client that
        could not claim a one-time key of the bot's device ("Missing Olm session") never
        shares its room key with it, so the outbound session is dropped and tried again."""
        for _ in range(attempts):
            if await self.ask(who, timeout=40) is not None:
                return True
            self.client.invalidate_outbound_session(self.rooms[who])
        return False

    async def ask(self, who: str, timeout: float = 60) -> float | None:
        room_id = self.rooms[who]
        future = self.expect(room_id)
        sent = time.monotonic()
        await self.client.room_send(room_id, "m.room.message",
                                    {"msgtype": "m.text", "body": MESSAGE},
                                    ignore_unverified_devices=True)
        try:
            async with asyncio.timeout(timeout):
                return await future - sent
        except TimeoutError:
            return None


async def make_youth(homeserver: str, user_id: str, store: Path) -> Youth:
    await asyncio.to_thread(store.mkdir, parents=True, exist_ok=True)
    client = AsyncClient(homeserver, user_id, store_path=str(store),
                         config=AsyncClientConfig(encryption_enabled=True,
                                                  store_sync_tokens=True))
    resp = await client.login(PASSWORD, device_name="loadgen")
    assert isinstance(resp, LoginResponse), resp
    if client.should_upload_keys:
        await client.keys_upload()
    youth = Youth(client)
    client.add_event_callback(youth.on_reply, RoomMessageNotice)
    await client.sync(timeout=0, full_state=True)
    youth.task = asyncio.create_task(client.sync_forever(timeout=30_000))
    return youth


async def open_dm(youth: Youth, who: str, peer: str) -> None:
    resp = await youth.client.room_create(is_direct=True, invite=[peer],
                                          initial_state=[ENCRYPTION_STATE])
    room_id = resp.room_id  # type: ignore[union-attr]
    youth.rooms[who] = room_id
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        room = youth.client.rooms.get(room_id)
        if room and peer in room.users and peer not in room.invited_users:
            return
        await asyncio.sleep(0.2)
    raise RuntimeError(f"{peer} did not join a DM")


# --- process figures --------------------------------------------------------------------------

def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


# --- the run ----------------------------------------------------------------------------------

def bot_config(synapse: LocalSynapse, bot_id: str, data: Path, path: Path) -> None:
    config = yaml.safe_load((ROOT / "config.example.yaml").read_text())
    config["matrix"].update(homeserver=synapse.url, user_id=bot_id, password=PASSWORD)
    config["data_dir"] = str(data)
    config["admins"] = []
    config["staff_room"] = {"room_id": "", "name": "staff", "invite": []}
    config["web"]["enabled"] = False
    path.write_text(yaml.safe_dump(config, allow_unicode=True))


async def spawn(*args: str, log: Path,
                env: dict[str, str] | None = None) -> asyncio.subprocess.Process:
    handle = log.open("ab")
    return await asyncio.create_subprocess_exec(
        sys.executable, *args, cwd=str(ROOT), stdout=handle, stderr=handle, env=env)


def bot_env(work: Path, bytecode_cache: bool) -> dict[str, str] | None:
    """The bot's environment. With `bytecode_cache` its compiled modules are kept (in the work
    directory), so that the restart measured loads them as an installed bot does (pip compiles
    every module at install time, also in the Docker image), even where the environment says
    PYTHONDONTWRITEBYTECODE (then every start compiles the bot's ~170 modules anew)."""
    if not bytecode_cache:
        return None
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(work / "pycache")
    return env


async def stop(proc: asyncio.subprocess.Process) -> None:
    if proc.returncode is None:
        proc.terminate()
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(20):
                await proc.wait()
        if proc.returncode is None:
            proc.kill()
            await proc.wait()


async def seed(db_path: Path, counselors: list[str], past: int, future: int,
               intake: str = "{}") -> None:
    """Past cases (closed, with a done booking each) and future bookings with their timers."""
    import aiosqlite

    now = int(time.time())
    async with aiosqlite.connect(db_path) as db:
        youths, cases, bookings, timers = [], [], [], []
        for i in range(past + future):
            youth = f"@seed{i}:localhost"
            youths.append((youth, f"!seed{i}:localhost", intake, now - 86400, now - 86400))
        for i in range(past):
            cases.append((f"P{i:05d}", f"@seed{i}:localhost", "closed", "nl", intake,
                          now - 86400 * 30, now - 86400 * 30))
        for i in range(future):
            cases.append((f"F{i:05d}", f"@seed{past + i}:localhost", "open", "nl", intake, now,
                          now))
        await db.executemany(
            "INSERT INTO youths (user_id, dm_room_id, intake, first_seen, last_seen) "
            "VALUES (?, ?, ?, ?, ?)", youths)
        await db.executemany(
            "INSERT INTO cases (ref, youth_id, status, language, answers, created_at, "
            "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)", cases)
        ids = {ref: cid for cid, ref in await db.execute_fetchall("SELECT id, ref FROM cases")}
        for i in range(past):
            start = now - 86400 * 30 + i * 3600
            bookings.append((ids[f"P{i:05d}"], f"@seed{i}:localhost",
                             counselors[i % len(counselors)], start, start + 2700, "done"))
        for i in range(future):
            start = now + 86400 + i * 3600
            bookings.append((ids[f"F{i:05d}"], f"@seed{past + i}:localhost",
                             counselors[i % len(counselors)], start, start + 2700, "booked"))
        await db.executemany(
            "INSERT INTO bookings (case_id, youth_id, counselor_id, start_at, end_at, status, "
            f"created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, {now}, {now})", bookings)
        for bid, start in await db.execute_fetchall(
                "SELECT id, start_at FROM bookings WHERE status = 'booked'"):
            timers += [("remind_youth", bid, start - 3600), ("open_session", bid, start)]
        await db.executemany(
            f"INSERT INTO timers (kind, booking_id, due_at, created_at) VALUES (?, ?, ?, {now})",
            timers)
        await db.commit()


# --- worker processes ---------------------------------------------------------------------------

async def worker_main(homeserver: str, bot_id: str, echo_id: str, users: list[str],
                      work: Path) -> None:
    """Youths of one process; commands on stdin, one JSON line per answer on stdout."""
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)

    def say(obj: dict[str, Any]) -> None:
        sys.stdout.write(json.dumps(obj) + "\n")
        sys.stdout.flush()

    youths: list[Youth] = []
    sem = asyncio.Semaphore(5)

    async def one(user_id: str) -> Youth:
        async with sem:
            youth = await make_youth(homeserver, user_id, work / "youths" / user_id[1:])
            await open_dm(youth, "bot", bot_id)
            await open_dm(youth, "echo", echo_id)
            # Warm up one by one (a few at a time): the bot's one-time keys last.
            warm = [await youth.warm_up(w) for w in ("bot", "echo")]
            if not all(warm):
                print(f"warm-up failed for a youth: {warm}", file=sys.stderr, flush=True)
            return youth

    try:
        youths += await asyncio.gather(*(one(u) for u in users))
        say({"ready": len(youths)})
        while line := (await reader.readline()).decode().strip():
            if line == "round":
                pairs = [(y, w) for y in youths for w in ("bot", "echo")]
                results = await asyncio.gather(*(y.ask(w) for y, w in pairs))
                out: dict[str, list[float | None]] = {"bot": [], "echo": []}
                for (_, who), value in zip(pairs, results, strict=True):
                    out[who].append(value)
                say(out)
            elif line == "startup-send":
                youth = youths[0]
                room_id = youth.rooms["bot"]
                youth.expect(room_id)
                await youth.client.room_send(room_id, "m.room.message",
                                             {"msgtype": "m.text", "body": MESSAGE},
                                             ignore_unverified_devices=True)
                say({"sent": time.time()})
            elif line == "startup-wait":
                youth = youths[0]
                future = youth.waiting.get(youth.rooms["bot"]) or loop.create_future()
                try:
                    async with asyncio.timeout(120):
                        await future
                except TimeoutError:
                    say({"answered": None})
                else:
                    say({"answered": youth.answered_wall})
            elif line == "quit":
                break
    finally:
        for youth in youths:
            if youth.task:
                youth.task.cancel()
            await youth.client.close()


class Worker:
    """The parent's handle on one worker process."""

    def __init__(self, proc: asyncio.subprocess.Process) -> None:
        self.proc = proc

    async def ask(self, command: str | None = None, timeout: float = 900) -> dict[str, Any]:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        if command is not None:
            self.proc.stdin.write(command.encode() + b"\n")
            await self.proc.stdin.drain()
        async with asyncio.timeout(timeout):
            line = await self.proc.stdout.readline()
        if not line:
            raise RuntimeError("a worker died (see youths-*.log in the work directory)")
        return json.loads(line)


async def start_worker(n: int, synapse: LocalSynapse, bot_id: str, echo_id: str,
                       users: list[str], work: Path) -> Worker:
    handle = (work / f"youths-{n}.log").open("ab")
    proc = await asyncio.create_subprocess_exec(
        sys.executable, str(SCRIPT), "worker", "--homeserver", synapse.url, "--bot", bot_id,
        "--echo", echo_id, "--users", ",".join(users), "--dir", str(work), cwd=str(ROOT),
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=handle,
        limit=2**24)
    return Worker(proc)


def seal_for(data: Path, text: str) -> str:
    """`text` sealed with the bot's database key, as the bot stores it (so that the start-up
    measured does not include sealing 22 000 seeded plain values, a one-off after an upgrade)."""
    from bot.matrix.secrets import database_keys
    from bot.storage.sealing import Sealer

    key, old = database_keys(load_or_create_secrets(data))
    return Sealer(key, old).seal(text)


async def run(args: argparse.Namespace) -> dict[str, Any]:
    work = Path(args.dir or tempfile.mkdtemp(prefix="chathulp-load-"))
    synapse = LocalSynapse(work / "synapse")
    await synapse.start()
    procs: list[asyncio.subprocess.Process] = []
    workers: list[Worker] = []
    try:
        bot_id = await synapse.register("chathulp", PASSWORD)
        echo_id = await synapse.register("echo", PASSWORD)
        cfg = work / "bot.yaml"
        bot_config(synapse, bot_id, work / "bot-data", cfg)
        env = bot_env(work, not args.no_bytecode_cache)
        bot = await spawn("-m", "bot", "run", "-c", str(cfg), log=work / "bot.log", env=env)
        echo = await spawn(str(SCRIPT), "echo", "--homeserver", synapse.url,
                           "--user", echo_id, "--password", PASSWORD, "--data",
                           str(work / "echo-data"), log=work / "echo.log")
        procs += [bot, echo]
        n_procs = args.procs or max(1, -(-args.youths // 25))
        print(f"work dir {work}; starting {args.youths} youths in {n_procs} processes",
              flush=True)
        ids = [await synapse.register(f"youth{i}", PASSWORD) for i in range(args.youths)]
        for n in range(n_procs):
            part = ids[n::n_procs]
            if part:
                workers.append(await start_worker(n, synapse, bot_id, echo_id, part, work))
        procs += [w.proc for w in workers]
        # Each worker sets up its youths and warms them up (not counted), then says ready.
        ready = await asyncio.gather(*(w.ask() for w in workers))
        print(f"warm-up done: {sum(r['ready'] for r in ready)} youths", flush=True)

        lat: dict[str, list[float]] = {"bot": [], "echo": []}
        lost = {"bot": 0, "echo": 0}
        rss_peak = rss_mb(bot.pid)  # type: ignore[arg-type]
        cpu0, wall0 = cpu_seconds(bot.pid), time.monotonic()  # type: ignore[arg-type]
        echo_cpu0 = cpu_seconds(echo.pid)  # type: ignore[arg-type]
        for r in range(args.rounds):
            answers = await asyncio.gather(*(w.ask("round") for w in workers))
            for answer in answers:
                for who in ("bot", "echo"):
                    for value in answer[who]:
                        if value is None:
                            lost[who] += 1
                        else:
                            lat[who].append(value)
            rss_peak = max(rss_peak, rss_mb(bot.pid))  # type: ignore[arg-type]
            print(f"round {r + 1}: bot p95 {pct(lat['bot'], .95):.3f}s, "
                  f"echo p95 {pct(lat['echo'], .95):.3f}s", flush=True)
        wall = time.monotonic() - wall0
        result: dict[str, Any] = {
            "youths": args.youths, "rounds": args.rounds, "procs": len(workers),
            "lost": lost, "bot_rss_mb_peak": rss_peak,
            "missing_olm_session_warnings": sum(
                (work / f"youths-{n}.log").read_text(errors="replace").count(
                    "Missing Olm session") for n in range(len(workers))),
        }
        if lat["bot"] and lat["echo"]:
            result.update({
                "bot_p50": statistics.median(lat["bot"]), "bot_p95": pct(lat["bot"], .95),
                "echo_p50": statistics.median(lat["echo"]),
                "echo_p95": pct(lat["echo"], .95),
                "bot_cpu_percent":
                    100 * (cpu_seconds(bot.pid) - cpu0) / wall,  # type: ignore[arg-type]
                "echo_cpu_percent":
                    100 * (cpu_seconds(echo.pid) - echo_cpu0) / wall,  # type: ignore[arg-type]
            })
            result["p95_ratio"] = result["bot_p95"] / result["echo_p95"]

        starts: list[dict[str, Any]] = []
        for n in range(args.startup_repeat if args.startup else 0):
            await stop(bot)
            if n == 0:
                counselors = [c["user_id"] for c in
                              yaml.safe_load(cfg.read_text())["scheduling"]["counselors"]]
                await seed(work / "bot-data" / "chathulp.db", counselors, 10_000, 1_000,
                           intake=seal_for(work / "bot-data", "{}"))
            await workers[0].ask("startup-send")
            t0 = time.time()
            stamp = time.strftime("%H:%M:%S") + f".{int(t0 * 1000) % 1000:03d}"
            print(f"bot restarted at {stamp} (compare with bot.log)", flush=True)
            profile = ("-m", "cProfile", "-o", args.profile) if args.profile else ()
            bot = await spawn(*profile, "-m", "bot", "run", "-c", str(cfg),
                              *(("-v",) if args.verbose else ()), log=work / "bot.log",
                              env=env)
            procs.append(bot)
            answered = (await workers[0].ask("startup-wait"))["answered"]
            if answered is None:
                raise RuntimeError("no answer within 120 s after the restart")
            starts.append({
                "startup_to_first_answer_s": answered - t0,
                # CPU the bot process used until about then: the load-independent part.
                "startup_cpu_s": cpu_seconds(bot.pid),  # type: ignore[arg-type]
                "startup_rss_mb": rss_mb(bot.pid),  # type: ignore[arg-type]
                "load_average": os.getloadavg(),
            })
            print(f"start {n + 1}: first answer after "
                  f"{starts[-1]['startup_to_first_answer_s']:.2f} s", flush=True)
        if starts:
            # The first start is the one with the seeded database's one-off work; with
            # --startup-repeat the median of all starts is reported too.
            result.update(starts[0])
            result["bytecode_cache"] = not args.no_bytecode_cache
            if len(starts) > 1:
                result["startups"] = starts
                result["startup_median_s"] = statistics.median(
                    s["startup_to_first_answer_s"] for s in starts)
        return result
    finally:
        for worker in workers:
            with contextlib.suppress(Exception):
                assert worker.proc.stdin is not None
                worker.proc.stdin.write(b"quit\n")
                await worker.proc.stdin.drain()
        for proc in procs:
            await stop(proc)
        await synapse.stop()


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "echo":
        parser = argparse.ArgumentParser()
        parser.add_argument("cmd")
        parser.add_argument("--homeserver", required=True)
        parser.add_argument("--user", required=True)
        parser.add_argument("--password", required=True)
        parser.add_argument("--data", required=True)
        a = parser.parse_args()
        asyncio.run(echo_main(a.homeserver, a.user, a.password, Path(a.data)))
        return
    if len(sys.argv) > 1 and sys.argv[1] == "worker":
        parser = argparse.ArgumentParser()
        parser.add_argument("cmd")
        for name in ("--homeserver", "--bot", "--echo", "--users", "--dir"):
            parser.add_argument(name, required=True)
        a = parser.parse_args()
        asyncio.run(worker_main(a.homeserver, a.bot, a.echo, a.users.split(","), Path(a.dir)))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--youths", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--procs", type=int, default=0,
                        help="worker processes for the youths (default: one per 25)")
    parser.add_argument("--startup", action="store_true", help="also measure start-up")
    parser.add_argument("--profile", metavar="FILE",
                        help="with --startup: run the restarted bot under cProfile, stats to FILE")
    parser.add_argument("--no-bytecode-cache", action="store_true",
                        help="the bot compiles its modules at every start (as it does where "
                             "PYTHONDONTWRITEBYTECODE is set and nothing was precompiled)")
    parser.add_argument("--verbose", action="store_true",
                        help="with --startup: the restarted bot logs at DEBUG (-v)")
    parser.add_argument("--startup-repeat", type=int, default=1, metavar="N",
                        help="with --startup: restart the bot N times (a youth writes while "
                             "it is down each time); the median is reported too")
    parser.add_argument("--dir", help="work directory (default: a new temp dir)")
    args = parser.parse_args()
    result = asyncio.run(run(args))
    print(json.dumps(result, indent=2))
    if "p95_ratio" not in result:
        return
    print(f"bot p50 {result['bot_p50']:.3f}s p95 {result['bot_p95']:.3f}s | echo p50 "
          f"{result['echo_p50']:.3f}s p95 {result['echo_p95']:.3f}s | ratio "
          f"{result['p95_ratio']:.2f} | bot CPU {result['bot_cpu_percent']:.0f}% RSS "
          f"{result['bot_rss_mb_peak']:.0f} MB | {result['procs']} youth processes")


if __name__ == "__main__":
    main()
