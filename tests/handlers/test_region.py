"""The region, the referral directory and the closed notice, in-process (FakeTransport)."""

from __future__ import annotations

import copy
from datetime import datetime
from pathlib import Path

from bot.storage import bookings
from bot.storage import referrals as refstore
from tests.support.harness import BRUSSELS, EXAMPLE, SARA, YOUTH, Harness

OPENING = EXAMPLE["scheduling"]["opening_hours"]  # weekdays 12-22, Saturday 10-18


def say(h: Harness, key: str, lang: str = "nl", **values: str) -> str:
    return h.config.catalogue.plain(lang, key, **values)


async def test_a_26_year_old_is_referred_with_the_directory_details(tmp_path: Path) -> None:
    h = await Harness.start(tmp_path)
    try:
        await h.youth_says(YOUTH, "hoi")
        await h.youth_says(YOUTH, "1")  # Nederlands
        (referral,) = await h.youth_says(YOUTH, "26")
        assert "Deze chat is voor jongeren van 12 tot 25 jaar" in referral
        assert "• Tele-Onthaal: 106 · tele-onthaal.be" in referral
        assert "• CAW (en het JAC, voor jongeren): caw.be" in referral
        assert "113" not in referral
        # Nothing is booked; a mistake can be undone.
        (again,) = await h.youth_says(YOUTH, "hallo?")
        assert "Tele-Onthaal" in again
    finally:
        await h.close()


async def test_a_youth_from_outside_the_region_is_helped_and_told_where_near_home(
        tmp_path: Path) -> None:
    h = await Harness.start(tmp_path)
    try:
        await h.youth_says(YOUTH, "hoi")
        for answer in ("1", "2", "school", "deze week"):
            await h.youth_says(YOUTH, answer)
        told, question = await h.youth_says(YOUTH, "een andere gemeente")
        assert told.startswith("Je woont buiten onze regio. Geen probleem")
        assert "caw.be" in told
        assert "vertellen wat er aan de hand is" in question  # the intake goes on
        replies = await h.youth_says(YOUTH, "overslaan")
        assert "1. Nu meteen, met" in replies[-1]  # and books like anyone else
    finally:
        await h.close()


async def test_a_topic_the_service_does_not_cover_is_referred_to_its_line(
        tmp_path: Path) -> None:
    intake = copy.deepcopy(EXAMPLE["intake"])
    topic = next(s for s in intake["steps"] if s["id"] == "topic")
    substances = next(o for o in topic["options"] if o["id"] == "substances")
    substances.update(refer=True, refer_to=["druglijn"])
    h = await Harness.start(tmp_path, intake=intake)
    try:
        await h.youth_says(YOUTH, "hoi")
        await h.youth_says(YOUTH, "2")  # English
        await h.youth_says(YOUTH, "2")
        (referral,) = await h.youth_says(YOUTH, "drugs")
        assert "This chat is for young people aged 12 to 25" in referral  # the built-in text
        assert "• De Druglijn: 078 15 10 20 · druglijn.be — alcohol, drugs, pills" in referral
        status = await h.db.fetchval("SELECT status FROM cases WHERE youth_id = ?", (YOUTH,))
        assert status == "referred"
    finally:
        await h.close()


async def test_end_referred_line_records_it_and_sends_the_youth_its_details(h: Harness) -> None:
    session = await h.open_now()
    dm = h.dms[YOUTH]
    mark = h.mark()
    (reply,) = await h.counselor_says(SARA, "!end referred druglijn")
    assert reply.endswith("is afgesloten: doorverwezen: De Druglijn.")
    to_youth = h.since(mark, dm)
    assert to_youth[-1].startswith("Je hulpverlener verwijst je door naar De Druglijn.")
    assert "078 15 10 20 · druglijn.be — drank, drugs, pillen, gokken en gamen" in to_youth[-1]
    assert await refstore.referred_to(h.db, session.booking_id) == "druglijn"
    booking = await bookings.get_booking(h.db, session.booking_id)
    assert booking is not None and booking.outcome == "referred"


