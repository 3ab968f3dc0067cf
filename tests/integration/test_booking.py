"""Appointments end to end on a real Synapse: offers, booking, counselor notice, reminder,
cancel — with an injected clock."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.clock import FakeClock
from tests.conftest import MatrixEnv
from tests.integration.test_intake import ask
from tests.support.matrix_user import MatrixUser

pytestmark = pytest.mark.synapse
BRUSSELS = ZoneInfo("Europe/Brussels")
ALL_DAY = {d: ["09:00-21:00"] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}


def scheduling(counselor_id: str) -> dict:
    return {
        "counselors": [{"user_id": counselor_id, "display_name": "Sara",
                        "languages": ["nl", "en"], "hours": ALL_DAY}],
        "opening_hours": None,
        "closures": [],
    }


async def finish_intake(youth: MatrixUser, room: str, bot_id: str) -> list[str]:
    await ask(youth, room, bot_id, "hoi")
    for answer in ("1", "2", "school", "deze week", "kortrijk"):
        await ask(youth, room, bot_id, answer)
    return await ask(youth, room, bot_id, "overslaan")


async def accept_dm(counselor: MatrixUser, timeout: float = 30) -> str:
    await counselor.wait_for(lambda: counselor.invites, timeout=timeout)
    room = counselor.invites[-1]
    await counselor.join(room)
    return room


async def test_book_remind_and_cancel(mx: MatrixEnv) -> None:
    clock = FakeClock(datetime(2026, 12, 1, 10, 0, tzinfo=BRUSSELS))  # a Tuesday
    counselor = await mx.user("counselor")
    bot_id = await mx.register("bot")
    config = mx.config(bot_id, mx.tmp / "bot-data", scheduling=scheduling(counselor.user_id))
    app = await mx.start_bot(config, clock)
    youth = await mx.user("youth")
    room = await youth.open_dm(bot_id)

    replies = await finish_intake(youth, room, bot_id)
    offer = replies[-1]
    assert "1. Nu meteen, met Sara" in offer
    assert "2. vandaag om 11:00, met Sara" in offer

    confirmation = await ask(youth, room, bot_id, "2")
    assert "je afspraak staat: vandaag om 11:00, met Sara" in confirmation[0]
    row = await app.db.fetchone("SELECT * FROM bookings WHERE youth_id = ?", (youth.user_id,))
    assert row["status"] == "booked"
    start = datetime.fromtimestamp(row["start_at"]).astimezone(BRUSSELS)
    assert (start.hour, start.minute) == (11, 0)

    # The counselor gets the notice in a DM the bot opens, readable although sent before joining.
    dm = await accept_dm(counselor)
    notice = await counselor.next_message(dm, sender=bot_id, after=0)
    ref = await app.db.fetchval("SELECT ref FROM cases WHERE youth_id = ?", (youth.user_id,))
    assert "Nieuwe afspraak" in notice.body and ref in notice.body
    assert "School" in notice.body or "school" in notice.body

    # Reminder 10 minutes before: the clock jumps; the timer runs (late, with an apology).
    mark = youth.mark()
    clock.set(datetime(2026, 12, 1, 10, 52, tzinfo=BRUSSELS))
    await app.timers.refresh()
    reminder = await youth.next_message(room, sender=bot_id, after=mark)
    assert "Herinnering" in reminder.body and "Sara" in reminder.body
    assert "later dan gepland" in reminder.body

    shown = await ask(youth, room, bot_id, "afspraak")
    assert "11:00" in shown[0]
    mark = counselor.mark()
    cancelled = await ask(youth, room, bot_id, "annuleer")
    assert "geannuleerd" in cancelled[0]
    assert await app.db.fetchval("SELECT status FROM bookings WHERE id = ?", (row["id"],)) \
        == "cancelled"
    note = await counselor.next_message(dm, sender=bot_id, after=mark)
    assert "Geannuleerd" in note.body and ref in note.body


async def test_move_appointment(mx: MatrixEnv) -> None:
    clock = FakeClock(datetime(2026, 12, 1, 10, 0, tzinfo=BRUSSELS))
    counselor = await mx.user("counselor")
    bot_id = await mx.register("bot")
    config = mx.config(bot_id, mx.tmp / "bot-data", scheduling=scheduling(counselor.user_id))
    app = await mx.start_bot(config, clock)
    youth = await mx.user("youth")
    room = await youth.open_dm(bot_id)
    await finish_intake(youth, room, bot_id)
    assert "11:00" in (await ask(youth, room, bot_id, "2"))[0]
    offer = (await ask(youth, room, bot_id, "verzet"))[-1]
    assert "1." in offer
    third = offer.split("\n3. ")[1].split(",")[0]  # e.g. "vandaag om 17:00"
    moved = await ask(youth, room, bot_id, "3")
    assert third in moved[0]
    rows = await app.db.fetchall("SELECT status FROM bookings ORDER BY id")
    assert [r["status"] for r in rows] == ["cancelled", "booked"]
