"""Texts chosen by state, as the youth receives them (docs/TEXTS.md, "Voice")."""

from __future__ import annotations

import re
from datetime import timedelta

from bot.storage import sessions as store
from tests.support.harness import SARA, YOUTH, Harness

THANKS = re.compile(r"dank|thank", re.I)


def texts(h: Harness, lang: str = "nl"):  # type: ignore[no-untyped-def]
    return h.config.text(lang)


def _start(template: str) -> str:
    """The fixed words before a text's first placeholder."""
    return template.split("{")[0]


async def test_one_thanks_when_the_intake_ends(h: Harness) -> None:
    replies = await h.finish_intake()
    assert sum(len(THANKS.findall(r)) for r in replies) == 1, replies


async def test_a_now_booking_promises_no_reminder_a_later_one_does(h: Harness) -> None:
    offer = (await h.finish_intake())[-1]
    assert "1. Nu meteen" in offer
    (now_reply,) = await h.youth_says(YOUTH, "1")
    assert now_reply.startswith(_start(texts(h).queue.booked_now))
    assert "herinnering" not in now_reply

    later = await Harness.start(h.config.data_dir.parent / "later")
    try:
        await later.finish_intake()
        (reply,) = await later.youth_says(YOUTH, "3")  # today 12:00: reminders are planned
        assert "herinnering" in reply
    finally:
        await later.close()


async def test_the_story_is_in_the_session_summary_once(h: Harness) -> None:
    await h.youth_says(YOUTH, "hoi")
    for answer in ("1", "2", "school", "deze week", "kortrijk"):
        await h.youth_says(YOUTH, answer)
    story = "ik heb ruzie met mijn ouders"
    await h.youth_says(YOUTH, story)
    await h.youth_says(YOUTH, "1")  # now
    await h.run_due()
    session = await store.latest_for_counselor(h.db, SARA)
    assert session is not None and session.room_id is not None
    await h.joins(session.room_id, YOUTH)
    await h.joins(session.room_id, SARA)
    summary = h.transport.to(session.room_id)[0]
    assert summary.count(story) == 1


async def test_a_youth_who_did_not_come_is_not_thanked(h: Harness) -> None:
    session = await h.open_now()
    assert session.room_id is not None
    await h.joins(session.room_id, SARA)
    h.at(h.clock.now() + timedelta(minutes=11))
    await h.run_due()
    youth_dm = await h.dm(YOUTH)
    mark = h.mark()
    await h.counselor_says(SARA, "!end no-show")
    (closed,) = h.since(mark, youth_dm)
    assert closed.startswith(_start(texts(h).session.session_closed_no_show))
    assert not THANKS.search(closed)
    assert "afspraak" in closed  # the one next step


async def test_closing_with_a_follow_up_booked_names_it_instead_of_any_time(h: Harness) -> None:
    session = await h.open_now()
    assert session.room_id is not None
    await h.joins(session.room_id, YOUTH)
    await h.joins(session.room_id, SARA)
    youth_dm = await h.dm(YOUTH)
    await h.counselor_says(SARA, "!followup morgen 15:00")
    mark = h.mark()
    await h.counselor_says(SARA, "!end follow-up")
    (closed,) = h.since(mark, youth_dm)
    assert closed.startswith(_start(texts(h).session.session_closed_next))
    assert "morgen om 15:00" in closed
    assert "Stuur me" not in closed and "altijd" not in closed

    # Without a next appointment: the open invitation to write again.
    other = await Harness.start(h.config.data_dir.parent / "other")
    try:
        s2 = await other.open_now()
        assert s2.room_id is not None
        await other.joins(s2.room_id, YOUTH)
        await other.joins(s2.room_id, SARA)
        dm = await other.dm(YOUTH)
        mark = other.mark()
        await other.counselor_says(SARA, "!end done")
        (closed,) = other.since(mark, dm)
        assert closed.startswith(_start(texts(other).session.session_closed))
        assert "Stuur me gerust een bericht" in closed
    finally:
        await other.close()


async def test_a_very_near_follow_up_promises_no_reminder(h: Harness) -> None:
    session = await h.open_now()
    assert session.room_id is not None
    await h.joins(session.room_id, YOUTH)
    await h.joins(session.room_id, SARA)
    youth_dm = await h.dm(YOUTH)
    mark = h.mark()
    await h.counselor_says(SARA, "!followup vandaag 11:05")  # 65 minutes: only the 60-min one
    (near,) = h.since(mark, youth_dm)
    assert "herinnering" in near  # the 60-minute reminder still comes
    await h.counselor_says(SARA, "!end done")
    await h.youth_says(YOUTH, "annuleer")
    h.at(h.clock.now() + timedelta(minutes=58))  # 10:58: only 7 minutes before 11:05
    mark = h.mark()
    await h.counselor_says(SARA, "!followup vandaag 11:05")
    (nearer,) = h.since(mark, youth_dm)
    assert nearer.startswith(_start(texts(h).session.followup_booked_youth_no_reminder))
    assert "herinnering" not in nearer


async def test_a_youth_who_has_not_chosen_a_language_is_not_answered_in_dutch_only(
        h: Harness) -> None:
    first = await h.youth_says(YOUTH, "hello")
    assert "Hi!" in first[0] and "Which language" in first[1]
    (again,) = await h.youth_says(YOUTH, "hello?")  # not a choice: asked again, in both
    assert "I didn't get that" in again and "begreep ik niet" in again
    assert "Which language" in again
    # Once chosen, everything is in that language.
    (greeting,) = await h.youth_says(YOUTH, "english")
    assert greeting.startswith("Good that you're writing to us!")
    assert greeting.split("\n\n")[-1].startswith("How old are you?")
    (age_again,) = await h.youth_says(YOUTH, "banana")
    assert "begreep" not in age_again and "didn't quite get that" in age_again
