"""Crash drill: `kill -9` the bot at random moments while youths and counselors talk to it.

Run:  .venv/bin/python scripts/drill.py [--kills 50] [--lanes 3] [--no-hs-outage]
      .venv/bin/python scripts/drill.py --disk-full 5 [--fault-seconds 20-60]

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
Also reported: messages the bot still cannot read at the end (parked undecryptable). For a
message that got fewer replies than expected, what the homeserver's and the bot's databases
hold for its room is printed (ids and counts only), and a failing run keeps its work dir.
Each kill's phase is recorded (what was in flight: an intake step, a booking, a counselor
command, a session opening due) and the distribution printed. Bookings are for moments a few
minutes ahead (5-minute sessions, no minimum notice), so session openings happen under fire.

`--disk-full N` (no kills unless --kills is given): N times, at random moments mid-flow, every
write of the bot (its database and nio's E2EE store) fails as on a full disk for 20-60 s (the
test-only hook CHATHULP_FAULT_FILE, bot/storage/faults.py); a new youth starts during each
fault. Besides the counts above: /health answered 503 during each fault and 200 after it, the
staff room got one "cannot write" and one "works again" notice per fault, and nothing stayed
undecryptable (the bot gave up on no message).
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
import socket
import sqlite3
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.devserver import LocalSynapse
from bot.matrix.client import ENCRYPTION_STATE
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
# What reaches a youth's DM later on its own (not a reply to what they said): the pointer to
# the session room, reminders, the end of a session (the drill's youths never join it).
LATER_IN_DM = ("is er voor je. Open de uitnodiging om het gesprek te starten",
               "Herinnering:", "We zagen je niet bij je gesprek", "is afgesloten. Dankjewel",
               "kan er niet bij zijn")
ROOM_READY = LATER_IN_DM[0]
FAULT_NOTICE = "Werking: de bot kan zijn databank niet schrijven"
FAULT_OVER_NOTICE = "Werking: de bot kan zijn databank weer schrijven"
# The phase names of a kill (what was in flight), in print order.
PHASES = ("intake", "booking", "session opening", "counselor command", "idle")


def where(exc: BaseException) -> str:
    """The drill's own line a client-side error came through (which wait timed out)."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == __file__]
    return f" (at {frames[-1].name}:{frames[-1].lineno}: {frames[-1].line})" if frames else ""


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
    reply_timeout: float = REPLY_TIMEOUT
    in_flight: dict[str, str] = field(default_factory=dict)  # user -> phase of their message
    kill_phases: list[list[str]] = field(default_factory=list)
    web_port: int | None = None
    fault_file: Path | None = None
    fault_windows: list[tuple[float, float]] = field(default_factory=list)  # monotonic
    health: list[tuple[float, int]] = field(default_factory=list)  # (monotonic, status)
    fault_youths: list[str] = field(default_factory=list)
    youths_done: int = 0

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
        # The bot creates the staff room and invites the counselors (the fault notices).
        data["staff_room"] = {"room_id": "", "name": "staff", "invite": []}
        web = {**data.get("web", {}), "enabled": self.web_port is not None}
        if self.web_port is not None:  # for /health
            web.update(bind="127.0.0.1", port=self.web_port, registration_enabled=False,
                       public_base_url=f"http://127.0.0.1:{self.web_port}")
        data["web"] = web
        data["scheduling"].update(
            counselors=[{"user_id": c, "display_name": f"C{i}", "languages": ["nl", "en"],
                         "hours": ALL_WEEK} for i, c in enumerate(self.counselors)],
            opening_hours=None, closures=[],
            # Moments a few minutes ahead: the sessions booked in the drill open during it,
            # under fire (kills, faults), not after it.
            slot_minutes=5, buffer_minutes=0, min_notice_minutes=0,
        )
        self.config_file.write_text(yaml.safe_dump(data))

    async def start_bot(self) -> None:
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        if self.fault_file is not None:  # test-only: writes fail while this file exists
            env["CHATHULP_FAULT_FILE"] = str(self.fault_file)
        self.proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", "-c", str(self.config_file),
            cwd=ROOT, stdout=self.log, stderr=self.log, env=env,
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
                   and (m.body.startswith(AGENDA_REPLIES) if counselor
                        else not any(later in m.body for later in LATER_IN_DM)))

    def queued(self, user: MatrixUser, room_id: str, start: int) -> bool:
        """The reply is a place in the queue for "now" (the room comes later, if at all
        within the drill): no second reply to wait for."""
        return any(m.room_id == room_id and m.sender == self.bot_id
                   and m.body.startswith(QUEUED) for m in user.received[start:])

    async def exchange(self, user: MatrixUser, room_id: str, text: str, expected: int,
                       quiet: float = 0.0, phase: str = "") -> int:
        """Send; wait until `expected` replies came (or the timeout) and, with `quiet`, until
        no further reply came for that many seconds; returns how many. `phase` names what is
        in flight meanwhile (for the kills' distribution)."""
        mark = user.mark()
        self.in_flight[user.user_id] = phase
        try:
            return await self._exchange(user, room_id, text, expected, quiet, mark)
        finally:
            self.in_flight.pop(user.user_id, None)

    async def _exchange(self, user: MatrixUser, room_id: str, text: str, expected: int,
                        quiet: float, mark: int) -> int:
        for attempt in range(30):
            try:
                await user.say(room_id, text)
                break
            except (AssertionError, aiohttp.ClientError, OSError, TimeoutError):
                await asyncio.sleep(1 + attempt)  # the homeserver is down for a moment
        self.steps.append(Step(user.user_id, room_id, text, mark, expected))
        try:
            await user.wait_for(lambda: self.replies(user, room_id, mark) >= max(expected, 1)
                                or self.queued(user, room_id, mark), self.reply_timeout,
                                "the reply")
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

    async def register_youth(self) -> str:
        """A new youth's account. One who signs up during the drill's homeserver outage
        tries again once it is back (that outage is the homeserver's, not the bot's)."""
        name = f"youth-{random.randrange(16**8):08x}"
        for _ in range(120):
            try:
                return await self.server.register(name, PASSWORD)
            except aiohttp.ClientConnectionError:
                await asyncio.sleep(1)
        return await self.server.register(name, PASSWORD)

    async def youth_run(self, reference: bool = False) -> None:
        youth_id = await self.register_youth()
        self.youths.append(youth_id)
        if self.faulty():
            self.fault_youths.append(youth_id)
        user = await self.user(youth_id)
        room = await self.open_dm(user)
        for n, text in enumerate(YOUTH_STEPS):
            expected = 1 if reference else self.expected["youth"][n]
            phase = "booking" if n == len(YOUTH_STEPS) - 1 else "intake"
            # The reference waits 5 s of quiet: a step's replies may be several outbox sends
            # (2 s was too short on a loaded machine: the offer after "that was all" was
            # counted for the next step).
            await self.exchange(user, room, text, expected, 5.0 if reference else 0.0, phase)
            await asyncio.sleep(random.uniform(0.05, 0.8))
        if not reference:
            self.youths_done += 1
            print(f"  youths done: {self.youths_done}", flush=True)
        if reference:
            await asyncio.sleep(3)  # late extras would make the reference too high
            self.expected["youth"] = [
                self.replies(user, room, s.mark, nxt.mark if nxt else None)
                for s, nxt in zip(self.steps, [*self.steps[1:], None], strict=True)]
            self.steps.clear()

    async def open_dm(self, user: MatrixUser) -> str:
        """An encrypted DM with the bot, once the bot has joined (which may wait for the end
        of a storage fault: the invite is handled once writing works)."""
        resp = await user.client.room_create(is_direct=True, invite=[self.bot_id],
                                             initial_state=[ENCRYPTION_STATE])
        room_id = resp.room_id

        def joined() -> bool:
            room = user.client.rooms.get(room_id)
            return bool(room and self.bot_id in room.users
                        and self.bot_id not in room.invited_users)

        await user.wait_for(joined, self.reply_timeout, "the bot to join")
        return room_id

    async def staff_room_joined(self) -> None:
        """Until the counselors are in the staff room the bot created (its fault notices)."""
        def joined() -> bool:
            db = sqlite3.connect(f"file:{self.data_dir / 'chathulp.db'}?mode=ro", uri=True)
            try:
                row = db.execute("SELECT value FROM kv WHERE key = 'staff_room_id'").fetchone()
            finally:
                db.close()
            return bool(row) and all(row[0] in self.users[c].client.rooms
                                     for c in self.counselors)
        async with asyncio.timeout(120):
            while True:
                if joined():
                    return
                await asyncio.sleep(0.5)

    async def fault_youth(self) -> None:
        try:
            await self.youth_run()
        except Exception as exc:
            self.lane_errors += 1
            print(f"  youth (started in a fault): {type(exc).__name__}: {exc}{where(exc)}",
                  flush=True)

    def faulty(self) -> bool:
        return self.fault_file is not None and self.fault_file.exists()

    async def lane(self) -> None:
        while not self.stop.is_set():
            try:
                await self.youth_run()
            except Exception as exc:  # a client-side failure; the drill goes on
                self.lane_errors += 1
                print(f"  youth lane: {type(exc).__name__}: {exc}{where(exc)}", flush=True)
                # Not at once: while the homeserver is down, registering fails at once, and
                # an immediate retry spun thousands of times a second (17051 errors in one
                # 5 s outage), starving the bot, Synapse's start and the other lanes.
                await asyncio.sleep(1.0)

    async def counselor_lane(self, counselor: str) -> None:
        user = self.users[counselor]
        while not self.stop.is_set():
            try:
                for invited in list(user.invites):  # a DM the bot opened: accept it
                    if invited not in user.client.rooms:
                        await user.join(invited)
                await self.exchange(user, self.counselor_dms[counselor], "!agenda", 1,
                                    phase="counselor command")
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
            in_flight = set(self.in_flight.values())
            self.kill_bot()
            assert self.proc is not None
            await self.proc.wait()
            if self.opening_due():
                in_flight.add("session opening")
            self.kill_phases.append(sorted(in_flight - {""}) or ["idle"])
            if hs_outage and self.hs_outages == 0 and self.kills >= kills // 2:
                await self.server.stop()
                await asyncio.sleep(5)
                await self.server.start()
                self.hs_outages += 1
            await self.start_bot()
            print(f"kill {self.kills}/{kills}", flush=True)
        self.stop.set()

    def opening_due(self) -> bool:
        """At the moment of a kill: a session opening due and not finished (its timer pending
        and due, or its intent row written and the room not yet pointed to)."""
        now = int(time.time())
        db = sqlite3.connect(f"file:{self.data_dir / 'chathulp.db'}?mode=ro", uri=True)
        try:
            return bool(db.execute(
                "SELECT (SELECT COUNT(*) FROM timers WHERE kind = 'open_session' "
                "AND status = 'pending' AND due_at <= ?) + "
                "(SELECT COUNT(*) FROM sessions WHERE state = 'opening')", (now,)).fetchone()[0])
        except sqlite3.Error:
            return False
        finally:
            db.close()

    def invites_never_joined(self) -> int:
        """Youths' DMs whose invite the bot never took (its membership is still "invite" at
        the end, from Synapse's database): a youth who would write and never be answered.
        The drill's own wait for the join can give up first (a client error), so this is
        counted apart."""
        hs = sqlite3.connect(f"file:{self.server.data_dir / 'homeserver.db'}?mode=ro", uri=True)
        try:
            rows = hs.execute(
                "SELECT m.room_id, m.membership, e.sender FROM room_memberships m "
                "JOIN events e USING (event_id) WHERE m.user_id = ? ORDER BY e.stream_ordering",
                (self.bot_id,)).fetchall()
        finally:
            hs.close()
        last: dict[str, tuple[str, str]] = {}
        for room_id, membership, sender in rows:
            last[room_id] = (membership, last.get(room_id, ("", sender))[1])
        youths = set(self.youths)
        waiting = [r for r, (membership, inviter) in last.items()
                   if membership == "invite" and inviter in youths]
        for room_id in waiting:
            print(f"  a youth's DM invite never joined: {room_id}", flush=True)
        return len(waiting)

    def phase_counts(self) -> dict[str, int]:
        """How many kills landed while each phase was in flight (a kill can be in several)."""
        return {p: sum(1 for phases in self.kill_phases if p in phases) for p in PHASES}

    # --- storage faults ------------------------------------------------------------------------

    async def health_poller(self) -> None:
        """/health once a second: (time, status); 0 when the bot does not answer."""
        url = f"http://127.0.0.1:{self.web_port}/health"
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5)) as http:
            while True:
                try:
                    async with http.get(url) as r:
                        status = r.status
                except (aiohttp.ClientError, OSError, TimeoutError):
                    status = 0
                self.health.append((time.monotonic(), status))
                await asyncio.sleep(1.0)

    async def injector(self, faults: int, seconds: tuple[float, float],
                       gap: tuple[float, float] = (8.0, 25.0)) -> None:
        """`faults` times, at a random moment mid-flow (`gap` seconds after the last), every
        write fails for a while; a new youth starts a few seconds into each fault."""
        assert self.fault_file is not None
        extra: list[asyncio.Task[None]] = []
        for _ in range(faults):
            await asyncio.sleep(random.uniform(*gap))
            length = random.uniform(*seconds)
            self.fault_file.touch()
            start = time.monotonic()
            print(f"fault {len(self.fault_windows) + 1}/{faults}: writes fail for "
                  f"{length:.0f} s", flush=True)
            await asyncio.sleep(min(3.0, length / 3))
            extra.append(asyncio.create_task(self.fault_youth()))  # a new youth, mid-fault
            await asyncio.sleep(max(0.0, length - (time.monotonic() - start)))
            self.fault_file.unlink()
            self.fault_windows.append((start, time.monotonic()))
            # The next fault comes after the bot saw this one end (its sync retries a storage
            # fault every 2 s at most): else two faults are one to the bot (one notice).
            await self.healthy(self.fault_windows[-1][1])
        await asyncio.gather(*extra, return_exceptions=True)
        self.stop.set()

    async def healthy(self, since: float, timeout: float = 180.0) -> None:
        try:
            async with asyncio.timeout(timeout):
                while True:
                    if any(t > since and st == 200 for t, st in self.health[-5:]):
                        return
                    await asyncio.sleep(1.0)
        except TimeoutError:
            pass  # counted: no 200 after this fault

    def fault_counts(self) -> dict[str, Any]:
        """Health during and after each fault, the staff room's notices, undecryptables."""
        during = [st for t, st in self.health
                  if any(a + 2 <= t <= b for a, b in self.fault_windows)]
        recovered = []
        for n, (_, end) in enumerate(self.fault_windows):
            nxt = self.fault_windows[n + 1][0] if n + 1 < len(self.fault_windows) else None
            ok = [t for t, st in self.health if t > end and st == 200
                  and (nxt is None or t < nxt)]
            recovered.append(round(ok[0] - end, 1) if ok else None)
        staff = self.users[self.counselors[0]]
        notices = [m.body for m in staff.received if m.sender == self.bot_id]
        text = (self.work / "bot.log").read_text(errors="replace")
        return {
            "faults": len(self.fault_windows),
            "fault_seconds": [round(b - a) for a, b in self.fault_windows],
            "health_checks_in_faults": len(during),
            "health_not_503_in_faults": sum(1 for st in during if st != 503),
            "health_200_after_fault_s": recovered,
            "staff_fault_notices": sum(1 for b in notices if b.startswith(FAULT_NOTICE)),
            "staff_recovered_notices": sum(1 for b in notices
                                           if b.startswith(FAULT_OVER_NOTICE)),
            "youths_started_in_faults": len(self.fault_youths),
            "undecryptable_given_up": text.count("Giving up on an undecryptable event"),
            "e2ee_store_reloads": text.count("reloaded the keys from disk"),
        }

    # --- counting ----------------------------------------------------------------------------

    async def bot_devices(self) -> int:
        creds = json.loads((self.data_dir / "credentials.json").read_text())
        token = creds.get("access_token")
        async with aiohttp.ClientSession() as http, http.get(
            f"{self.server.url}/_matrix/client/v3/devices",
            headers={"Authorization": f"Bearer {token}"},
        ) as r:
            return len((await r.json()).get("devices", []))

    def diagnose(self, who: str, room_id: str) -> dict[str, Any]:
        """For an unanswered message: what the homeserver and the bot's database hold for
        its room (ids and counts only, no content)."""
        out: dict[str, Any] = {"room": room_id}
        # The user's client: did the homeserver take its room key for the bot's device(s)?
        # (nio marks a key shared even when sending it failed; only a sent one is listed.)
        user = self.users.get(who)
        olm = user.client.olm if user is not None else None
        session = olm.outbound_group_sessions.get(room_id) if olm is not None else None
        out["key_sent_to_bot"] = None if session is None else any(
            u == self.bot_id for u, _ in session.users_shared_with)
        hs = sqlite3.connect(f"file:{self.server.data_dir / 'homeserver.db'}?mode=ro", uri=True)
        try:
            out["bot_membership"] = [r[0] for r in hs.execute(
                "SELECT m.membership FROM room_memberships m JOIN events e USING (event_id) "
                "WHERE m.room_id = ? AND m.user_id = ? ORDER BY e.stream_ordering",
                (room_id, self.bot_id))]
            sent = [r[0] for r in hs.execute(
                "SELECT event_id FROM events WHERE room_id = ? AND sender = ? "
                "AND type = 'm.room.encrypted' ORDER BY stream_ordering", (room_id, who))]
            out["sent_by_user"] = len(sent)
            out["sent_by_bot"] = hs.execute(
                "SELECT COUNT(*) FROM events WHERE room_id = ? AND sender = ? "
                "AND type = 'm.room.encrypted'", (room_id, self.bot_id)).fetchone()[0]
            out["to_device_waiting_for_bot"] = hs.execute(
                "SELECT COUNT(*) FROM device_inbox WHERE user_id = ?",
                (self.bot_id,)).fetchone()[0]
        except sqlite3.Error as exc:
            out["homeserver_db"] = str(exc)
            sent = []
        finally:
            hs.close()
        db = sqlite3.connect(f"file:{self.data_dir / 'chathulp.db'}?mode=ro", uri=True)
        try:
            out["handled_by_bot"] = sum(1 for e in sent if db.execute(
                "SELECT 1 FROM handled_events WHERE event_id = ?", (e,)).fetchone())
            out["parked_undecryptable"] = db.execute(
                "SELECT COUNT(*) FROM undecryptable WHERE room_id = ?", (room_id,)).fetchone()[0]
            out["room_kind"] = (db.execute("SELECT kind FROM rooms WHERE room_id = ?",
                                           (room_id,)).fetchone() or [None])[0]
            out["outbox"] = dict(db.execute(
                "SELECT status, COUNT(*) FROM outbox WHERE room_id = ? GROUP BY status",
                (room_id,)).fetchall())
            out["youth_row_dm"] = (db.execute("SELECT dm_room_id FROM youths WHERE user_id = ?",
                                              (who,)).fetchone() or [None])[0] == room_id
        except sqlite3.Error as exc:
            out["bot_db"] = str(exc)
        finally:
            db.close()
        return out

    def count(self) -> dict[str, int]:
        lost = twice = 0
        diagnosed: set[str] = set()
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
                    # A race for the same moment: sorry + the new offer, decided together
                    # and so one message.
                    step.expected = 1
                elif first.startswith(QUEUED):
                    # What follows a queue place (a new place, later the room) varies with
                    # the other lanes: every distinct reply is expected, a repeat is not.
                    step.expected = len({m.body for m in user.received[
                        step.mark:nxt.mark if nxt else None]
                        if m.room_id == room and m.sender == self.bot_id
                        and not any(later in m.body for later in LATER_IN_DM)})
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
                    if got < step.expected and room not in diagnosed:
                        diagnosed.add(room)
                        print(f"    where it went: {json.dumps(self.diagnose(who, room))}",
                              flush=True)
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
        opened = db.execute(
            "SELECT b.youth_id, s.room_id FROM sessions s JOIN bookings b ON b.id = s.booking_id "
            "WHERE s.room_id IS NOT NULL AND s.opened_at IS NOT NULL").fetchall()
        # Messages the bot still cannot read at the end (their room key never came): a
        # youth's lost room key shows here, besides as lost answers.
        unreadable = db.execute("SELECT COUNT(*) FROM undecryptable").fetchone()[0]
        db.close()
        # Every opened session's room is pointed to in the youth's DM exactly once.
        pointers_lost = pointers_twice = 0
        for youth_id, room_id in opened:
            youth = self.users.get(youth_id)
            got = sum(1 for m in youth.received if m.sender == self.bot_id
                      and ROOM_READY in m.body and room_id in m.body) if youth else 0
            pointers_lost += max(0, 1 - got)
            pointers_twice += max(0, got - 1)
            if got != 1:
                print(f"  room pointer for a session: {got}", flush=True)
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
                "session_rooms_duplicate": duplicate, "sessions_opened": len(opened),
                "room_pointers_lost": pointers_lost, "room_pointers_twice": pointers_twice,
                "unreadable_to_bot_at_end": unreadable}


