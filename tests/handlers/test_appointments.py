"""The youth's DM after and during the intake: steps, offers, booking, cancel, move."""

from __future__ import annotations

import json

from bot.storage import bookings
from bot.storage.sealing import unseal
from tests.support.harness import SARA, YOUTH, Harness


async def test_intake_moves_step_by_step_and_reprompts_kindly(h: Harness) -> None:
    first = await h.youth_says(YOUTH, "hoi")
    assert "taal" in first[-1].lower()
    assert "oud" in (await h.youth_says(YOUTH, "1"))[-1].lower()
    again = await h.youth_says(YOUTH, "🙂🙂🙂")  # not an answer: the same question again
    assert "1." in again[-1] and "oud" in again[-1].lower()
    state = json.loads(unseal(await h.db.fetchval("SELECT intake FROM youths")))
    assert state["step"] == "age"
    await h.youth_says(YOUTH, "2")
    assert json.loads(unseal(await h.db.fetchval("SELECT intake FROM youths")))["step"] == "topic"
    for answer in ("school", "deze week", "kortrijk"):
        await h.youth_says(YOUTH, answer)
    offer = await h.youth_says(YOUTH, "overslaan")
    assert "1. Nu meteen, met Sara" in offer[-1]
    case = await h.db.fetchone("SELECT * FROM cases")
    assert (case["status"], case["topic"], case["municipality"]) == ("open", "school", "kortrijk")


async def test_media_during_intake_gets_an_explanation_and_the_question(h: Harness) -> None:
    await h.youth_says(YOUTH, "hoi")
    # No language chosen yet: the explanation in Dutch, then in English, as the first message.
    replies = await h.youth_says(YOUTH, "", kind="media")
    nl, en = h.config.text("nl").not_understood_media, h.config.text("en").not_understood_media
    assert nl in replies[0] and en in replies[0] and replies[0].index(nl) < replies[0].index(en)
    assert "1." in replies[1]
    await h.youth_says(YOUTH, "1")  # Nederlands
    replies = await h.youth_says(YOUTH, "", kind="media")
    assert nl in replies[0] and en not in replies[0]


async def test_choosing_an_offer_books_it_and_tells_the_counselor(h: Harness) -> None:
    offer = (await h.finish_intake())[-1]
    assert "2. vandaag om 11:00, met Sara" in offer
    refreshes = h.timers.refreshes
    replies = await h.youth_says(YOUTH, "2")
    assert len(replies) == 1
    assert replies[0].startswith("Top, je afspraak staat: vandaag om 11:00, met Sara.")
    booking = await bookings.active_booking(h.db, YOUTH)
    assert booking is not None and booking.counselor_id == SARA
    assert h.timers.refreshes == refreshes + 1
    kinds = {t.kind for t in await bookings.timers_for_booking(h.db, booking.id)}
    assert kinds == {"remind_youth", "remind_counselor", "open_session"}
    ref = await h.db.fetchval("SELECT ref FROM cases")
    sara_dm = await h.counselor_dm(SARA)
    (notice,) = h.transport.to(sara_dm)
    assert "Nieuwe afspraak" in notice and ref in notice and "school" in notice.lower()
    assert "11:00" in (await h.youth_says(YOUTH, "afspraak"))[0]


async def test_a_taken_slot_gets_fresh_offers(h: Harness) -> None:
    await h.finish_intake()
    other = "@other:fake"
    await h.finish_intake(other)
    await h.youth_says(other, "2")  # Sara at 11:00
    replies = await h.youth_says(YOUTH, "2")  # the same slot, seen before it was taken
    assert "net door iemand anders gekozen" in replies[0]
    assert "1." in replies[1] and "vandaag om 11:00, met Sara" not in replies[1]
    assert await bookings.active_booking(h.db, YOUTH) is None


async def test_not_a_choice_shows_the_same_moments_again(h: Harness) -> None:
    offer = (await h.finish_intake())[-1]
    again = await h.youth_says(YOUTH, "wat bedoel je?")
    assert again[-1].split("\n1. ")[1] == offer.split("\n1. ")[1]
    assert await bookings.active_booking(h.db, YOUTH) is None


async def test_cancel_tells_the_counselor_and_refreshes_timers(h: Harness) -> None:
    await h.finish_intake()
    await h.youth_says(YOUTH, "2")
    sara_dm = await h.counselor_dm(SARA)
    mark = h.mark()
    refreshes = h.timers.refreshes
    assert "geannuleerd" in (await h.youth_says(YOUTH, "annuleer"))[0]
    assert await bookings.active_booking(h.db, YOUTH) is None
    assert h.timers.refreshes == refreshes + 1
    ref = await h.db.fetchval("SELECT ref FROM cases")
    (note,) = h.since(mark, sara_dm)
    assert "Geannuleerd" in note and ref in note
    assert all(t.status == "cancelled" for t in await bookings.timers_for_booking(h.db, 1))
    # Nothing left to cancel: said so.
    assert (await h.youth_says(YOUTH, "annuleer"))[0] == h.config.text("nl").appointment_none


async def test_move_books_the_new_moment_and_cancels_the_old(h: Harness) -> None:
    await h.finish_intake()
    await h.youth_says(YOUTH, "2")
    sara_dm = await h.counselor_dm(SARA)
    offer = (await h.youth_says(YOUTH, "verzet"))[-1]
    third = offer.split("\n3. ")[1].split(",")[0]
    mark = h.mark()
    moved = await h.youth_says(YOUTH, "3")
    assert third in moved[0]
    rows = await h.db.fetchall("SELECT status FROM bookings ORDER BY id")
    assert [r["status"] for r in rows] == ["cancelled", "booked"]
    ref = await h.db.fetchval("SELECT ref FROM cases")
    cancelled, new = h.since(mark, sara_dm)
    assert cancelled == f"Geannuleerd: afspraak vandaag om 11:00 — dossier {ref}"
    assert new.startswith(f"Nieuwe afspraak {third} — dossier {ref}")
