"""Rules for every audience (bot/handlers/router.py), in-process."""

from __future__ import annotations

from pathlib import Path

from tests.support.harness import SARA, YOUTH, Harness


async def test_first_message_gets_greeting_and_first_question(h: Harness) -> None:
    replies = await h.youth_says(YOUTH, "hoi")
    assert len(replies) == 2
    # The language is not known yet: a short opening in both languages, then the question.
    assert replies[0] == h.config.text("nl").greeting_first
    assert "1." in replies[1] and "Which language" in replies[1]
    # The full greeting (who reads what) follows the choice, in the chosen language.
    (greeting,) = await h.youth_says(YOUTH, "2")  # one message: greeting, intro, question
    assert greeting.startswith(h.config.text("en").greeting)
    assert h.config.text("en").intake.intro in greeting
    assert greeting.split("\n\n")[-1].startswith("How old are you?")


async def test_undecryptable_message_is_answered_in_both_languages(h: Harness) -> None:
    room = await h.dm(YOUTH)
    mark = h.mark()
    await h.router.on_undecryptable(room, YOUTH)
    (reply,) = h.since(mark, room)
    assert "niet lezen" in reply and "couldn't read" in reply


async def test_undecryptable_in_staff_room_is_not_answered(h: Harness) -> None:
    mark = h.mark()
    await h.router.on_undecryptable(h.staff_room, SARA)
    assert h.since(mark) == []


async def test_group_room_is_refused_once(h: Harness) -> None:
    # A DM that became a group after the bot joined (invites into it are declined before:
    # tests/handlers/test_policy.py).
    room = h.transport.add_room(YOUTH, "@other:fake")
    first = await h.message(room, YOUTH, "hoi")
    again = await h.message(room, "@other:fake", "hallo?")
    assert len(first) == 1 and "een-op-een" in first[0] and "one-to-one" in first[0]
    assert again == []
    # Nothing of the intake happened: no youth was created for a group room.
    assert await h.db.fetchval("SELECT COUNT(*) FROM youths") == 0


async def test_unencrypted_room_is_warned_once_in_plaintext(h: Harness) -> None:
    room = h.transport.add_room(YOUTH, encrypted=False)
    first = await h.message(room, YOUTH, "hoi")
    again = await h.message(room, YOUTH, "hallo?")
    assert first == [h.config.text(None).unencrypted_room]
    assert h.transport.sent[-1].plaintext
    assert again == []
    assert await h.db.fetchval("SELECT COUNT(*) FROM youths") == 0


async def test_staff_room_talk_is_ignored(h: Harness) -> None:
    assert await h.message(h.staff_room, SARA, "!agenda") == []


async def test_a_crashing_handler_gets_an_apology_without_traceback(h: Harness) -> None:
    async def broken(*_: object) -> None:
        raise ValueError("secret internal detail")

    h.router.youth.on_message = broken  # type: ignore[method-assign]
    replies = await h.youth_says(YOUTH, "hoi")
    assert len(replies) == 1
    assert "Sorry" in replies[0] and "try again" in replies[0]
    assert "secret" not in replies[0] and "Traceback" not in replies[0]
    assert "ValueError" not in replies[0]


async def test_a_counselor_dm_that_cannot_be_opened_does_not_cost_the_booking(h: Harness) -> None:
    await h.finish_intake()
    h.transport.fail["create_room"] = RuntimeError("homeserver says no")
    # Booking works; the counselor's DM cannot be opened: the youth still gets the booking.
    replies = await h.youth_says(YOUTH, "2")
    assert any("afspraak staat" in r for r in replies)
    assert await h.db.fetchval("SELECT COUNT(*) FROM bookings") == 1


async def test_invite_is_joined_and_remembered_as_dm(h: Harness, tmp_path: Path) -> None:
    room = await h.dm(YOUTH)
    assert room in h.transport.joins
    assert await h.db.fetchval("SELECT kind FROM rooms WHERE room_id = ?", (room,)) == "dm"


async def test_a_dm_the_bot_opens_starts_the_intake_when_the_youth_joins(h: Harness) -> None:
    room = await h.router.youth.open_intake(YOUTH, "")
    room_info = h.transport.rooms[room]
    assert room_info.invited == {YOUTH} and room_info.created is not None
    assert room_info.created["is_direct"] and room_info.created["history_visibility"] == \
        "invited"
    assert h.transport.to(room) == []  # nothing before the youth can read it
    await h.joins(room, YOUTH)
    first = h.transport.to(room)
    assert len(first) == 2 and "taal" in first[-1].lower()
    await h.joins(room, YOUTH)  # a repeated join event starts nothing twice
    assert len(h.transport.to(room)) == 2
