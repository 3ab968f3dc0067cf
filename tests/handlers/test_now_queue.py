"""Choosing "now" in-process: the prompt opening with its pointer, honest confirmations, and
the live queue while every counselor who may take youths now is busy."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from bot.domain.now_queue import order
from bot.handlers.now_queue import QUEUE_EXPIRE
from bot.metrics import METRICS
from bot.storage import alerts, bookings, now_queue, sessions, youths
from bot.storage.bookings import OPEN_SESSION, REMIND_YOUTH
from bot.storage.db import Database
from tests.support.harness import BRUSSELS, SARA, YOUTH, Harness, counselor

A, B, C = "@a:fake", "@b:fake", "@c:fake"


def say(h: Harness, key: str, **values: str) -> str:
    return h.config.catalogue.plain("nl", key, **values)


@pytest.fixture
async def one(tmp_path: Path) -> AsyncIterator[Harness]:
    """Only Sara works (09:00-21:00); nobody said anything about duty."""
    harness = await Harness.start(tmp_path, scheduling={"counselors": [counselor(SARA, "Sara")]})
    yield harness
    await harness.close()


async def test_now_opens_at_once_with_a_pointer_and_promises_no_reminder(h: Harness) -> None:
    booking_id = await h.book_now()
    confirmation = h.transport.to(h.dms[YOUTH])[-1]
    assert confirmation == say(h, "queue.booked_now", counselor="Sara")
    assert "herinnering" not in confirmation
    timers = [t for t in await bookings.pending_timers(h.db) if t.booking_id == booking_id]
    assert REMIND_YOUTH not in {t.kind for t in timers}
    # The opening is due now, not at the next whole minute: nothing waits for the clock.
    (opening,) = [t for t in timers if t.kind == OPEN_SESSION]
    assert opening.due <= h.clock.now()
    assert await h.run_due() >= 1
    session = await sessions.by_booking(h.db, booking_id)
    assert session is not None and session.state == "open" and session.room_id
    pointer = h.transport.to(h.dms[YOUTH])[-1]
    assert pointer.startswith("Sara is er voor je")
    assert f"https://matrix.to/#/{session.room_id}?via=fake" in pointer


async def test_every_session_room_gets_the_pointer_once(h: Harness) -> None:
    """A booked (later) moment: the pointer comes when its room opens, and only once."""
    offer = (await h.finish_intake())[-1]
    assert "2. " in offer
    await h.youth_says(YOUTH, "2")
    booking = await bookings.active_booking(h.db, YOUTH)
    assert booking is not None
    h.at(booking.start)
    await h.run_due()
    session = await sessions.by_booking(h.db, booking.id)
    assert session is not None and session.room_id
    await h.router.sessions.open(booking.id)  # a retry changes nothing
    pointers = [b for b in h.transport.to(h.dms[YOUTH]) if "matrix.to" in b]
    assert pointers == [say(h, "session.room_ready", counselor=session_name(h, session),
                            link=f"https://matrix.to/#/{session.room_id}?via=fake")]


def session_name(h: Harness, session: sessions.Session) -> str:
    return h.router.youth.appointments.booking.name(session.counselor_id)


async def test_a_near_moment_does_not_promise_a_reminder(tmp_path: Path) -> None:
    h = await Harness.start(tmp_path, scheduling={
        "reminders": {"youth": [24 * 60], "counselor": [10]}})
    try:
        await h.finish_intake()
        (reply,) = await h.youth_says(YOUTH, "2")  # today, later: the day-before reminder is past
        booking = await bookings.active_booking(h.db, YOUTH)
        assert booking is not None and booking.start - h.clock.now() < timedelta(hours=24)
        assert reply.startswith("Top, je afspraak staat")
        assert "herinnering" not in reply
        assert REMIND_YOUTH not in {t.kind for t in await bookings.pending_timers(h.db)}
    finally:
        await h.close()


async def test_no_now_and_no_queue_outside_opening_hours(tmp_path: Path) -> None:
    h = await Harness.start(tmp_path, scheduling={
        "opening_hours": {d: ["09:00-17:00"] for d in ("mon", "tue", "wed", "thu", "fri")}},
        at=datetime(2026, 12, 1, 18, 0, tzinfo=BRUSSELS))
    try:
        offer = (await h.finish_intake())[-1]
        assert "Nu meteen" not in offer
        assert "1. " in offer  # a moment to book is offered
    finally:
        await h.close()


async def test_duty_off_means_no_now(h: Harness) -> None:
    await h.counselor_says(SARA, "!duty off")
    await h.counselor_says("@tom:fake", "!duty off")
    offer = (await h.finish_intake())[-1]
    assert "Nu meteen" not in offer


async def queue_up(h: Harness, user: str) -> list[str]:
    offer = (await h.finish_intake(user))[-1]
    assert offer.splitlines()[1] == "1. " + say(h, "queue.offer_queue"), offer
    return await h.youth_says(user, "1")


async def test_queue_places_turns_and_leaving(one: Harness) -> None:
    h = one
    first = await h.open_now()  # Sara is in a session with YOUTH
    staff = h.mark()
    no_basis = say(h, "queue.no_estimate")
    assert await queue_up(h, A) == [say(h, "queue.joined", place="1", estimate=no_basis)]
    assert await queue_up(h, B) == [say(h, "queue.joined", place="2", estimate=no_basis)]
    assert await queue_up(h, C) == [say(h, "queue.joined", place="3", estimate=no_basis)]
    assert h.since(staff, h.staff_room) == [say(h, "queue.staff_length", count=str(n))
                                           for n in (1, 2, 3)]
    assert METRICS.get("chathulp_queue_length") == 3
    # Anything else they say: where they are, and how to leave.
    assert await h.youth_says(B, "hoe lang nog?") == [
        say(h, "queue.waiting", place="2", estimate=no_basis)]

    # Sara ends her session: A is next, gets Sara "now"; B and C hear their new place.
    mark = h.mark()
    await h.message(first.room_id or "", SARA, "!end done")
    assert say(h, "queue.your_turn", counselor="Sara") in h.since(mark, h.dms[A])
    booking = await bookings.active_booking(h.db, A)
    assert booking is not None and booking.counselor_id == SARA
    assert h.since(mark, h.dms[B])[-1].startswith(say(h, "queue.place", place="1",
                                                      estimate="").strip())
    assert h.since(mark, h.dms[C])[-1].startswith(say(h, "queue.place", place="2",
                                                      estimate="").strip())
    assert h.since(mark, h.staff_room) == [say(h, "queue.staff_length", count="2")]
    await h.run_due()  # the opening is due at once
    session = await sessions.by_booking(h.db, booking.id)
    assert session is not None and session.state == "open"
    assert "matrix.to" in h.transport.to(h.dms[A])[-1]

    # C would rather book: out of the queue, moments offered (no queue choice), booked.
    left, offer = await h.youth_says(C, "boeken")
    assert left == say(h, "queue.left")
    assert say(h, "queue.offer_queue") not in offer and "1. " in offer
    (booked,) = await h.youth_says(C, "1")
    assert booked.startswith("Top, je afspraak staat")
    assert await now_queue.of_youth(h.db, C) is None
    assert [w.youth_id for w in await now_queue.waiting(h.db)] == [B]


async def test_free_again_before_the_choice_gets_the_counselor_at_once(one: Harness) -> None:
    h = one
    first = await h.open_now()
    offer = (await h.finish_intake(A))[-1]
    assert say(h, "queue.offer_queue") in offer
    # Sara's session time (and buffer) passed without `!end`: she is free again.
    h.at(first.start + timedelta(minutes=45 + 15 + 1))
    assert await h.youth_says(A, "1") == [say(h, "queue.your_turn", counselor="Sara")]
    booking = await bookings.active_booking(h.db, A)
    assert booking is not None and booking.counselor_id == SARA
    assert await now_queue.waiting(h.db) == []


async def test_crisis_flagged_youth_goes_first(one: Harness) -> None:
    h = one
    await h.open_now()
    await queue_up(h, A)
    offer = (await h.finish_intake(B))[-1]
    assert say(h, "queue.offer_queue") in offer
    case = await youths.latest_case(h.db, B)
    assert case is not None
    await alerts.raise_alert(h.db, case.id, B, "suicide", None, h.clock.now())
    mark = h.mark()
    joined = await h.youth_says(B, "1")
    no_basis = say(h, "queue.no_estimate")
    assert joined == [say(h, "queue.joined", place="1", estimate=no_basis)]
    entries = {w.youth_id: w for w in await now_queue.waiting(h.db)}
    assert entries[B].crisis and not entries[A].crisis
    # A moved from place 1 to 2 and is told so.
    assert h.since(mark, h.dms[A]) == [say(h, "queue.place", place="2", estimate=no_basis)]


async def test_nobody_waits_forever(one: Harness) -> None:
    h = one
    await h.open_now()
    await queue_up(h, A)
    (timer,) = [t for t in await bookings.pending_timers(h.db) if t.kind == QUEUE_EXPIRE]
    assert timer.due == h.clock.now() + timedelta(minutes=30)
    case_ref = await ref_of(h, A)
    h.at(h.clock.now() + timedelta(minutes=30))
    mark = h.mark()
    await h.run_due()
    expired, offer = h.since(mark, h.dms[A])
    assert expired.startswith(say(h, "queue.expired", minutes="30")[:30])
    assert "1. " in offer and say(h, "queue.offer_queue") not in offer
    assert h.since(mark, h.staff_room) == [
        say(h, "queue.staff_expired", ref=case_ref, minutes="30"),
        say(h, "queue.staff_length", count="0")]
    assert await now_queue.waiting(h.db) == []


async def test_order_survives_a_restart(one: Harness) -> None:
    h = one
    await h.open_now()
    for user in (A, B, C):
        await queue_up(h, user)
    await h.close()
    again = Database(h.db.path or "")
    await again.open()
    try:
        assert [w.youth_id for w in order(await now_queue.waiting(again))] == [A, B, C]
    finally:
        await again.close()
        await h.db.open()  # the fixture closes it


async def ref_of(h: Harness, user: str) -> str:
    case = await youths.latest_case(h.db, user)
    assert case is not None
    return case.ref


async def test_a_youth_helped_meanwhile_leaves_the_queue_without_a_second_room(
    one: Harness,
) -> None:
    h = one
    first = await h.open_now()
    await queue_up(h, A)
    case = await youths.latest_case(h.db, A)
    assert case is not None
    # A counselor claimed A's crisis alert meanwhile: A is in a session room now.
    now = h.clock.now()
    await alerts.crisis_booking(h.db, case.id, A, "@tom:fake", now, now + timedelta(minutes=45),
                                now)
    mark = h.mark()
    await h.message(first.room_id or "", SARA, "!end done")
    assert say(h, "queue.your_turn", counselor="Sara") not in h.since(mark, h.dms[A])
    assert await now_queue.waiting(h.db) == []
    assert await bookings.active_booking(h.db, A) is None  # no second booking with Sara
