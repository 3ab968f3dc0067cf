"""An office visit whose counselor a reload removed: the staff room learns it at the reload
(once per visit, by case ref, time and office, never the youth's id) with what a colleague can
do; the youth's reminder says the truth (their counselor no longer works here, the team was
asked to arrange a colleague, `verzet`/`annuleer`) and promises nobody at the office. A visit
of a counselor who stays is unchanged; a visit moved to a colleague is named again."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from bot.reload import Reloader
from bot.storage import bookings
from tests.handlers.test_followup import OTHER, followup, fu, has
from tests.handlers.test_reload import ADMIN, config_data, write
from tests.handlers.test_removed_counselor import names_sara, reminder, remove_sara
from tests.support.harness import SARA, TOM, YOUTH, Harness, counselor


async def ref_of(h: Harness, booking: bookings.Booking) -> str:
    return str(await h.db.fetchval("SELECT ref FROM cases WHERE id = ?", (booking.case_id,)))


async def test_a_reload_tells_the_staff_room_at_once_and_only_once(
        r: tuple[Harness, Reloader, Path]) -> None:
    h, reloader, path = r
    booking, _ = await followup(h, "bezoek")  # a visit with Sara next week
    ref = await ref_of(h, booking)
    youth_dm = await h.dm(YOUTH)
    mark = h.mark()
    await remove_sara(h, reloader, path)
    # A week early, not at the visit's time: one notice, by case ref, time and office.
    (staff,) = h.since(mark, h.staff_room)
    office = h.config.followup.offices[0].say("name", "nl", "nl")
    assert ref in staff and office in staff and "15:00" in staff and SARA in staff
    assert "gesprek op kantoor" in staff
    # What a colleague can do, with the commands that exist.
    assert f"!reply #{ref}" in staff and "verzet" in staff
    assert YOUTH not in staff
    assert h.since(mark, youth_dm) == []  # the youth reads it in their reminder
    # A second reload (nothing changed, or another change) does not repeat it.
    mark = h.mark()
    await h.counselor_says(ADMIN, "!reload")
    await reloader.settled()
    assert h.since(mark, h.staff_room) == []
    # Nor do the reminders (the team was told already).
    await reminder(h)
    assert h.since(mark, h.staff_room) == []


async def test_a_colleague_can_answer_the_youth_as_the_notice_says(
        r: tuple[Harness, Reloader, Path]) -> None:
    h, reloader, path = r
    booking, _ = await followup(h, "bezoek")
    ref = await ref_of(h, booking)
    await remove_sara(h, reloader, path)
    youth_dm = await h.dm(YOUTH)
    mark = h.mark()
    (ok,) = await h.counselor_says(TOM, f"!reply #{ref} Ik ben Tom, ik ontvang je dinsdag")
    assert ok == fu(h, "reply_sent").format(ref=ref)
    (told,) = h.since(mark, youth_dm)
    assert "Tom" in told and "ik ontvang je dinsdag" in told


async def test_the_youths_reminder_says_the_truth(
        r: tuple[Harness, Reloader, Path]) -> None:
    h, reloader, path = r
    await followup(h, "bezoek")
    await remove_sara(h, reloader, path)
    told = await reminder(h)  # 60 and 10 minutes before
    assert told and not names_sara(told)
    address = h.config.followup.offices[0].say("address", "nl", "nl")
    for text in told:
        assert has(text, fu(h, "reminder_visit_no_counselor")) and address in text
        assert "werkt hier niet meer" in text and "collega" in text
        assert "verzet" in text and "annuleer" in text
        # Nobody is promised at the office: no "wacht je op", "ontvangt je".
        assert "ontvangt je" not in text and "wacht je op" not in text


async def test_the_english_reminder_says_the_truth_too(
        r: tuple[Harness, Reloader, Path]) -> None:
    h, reloader, path = r
    await followup(h, "bezoek")
    await h.db.execute("UPDATE cases SET language = 'en'")
    await remove_sara(h, reloader, path)
    told = await reminder(h)
    assert told and not names_sara(told)
    for text in told:
        assert has(text, fu(h, "reminder_visit_no_counselor", "en"))
        assert "no longer works here" in text and "colleague" in text
        assert "move" in text and "cancel" in text


async def test_without_a_notice_at_the_reload_the_reminder_asks_the_team_first(
        r: tuple[Harness, Reloader, Path]) -> None:
    """The counselor was gone before this bot's reload (a restart with the edited file): the
    first reminder asks the staff room, in its transaction, so what it says is true."""
    h, reloader, path = r
    booking, _ = await followup(h, "bezoek")
    ref = await ref_of(h, booking)
    await remove_sara(h, reloader, path)
    await h.db.execute("UPDATE bookings SET gone_told_at = NULL")  # as after a restart
    mark = h.mark()
    told = await reminder(h)
    assert told
    (staff,) = h.since(mark, h.staff_room)
    assert ref in staff and f"!reply #{ref}" in staff and YOUTH not in staff


async def test_a_visit_of_a_counselor_who_stays_is_unchanged(
        r: tuple[Harness, Reloader, Path]) -> None:
    """Sara stays, Tom leaves: only Tom's visit (another youth's) is told to the staff room;
    the youth's visit with Sara and their reminder are as before."""
    h, reloader, path = r
    booking, _ = await followup(h, "bezoek")  # the youth's visit with Sara
    kept_ref = await ref_of(h, booking)
    await h.counselor_says(SARA, "!away today")  # so that the other youth gets Tom now
    await h.open_now(OTHER)
    await h.counselor_says(TOM, "!end done")
    (reply,) = await h.counselor_says(TOM, "!followup 2026-12-08 16:00 bezoek")
    assert "geboekt" in reply, reply
    await h.counselor_says(SARA, "!back")
    other = await bookings.active_booking(h.db, OTHER)
    assert other is not None and other.counselor_id == TOM
    gone_ref = await ref_of(h, other)
    write(path, config_data(path.parent / "bot-data", [counselor(SARA, "Sara")]))
    mark = h.mark()
    [reply] = await h.counselor_says(ADMIN, "!reload")
    await reloader.settled()
    assert "Weg (niet meer aangeboden): Tom" in reply
    (staff,) = h.since(mark, h.staff_room)
    assert gone_ref in staff and kept_ref not in staff and "16:00" in staff
    assert YOUTH not in staff and OTHER not in staff
    mark = h.mark()
    told = await reminder(h)
    assert told
    for text in told:
        assert has(text, fu(h, "reminder_visit")) and "Sara" in text
        assert "werkt hier niet meer" not in text
    assert h.since(mark, h.staff_room) == []