async def run(args: argparse.Namespace) -> dict[str, Any]:
    disk_full = getattr(args, "disk_full", 0)
    work = Path(tempfile.mkdtemp(prefix="chathulp-drill-"))
    server = LocalSynapse(work / "synapse")
    await server.start()
    background: list[asyncio.Task[None]] = []
    result: dict[str, Any] | None = None
    try:
        bot_id = await server.register("drillbot", PASSWORD)
        counselors = [await server.register(f"counselor{i}", PASSWORD) for i in range(2)]
        drill = Drill(server, work, bot_id, counselors)
        drill.log = open(work / "bot.log", "ab")  # noqa: ASYNC230
        if disk_full:
            drill.fault_file = work / "disk-full"  # writes fail while it exists
            drill.web_port = free_port()
            # A fault lasts up to a minute (the bot retries every 2 s at most): a reply held
            # back by a fault is late, not lost.
            drill.reply_timeout = getattr(args, "fault_seconds", (20, 60))[1] + 90
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
        if disk_full:
            await drill.staff_room_joined()
            background.append(asyncio.create_task(drill.health_poller()))
            jobs = [drill.injector(disk_full, getattr(args, "fault_seconds", (20, 60)),
                                   getattr(args, "fault_gap", (8.0, 25.0)))]
            if args.kills:
                jobs.append(drill.killer(args.kills, not args.no_hs_outage))
            await asyncio.gather(*jobs)
        else:
            await drill.killer(args.kills, not args.no_hs_outage)
        drill.stop.set()
        # Let the lanes finish their current conversation, then settle.
        try:
            async with asyncio.timeout(drill.reply_timeout * len(YOUTH_STEPS)):
                await asyncio.gather(*tasks)
        except TimeoutError:
            for t in tasks:
                t.cancel()
        await asyncio.sleep(args.settle)
        devices = await drill.bot_devices()
        never_joined = drill.invites_never_joined()
        for task in background:
            task.cancel()
        await drill.stop_bot()
        result = {
            "kills": drill.kills, "restarts": drill.restarts - 1,
            "homeserver_outages": drill.hs_outages, "youths": len(drill.youths),
            "client_errors": drill.lane_errors,
            **drill.count(), "bot_devices": devices,
            "dm_invites_never_joined": never_joined,
        }
        if drill.kills:
            result["kill_phases"] = drill.phase_counts()
        if disk_full:
            result.update(drill.fault_counts())
        text = (work / "bot.log").read_text(errors="replace")
        result["tracebacks_in_bot_log"] = text.count("Traceback (most recent call last)")
        result["seconds"] = round(time.monotonic() - started)
        for user in drill.users.values():
            await user.close()
        drill.log.close()
        return result
    finally:
        for task in background:
            task.cancel()
        await server.stop()
        # A failing run keeps its work dir (bot.log, the bot's and Synapse's databases, the
        # clients' stores) for diagnosis, also under pytest.
        if getattr(args, "keep", False) or result is None or failed(result):
            print(f"kept: {work}", flush=True)
        else:
            shutil.rmtree(work, ignore_errors=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def failed(result: dict[str, Any]) -> bool:
    wrong = any(result.get(k) for k in ("lost_answers", "answers_twice", "double_bookings",
                                        "dm_invites_never_joined",
                                    "counselor_notices_lost", "counselor_notices_twice",
                                    "session_rooms_missing", "session_rooms_duplicate",
                                    "room_pointers_lost", "room_pointers_twice")) \
        or result["bot_devices"] != 1
    if "faults" in result:
        wrong = wrong or bool(
            result["health_not_503_in_faults"] or result["undecryptable_given_up"]
            or None in result["health_200_after_fault_s"]
            or result["staff_fault_notices"] != result["faults"]
            or result["staff_recovered_notices"] != result["faults"])
    return wrong


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kills", type=int, default=None,
                        help="kill -9 this many times (default 50; 0 with --disk-full)")
    parser.add_argument("--disk-full", type=int, default=0, metavar="N",
                        help="N storage faults (every write fails as on a full disk)")
    parser.add_argument("--fault-seconds", type=float, nargs=2, default=(20.0, 60.0),
                        metavar=("MIN", "MAX"), help="length of each fault (random)")
    parser.add_argument("--lanes", type=int, default=3, help="youths talking at a time")
    parser.add_argument("--settle", type=float, default=20.0)
    parser.add_argument("--no-hs-outage", action="store_true")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the work directory (logs)")
    args = parser.parse_args()
    if args.kills is None:
        args.kills = 0 if args.disk_full else 50
    args.fault_seconds = tuple(args.fault_seconds)
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