async def test_end_referred_refuses_a_line_it_does_not_know(h: Harness) -> None:
    session = await h.open_now()
    (reply,) = await h.counselor_says(SARA, "!end referred de bakker")
    assert reply.startswith("'de bakker' staat niet in de lijst van hulplijnen. Kies uit: 112, ")
    assert "druglijn" in reply and "Gebruik: !end <uitkomst> [<lijn>] [#CODE]" in reply
    assert await h.db.fetchval("SELECT outcome FROM sessions") is None
    # A name or synonym works too; without a line, the outcome alone is recorded.
    (reply,) = await h.counselor_says(SARA, "!end doorverwezen naar de druglijn")
    assert "De Druglijn" in reply
    assert await refstore.referred_to(h.db, session.booking_id) == "druglijn"


async def test_end_referred_without_a_line_and_other_outcomes_record_none(h: Harness) -> None:
    session = await h.open_now()
    (reply,) = await h.counselor_says(SARA, "!end done druglijn")
    assert reply.endswith("is afgesloten: afgerond.")
    assert await refstore.referred_to(h.db, session.booking_id) is None


async def test_closed_notice_once_per_closed_period(tmp_path: Path) -> None:
    h = await Harness.start(tmp_path, at=datetime(2026, 12, 1, 23, 30, tzinfo=BRUSSELS),
                            scheduling={"opening_hours": OPENING})
    try:
        first, question = await h.youth_says(YOUTH, "hoi")
        assert first.startswith(say(h, "greeting_first"))
        # No language chosen yet: the notice in Dutch, then in English.
        notice = first[first.index("We zijn nu gesloten"):first.index("We're closed")]
        assert notice.startswith("We zijn nu gesloten: er leest nu niemand van ons team mee.")
        assert "We're back tomorrow at 12:00." in first.split("\n\n")[-1]
        assert "We zijn er weer morgen om 12:00." in notice
        assert "Je kan nu al de vragen beantwoorden en een moment kiezen" in notice
        for line in ("• Noodnummer: 112", "• Zelfmoordlijn: 1813", "• Tele-Onthaal: 106"):
            assert line in notice
        assert "Awel" not in notice  # not open day and night
        assert "In welke taal" in question
        # Not again in the same closed period; the intake goes on.
        replies = await h.youth_says(YOUTH, "1")
        assert not any("gesloten" in r for r in replies)
        assert "Hoe oud ben je?" in replies[-1]
        # Open: nothing; closed again in the evening: told again, with the next opening.
        h.at(datetime(2026, 12, 2, 12, 30, tzinfo=BRUSSELS))
        assert not any("gesloten" in r for r in await h.youth_says(YOUTH, "2"))
        h.at(datetime(2026, 12, 2, 22, 15, tzinfo=BRUSSELS))
        replies = await h.youth_says(YOUTH, "school")
        assert replies[0].startswith("We zijn nu gesloten")
        assert "We zijn er weer morgen om 12:00." in replies[0]
        assert "Hoe dringend" in replies[-1]
    finally:
        await h.close()


async def test_closed_notice_in_english_and_after_the_intake(tmp_path: Path) -> None:
    h = await Harness.start(tmp_path, at=datetime(2026, 12, 5, 17, 50, tzinfo=BRUSSELS),
                            scheduling={"opening_hours": OPENING})
    try:
        await h.youth_says(YOUTH, "hoi")  # Saturday, open until 18:00
        assert not any("gesloten" in r for r in await h.youth_says(YOUTH, "2"))  # English
        h.at(datetime(2026, 12, 5, 18, 5, tzinfo=BRUSSELS))  # closed until Monday 12:00
        (told,) = await h.youth_says(YOUTH, "2")  # the notice leads the next question
        assert told.endswith("9. Something else") and "What would you like" in told
        assert told.startswith("We're closed right now: nobody of our team is reading.")
        assert "We're back Monday 7 December at 12:00." in told
        assert "• Emergency number: 112" in told
        for answer in ("school", "this week", "kortrijk"):
            replies = await h.youth_says(YOUTH, answer)
            assert not any("closed" in r for r in replies)
        h.at(datetime(2026, 12, 6, 11, 0, tzinfo=BRUSSELS))  # Sunday, same closed period
        replies = await h.youth_says(YOUTH, "skip")
        assert not any("closed" in r for r in replies)
        assert "1. tomorrow at 12:00, with Sara" in replies[-1]  # booking works already
        h.at(datetime(2026, 12, 7, 23, 0, tzinfo=BRUSSELS))  # past the intake, closed again
        replies = await h.youth_says(YOUTH, "appointment")
        assert replies[0].startswith("We're closed right now: nobody of our team is reading.")
        assert "We're back tomorrow at 12:00." in replies[0]
    finally:
        await h.close()
