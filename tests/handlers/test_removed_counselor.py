"""A counselor removed from the config by a reload while bookings with them are upcoming:
the youth's reminder never names them and says what will happen; at the session's time a free
colleague steps in (chat, video, phone: the number in their DM only), else the youth is told at
once and offered new moments; a visit session is brought to the staff room; a youth's message
for them goes to the staff room — by case ref, never the youth's id."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from bot.reload import Reloader
from bot.storage import bookings, sessions
from tests.handlers.test_followup import NEXT, followup, fu, has
from tests.handlers.test_reload import ADMIN, config_data, write
from tests.support.harness import SARA, TOM, YOUTH, Harness, counselor


async def remove_sara(h: Harness, reloader: Reloader, path: Path) -> None:
    write(path, config_data(path.parent / "bot-data", [counselor(TOM, "Tom")]))
    [reply] = await h.counselor_says(ADMIN, "!reload")
    await reloader.settled()
    assert "Weg (niet meer aangeboden): Sara" in reply


async def reminder(h: Harness) -> list[str]:
    """What the youth reads when the reminders fire (10 minutes before NEXT)."""
    youth_dm = await h.dm(YOUTH)
    mark = h.mark()
    h.at(NEXT - timedelta(minutes=10))
    await h.run_due()
    return h.since(mark, youth_dm)


def names_sara(texts: list[str]) -> bool:
    return any("Sara" in t or SARA in t for t in texts)


@pytest.mark.parametrize("form, key", [
    ("", None), ("video", "reminder_video_no_counselor"),
    ("telefoon", "reminder_phone_no_number_no_counselor"),
    ("bezoek", "reminder_visit_no_counselor")])
async def test_the_reminder_never_names_a_removed_counselor(
        r: tuple[Harness, Reloader, Path], form: str, key: str | None) -> None:
    h, reloader, path = r
    await followup(h, form)  # a follow-up with Sara next week
    await remove_sara(h, reloader, path)
    told = await reminder(h)
    assert told and not names_sara(told)
    template = (h.config.text("nl").reminder_no_counselor if key is None else fu(h, key))
    assert any(has(t, template) for t in told), told


async def test_the_phone_reminder_keeps_the_number_without_the_name(
        r: tuple[Harness, Reloader, Path]) -> None:
    h, reloader, path = r
    await followup(h, "telefoon")
    await h.youth_says(YOUTH, "nummer 0470 12 34 56")
    await remove_sara(h, reloader, path)
    told = await reminder(h)
    assert not names_sara(told)
    assert any(has(t, fu(h, "reminder_phone_no_counselor")) and "0470 12 34 56" in t
               for t in told), told


async def test_the_english_reminder_has_no_name_either(
        r: tuple[Harness, Reloader, Path]) -> None:
    h, reloader, path = r
    await followup(h)
    await h.db.execute("UPDATE cases SET language = 'en'")
    await remove_sara(h, reloader, path)
    told = await reminder(h)
    assert not names_sara(told)
    assert any(has(t, h.config.text("en").reminder_no_counselor) for t in told), told
    assert all("colleague" in t and "new moment" in t for t in told), told


async def test_a_kept_counselor_is_still_named(r: tuple[Harness, Reloader, Path]) -> None:
    h, _, _ = r
    await followup(h, "video")
    told = await reminder(h)
    assert any(has(t, fu(h, "reminder_video")) and "Sara" in t for t in told), told


@pytest.mark.parametrize("form, label", [("bezoek", "gesprek op kantoor")])
async def test_a_visit_session_of_a_removed_counselor_is_told_to_the_staff_room(
        r: tuple[Harness, Reloader, Path], form: str, label: str) -> None:
    h, reloader, path = r
    booking, _ = await followup(h, form)
    await remove_sara(h, reloader, path)
    case = await h.db.fetchval("SELECT ref FROM cases WHERE id = ?", (booking.case_id,))
    youth_dm = await h.dm(YOUTH)
    await reminder(h)
    mark = h.mark()
    h.at(NEXT)
    await h.run_due()
    (staff,) = h.since(mark, h.staff_room)
    assert case in staff and label in staff and SARA in staff
    assert "collega" in staff
    assert YOUTH not in staff and "0470" not in staff
    assert h.since(mark, youth_dm) == []  # the youth is told nothing (nothing false)
    # Once: later timers (the number's erasure) add nothing to the staff room.
    mark = h.mark()
    h.at(NEXT + timedelta(hours=3))
    await h.run_due()
    assert h.since(mark, h.staff_room) == []
    assert (await bookings.get_booking(h.db, booking.id)) is not None


async def test_a_phone_session_of_a_kept_counselor_tells_the_staff_room_nothing(
        r: tuple[Harness, Reloader, Path]) -> None:
    h, _, _ = r
    await followup(h, "telefoon")
    await reminder(h)
    mark = h.mark()
    h.at(NEXT)
    await h.run_due()
    assert h.since(mark, h.staff_room) == []


EVENINGS = {d: ["19:00-21:00"] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}


@pytest.mark.parametrize("form, key", [("", None), ("video", "reminder_video_no_counselor")])
@pytest.mark.parametrize("colleague_free", [True, False])
async def test_the_reminder_says_what_the_opening_then_does(
        r: tuple[Harness, Reloader, Path], form: str, key: str | None,
        colleague_free: bool) -> None:
    """The nameless chat/video reminder promises a free colleague's private chat, else new
    moments at once — and the opening does exactly one of the two."""
    h, reloader, path = r
    booking, _ = await followup(h, form)  # with Sara next week
    tom = counselor(TOM, "Tom") if colleague_free else counselor(TOM, "Tom", hours=EVENINGS)
    write(path, config_data(path.parent / "bot-data", [tom]))
    await h.counselor_says(ADMIN, "!reload")
    await reloader.settled()
    reminders = await reminder(h)  # 60 and 10 minutes before
    template = h.config.text("nl").reminder_no_counselor if key is None else fu(h, key)
    assert reminders and not names_sara(reminders)
    for told in reminders:
        assert has(told, template)
        # Both outcomes are promised: a colleague's private chat, else a new moment.
        assert "collega" in told and "privégesprek" in told and "nieuw moment" in told
    youth_dm = await h.dm(YOUTH)
    mark = h.mark()
    h.at(NEXT)
    await h.run_due()
    at_opening = h.since(mark, youth_dm)
    session = await sessions.by_booking(h.db, booking.id)
    assert session is not None
    if colleague_free:  # Tom's private chat: the youth is invited, the pointer names him
        assert session.state == "open" and session.counselor_id == TOM and session.room_id
        assert (session.room_id, YOUTH) in h.transport.invites
        (pointer,) = at_opening
        assert "Tom" in pointer and session.room_id in pointer
    else:  # no room; told at once, with new moments (Tom's evenings)
        assert session.state == "ended" and session.room_id is None
        assert at_opening[0].startswith("Sorry: je hulpverlener kan er niet bij zijn")
        assert "1." in at_opening[-1] and "Tom" in at_opening[-1]
    assert not names_sara(at_opening)


async def test_a_message_for_a_removed_counselor_goes_to_the_staff_room_and_tom_answers(
        r: tuple[Harness, Reloader, Path]) -> None:
    h, reloader, path = r
    booking, _ = await followup(h)  # with Sara next week
    await remove_sara(h, reloader, path)
    ref = await h.db.fetchval("SELECT ref FROM cases WHERE id = ?", (booking.case_id,))
    youth_dm = await h.dm(YOUTH)
    mark = h.mark()
    (reply,) = await h.youth_says(YOUTH, "bericht ik kom wat later")
    assert reply == fu(h, "message_sent_team") and not names_sara([reply])
    # Only the staff room has it: by case ref, never the youth's id; Sara's DM nothing.
    carried = [s for s in h.transport.sent[mark:] if "ik kom wat later" in s.body]
    assert [s.room_id for s in carried] == [h.staff_room]
    (staff,) = h.since(mark, h.staff_room)
    assert has(staff, fu(h, "staff_message_team")) and f"#{ref}" in staff
    assert SARA in staff and YOUTH not in staff
    # Tom (in the config, never the case's counselor) may answer; the youth reads his name.
    mark = h.mark()
    (ok,) = await h.counselor_says(TOM, f"!reply #{ref} Dank je, tot dinsdag")
    assert ok == fu(h, "reply_sent").format(ref=ref)
    (answer,) = h.since(mark, youth_dm)
    assert has(answer, fu(h, "message_from_counselor")) and "Tom" in answer
    assert "Dank je, tot dinsdag" in answer


async def test_the_limit_for_a_removed_counselor_names_the_team(
        r: tuple[Harness, Reloader, Path]) -> None:
    h, reloader, path = r
    await followup(h)
    await remove_sara(h, reloader, path)
    for i in range(h.config.followup.messages_per_hour):
        (reply,) = await h.youth_says(YOUTH, f"bericht nummer {i}")
        assert reply == fu(h, "message_sent_team")
    (limited,) = await h.youth_says(YOUTH, "bericht nog eentje")
    assert limited == fu(h, "message_limit").format(counselor=fu(h, "the_team"))


async def test_a_message_for_a_kept_counselor_still_goes_to_them_only(
        r: tuple[Harness, Reloader, Path]) -> None:
    h, _, _ = r
    booking, _ = await followup(h)
    ref = await h.db.fetchval("SELECT ref FROM cases WHERE id = ?", (booking.case_id,))
    sara_dm = await h.counselor_dm(SARA)
    mark = h.mark()
    (reply,) = await h.youth_says(YOUTH, "bericht ik kom wat later")
    assert has(reply, fu(h, "message_sent")) and "Sara" in reply
    assert any("ik kom wat later" in t for t in h.since(mark, sara_dm))
    assert h.since(mark, h.staff_room) == []
    (refused,) = await h.counselor_says(TOM, f"!reply #{ref} hallo")
    assert refused == h.config.text("nl").session.unknown_case.format(ref=ref)


async def test_a_removed_counselors_phone_call_is_made_by_a_free_colleague(
        r: tuple[Harness, Reloader, Path]) -> None:
    h, reloader, path = r
    booking, _ = await followup(h, "telefoon")
    await remove_sara(h, reloader, path)
    ref = await h.db.fetchval("SELECT ref FROM cases WHERE id = ?", (booking.case_id,))
    mark = h.mark()
    (saved,) = await h.youth_says(YOUTH, "nummer 0470 12 34 56")
    assert has(saved, fu(h, "phone_saved_no_counselor")) and not names_sara([saved])
    # The number went to nobody (Sara is gone): only the youth's own reply holds it.
    assert [s.body for s in h.transport.sent[mark:] if "0470" in s.body] == [saved]
    told = await reminder(h)
    assert any(has(t, fu(h, "reminder_phone_no_counselor")) and "0470 12 34 56" in t
               for t in told), told
    assert all("collega" in t and "nieuw moment" in t for t in told), told
    youth_dm, tom_dm = await h.dm(YOUTH), await h.counselor_dm(TOM)
    mark = h.mark()
    h.at(NEXT)
    await h.run_due()
    # Tom is asked in his DM, with the number; the staff room by case ref, no number.
    (to_tom,) = h.since(mark, tom_dm)
    assert ref in to_tom and "0470 12 34 56" in to_tom
    assert has(to_tom, h.config.catalogue.get("nl", "session.standin_phone"))
    (staff,) = h.since(mark, h.staff_room)
    assert ref in staff and SARA in staff and "Tom" in staff
    assert "0470" not in staff and YOUTH not in staff
    assert [s.room_id for s in h.transport.sent[mark:] if "0470" in s.body] == [tom_dm]
    assert h.since(mark, youth_dm) == []  # as the reminder said: a colleague calls
    session = await sessions.by_booking(h.db, booking.id)
    assert session is not None and session.state == "open"
    assert session.counselor_id == TOM and session.standin_for == SARA
    # Tom may act on it (the session's counselor now); later timers add nothing.
    (ended,) = await h.counselor_says(TOM, f"!end done #{ref}")
    assert ref in ended
    mark = h.mark()
    h.at(NEXT + timedelta(hours=3))
    await h.run_due()
    assert h.since(mark, h.staff_room) == [] and h.since(mark, tom_dm) == []


async def test_a_removed_counselors_phone_call_without_a_free_colleague_offers_new_moments(
        r: tuple[Harness, Reloader, Path]) -> None:
    h, reloader, path = r
    booking, _ = await followup(h, "telefoon")
    write(path, config_data(path.parent / "bot-data",
                            [counselor(TOM, "Tom", hours=EVENINGS)]))
    await h.counselor_says(ADMIN, "!reload")
    await reloader.settled()
    await h.youth_says(YOUTH, "nummer 0470 12 34 56")
    told = await reminder(h)
    assert all(has(t, fu(h, "reminder_phone_no_counselor")) for t in told), told
    youth_dm, tom_dm = await h.dm(YOUTH), await h.counselor_dm(TOM)
    mark = h.mark()
    h.at(NEXT)
    await h.run_due()
    at_opening = h.since(mark, youth_dm)
    assert at_opening[0].startswith("Sorry: je hulpverlener kan er niet bij zijn")
    assert "1." in at_opening[-1] and not names_sara(at_opening)
    (staff,) = h.since(mark, h.staff_room)
    assert SARA in staff and "nieuwe momenten" in staff and "0470" not in staff
    assert h.since(mark, tom_dm) == []
    session = await sessions.by_booking(h.db, booking.id)
    assert session is not None and session.state == "ended"
    assert await h.db.fetchval("SELECT phone FROM bookings WHERE id = ?", (booking.id,)) is None


@pytest.mark.parametrize("form, label", [("", "chatgesprek"), ("telefoon", "telefoongesprek"),
                                         ("bezoek", "gesprek op kantoor")])
async def test_the_appointment_word_never_names_a_removed_counselor(
        r: tuple[Harness, Reloader, Path], form: str, label: str) -> None:
    h, reloader, path = r
    await followup(h, form)
    await remove_sara(h, reloader, path)
    (shown,) = await h.youth_says(YOUTH, "afspraak")
    assert has(shown, h.config.text("nl").appointment_show_no_counselor), shown
    assert label in shown and not names_sara([shown])
    if form == "bezoek":
        office = h.config.followup.offices[0]
        assert office.say("address", "nl", "nl") in shown


async def test_a_removed_counselor_is_not_told_of_a_cancellation(
        r: tuple[Harness, Reloader, Path]) -> None:
    h, reloader, path = r
    await followup(h)
    await remove_sara(h, reloader, path)
    youth_dm = await h.dm(YOUTH)
    mark = h.mark()
    (cancelled,) = await h.youth_says(YOUTH, "annuleer")
    assert cancelled == h.config.text("nl").cancelled
    assert {s.room_id for s in h.transport.sent[mark:]} <= {youth_dm}