async def test_a_visit_moved_to_a_colleague_names_them_again(
        r: tuple[Harness, Reloader, Path]) -> None:
    h, reloader, path = r
    await followup(h, "bezoek")
    await remove_sara(h, reloader, path)
    (offer,) = await h.youth_says(YOUTH, "verzet")
    assert "Tom" in offer and not names_sara([offer])
    (booked,) = await h.youth_says(YOUTH, "2")  # a later moment with Tom (not "now")
    assert "Tom" in booked and not names_sara([booked])
    moved = await bookings.active_booking(h.db, YOUTH)
    assert moved is not None and moved.counselor_id == TOM and moved.form == "visit"
    youth_dm = await h.dm(YOUTH)
    mark = h.mark()
    h.at(moved.start - timedelta(minutes=10))
    await h.run_due()
    told = h.since(mark, youth_dm)
    assert told and any(has(t, fu(h, "reminder_visit")) and "Tom" in t for t in told), told
    assert not any("werkt hier niet meer" in t for t in told)
    assert h.since(mark, h.staff_room) == []


async def test_a_visit_handed_over_to_a_colleague_names_them_again(
        r: tuple[Harness, Reloader, Path]) -> None:
    """Sara asked for a handover to Tom, then left the config; the youth's yes moves the
    visit to Tom: his name and the office in the reminder, the staff room not asked again."""
    h, reloader, path = r
    await followup(h, "bezoek")
    await h.counselor_says(SARA, f"!handover {TOM}")
    await remove_sara(h, reloader, path)
    await h.youth_says(YOUTH, "ja")
    moved = await bookings.active_booking(h.db, YOUTH)
    assert moved is not None and moved.counselor_id == TOM and moved.form == "visit"
    mark = h.mark()
    told = await reminder(h)
    assert told and all(has(t, fu(h, "reminder_visit")) and "Tom" in t for t in told), told
    assert not any("werkt hier niet meer" in t for t in told)
    assert h.since(mark, h.staff_room) == []


async def test_moving_a_visit_never_offers_now(h: Harness) -> None:
    """A visit takes place at an office: moving it offers later moments only, never "now"
    (that confirmed a private chat and a visit at the office in one message)."""
    await followup(h, "bezoek")
    (offer,) = await h.youth_says(YOUTH, "verzet")
    assert h.config.text("nl").offer_now.split(",")[0] not in offer
    assert "1." in offer
