"""Crash drill: `kill -9` the bot at random moments while youths and counselors talk to it.

Run:  .venv/bin/python scripts/drill.py [--kills 50] [--lanes 3] [--no-hs-outage]

Starts a fresh local Synapse (bot/devserver.py), registers the bot and two counselors, and
runs the real bot as a subprocess (`python -m bot run -c cfg`). Youths (real E2EE nio clients,
`--lanes` at a time, a fresh youth each time one finishes) go through the intake, pick the
first offered moment (a booking; "now" opens a session room at once) and counselors send
`!agenda` in their DMs. Meanwhile the bot is killed with SIGKILL every 1–6 s (so kills land
in intake, booking, session opening and command handling alike) and restarted at once; once,
half-way, the homeserver is stopped for a few seconds and started again.

Afterwards (everything given time to settle) it counts, against a reference run of the same
conversation before the first kill:
- lost answers: a message that got fewer replies than in the reference;
- answers twice: a message that got more replies than in the reference;
- double bookings: a youth with two upcoming bookings, or a counselor booked twice at once;
- session rooms: per due booking, the youth must be invited to exactly one session room;
- bot devices: the bot's account must have exactly one device.
Prints the counts (and JSON with --json); exits 1 if any is wrong.
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import json
import os
import random
import shutil
import signal
import sqlite3
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.devserver import LocalSynapse
from tests.support.matrix_user import MatrixUser

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "drill-password-123"
ALL_WEEK = {d: ["00:00-24:00"] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
# The example config's Dutch intake, then "1": the first offered moment.
YOUTH_STEPS = ("hoi", "1", "2", "school", "deze week", "kortrijk", "overslaan", "1")
REPLY_TIMEOUT = 90.0
AGENDA_REPLIES = ("Je komende gesprekken", "Je hebt geen gesprekken")
NEW_BOOKING = "Nieuwe afspraak"
SLOT_TAKEN = "Oei, dat moment is net door iemand anders gekozen"
# "Now" while every counselor is in a session: a place in the queue (one reply) instead of
# the booking and the room pointer; the room comes later, when a counselor is free.
QUEUED = "Iedereen die nu werkt, is in gesprek. Je staat in de wachtrij"


@dataclass
class Step:
    who: str
    room_id: str
    text: str
    mark: int  # index into the user's received list when it was sent
    expected: int


@dataclass
class Drill:
    server: LocalSynapse
    work: Path
    bot_id: str
    counselors: list[str]
    proc: asyncio.subprocess.Process | None = None
    kills: int = 0
    restarts: int = 0
    steps: list[Step] = field(default_factory=list)
    users: dict[str, MatrixUser] = field(default_factory=dict)
    expected: dict[str, list[int]] = field(default_factory=dict)
    youths: list[str] = field(default_factory=list)
    stop: asyncio.Event = field(default_factory=asyncio.Event)
    hs_outages: int = 0
    lane_errors: int = 0
    counselor_dms: dict[str, str] = field(default_factory=dict)
    log: Any = None

    @property
    def data_dir(self) -> Path:
        return self.work / "bot-data"

    @property
    def config_file(self) -> Path:
        return self.work / "bot.yaml"

    def write_config(self) -> None:
        data = copy.deepcopy(yaml.safe_load((ROOT / "config.example.yaml").read_text()))
        data["matrix"].update(homeserver=self.server.url, user_id=self.bot_id,
                              password=PASSWORD)
        data["data_dir"] = str(self.data_dir)
        data["admins"] = []
        data["staff_room"] = {"room_id": "", "name": "staff", "invite": []}
        data["web"] = {**data.get("web", {}), "enabled": False}
        data["scheduling"].update(
            counselors=[{"user_id": c, "display_name": f"C{i}", "languages": ["nl", "en"],
                         "hours": ALL_WEEK} for i, c in enumerate(self.counselors)],
            opening_hours=None, closures=[],
        )
        self.config_file.write_text(yaml.safe_dump(data))

    async def start_bot(self) -> None:
        self.proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", "-c", str(self.config_file),
            cwd=ROOT, stdout=self.log, stderr=self.log,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        self.restarts += 1

    def kill_bot(self) -> None:
        if self.proc is not None and self.proc.returncode is None:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.kills += 1

    async def stop_bot(self) -> None:
        if self.proc is not None and self.proc.returncode is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                async with asyncio.timeout(30):
                    await self.proc.wait()
            except TimeoutError:
                self.proc.kill()
                await self.proc.wait()

    # --- conversation ------------------------------------------------------------------------

    async def user(self, user_id: str) -> MatrixUser:
        store = self.work / "clients" / user_id.strip("@").replace(":", "_")
        user = await MatrixUser.login(self.server.url, user_id, PASSWORD, store)
        self.users[user_id] = user
        return user

    def replies(self, user: MatrixUser, room_id: str, start: int, end: int | None = None) -> int:
        """The bot's replies in a window; in a counselor's DM only command replies count
        (booking notices arrive there too, counted on their own)."""
        counselor = user.user_id in self.counselors
        return sum(1 for m in user.received[start:end]
                   if m.room_id == room_id and m.sender == self.bot_id
                   and (not counselor or m.body.startswith(AGENDA_REPLIES)))

    def queued(self, user: MatrixUser, room_id: str, start: int) -> bool:
        """The reply is a place in the queue for "now" (the room comes later, if at all
        within the drill): no second reply to wait for."""
        return any(m.room_id == room_id and m.sender == self.bot_id
                   and m.body.startswith(QUEUED) for m in user.received[start:])

    async def exchange(self, user: MatrixUser, room_id: str, text: str, expected: int,
                       quiet: float = 0.0) -> int:
        """Send; wait until `expected` replies came (or the timeout) and, with `quiet`, until
        no further reply came for that many seconds; returns how many."""
        mark = user.mark()
        for attempt in range(30):
            try:
                await user.say(room_id, text)
                break
            except (AssertionError, aiohttp.ClientError, OSError, TimeoutError):
                await asyncio.sleep(1 + attempt)  # the homeserver is down for a moment
        self.steps.append(Step(user.user_id, room_id, text, mark, expected))
        try:
            await user.wait_for(lambda: self.replies(user, room_id, mark) >= max(expected, 1)
                                or self.queued(user, room_id, mark), REPLY_TIMEOUT, "the reply")
        except TimeoutError:
            pass
        # The reference run: a step's replies may be several outbox sends (e.g. "that was
        # all" and the offer); moving on after the first would count the rest for the next.
        while quiet:
            seen = self.replies(user, room_id, mark)
            await asyncio.sleep(quiet)
            if self.replies(user, room_id, mark) == seen:
                break
        return self.replies(user, room_id, mark)

    async def youth_run(self, reference: bool = False) -> None:
        youth_id = await self.server.register(f"youth-{random.randrange(16**8):08x}", PASSWORD)
        self.youths.append(youth_id)
        user = await self.user(youth_id)
        room = await user.open_dm(self.bot_id)
        counts = []
        for n, text in enumerate(YOUTH_STEPS):
            expected = 1 if reference else self.expected["youth"][n]
            got = await self.exchange(user, room, text, expected, 2.0 if reference else 0.0)
            counts.append(got)
            await asyncio.sleep(random.uniform(0.05, 0.8))
        if reference:
            await asyncio.sleep(3)  # late extras would make the reference too high
            self.expected["youth"] = [
                self.replies(user, room, s.mark, nxt.mark if nxt else None)
                for s, nxt in zip(self.steps, [*self.steps[1:], None], strict=True)]
            self.steps.clear()

    async def lane(self) -> None:
        while not self.stop.is_set():
            try:
                await self.youth_run()
            except Exception as exc:  # a client-side failure; the drill goes on
                self.lane_errors += 1
                print(f"  youth lane: {type(exc).__name__}: {exc}", flush=True)

    async def counselor_lane(self, counselor: str) -> None:
        user = self.users[counselor]
        while not self.stop.is_set():
            try:
                for invited in list(user.invites):  # a DM the bot opened: accept it
                    if invited not in user.client.rooms:
                        await user.join(invited)
                await self.exchange(user, self.counselor_dms[counselor], "!agenda", 1)
            except Exception as exc:
                self.lane_errors += 1
                print(f"  counselor lane: {type(exc).__name__}: {exc}", flush=True)
            await asyncio.sleep(random.uniform(0.5, 3))

    async def running(self, timeout: float = 180.0) -> None:
        """Until the bot started last says it is running (its log line)."""
        async with asyncio.timeout(timeout):
            while True:
                text = (self.work / "bot.log").read_text(errors="replace")
                if text.count("chathulp is running") >= self.restarts:
                    return
                await asyncio.sleep(0.2)

    async def killer(self, kills: int, hs_outage: bool) -> None:
        while self.kills < kills:
            # Kill while it works, not while it starts: a random moment after it is up.
            await self.running()
            await asyncio.sleep(random.uniform(0.3, 5.0))
            self.kill_bot()
            assert self.proc is not None
            await self.proc.wait()
            if hs_outage and self.hs_outages == 0 and self.kills >= kills // 2:
                await self.server.stop()
                await asyncio.sleep(5)
                await self.server.start()
                self.hs_outages += 1
            await self.start_bot()
            print(f"kill {self.kills}/{kills}", flush=True)
        self.stop.set()

    # --- counting ----------------------------------------------------------------------------

    async def bot_devices(self) -> int:
        creds = json.loads((self.data_dir / "credentials.json").read_text())
        token = creds.get("access_token")
        async with aiohttp.ClientSession() as http, http.get(
            f"{self.server.url}/_matrix/client/v3/devices",
            headers={"Authorization": f"Bearer {token}"},
        ) as r:
            return len((await r.json()).get("devices", []))

    def count(self) -> dict[str, int]:
        lost = twice = 0
        per_user: dict[tuple[str, str], list[Step]] = {}
        for step in self.steps:
            per_user.setdefault((step.who, step.room_id), []).append(step)
        for (who, room), steps in per_user.items():
            user = self.users[who]
            for step, nxt in zip(steps, [*steps[1:], None], strict=True):
                got = self.replies(user, room, step.mark, nxt.mark if nxt else None)
                first = next((m.body for m in user.received[step.mark:nxt.mark if nxt else None]
                              if m.room_id == room and m.sender == self.bot_id), "")
                if first.startswith(SLOT_TAKEN):
                    step.expected = 2  # a race for the same moment: sorry + the new offer
                elif first.startswith(QUEUED):
                    # What follows a queue place (a new place, later the room) varies with
                    # the other lanes: every distinct reply is expected, a repeat is not.
                    step.expected = len({m.body for m in user.received[
                        step.mark:nxt.mark if nxt else None]
                        if m.room_id == room and m.sender == self.bot_id})
                lost += max(0, step.expected - got)
                twice += max(0, got - step.expected)
                if got != step.expected:
                    role = "counselor" if who in self.counselors else "youth"
                    end = nxt.mark if nxt else None
                    bodies = [m.body[:60] for m in user.received[step.mark:end]
                              if m.room_id == room and m.sender == self.bot_id]
                    print(f"  {role} said {step.text!r}: {got} replies, expected "
                          f"{step.expected} (undecryptable for this user: "
                          f"{len(user.undecryptable)}): {bodies}", flush=True)
        db = sqlite3.connect(self.data_dir / "chathulp.db")
        double_youth = db.execute(
            "SELECT COUNT(*) FROM (SELECT youth_id FROM bookings WHERE status IN "
            "('booked', 'opened') GROUP BY youth_id HAVING COUNT(*) > 1)").fetchone()[0]
        double_counselor = db.execute(
            "SELECT COUNT(*) FROM bookings a JOIN bookings b ON a.counselor_id = b.counselor_id "
            "AND a.id < b.id AND a.start_at < b.end_at AND b.start_at < a.end_at "
            "WHERE a.status IN ('booked', 'opened') AND b.status IN ('booked', 'opened')"
        ).fetchone()[0]
        # Every booking's "new appointment" notice reaches its counselor exactly once.
        notices_lost = notices_twice = 0
        for counselor, ref in db.execute(
                "SELECT b.counselor_id, c.ref FROM bookings b JOIN cases c ON c.id = b.case_id"):
            user = self.users[counselor]
            got = sum(1 for m in user.received if m.sender == self.bot_id
                      and m.body.startswith(NEW_BOOKING)
                      and m.body.split("\n")[0].endswith(f"dossier {ref}"))
            notices_lost += max(0, 1 - got)
            notices_twice += max(0, got - 1)
            if got != 1:
                seen = [m.body[:70] for m in user.received if m.sender == self.bot_id
                        and not m.body.startswith(AGENDA_REPLIES)]
                print(f"  booking notice for case {ref} to {counselor}: {got} "
                      f"(the counselor's other notices: {seen})", flush=True)
        now = int(time.time())
        due = db.execute(
            "SELECT b.youth_id, s.room_id FROM bookings b LEFT JOIN sessions s "
            "ON s.booking_id = b.id WHERE b.start_at <= ? AND b.status IN ('booked', 'opened')",
            (now - 60,)).fetchall()
        db.close()
        missing = duplicate = 0
        for youth_id, room_id in due:
            invites = self.users[youth_id].invites if youth_id in self.users else []
            if room_id is None or room_id not in invites:
                missing += 1
            duplicate += max(0, len(invites) - 1)
        return {"messages": len(self.steps), "lost_answers": lost, "answers_twice": twice,
                "counselor_notices_lost": notices_lost,
                "counselor_notices_twice": notices_twice,
                "double_bookings": double_youth + double_counselor,
                "session_rooms_due": len(due), "session_rooms_missing": missing,
                "session_rooms_duplicate": duplicate}


async def run(args: argparse.Namespace) -> dict[str, Any]:
    work = Path(tempfile.mkdtemp(prefix="chathulp-drill-"))
    server = LocalSynapse(work / "synapse")
    await server.start()
    try:
        bot_id = await server.register("drillbot", PASSWORD)
        counselors = [await server.register(f"counselor{i}", PASSWORD) for i in range(2)]
        drill = Drill(server, work, bot_id, counselors)
        drill.log = open(work / "bot.log", "ab")  # noqa: ASYNC230
        drill.write_config()
        await drill.start_bot()
        for c in counselors:
            counselor = await drill.user(c)
            drill.counselor_dms[c] = await counselor.open_dm(bot_id)
        started = time.monotonic()
        await drill.youth_run(reference=True)
        print(f"reference replies per step: {drill.expected['youth']}", flush=True)
        tasks = [asyncio.create_task(drill.lane()) for _ in range(args.lanes)]
        tasks += [asyncio.create_task(drill.counselor_lane(c)) for c in counselors]
        await drill.killer(args.kills, not args.no_hs_outage)
        # Let the lanes finish their current conversation, then settle.
        try:
            async with asyncio.timeout(REPLY_TIMEOUT * len(YOUTH_STEPS)):
                await asyncio.gather(*tasks)
        except TimeoutError:
            for t in tasks:
                t.cancel()
        await asyncio.sleep(args.settle)
        devices = await drill.bot_devices()
        await drill.stop_bot()
        result: dict[str, Any] = {
            "kills": drill.kills, "restarts": drill.restarts - 1,
            "homeserver_outages": drill.hs_outages, "youths": len(drill.youths),
            "client_errors": drill.lane_errors,
            **drill.count(), "bot_devices": devices,
            "seconds": round(time.monotonic() - started),
        }
        for user in drill.users.values():
            await user.close()
        drill.log.close()
        return result
    finally:
        await server.stop()
        if not getattr(args, "keep", False):
            shutil.rmtree(work, ignore_errors=True)
        else:
            print(f"kept: {work}", flush=True)


def failed(result: dict[str, Any]) -> bool:
    return any(result[k] for k in ("lost_answers", "answers_twice", "double_bookings",
                                   "counselor_notices_lost", "counselor_notices_twice",
                                   "session_rooms_missing", "session_rooms_duplicate")) \
        or result["bot_devices"] != 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kills", type=int, default=50)
    parser.add_argument("--lanes", type=int, default=3, help="youths talking at a time")
    parser.add_argument("--settle", type=float, default=20.0)
    parser.add_argument("--no-hs-outage", action="store_true")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the work directory (logs)")
    args = parser.parse_args()
    if args.seed is not None:
        random.seed(args.seed)
    result = asyncio.run(run(args))
    if args.json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print(f"{key:>24}: {value}")
    return 1 if failed(result) else 0


if __name__ == "__main__":
    sys.exit(main())
