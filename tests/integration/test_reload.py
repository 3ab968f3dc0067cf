"""Config reload on a real Synapse: `!reload` by an admin and SIGHUP (in-process through the
installed signal handler, and a real `chathulp run` process), with a valid change and with a
broken file."""

from __future__ import annotations

import asyncio
import copy
import logging
import os
import signal
import sys
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp
import pytest
import yaml

from bot.app import App
from bot.clock import Clock, FakeClock
from bot.config import load_config
from tests.conftest import EXAMPLE, PASSWORD, MatrixEnv
from tests.integration.test_booking import finish_intake
from tests.integration.test_intake import ask
from tests.support.matrix_user import MatrixUser
from tests.support.waiting import wait_until

pytestmark = pytest.mark.synapse

ROOT = Path(__file__).resolve().parents[2]
BRUSSELS = ZoneInfo("Europe/Brussels")
TUESDAY_10 = datetime(2026, 12, 1, 10, 0, tzinfo=BRUSSELS)
ALL_DAY = {d: ["09:00-21:00"] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}


def counselor(user_id: str, name: str, languages: list[str] | None = None) -> dict[str, Any]:
    return {"user_id": user_id, "display_name": name, "languages": languages or ["nl", "en"],
            "hours": ALL_DAY}


def config_data(mx_url: str, bot_id: str, data_dir: Path, admins: list[str],
                counselors: list[dict[str, Any]]) -> dict[str, Any]:
    """The integration tests' config (as `MatrixEnv.config`), as the data of a file."""
    data = copy.deepcopy(EXAMPLE)
    data["matrix"].update(homeserver=mx_url, user_id=bot_id, password=PASSWORD)
    data["data_dir"] = str(data_dir)
    data["admins"] = admins
    data["staff_room"] = {"room_id": "", "name": "staff", "invite": []}
    data["web"] = {**data.get("web", {}), "enabled": False}
    data["scheduling"].update(counselors=counselors, opening_hours=None, closures=[])
    return data


def write(path: Path, data: dict[str, Any]) -> None:
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def break_region(data: dict[str, Any]) -> dict[str, Any]:
    """The same config with a misspelled region (refused by the cross-reference check)."""
    broken = copy.deepcopy(data)
    broken["scheduling"]["counselors"][0]["regions"] = ["kortrjik"]
    return broken


async def start_from_file(mx: MatrixEnv, path: Path, clock: Clock | None = None) -> App:
    app = App(load_config(path), clock, sync_backoff_max=2.0, config_path=path)
    app.sync.poll_timeout_ms = 1000
    app.recovery_interval = 1.0
    await app.start()
    mx.apps.append(app)
    return app


async def state(mx_url: str, user: MatrixUser, room: str, path: str) -> dict[str, Any]:
    async with aiohttp.ClientSession() as http:
        async with http.get(
            f"{mx_url}/_matrix/client/v3/rooms/{room}/{path}",
            headers={"Authorization": f"Bearer {user.client.access_token}"},
        ) as r:
            return await r.json() if r.status == 200 else {}


async def join_staff_room(user: MatrixUser, staff_room: str) -> None:
    await user.wait_for(lambda: staff_room in user.invites, 30, "the staff-room invite")
    await user.join(staff_room)


async def timer_picture(app: App) -> tuple[list[tuple[str, int]], set[str]]:
    """The pending timer rows and the scheduler's jobs."""
    rows = await app.db.fetchall(
        "SELECT kind, due_at FROM timers WHERE status = 'pending' ORDER BY id")
    jobs = {job.id for job in app.timers.scheduler.get_jobs()}
    return [(r["kind"], r["due_at"]) for r in rows], jobs


