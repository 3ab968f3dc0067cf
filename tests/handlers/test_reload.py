"""`!reload` in-process (bot/reload.py, bot/handlers/reload_command.py): who may, what a valid
file changes (one swap point), what a broken file leaves alone."""

from __future__ import annotations

import copy
import gc
import logging
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.config import load_config
from bot.domain.crisis import CrisisMatcher
from bot.domain.intake import IntakeFlow
from bot.handlers.policy import staff_power_levels
from bot.reload import Reloader, swap_config
from bot.storage import bookings, sessions
from tests.support.harness import (
    ALL_DAY,
    BOT,
    EXAMPLE,
    SARA,
    TOM,
    YOUTH,
    Harness,
    counselor,
)

ADMIN = "@admin:fake"
ANNA = "@anna:fake"


def config_data(data_dir: Path, counselors: list[dict[str, Any]]) -> dict[str, Any]:
    """The harness's config as a file's data (the same overrides as `make_config`)."""
    data = copy.deepcopy(EXAMPLE)
    data["matrix"].update(homeserver="http://fake.invalid", user_id=BOT, password="unused")
    data["data_dir"] = str(data_dir)
    data["admins"] = [ADMIN]
    data["staff_room"] = {"room_id": "", "name": "staff", "invite": []}
    data["web"] = {**data.get("web", {}), "enabled": False}
    data["scheduling"].update(counselors=counselors, opening_hours=None, closures=[])
    return data


def write(path: Path, data: dict[str, Any]) -> None:
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


async def test_a_counselor_is_not_allowed_and_the_log_names_nobody(
        r: tuple[Harness, Reloader, Path], caplog: pytest.LogCaptureFixture) -> None:
    h, reloader, path = r
    write(path, config_data(path.parent / "bot-data", [counselor(SARA, "Sara")]))
    before = h.ctx.config
    with caplog.at_level(logging.INFO):
        [reply] = await h.counselor_says(TOM, "!reload")
    assert reply == "!reload is alleen voor beheerders."
    assert h.ctx.config is before and reloader.reloads == 0
    refused = [rec for rec in caplog.records if "Refused !reload" in rec.getMessage()]
    assert refused and refused[0].levelno == logging.INFO
    assert all(TOM not in rec.getMessage() and "tom" not in rec.getMessage()
               for rec in caplog.records)


async def test_a_youth_typing_it_reloads_nothing(r: tuple[Harness, Reloader, Path]) -> None:
    h, reloader, _ = r
    await h.youth_says(YOUTH, "!reload")
    assert reloader.reloads == 0


async def test_an_admin_reloads_a_valid_file(r: tuple[Harness, Reloader, Path]) -> None:
    h, reloader, path = r
    old_flow, old_matcher = h.router.youth.flow, h.router.youth.crisis
    # The staff room as it is: the bot, Sara and Tom.
    staff = h.staff_room
    h.transport.user_joins(staff, SARA)
    h.transport.user_joins(staff, TOM)
    h.transport.rooms[staff].state["m.room.power_levels"] = staff_power_levels(
        BOT, [SARA, TOM], creators_have_power=False)
    data = config_data(path.parent / "bot-data",
                       [counselor(ANNA, "Anna", hours=ALL_DAY), counselor(SARA, "Sara")])
    data["texts"] = {"nl": {"offer_outro": "Typ het nummer van je keuze (herladen)."}}
    write(path, data)

    [reply] = await h.counselor_says(ADMIN, "!herlaad")
    await reloader.settled()
    assert "opnieuw ingelezen" in reply
    assert "erbij: Anna" in reply and "Weg (niet meer aangeboden): Tom" in reply
    assert [c.user_id for c in h.ctx.config.scheduling.counselors] == [ANNA, SARA]

    # One swap point: nothing in the handlers still holds the old flow or matcher.
    assert _holders(h.router, old_flow) == [] and _holders(h.router, old_matcher) == []
    assert h.router.youth.appointments.booking.flow is h.router.youth.flow

    # Staff room: Anna and the admin invited, Tom removed; power levels follow the config.
    assert (staff, ANNA) in h.transport.invites and (staff, ADMIN) in h.transport.invites
    assert (staff, TOM) in h.transport.kicks
    levels = h.transport.rooms[staff].state["m.room.power_levels"]["users"]
    assert levels.get(ANNA) == 50 and levels.get(ADMIN) == 50 and TOM not in levels
    assert h.transport.rooms[staff].state["m.room.power_levels"]["invite"] == 100

    # The next intake offers Anna, never Tom, with the new text.
    offer = (await h.finish_intake(YOUTH))[-1]
    assert "Anna" in offer and "Tom" not in offer
    assert "(herladen)" in offer


