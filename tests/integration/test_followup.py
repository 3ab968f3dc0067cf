"""Follow-up in the form that suits and messages between sessions, end to end on a real
Synapse with real E2EE clients (matrix-nio + vodozemac) and a fake clock."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest

from bot.storage import bookings
from tests.conftest import MatrixEnv
from tests.integration.test_intake import ask
from tests.integration.test_sessions import BRUSSELS, Journey
from tests.support.matrix_user import MatrixUser
from tests.support.waiting import wait_until

pytestmark = pytest.mark.synapse


def fu(j: Journey, key: str) -> str:
    return j.app.config.catalogue.get("nl", f"followup.{key}")


def literal(template: str) -> str:
    """The longest literal part of a text template (what any filled-in version contains)."""
    return max(re.split(r"\{[a-z_]+\}", template), key=len).strip()


async def bot_says(user: MatrixUser, room: str, bot_id: str, mark: int,
                   needle: str) -> str:
    """The body of the first message from the bot in `room` after `mark` that holds
    `needle` (decrypted by the user's own client)."""
    def found() -> str | None:
        for msg in user.received[mark:]:
            if msg.room_id == room and msg.sender == bot_id and needle in msg.body:
                return msg.body
        return None
    body = await user.wait_for(found, timeout=30)
    assert isinstance(body, str)
    return body


async def session_of(j: Journey, booking_id: int) -> dict:
    """The session row of a booking once its opening is done (room or not)."""
    row = await wait_until(
        lambda: j.app.db.fetchone("SELECT * FROM sessions WHERE booking_id = ?", (booking_id,)),
        lambda r: r is not None and r["state"] != "opening")
    return dict(row)


async def session_rooms(j: Journey) -> int:
    return int(await j.app.db.fetchval("SELECT COUNT(*) FROM rooms WHERE kind = 'session'"))


async def test_each_followup_form_gets_its_reminder_and_its_room_or_none(mx: MatrixEnv) -> None:
    j = await Journey.start(mx)
    sara = j.staff[0]
    sara_dm = await j.dm(sara)
    office = j.app.config.followup.offices[0]
    await ask(j.youth, j.room, j.bot_id, "1")  # now, with Sara
    first = await j.session_room()
    await j.join(j.youth, first)
    await j.join(sara, first)
    assert "afgesloten" in await j.command(sara, "!end done")

    forms = [("chat", "", "booked_chat", None),
             ("video", "video", "booked_video", "reminder_video"),
             ("phone", "telefoon", "booked_phone", "reminder_phone"),
             ("visit", "bezoek", "booked_visit", "reminder_visit")]
    for day, (form, word, booked_key, reminder_key) in enumerate(forms, start=2):
        at = datetime(2026, 12, day, 15, 0, tzinfo=BRUSSELS)
        mark = j.youth.mark()
        reply = await j.command(sara, f"!followup {at:%Y-%m-%d %H:%M} {word}".strip())
        assert "geboekt" in reply, reply
        booking = await bookings.active_booking(j.app.db, j.youth.user_id)
        assert booking is not None and booking.form == form
        # The youth is told how it takes place, and how to send a message meanwhile.
        notice = await bot_says(j.youth, j.room, j.bot_id, mark, literal(fu(j, booked_key)))
        assert literal(fu(j, "message_hint")) in notice
        if form == "visit":
            assert office.say("address", "nl", "nl") in notice
        if form == "phone":
            mark_sara = sara.mark()
            saved = await ask(j.youth, j.room, j.bot_id, "nummer 0470 12 34 56")
            assert "0470 12 34 56" in saved[0]
            await bot_says(sara, sara_dm, j.bot_id, mark_sara, "0470 12 34 56")

        # Ten minutes before: the reminders say which form.
        mark, mark_sara = j.youth.mark(), sara.mark()
        j.clock.set(at - timedelta(minutes=10))
        await j.app.timers.refresh()
        key = reminder_key or ""
        reminder = await bot_says(j.youth, j.room, j.bot_id, mark,
                                  literal(fu(j, key)) if key else "Herinnering")
        if form == "chat":
            assert "privégesprek" in reminder
        if form == "phone":
            assert "0470 12 34 56" in reminder
        if form == "visit":
            assert office.say("address", "nl", "nl") in reminder
        label = j.app.config.catalogue.plain("nl", f"followup.form_{form}", office="")
        to_sara = await bot_says(sara, sara_dm, j.bot_id, mark_sara, "Herinnering")
        assert label.split(",")[0] in to_sara
        if form == "phone":
            assert "0470 12 34 56" in to_sara

        # At the booked time: a room for chat and video (with a call link), none otherwise.
        rooms_before, invites_before = await session_rooms(j), len(j.youth.invites)
        mark, mark_sara = j.youth.mark(), sara.mark()
        j.clock.set(at + timedelta(seconds=30))
        await j.app.timers.refresh()
        session = await session_of(j, booking.id)
        if form in ("chat", "video"):
            assert session["room_id"] is not None
            await j.join(j.youth, session["room_id"])
            await j.join(sara, session["room_id"])
            link_text = literal(fu(j, "call_link"))
            if form == "video":
                seen_y = await bot_says(j.youth, session["room_id"], j.bot_id, mark, link_text)
                seen_s = await bot_says(sara, session["room_id"], j.bot_id, mark_sara,
                                        link_text)
                assert seen_y == seen_s
                assert re.search(r"https://meet\.jit\.si/[A-Za-z0-9_-]{22,}", seen_y)
            # The bot's last word before it leaves: everything it posted came before.
            leaving = literal(j.app.config.catalogue.get("nl", "session.bot_leaves"))
            await bot_says(j.youth, session["room_id"], j.bot_id, mark, leaving)
            links = [m for m in j.youth.received[mark:] if link_text in m.body]
            assert len(links) == (1 if form == "video" else 0)
        else:
            assert session["room_id"] is None and session["state"] == "open"
            assert await session_rooms(j) == rooms_before
            assert len(j.youth.invites) == invites_before
        assert "afgesloten" in await j.command(sara, "!end done")
        if form == "phone":
            assert await j.app.db.fetchval(
                "SELECT phone FROM bookings WHERE id = ?", (booking.id,)) is None
    assert not j.youth.undecryptable and not sara.undecryptable


async def test_a_message_between_sessions_and_the_answer(mx: MatrixEnv) -> None:
    j = await Journey.start(mx, n_counselors=2)
    offer = await ask(j.youth, j.room, j.bot_id, "2")  # a later moment, not now
    assert literal(fu(j, "message_hint")) in offer[0]
    booking = await bookings.active_booking(j.app.db, j.youth.user_id)
    assert booking is not None
    mine = next(s for s in j.staff if s.user_id == booking.counselor_id)
    other = next(s for s in j.staff if s is not mine)
    ref = await j.app.db.fetchval("SELECT ref FROM cases")
    dm = await j.dm(mine)

    mark = mine.mark()
    said = await ask(j.youth, j.room, j.bot_id, "bericht ik kom 5 minuten later <b>!</b>")
    assert literal(fu(j, "message_sent")) in said[0]
    got = await bot_says(mine, dm, j.bot_id, mark, "ik kom 5 minuten later <b>!</b>")
    assert f"#{ref}" in got

    # Another counselor cannot answer; the case's counselor can.
    refused = await j.command(other, f"!reply #{ref} hallo")
    assert refused == j.app.config.catalogue.plain("nl", "session.unknown_case", ref=ref)
    mark = j.youth.mark()
    answered = await j.command(mine, f"!reply #{ref} Geen probleem, tot straks!")
    assert ref in answered
    answer = await bot_says(j.youth, j.room, j.bot_id, mark, "Geen probleem, tot straks!")
    assert literal(fu(j, "message_from_counselor").split("\n")[0]) in answer
    assert not any("hallo" == m.body for m in j.youth.received[mark:])
    assert await j.app.db.fetchval(
        "SELECT COUNT(*) FROM case_messages WHERE direction = 'to_youth'") == 1
    assert not j.youth.undecryptable and not mine.undecryptable