async def test_reload_by_an_admin_applies_a_valid_file(mx: MatrixEnv) -> None:
    admin, sara, tom, anna = (await mx.user("admin"), await mx.user("sara"),
                              await mx.user("tom"), await mx.user("anna"))
    bot_id = await mx.register("bot")
    path = mx.tmp / "config.yaml"
    data = config_data(mx.synapse.url, bot_id, mx.tmp / "bot-data", [admin.user_id],
                       [counselor(sara.user_id, "Sara"), counselor(tom.user_id, "Tom")])
    write(path, data)
    app = await start_from_file(mx, path, FakeClock(TUESDAY_10))
    staff_room = app.ctx.staff_room_id
    assert staff_room is not None
    for member in (admin, sara, tom):  # the config's staff, invited when the room was made
        await join_staff_room(member, staff_room)
    assert staff_room not in anna.invites

    # A counselor may not reload.
    sara_dm = await sara.open_dm(bot_id)
    [refused] = await ask(sara, sara_dm, bot_id, "!reload")
    assert refused == "!reload is alleen voor beheerders."

    # Anna added, Tom removed, Sara only in English from now on.
    data["scheduling"]["counselors"] = [counselor(sara.user_id, "Sara", ["en"]),
                                        counselor(anna.user_id, "Anna")]
    write(path, data)
    dm = await admin.open_dm(bot_id)
    [reply] = await ask(admin, dm, bot_id, "!reload")
    assert "De configuratie is opnieuw ingelezen" in reply, reply
    assert "erbij: Anna" in reply and "Weg (niet meer aangeboden): Tom" in reply

    # Anna is invited into the staff room that already existed; Tom is removed from it.
    await anna.wait_for(lambda: staff_room in anna.invites, 30, "Anna's invite")
    tom_member = await wait_until(
        lambda: state(mx.synapse.url, admin, staff_room, f"state/m.room.member/{tom.user_id}"),
        lambda m: m.get("membership") == "leave", timeout=30)
    assert tom_member.get("reason") == app.config.text(None).staff_room_only
    levels = await state(mx.synapse.url, admin, staff_room, "state/m.room.power_levels")
    assert levels["users"].get(anna.user_id) == 50 and tom.user_id not in levels["users"]
    assert levels["invite"] == 100  # counselors (50) cannot invite

    # The next intake offers Anna — not Tom (gone), not Sara (English only now).
    youth = await mx.user("youth")
    room = await youth.open_dm(bot_id)
    offer = (await finish_intake(youth, room, bot_id))[-1]
    assert "met Anna" in offer, offer
    assert "Tom" not in offer and "Sara" not in offer


async def test_a_broken_file_is_refused_and_the_running_config_stays(mx: MatrixEnv) -> None:
    clock = FakeClock(TUESDAY_10)
    admin, sara = await mx.user("admin"), await mx.user("sara")
    bot_id = await mx.register("bot")
    path = mx.tmp / "config.yaml"
    data = config_data(mx.synapse.url, bot_id, mx.tmp / "bot-data", [admin.user_id],
                       [counselor(sara.user_id, "Sara")])
    write(path, data)
    app = await start_from_file(mx, path, clock)
    youth = await mx.user("youth")
    room = await youth.open_dm(bot_id)
    await finish_intake(youth, room, bot_id)
    assert "11:00" in (await ask(youth, room, bot_id, "2"))[0]  # booked: reminders, opening
    before = await timer_picture(app)
    assert len(before[0]) >= 3 and before[1]
    running = app.ctx.config

    write(path, break_region(data))
    line = next(i for i, text in enumerate(path.read_text().splitlines(), 1)
                if "kortrjik" in text)
    dm = await admin.open_dm(bot_id)
    [reply] = await ask(admin, dm, bot_id, "!reload")
    assert "De configuratie is NIET opnieuw ingelezen; de huidige blijft gelden." in reply
    assert (f"line {line}: scheduling.counselors[0].regions[0]: expected a municipality id"
            in reply)
    assert "did you mean kortrijk?" in reply
    assert app.ctx.config is running and app.config is running
    assert await timer_picture(app) == before

    # No timer lost: the reminder still comes.
    mark = youth.mark()
    clock.set(datetime(2026, 12, 1, 10, 50, tzinfo=BRUSSELS))
    await app.timers.refresh()
    reminder = await youth.next_message(room, sender=bot_id, after=mark)
    assert "Herinnering" in reminder.body and "Sara" in reminder.body