async def test_a_broken_file_is_refused_and_nothing_changes(
        r: tuple[Harness, Reloader, Path]) -> None:
    h, reloader, path = r
    booking_id = await h.book_now(YOUTH)
    timers = [(t.kind, t.due) for t in await bookings.pending_timers(h.db)]
    assert timers
    before, flow = h.ctx.config, h.router.youth.flow
    data = yaml.safe_load(path.read_text())
    data["scheduling"]["counselors"][1]["regions"] = ["kortrjik"]
    write(path, data)
    line = next(i for i, ln in enumerate(path.read_text().splitlines(), 1) if "kortrjik" in ln)

    [reply] = await h.counselor_says(ADMIN, "!reload")
    assert "NIET opnieuw ingelezen" in reply
    assert f"line {line}: scheduling.counselors[1].regions[0]: expected a municipality id" \
        in reply
    assert "did you mean kortrijk?" in reply
    assert h.ctx.config is before and h.router.youth.flow is flow and reloader.reloads == 0
    assert [(t.kind, t.due) for t in await bookings.pending_timers(h.db)] == timers
    assert (await bookings.get_booking(h.db, booking_id)).status == "booked"  # type: ignore[union-attr]


async def test_a_reload_keeps_bookings_and_timers_and_says_what_needs_a_restart(
        r: tuple[Harness, Reloader, Path]) -> None:
    h, _, path = r
    booking_id = await h.book_now(YOUTH)  # with Sara
    timers = [(t.kind, t.due) for t in await bookings.pending_timers(h.db)]
    refreshes = h.timers.refreshes
    data = config_data(path.parent / "bot-data", [counselor(TOM, "Tom")])  # Sara removed
    data["data_dir"] = str(path.parent / "elsewhere")
    write(path, data)
    [reply] = await h.counselor_says(ADMIN, "!reload")
    assert "Weg (niet meer aangeboden): Sara" in reply
    assert "1 komende afspraak" in reply  # kept, and the admin is told
    assert "pas na een herstart: data_dir" in reply
    assert h.ctx.config.data_dir == path.parent / "bot-data"  # the running one stays
    assert (await bookings.get_booking(h.db, booking_id)).status == "booked"  # type: ignore[union-attr]
    assert [(t.kind, t.due) for t in await bookings.pending_timers(h.db)] == timers
    assert h.timers.refreshes > refreshes


async def test_swap_config_replaces_every_holder(tmp_path: Path) -> None:
    """Whoever keeps an IntakeFlow or a CrisisMatcher must be swapped by `swap_config`."""
    h = await Harness.start(tmp_path)
    try:
        path = tmp_path / "c.yaml"
        write(path, config_data(tmp_path / "bot-data", [counselor(SARA, "Sara")]))
        from bot.reload import build

        old_flow, old_matcher = h.router.youth.flow, h.router.youth.crisis
        swap_config(h.router, build(load_config(path)))
        assert _holders(h.router, old_flow) == [] and _holders(h.router, old_matcher) == []
        assert isinstance(h.router.youth.desk.matcher, CrisisMatcher)
        assert isinstance(h.router.sessions.appointments.flow, IntakeFlow)
    finally:
        await h.close()


def _holders(root: object, target: object) -> list[str]:
    """Paths of attributes reachable from `root` (handler objects only) that are `target`."""
    found: list[str] = []
    seen: set[int] = set()

    def walk(obj: object, path: str) -> None:
        if id(obj) in seen or not type(obj).__module__.startswith(("bot.handlers",
                                                                    "bot.services")):
            return
        seen.add(id(obj))
        for name, value in vars(obj).items():
            if value is target:
                found.append(f"{path}.{name}")
            else:
                walk(value, f"{path}.{name}")

    walk(root, "router")
    gc.collect()
    return found


