"""Session rooms in-process: opening, recovery by nonce, joins, no-shows and stand-ins."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from bot.domain.availability import Slot
from bot.handlers.session_rooms import SESSION_TAG
from bot.storage import bookings, youths
from bot.storage import sessions as store
from tests.support.harness import BRUSSELS, SARA, TOM, YOUTH, Harness, counselor


def session_rooms(h: Harness) -> list[str]:
    """Rooms the bot created for sessions (not counselor DMs), in creation order."""
    return [r for r in h.transport.created if SESSION_TAG in h.transport.rooms[r].state]


async def test_opening_creates_a_private_room_and_invites_both(h: Harness) -> None:
    session = await h.open_now()
    assert session_rooms(h) == [session.room_id]
    room = h.transport.rooms[session.room_id]
    assert room.invited == {YOUTH, SARA}
    assert room.created is not None and room.created["invite"] == []
    assert room.created["power_levels"]["users"][SARA] == 50
    assert room.state[SESSION_TAG] == {"nonce": session.nonce}
    kinds = {t.kind for t in await bookings.pending_timers(h.db)}
    assert {"check_counselor", "check_youth"} <= kinds


async def test_both_joined_gets_the_summary_and_the_bot_leaves(h: Harness) -> None:
    session = await h.open_now()
    room = session.room_id
    assert room is not None
    await h.joins(room, YOUTH)
    assert h.transport.to(room) == []
    await h.joins(room, SARA)
    summary, leaving = h.transport.to(room)
    assert "School" in summary or "school" in summary
    assert leaving == h.config.text("nl").session.bot_leaves
    assert room in h.transport.left
    assert (await store.get(h.db, session.id)).state == "left"  # type: ignore[union-attr]
    # The counselor who came is now the youth's counselor.
    assert await youths.youth_counselor(h.db, YOUTH) == SARA


async def test_interrupted_opening_finds_its_room_by_nonce(h: Harness) -> None:
    booking_id = await h.book_now()
    real_create = h.transport.create_room

    async def created_then_killed(**kwargs: object) -> str:
        await real_create(**kwargs)  # type: ignore[arg-type]
        raise RuntimeError("killed right after the room was created")

    # A decoy: a room the bot is in with another session's nonce.
    decoy = h.transport.add_room()
    h.transport.rooms[decoy].state[SESSION_TAG] = {"nonce": "someone-else"}
    h.transport.create_room = created_then_killed  # type: ignore[method-assign]
    try:
        await h.run_due()
    except RuntimeError:
        pass
    session = await store.by_booking(h.db, booking_id)
    assert session is not None and session.state == "opening" and session.room_id is None
    (lost,) = session_rooms(h)

    h.transport.create_room = real_create  # type: ignore[method-assign]
    await h.router.sessions.recover()
    session = await store.by_booking(h.db, booking_id)
    assert session is not None and session.state == "open"
    assert session.room_id == lost
    assert session_rooms(h) == [lost]  # no second room
    assert h.transport.rooms[lost].invited == {YOUTH, SARA}


async def test_a_fresh_opening_does_not_search_for_rooms(h: Harness) -> None:
    booking_id = await h.book_now()
    searched: list[str] = []
    real_state = h.transport.room_state

    async def spy(room_id: str, event_type: str) -> dict | None:
        searched.append(room_id)
        return await real_state(room_id, event_type)

    h.transport.room_state = spy  # type: ignore[method-assign]
    await h.router.sessions.open(booking_id)
    assert searched == []


async def test_room_creation_refused_leaves_the_opening_to_retry(h: Harness) -> None:
    booking_id = await h.book_now()
    h.transport.fail["create_room"] = RuntimeError("M_LIMIT_EXCEEDED")
    try:
        await h.router.sessions.open(booking_id)
    except RuntimeError:
        pass
    assert [s.id for s in await store.unfinished_openings(h.db)] != []
    del h.transport.fail["create_room"]
    await h.router.sessions.recover()
    session = await store.by_booking(h.db, booking_id)
    assert session is not None and session.state == "open"
    assert len(session_rooms(h)) == 1


async def counselor_missing(h: Harness) -> tuple[store.Session, list[str]]:
    """Sara's session opened, the youth is in, Sara is not: the 5-minute check runs."""
    session = await h.open_now()
    assert session.room_id is not None
    await h.joins(session.room_id, YOUTH)
    youth_dm = await h.dm(YOUTH)
    mark = h.mark()
    h.at(datetime(2026, 12, 1, 10, 6, tzinfo=BRUSSELS))
    await h.run_due()
    return session, h.since(mark, youth_dm)


async def test_counselor_no_show_gets_a_free_colleague(h: Harness) -> None:
    session, told = await counselor_missing(h)
    assert len(told) == 1 and "neemt het over" in told[0] and "Tom" in told[0]
    assert (session.room_id, TOM) in h.transport.invites
    assert (session.room_id, TOM, 50) in h.transport.powers
    fresh = await store.get(h.db, session.id)
    assert fresh is not None and fresh.counselor_id == TOM and fresh.standin_for == SARA


async def test_a_colleague_standing_in_is_busy_until_the_session_ends(h: Harness) -> None:
    session, _ = await counselor_missing(h)
    assert (await store.get(h.db, session.id)).counselor_id == TOM  # type: ignore[union-attr]
    # The booking stays Sara's; Tom is in the room from 10:06 to its end at 10:45 and can
    # be neither booked nor sent to stand in elsewhere meanwhile.
    at = datetime(2026, 12, 1, 10, 15, tzinfo=BRUSSELS)
    busy = await bookings.busy_periods(h.db, at, at + timedelta(minutes=1))
    assert {b.counselor_id for b in busy} == {SARA, TOM}
    other = "@other:fake"
    _, case = await youths.first_contact(h.db, other, "!elsewhere:fake",
                                         h.router.youth.flow.new_state(), h.clock.now())
    later = datetime(2026, 12, 1, 10, 30, tzinfo=BRUSSELS)
    result = await h.router.youth.appointments.booking.book_followup(case=case, youth_id=other,
                                                  counselor_id=TOM, start=later)
    assert result.booking is None and result.reason == "slot_taken"


