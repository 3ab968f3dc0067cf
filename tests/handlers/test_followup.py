"""Follow-up in the form that suits (chat, video, phone, visit) and messages between sessions,
in-process: what the youth and the counselor read, what is stored, and who may answer."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path

from bot.domain import forms
from bot.storage import bookings, rights
from bot.storage import followup as followup_store
from bot.storage import sessions as store
from tests.handlers.test_rights import all_rows, raw_file
from tests.support.harness import BRUSSELS, SARA, TOM, YOUTH, Harness

NEXT = datetime(2026, 12, 8, 15, 0, tzinfo=BRUSSELS)  # the follow-up: Tuesday a week later
OTHER = "@other:fake"


def fu(h: Harness, key: str, lang: str = "nl") -> str:
    return h.config.catalogue.get(lang, f"followup.{key}")


def has(text: str, template: str) -> bool:
    """`text` holds `template` filled in: every literal part of it, in order."""
    pos = 0
    for part in (p.split("}", 1)[-1] for p in template.split("{")):
        found = text.find(part, pos)
        if found < 0:
            return False
        pos = found + len(part)
    return True


async def followup(h: Harness, form: str = "") -> tuple[bookings.Booking, list[str]]:
    """A first session with Sara, ended; then `!followup` next week in `form`. Returns the
    booking and what the youth read in their DM."""
    await h.open_now()
    await h.counselor_says(SARA, "!end done")
    youth_dm = await h.dm(YOUTH)
    mark = h.mark()
    (reply,) = await h.counselor_says(SARA, f"!followup 2026-12-08 15:00 {form}".strip())
    assert "geboekt" in reply, reply
    booking = await bookings.active_booking(h.db, YOUTH)
    assert booking is not None
    return booking, h.since(mark, youth_dm)


async def reminders_and_opening(h: Harness) -> tuple[list[str], list[str], int]:
    """Run the day of the follow-up: the reminders (youth's DM, Sara's DM) and the opening;
    also returns how many rooms the bot created at the booked time."""
    youth_dm = await h.dm(YOUTH)
    sara_dm = await h.counselor_dm(SARA)
    mark = h.mark()
    h.at(NEXT - timedelta(minutes=10))
    await h.run_due()
    to_youth, to_sara = h.since(mark, youth_dm), h.since(mark, sara_dm)
    rooms = len(h.transport.created)
    h.at(NEXT)
    await h.run_due()
    return to_youth, to_sara, len(h.transport.created) - rooms


# --- the forms --------------------------------------------------------------------------------


async def test_chat_is_the_default_and_opens_a_room(h: Harness) -> None:
    booking, told = await followup(h)
    assert booking.form == "chat"
    (notice,) = told
    assert has(notice, fu(h, "booked_chat")) and has(notice, fu(h, "message_hint"))
    to_youth, to_sara, rooms = await reminders_and_opening(h)
    assert any(has(t, h.config.text("nl").reminder) for t in to_youth)
    assert any("Vorm: chatgesprek" in t for t in to_sara)
    assert rooms == 1
    session = await store.by_booking(h.db, booking.id)
    assert session is not None and session.room_id is not None
    await h.joins(session.room_id, YOUTH)
    await h.joins(session.room_id, SARA)
    assert not any("http" in t for t in h.transport.to(session.room_id))  # no call link


async def test_video_opens_the_room_with_a_fresh_call_link(h: Harness) -> None:
    booking, told = await followup(h, "video")
    assert booking.form == "video"
    assert has(told[0], fu(h, "booked_video"))
    to_youth, to_sara, rooms = await reminders_and_opening(h)
    assert any(has(t, fu(h, "reminder_video")) for t in to_youth)
    assert not any(has(t, h.config.text("nl").reminder) for t in to_youth)
    assert any("Vorm: videogesprek" in t for t in to_sara)
    assert rooms == 1
    session = await store.by_booking(h.db, booking.id)
    assert session is not None and session.room_id is not None
    await h.joins(session.room_id, YOUTH)
    await h.joins(session.room_id, SARA)
    links = [t for t in h.transport.to(session.room_id) if has(t, fu(h, "call_link"))]
    assert len(links) == 1
    (url,) = re.findall(r"https://meet\.jit\.si/(\S+)", links[0])
    assert len(url) >= 22 and url not in str(await all_rows(h))  # random, never stored
    # Another video call gets another room name.
    assert forms.call_room_name() != forms.call_room_name()


async def test_video_without_a_call_url_is_refused(tmp_path: Path) -> None:
    h = await Harness.start(tmp_path, followup={"video_url": None})
    try:
        await h.open_now()
        (reply,) = await h.counselor_says(SARA, "!followup 2026-12-08 15:00 video")
        assert fu(h, "video_off") in reply
        assert await bookings.active_booking(h.db, YOUTH) is None
    finally:
        await h.close()


async def test_phone_number_only_if_the_youth_chooses_sealed_and_erased(h: Harness) -> None:
    booking, told = await followup(h, "telefoon")
    assert booking.form == "phone"
    assert has(told[0], fu(h, "booked_phone"))
    sara_dm = await h.counselor_dm(SARA)
    mark = h.mark()
    (reply,) = await h.youth_says(YOUTH, "nummer 0470 12 34 56")
    assert has(reply, fu(h, "phone_saved")) and "0470 12 34 56" in reply
    (told_sara,) = h.since(mark, sara_dm)
    assert has(told_sara, fu(h, "staff_phone")) and "0470 12 34 56" in told_sara
    raw = await h.db.fetchval("SELECT phone FROM bookings WHERE id = ?", (booking.id,))
    assert raw.startswith("cx1:") and "0470" not in raw
    (bad,) = await h.youth_says(YOUTH, "nummer ergens")
    assert bad == fu(h, "phone_unreadable")

    to_youth, to_sara, rooms = await reminders_and_opening(h)
    assert any(has(t, fu(h, "reminder_phone")) and "0470 12 34 56" in t for t in to_youth)
    assert any("0470 12 34 56" in t and "Vorm: telefoongesprek" in t for t in to_sara)
    assert rooms == 0  # the counselor calls: no room
    session = await store.by_booking(h.db, booking.id)
    assert session is not None and session.state == "open" and session.room_id is None
    assert session.counselor_joined  # they call: a no-show would be the youth's
    # No "the youth is not in the room" for a phone call.
    mark = h.mark()
    h.at(NEXT + timedelta(minutes=20))
    await h.run_due()
    assert h.since(mark, sara_dm) == []
    (ended,) = await h.counselor_says(SARA, "!end done")
    assert "afgesloten" in ended
    assert await followup_store.phone_of(h.db, booking.id) is None


async def test_phone_number_is_erased_after_the_session_without_end(h: Harness) -> None:
    booking, _ = await followup(h, "phone")
    await h.youth_says(YOUTH, "mijn nummer is +32 470 12 34 56")
    assert await followup_store.phone_of(h.db, booking.id) == "+32 470 12 34 56"
    h.at(NEXT + timedelta(minutes=45 + 59))
    await h.run_due()
    assert await followup_store.phone_of(h.db, booking.id) == "+32 470 12 34 56"
    h.at(NEXT + timedelta(minutes=45 + 60))
    await h.run_due()
    assert await followup_store.phone_of(h.db, booking.id) is None


async def test_phone_without_a_number_and_erasing_it(h: Harness) -> None:
    booking, _ = await followup(h, "phone")
    await h.youth_says(YOUTH, "nummer 0470123456")
    (reply,) = await h.youth_says(YOUTH, "nummer wissen")
    assert reply == fu(h, "phone_removed")
    assert await followup_store.phone_of(h.db, booking.id) is None
    to_youth, to_sara, _ = await reminders_and_opening(h)
    assert any(has(t, fu(h, "reminder_phone_no_number")) for t in to_youth)
    assert any(has(t, fu(h, "staff_reminder_phone_none")) for t in to_sara)


async def test_a_number_without_a_phone_session_is_not_kept(h: Harness) -> None:
    await followup(h, "video")
    (reply,) = await h.youth_says(YOUTH, "nummer 0470 12 34 56")
    assert reply == fu(h, "phone_not_needed")
    assert await h.db.fetchval("SELECT COUNT(*) FROM bookings WHERE phone IS NOT NULL") == 0


async def test_visit_tells_the_office_and_opens_no_room(h: Harness) -> None:
    office = h.config.followup.offices[0]
    booking, told = await followup(h, "bezoek")
    assert (booking.form, booking.place) == ("visit", office.id)
    assert office.say("address", "nl", "nl") in told[0]
    assert office.say("hours", "nl", "nl") in told[0] and office.say("name", "nl", "nl") in told[0]
    to_youth, to_sara, rooms = await reminders_and_opening(h)
    assert any(has(t, fu(h, "reminder_visit")) and office.say("address", "nl", "nl") in t
               for t in to_youth)
    assert any("gesprek op kantoor" in t for t in to_sara)
    assert rooms == 0
    # Its history line says how it took place.
    (history,) = await h.youth_says(YOUTH, "geschiedenis")
    name = office.say("name", "nl", "nl")
    assert "(chatgesprek)" in history and f"(gesprek op kantoor, {name})" in history


async def test_visit_to_an_office_that_does_not_exist(h: Harness) -> None:
    await h.open_now()
    (reply,) = await h.counselor_says(SARA, "!followup 2026-12-08 15:00 visit nergens")
    assert has(reply, fu(h, "unknown_office")) and "nergens" in reply
    assert await bookings.active_booking(h.db, YOUTH) is None


async def test_agenda_and_history_show_the_form(h: Harness) -> None:
    await followup(h, "video")
    (agenda,) = await h.counselor_says(SARA, "!agenda")
    assert "(videogesprek)" in agenda
    (history,) = await h.youth_says(YOUTH, "geschiedenis")
    assert "(videogesprek)" in history.split("volgende afspraak")[-1]


async def test_a_moved_phone_session_stays_a_phone_session(h: Harness) -> None:
    booking, _ = await followup(h, "phone")
    await h.youth_says(YOUTH, "nummer 0470 12 34 56")
    await h.youth_says(YOUTH, "verzet")
    await h.youth_says(YOUTH, "2")
    moved = await bookings.active_booking(h.db, YOUTH)
    assert moved is not None and moved.id != booking.id and moved.form == "phone"
    assert await followup_store.phone_of(h.db, moved.id) == "0470 12 34 56"
    assert await followup_store.phone_of(h.db, booking.id) is None  # not kept twice
    kinds = [t.kind for t in await bookings.timers_for_booking(h.db, moved.id)]
    assert followup_store.FORGET_PHONE in kinds


# --- messages between sessions ----------------------------------------------------------------


async def test_no_counselor_yet(h: Harness) -> None:
    await h.finish_intake()
    (reply,) = await h.youth_says(YOUTH, "bericht hallo")
    assert reply == fu(h, "message_no_counselor")


async def test_message_reaches_the_counselor_and_the_answer_the_youth(h: Harness) -> None:
    await followup(h)
    ref = await h.db.fetchval("SELECT ref FROM cases")
    sara_dm = await h.counselor_dm(SARA)
    youth_dm = await h.dm(YOUTH)
    mark = h.mark()
    (reply,) = await h.youth_says(YOUTH, "bericht ik kom <b>wat</b> later")
    assert has(reply, fu(h, "message_sent")) and "Sara" in reply
    (sent,) = [s for s in h.transport.sent[mark:] if s.room_id == sara_dm]
    assert f"#{ref}" in sent.body and "ik kom <b>wat</b> later" in sent.body
    assert "&lt;b&gt;wat&lt;/b&gt;" in sent.message.html and "<b>wat" not in sent.message.html
    # Nothing of the text is stored (only who, which case, when).
    assert "later" not in str(await all_rows(h))

    mark = h.mark()
    (ok,) = await h.counselor_says(SARA, f"!reply #{ref} Fijn dat je het laat weten <3")
    assert ok == fu(h, "reply_sent").format(ref=ref)
    (answer,) = [s for s in h.transport.sent[mark:] if s.room_id == youth_dm]
    assert has(answer.body, fu(h, "message_from_counselor"))
    assert "Fijn dat je het laat weten <3" in answer.body and "&lt;3" in answer.message.html


async def test_another_counselor_cannot_reply(h: Harness) -> None:
    await followup(h)
    ref = await h.db.fetchval("SELECT ref FROM cases")
    youth_dm = await h.dm(YOUTH)
    mark = h.mark()
    (reply,) = await h.counselor_says(TOM, f"!reply #{ref} hallo van Tom")
    assert reply == h.config.text("nl").session.unknown_case.format(ref=ref)
    assert h.since(mark, youth_dm) == []
    (reply,) = await h.counselor_says(TOM, "!reply #ZZZ-999 hallo")
    assert "ZZZ-999" in reply and h.since(mark, youth_dm) == []
    (reply,) = await h.counselor_says(SARA, "!reply hallo zonder dossier")
    assert fu(h, "reply_needs_ref") in reply and h.since(mark, youth_dm) == []
    assert await h.db.fetchval("SELECT COUNT(*) FROM case_messages") == 0


async def test_before_the_first_session_the_booked_counselor_gets_it_and_may_reply(
        h: Harness) -> None:
    offer = (await h.finish_intake())[-1]
    assert "2." in offer
    (booked,) = await h.youth_says(YOUTH, "2")  # a later moment, not now
    assert has(booked, fu(h, "message_hint"))
    booking = await bookings.active_booking(h.db, YOUTH)
    assert booking is not None
    ref = await h.db.fetchval("SELECT ref FROM cases")
    counselor = booking.counselor_id
    other = TOM if counselor == SARA else SARA
    dm = await h.counselor_dm(counselor)
    mark = h.mark()
    await h.youth_says(YOUTH, "Bericht: mag ik iemand meebrengen?")
    assert any("mag ik iemand meebrengen?" in t for t in h.since(mark, dm))
    (no,) = await h.counselor_says(other, f"!reply #{ref} nee")
    assert no == h.config.text("nl").session.unknown_case.format(ref=ref)
    (yes,) = await h.counselor_says(counselor, f"!antwoord #{ref} Ja hoor")
    assert yes == fu(h, "reply_sent").format(ref=ref)


async def test_a_youth_cannot_flood_their_counselor(h: Harness) -> None:
    await followup(h)
    sara_dm = await h.counselor_dm(SARA)
    mark = h.mark()
    per_hour = h.config.followup.messages_per_hour
    for i in range(per_hour):
        (reply,) = await h.youth_says(YOUTH, f"bericht nummer {i}")
        assert has(reply, fu(h, "message_sent"))
    (limited,) = await h.youth_says(YOUTH, "bericht nog eentje")
    assert has(limited, fu(h, "message_limit"))
    assert len(h.since(mark, sara_dm)) == per_hour
    h.clock.advance(timedelta(hours=1, seconds=1))  # an hour later it works again
    (reply,) = await h.youth_says(YOUTH, "bericht nog eentje")
    assert has(reply, fu(h, "message_sent"))
    (empty,) = await h.youth_says(YOUTH, "bericht")
    assert empty == fu(h, "message_empty")
    (long,) = await h.youth_says(YOUTH, "bericht " + "a" * 2001)
    assert has(long, fu(h, "message_too_long"))


async def test_the_crisis_net_reads_a_message_and_it_still_reaches_the_counselor(
        h: Harness) -> None:
    await followup(h)
    sara_dm = await h.counselor_dm(SARA)
    mark = h.mark()
    replies = await h.youth_says(YOUTH, "bericht ik wil niet meer leven")
    assert any("1813" in r for r in replies)  # the crisis reply
    assert await h.db.fetchval("SELECT COUNT(*) FROM crisis_alerts") == 1
    assert any("ik wil niet meer leven" in t for t in h.since(mark, sara_dm))
    assert any(has(r, fu(h, "message_sent")) for r in replies)


async def test_english_youth_reads_english(h: Harness) -> None:
    await h.youth_says(YOUTH, "hi")
    for answer in ("2", "2", "school", "this week", "kortrijk", "skip"):
        await h.youth_says(YOUTH, answer)
    await h.youth_says(YOUTH, "1")
    await h.run_due()
    await h.counselor_says(SARA, "!end done")
    youth_dm = await h.dm(YOUTH)
    mark = h.mark()
    await h.counselor_says(SARA, "!followup 2026-12-08 15:00 video")
    (notice,) = h.since(mark, youth_dm)
    assert has(notice, fu(h, "booked_video", "en"))
    (reply,) = await h.youth_says(YOUTH, "message see you then")
    assert has(reply, fu(h, "message_sent", "en"))


async def test_erasure_takes_the_number_and_the_message_records(h: Harness) -> None:
    await followup(h, "phone")
    await h.youth_says(YOUTH, "nummer 0499 98 76 54")
    await h.youth_says(YOUTH, "bericht tot dan")
    assert await h.db.fetchval("SELECT COUNT(*) FROM case_messages") == 1
    await h.youth_says(YOUTH, "vergeet mij")
    await h.youth_says(YOUTH, "WIS ALLES")
    rows = await all_rows(h)
    assert rows["case_messages"] == "[]"
    for table, dump in rows.items():
        assert YOUTH not in dump and "0499" not in dump, table
    assert b"0499 98 76 54" not in raw_file(h)
    assert await rights.youth_data(h.db, YOUTH) == rights.YouthData(0, 0, [], None)


async def test_the_appointment_word_shows_how_it_takes_place(h: Harness) -> None:
    office = h.config.followup.offices[0]
    await followup(h, "visit")
    (shown,) = await h.youth_says(YOUTH, "afspraak")
    assert has(shown, h.config.text("nl").appointment_show)
    assert office.say("address", "nl", "nl") in shown


async def test_video_switched_off_after_booking_says_so_in_the_room(h: Harness) -> None:
    """followup.video_url removed after a video booking: no link was ever promised in vain;
    the room says video is not available and that they can chat there."""
    booking, _ = await followup(h, "video")
    off = h.ctx.config.followup.model_copy(update={"video_url": None})
    h.ctx.config = h.ctx.config.model_copy(update={"followup": off})  # as a reload would
    await reminders_and_opening(h)
    session = await store.by_booking(h.db, booking.id)
    assert session is not None and session.room_id is not None
    await h.joins(session.room_id, YOUTH)
    await h.joins(session.room_id, SARA)
    in_room = h.transport.to(session.room_id)
    assert any(has(t, fu(h, "call_link_missing")) for t in in_room)
    assert not any("http" in t for t in in_room)