async def test_youths_of_a_removed_counselor_are_told_why(
        r: tuple[Harness, Reloader, Path]) -> None:
    """As after a restart without them: the next offer says the counselor no longer works
    here and offers a colleague."""
    h, _, path = r
    session = await h.open_now(YOUTH)  # with Sara
    assert session.room_id is not None
    await h.joins(session.room_id, YOUTH)
    await h.joins(session.room_id, SARA)  # Sara becomes the youth's counselor
    await h.counselor_says(SARA, "!end done")
    write(path, config_data(path.parent / "bot-data", [counselor(TOM, "Tom")]))
    [reply] = await h.counselor_says(ADMIN, "!reload")
    assert "Weg (niet meer aangeboden): Sara" in reply
    offer = (await h.youth_says(YOUTH, "afspraak"))[-1]
    # (The start-up path names a counselor who is gone by their Matrix id: the config no
    # longer has their display name.)
    assert f"{SARA}, met wie je eerder sprak, werkt hier niet meer" in offer
    assert "met Tom" in offer


async def test_at_start_the_existing_staff_room_gets_the_configs_staff(h: Harness) -> None:
    """A counselor added to the config while the bot was down is invited at start (App calls
    `sync_staff_room` after joining the room); a stranger is removed; only the bot invites."""
    staff = h.staff_room
    h.transport.user_joins(staff, SARA)
    h.transport.user_joins(staff, "@stranger:fake")
    h.transport.rooms[staff].state["m.room.power_levels"] = {
        "users": {BOT: 100, SARA: 50, "@stranger:fake": 50}, "invite": 0}
    await h.router.policy.sync_staff_room()
    assert (staff, TOM) in h.transport.invites and (staff, SARA) not in h.transport.invites
    assert (staff, "@stranger:fake") in h.transport.kicks
    levels = h.transport.rooms[staff].state["m.room.power_levels"]
    assert levels["invite"] == 100 and levels["users"] == {BOT: 100, SARA: 50, TOM: 50}


async def test_a_removed_counselor_is_never_invited_a_colleague_steps_in(
        r: tuple[Harness, Reloader, Path]) -> None:
    h, reloader, path = r
    booking_id = await h.book_now(YOUTH)  # with Sara; the room opens by a timer due now
    write(path, config_data(path.parent / "bot-data", [counselor(TOM, "Tom")]))
    [reply] = await h.counselor_says(ADMIN, "!reload")
    await reloader.settled()
    assert "1 komende afspraak" in reply and "niet meer wordt uitgenodigd" in reply
    youth_dm = await h.dm(YOUTH)
    mark = h.mark()
    assert await h.run_due() == 1
    session = await sessions.by_booking(h.db, booking_id)
    assert session is not None and session.state == "open" and session.room_id
    assert session.counselor_id == TOM and session.standin_for == SARA
    invited = {user for room, user in h.transport.invites if room == session.room_id}
    assert invited == {YOUTH, TOM}  # never Sara
    assert any("Tom" in t for t in h.since(mark, youth_dm))  # the pointer names Tom
    (staff,) = h.since(mark, h.staff_room)
    assert SARA in staff and "Tom neemt het over" in staff
    tom_dm = await h.counselor_dm(TOM)
    assert any("in te vallen" in t for t in h.since(mark, tom_dm))


async def test_a_removed_counselor_without_a_colleague_free_opens_nothing(
        r: tuple[Harness, Reloader, Path]) -> None:
    h, reloader, path = r
    booking_id = await h.book_now(YOUTH)  # with Sara
    evenings = {d: ["19:00-21:00"] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
    write(path, config_data(path.parent / "bot-data",
                            [counselor(TOM, "Tom", hours=evenings)]))
    await h.counselor_says(ADMIN, "!reload")
    await reloader.settled()
    youth_dm = await h.dm(YOUTH)
    mark = h.mark()
    await h.run_due()
    session = await sessions.by_booking(h.db, booking_id)
    assert session is not None and session.state == "ended" and session.room_id is None
    assert not any(user == SARA for _, user in h.transport.invites)
    told = h.since(mark, youth_dm)
    assert told[0].startswith("Sorry: je hulpverlener kan er niet bij zijn")
    assert SARA not in "".join(told) and "1." in told[-1]  # new moments (with Tom)
    (staff,) = h.since(mark, h.staff_room)
    assert SARA in staff and "nieuwe momenten" in staff
    assert await h.run_due() == 0  # nothing left to open