async def test_sighup_through_the_installed_handler(mx: MatrixEnv,
                                                    caplog: pytest.LogCaptureFixture) -> None:
    """The handler `chathulp run` installs (`loop.add_signal_handler(SIGHUP,
    app.reload_soon)`), reached by a real SIGHUP to this process."""
    clock = FakeClock(TUESDAY_10)
    admin, sara, anna = await mx.user("admin"), await mx.user("sara"), await mx.user("anna")
    bot_id = await mx.register("bot")
    path = mx.tmp / "config.yaml"
    data = config_data(mx.synapse.url, bot_id, mx.tmp / "bot-data", [admin.user_id],
                       [counselor(sara.user_id, "Sara")])
    write(path, data)
    app = await start_from_file(mx, path, clock)
    assert app.reloader is not None
    staff_room = app.ctx.staff_room_id
    assert staff_room is not None
    youth = await mx.user("youth")
    room = await youth.open_dm(bot_id)
    await finish_intake(youth, room, bot_id)
    assert "11:00" in (await ask(youth, room, bot_id, "2"))[0]
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGHUP, app.reload_soon)
    try:
        # A valid change: Anna is bookable and invited into the staff room.
        data["scheduling"]["counselors"].append(counselor(anna.user_id, "Anna"))
        write(path, data)
        os.kill(os.getpid(), signal.SIGHUP)
        await anna.wait_for(lambda: staff_room in anna.invites, 30, "Anna's invite")
        assert app.reloader.reloads == 1
        assert app.ctx.config.scheduling.counselor(anna.user_id) is not None
        before = await timer_picture(app)
        running = app.ctx.config

        # A broken file: refused in the log with the validation message; nothing changes.
        write(path, break_region(data))
        with caplog.at_level(logging.ERROR, logger="bot.reload"):
            os.kill(os.getpid(), signal.SIGHUP)
            await wait_until(lambda: _async([r.getMessage() for r in caplog.records]),
                             lambda msgs: any("refused" in m for m in msgs), timeout=30)
        [logged] = [r.getMessage() for r in caplog.records if "refused" in r.getMessage()]
        assert "Config reload (SIGHUP) refused; the running config stays." in logged
        assert "scheduling.counselors[0].regions[0]" in logged
        assert "did you mean kortrijk?" in logged
        assert app.ctx.config is running and app.reloader.reloads == 1
        assert await timer_picture(app) == before
    finally:
        loop.remove_signal_handler(signal.SIGHUP)

    mark = youth.mark()
    clock.set(datetime(2026, 12, 1, 10, 50, tzinfo=BRUSSELS))
    await app.timers.refresh()
    reminder = await youth.next_message(room, sender=bot_id, after=mark)
    assert "Herinnering" in reminder.body


async def test_sighup_to_a_running_chathulp_process(mx: MatrixEnv) -> None:
    """`chathulp run` as its own process: SIGHUP with a new counselor (invited into the
    existing staff room), then with a broken file (refused in the log, the bot runs on)."""
    admin, sara, anna = await mx.user("admin"), await mx.user("sara"), await mx.user("anna")
    bot_id = await mx.register("bot")
    path = mx.tmp / "config.yaml"
    data = config_data(mx.synapse.url, bot_id, mx.tmp / "bot-data", [admin.user_id],
                       [counselor(sara.user_id, "Sara")])
    write(path, data)
    log_path = mx.tmp / "bot.log"
    with log_path.open("wb") as log_file:
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", "-c", str(path), cwd=ROOT,
            stdout=log_file, stderr=log_file,
            env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        await admin.wait_for(lambda: admin.invites, 120, "the staff-room invite")
        staff_room = admin.invites[-1]
        await admin.join(staff_room)
        await wait_until(lambda: _async(log_path.read_text()),
                         lambda text: "chathulp is running" in text, timeout=60)
        assert staff_room not in anna.invites

        data["scheduling"]["counselors"].append(counselor(anna.user_id, "Anna"))
        write(path, data)
        proc.send_signal(signal.SIGHUP)
        await anna.wait_for(lambda: staff_room in anna.invites, 30, "Anna's invite")
        await wait_until(lambda: _async(log_path.read_text()),
                         lambda text: "Config reloaded (SIGHUP): 1 counselor(s) added" in text,
                         timeout=30)

        write(path, break_region(data))
        proc.send_signal(signal.SIGHUP)
        text = await wait_until(lambda: _async(log_path.read_text()),
                                lambda t: "Config reload (SIGHUP) refused" in t, timeout=30)
        assert "scheduling.counselors[0].regions[0]: expected a municipality id" in text
        assert "did you mean kortrijk?" in text
        assert proc.returncode is None  # still running
        # And still answering, with the config it had (Anna still a counselor: her DM works).
        anna_dm = await anna.open_dm(bot_id)
        [reply] = await ask(anna, anna_dm, bot_id, "!reload")
        assert reply == "!reload is alleen voor beheerders."
    finally:
        if proc.returncode is None:
            proc.send_signal(signal.SIGTERM)
            try:
                async with asyncio.timeout(30):
                    await proc.wait()
            except TimeoutError:
                proc.kill()
                await proc.wait()
    assert proc.returncode == 0, log_path.read_text()[-3000:]


async def _async(value: Any) -> Any:
    return value