async def other_booking(h: Harness, counselor_id: str, start: datetime) -> None:
    """Another youth's booking with a counselor, written straight to storage."""
    youth = "@other:fake"
    _, case = await youths.first_contact(h.db, youth, "!elsewhere:fake",
                                         h.router.youth.flow.new_state(), h.clock.now())
    slot = Slot(counselor_id, start, start + timedelta(minutes=45))
    result = await bookings.book(h.db, case_id=case.id, youth_id=youth, slot=slot,
                                 now=h.clock.now(), reminders=[])
    assert result.ok


async def test_standin_keeps_the_buffer_before_their_next_booking(h: Harness) -> None:
    # Tom is booked at 11:00: standing in from 10:06 to 10:51 leaves 9 minutes, less than
    # the 15-minute buffer. No overlap, so the old check would have sent him.
    await other_booking(h, TOM, datetime(2026, 12, 1, 11, 0, tzinfo=BRUSSELS))
    session, told = await counselor_missing(h)
    assert "neemt het over" not in told[0]
    assert "Sara" in told[0] and "1." in told[-1]  # an honest apology and new moments
    assert not any(user == TOM for _, user in h.transport.invites)
    assert (await store.get(h.db, session.id)).outcome == "no-show"  # type: ignore[union-attr]


async def test_no_standin_and_no_free_moment_promises_no_moments(h: Harness) -> None:
    # Tom is booked right after (no stand-in) and both are away for months: there is no new
    # moment to offer, and the apology must not say there are.
    await other_booking(h, TOM, datetime(2026, 12, 1, 11, 0, tzinfo=BRUSSELS))
    session = await h.open_now()
    assert session.room_id is not None
    await h.joins(session.room_id, YOUTH)
    for who in (SARA, TOM):
        await bookings.add_absence(h.db, who, datetime(2026, 12, 1).date(),
                                   datetime(2027, 3, 1).date(), h.clock.now())
    youth_dm = await h.dm(YOUTH)
    mark = h.mark()
    h.at(datetime(2026, 12, 1, 10, 6, tzinfo=BRUSSELS))
    await h.run_due()
    told = "\n".join(h.since(mark, youth_dm))
    assert "Sara" in told and "geen vrij moment" in told
    assert "Hieronder" not in told and "1." not in told


async def test_standin_over_the_buffer_is_sent(h: Harness) -> None:
    # Control: a booking at 11:10 leaves 19 minutes; Tom can step in.
    await other_booking(h, TOM, datetime(2026, 12, 1, 11, 10, tzinfo=BRUSSELS))
    _, told = await counselor_missing(h)
    assert "neemt het over" in told[0]


async def test_standin_respects_the_per_day_maximum(tmp_path: Path) -> None:
    h = await Harness.start(tmp_path, scheduling={"counselors": [
        counselor(SARA, "Sara"), counselor(TOM, "Tom", max_sessions_per_day=1)]})
    try:
        # Tom's one session of the day is this evening: no overlap, but the day is full.
        await other_booking(h, TOM, datetime(2026, 12, 1, 18, 0, tzinfo=BRUSSELS))
        _, told = await counselor_missing(h)
        assert "neemt het over" not in told[0]
        assert not any(user == TOM for _, user in h.transport.invites)
    finally:
        await h.close()


async def test_youth_no_show_is_reported_to_the_counselor(h: Harness) -> None:
    session = await h.open_now()
    assert session.room_id is not None
    await h.joins(session.room_id, SARA)
    sara_dm = await h.counselor_dm(SARA)
    mark = h.mark()
    h.at(datetime(2026, 12, 1, 10, 11, tzinfo=BRUSSELS))
    await h.run_due()
    ref = await h.db.fetchval("SELECT ref FROM cases")
    told = h.since(mark, sara_dm)
    assert len(told) == 1 and ref in told[0]


async def test_bot_stays_only_for_the_crisis_net_and_counselor_commands(tmp_path: Path) -> None:
    h = await Harness.start(tmp_path, session={"bot_stays": True})
    try:
        session = await h.open_now()
        room = session.room_id
        assert room is not None
        await h.joins(room, YOUTH)
        await h.joins(room, SARA)
        assert room not in h.transport.left
        # The youth's command does nothing; their crisis words reach the staff room.
        assert await h.message(room, YOUTH, "!end done") == []
        mark = h.mark()
        await h.message(room, YOUTH, "ik wil niet meer leven")
        assert len(h.since(mark, h.staff_room)) == 1
        assert await h.db.fetchval("SELECT outcome FROM sessions") is None
        # Anything else is not the bot's business.
        assert await h.message(room, YOUTH, "hoi Sara") == []
        # The counselor's command works there: the closing text in the room, the
        # confirmation privately in the DM.
        sara_dm = await h.counselor_dm(SARA)
        mark = h.mark()
        closed = await h.message(room, SARA, "!end done")
        assert closed and "afgesloten" in closed[0].lower()
        assert any("afgesloten" in t for t in h.since(mark, sara_dm))
        assert room in h.transport.left
        assert await h.db.fetchval("SELECT outcome FROM sessions") == "done"
    finally:
        await h.close()
