"""An accepted `!handover` and the case's upcoming bookings: a follow-up booked with the
previous counselor goes to the colleague at the same time when they are free then (one
transaction: row, timers, notices), or stays — and the youth is told which, in one message."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from bot.domain.availability import Slot
from bot.domain.when import format_when
from bot.handlers.transport import Incoming
from bot.matrix.sync import handle_once
from bot.reload import Reloader
from bot.storage import bookings, sessions, youths
from bot.storage import followup as followup_store
from bot.storage import outbox as outbox_store
from bot.storage.bookings import OPEN_SESSION, REMIND_COUNSELOR, REMIND_YOUTH, reminder_plan
from bot.storage.followup import FORGET_PHONE
from tests.handlers.test_followup import NEXT, followup
from tests.handlers.test_removed_counselor import remove_sara
from tests.support.harness import BRUSSELS, SARA, TOM, YOUTH, Harness
from tests.support.outbox_transport import OutboxTransport

OTHER = "@other:fake"
FOLLOWUP = datetime(2026, 12, 8, 10, 0, tzinfo=BRUSSELS)  # a Tuesday, a week later


class Killed(BaseException):
    """The process dies here: nothing catches it, the transaction is not committed."""


def say(h: Harness, key: str, language: str = "nl", **values: str) -> str:
    return h.config.catalogue.plain(language, key, **values)


def when(h: Harness, at: datetime, language: str = "nl") -> str:
    return format_when(at, h.config.tz, language, h.clock.now())


async def followup_then_handover(h: Harness) -> tuple[bookings.Booking, str]:
    """Sara's session now, her follow-up a week later, then `!handover` to Tom (asked, not
    answered yet): (the follow-up's booking, the case reference)."""
    session = await h.open_now()
    assert session.room_id is not None
    for user in (YOUTH, SARA):
        await h.joins(session.room_id, user)
    await h.counselor_says(SARA, "!followup 2026-12-08 10:00")
    booking = await bookings.active_booking(h.db, YOUTH)
    assert booking is not None and booking.counselor_id == SARA and booking.start == FOLLOWUP
    await h.counselor_says(SARA, f"!handover {TOM}")
    ref = await h.db.fetchval("SELECT ref FROM cases WHERE youth_id = ?", (YOUTH,))
    return booking, ref


async def pending_kinds(h: Harness, booking_id: int) -> list[str]:
    return sorted(t.kind for t in await bookings.timers_for_booking(h.db, booking_id)
                  if t.status == "pending")


async def other_youths_booking(h: Harness) -> bookings.Booking:
    """Another youth's case with a booking of Sara's on the day of the follow-up."""
    _, case = await youths.first_contact(h.db, OTHER, "!elsewhere:fake",
                                         h.router.youth.flow.new_state(), h.clock.now())
    start = FOLLOWUP + timedelta(hours=2)
    slot = Slot(SARA, start, start + timedelta(minutes=h.config.scheduling.slot_minutes))
    plan = [*reminder_plan(h.config.scheduling, slot, h.clock.now()),
            (OPEN_SESSION, None, slot.start)]
    result = await bookings.book(h.db, case_id=case.id, youth_id=OTHER, slot=slot,
                                 now=h.clock.now(), reminders=plan)
    assert result.booking is not None
    return result.booking


async def test_a_followup_goes_to_the_colleague_who_is_free_then(h: Harness) -> None:
    before, ref = await followup_then_handover(h)
    # A "no" moves nothing; Sara asks again.
    assert await h.youth_says(YOUTH, "nee") == [say(
        h, "session.handover_declined", counselor="Sara", colleague="Tom", ref=ref)]
    assert await bookings.active_booking(h.db, YOUTH) == before
    await h.counselor_says(SARA, f"!handover {TOM}")
    other = await other_youths_booking(h)
    youth_dm, sara_dm, tom_dm = await h.dm(YOUTH), await h.counselor_dm(SARA), \
        await h.counselor_dm(TOM)
    mark = h.mark()
    replies = await h.youth_says(YOUTH, "ja")

    # One message to the youth: the handover, and the same time now with Tom.
    assert replies == [
        say(h, "session.handover_accepted", counselor="Sara", colleague="Tom", ref=ref)
        + "\n\n"
        + say(h, "session.handover_booking_moved_youth", when=when(h, FOLLOWUP),
              colleague="Tom")]
    # The booking: Tom's now, same time; the old row and its timers are cancelled.
    moved = await bookings.active_booking(h.db, YOUTH)
    assert moved is not None and moved.id != before.id
    assert (moved.counselor_id, moved.start, moved.end, moved.form) == (
        TOM, before.start, before.end, before.form)
    old = await bookings.get_booking(h.db, before.id)
    assert old is not None and old.status == "cancelled"
    assert await pending_kinds(h, before.id) == []
    assert await pending_kinds(h, moved.id) == sorted(
        [REMIND_YOUTH, REMIND_YOUTH, REMIND_COUNSELOR, OPEN_SESSION])
    assert h.timers.refreshes > 0
    # Tom: the usual new-appointment notice (with the intake summary); Sara: it moved.
    tom = h.since(mark, tom_dm)
    new_booking = h.config.text("nl").staff_new_booking.format(when=when(h, FOLLOWUP),
                                                               ref=ref)
    assert any(t.startswith(new_booking) for t in tom), tom
    sara = h.since(mark, sara_dm)
    assert say(h, "session.handover_booking_moved_staff", when=when(h, FOLLOWUP), ref=ref,
               colleague="Tom") in sara
    for notice in tom + sara:
        assert YOUTH not in notice and "@" not in notice
    # Another youth's booking with Sara is not touched.
    assert await bookings.get_booking(h.db, other.id) == other
    assert len(await pending_kinds(h, other.id)) == 4

    # The reminders follow the booking: they name Tom, and go to Tom, not Sara.
    h.at(FOLLOWUP - timedelta(minutes=60))
    mark = h.mark()
    await h.run_due()
    assert h.since(mark, youth_dm) == [h.config.text("nl").reminder.format(
        when=when(h, FOLLOWUP), counselor="Tom")]
    h.at(FOLLOWUP - timedelta(minutes=10))
    mark = h.mark()
    await h.run_due()
    assert any(t.startswith(h.config.text("nl").staff_reminder.format(
        when=when(h, FOLLOWUP), ref=ref)) for t in h.since(mark, tom_dm))
    assert h.since(mark, sara_dm) == []
    # At the time, the session opens with Tom.
    h.at(FOLLOWUP)
    await h.run_due()
    session = await sessions.by_booking(h.db, moved.id)
    assert session is not None and session.counselor_id == TOM
    assert await sessions.by_booking(h.db, before.id) is None


async def test_a_booking_the_colleague_cannot_take_stays_and_the_youth_is_told(
        h: Harness) -> None:
    before, ref = await followup_then_handover(h)
    await h.counselor_says(TOM, "!away 2026-12-08")
    timers = await bookings.timers_for_booking(h.db, before.id)
    sara_dm, tom_dm = await h.counselor_dm(SARA), await h.counselor_dm(TOM)
    mark = h.mark()
    replies = await h.youth_says(YOUTH, "ja")

    assert replies == [
        say(h, "session.handover_accepted", counselor="Sara", colleague="Tom", ref=ref)
        + "\n\n"
        + say(h, "session.handover_booking_kept_youth", when=when(h, FOLLOWUP),
              counselor="Sara", colleague="Tom")]
    # Kept as it was: the same row, with Sara, its timers untouched; Tom is the counselor.
    assert await bookings.active_booking(h.db, YOUTH) == before
    assert await bookings.timers_for_booking(h.db, before.id) == timers
    assert await h.db.fetchval("SELECT counselor_id FROM cases WHERE youth_id = ?",
                               (YOUTH,)) == TOM
    assert say(h, "session.handover_booking_kept_staff", when=when(h, FOLLOWUP), ref=ref,
               colleague="Tom") in h.since(mark, sara_dm)
    assert say(h, "session.handover_booking_kept_colleague", when=when(h, FOLLOWUP), ref=ref,
               counselor="Sara") in h.since(mark, tom_dm)
    # What the youth was told holds: 'verzet' offers moments with Tom.
    (offer,) = await h.youth_says(YOUTH, "verzet")
    assert "Tom" in offer and "Sara" not in offer


async def test_a_booking_in_the_colleagues_buffer_stays(h: Harness) -> None:
    """Busy (another youth's session of Tom's just then): the booking service refuses."""
    before, _ = await followup_then_handover(h)
    _, case = await youths.first_contact(h.db, OTHER, "!elsewhere:fake",
                                         h.router.youth.flow.new_state(), h.clock.now())
    start = FOLLOWUP + timedelta(minutes=30)
    await bookings.book(h.db, case_id=case.id, youth_id=OTHER,
                        slot=Slot(TOM, start, start + timedelta(minutes=45)),
                        now=h.clock.now(), reminders=[])
    (reply,) = await h.youth_says(YOUTH, "ja")
    assert say(h, "session.handover_booking_kept_youth", when=when(h, FOLLOWUP),
               counselor="Sara", colleague="Tom") in reply
    assert await bookings.active_booking(h.db, YOUTH) == before


async def test_a_phone_followup_moves_with_its_number(h: Harness) -> None:
    """How it takes place and the number the youth gave go with it; Tom is told both (his
    reminder would show the number too), and its erasure after the call follows it too."""
    await h.open_now()
    await h.counselor_says(SARA, "!end done")
    await h.counselor_says(SARA, "!followup 2026-12-08 10:00 phone")
    await h.youth_says(YOUTH, "nummer 0470 12 34 56")
    before = await bookings.active_booking(h.db, YOUTH)
    assert before is not None and before.form == "phone"
    await h.counselor_says(SARA, f"!handover {TOM}")
    tom_dm = await h.counselor_dm(TOM)
    mark = h.mark()
    (reply,) = await h.youth_says(YOUTH, "ja")
    assert say(h, "session.handover_booking_moved_youth", when=when(h, FOLLOWUP),
               colleague="Tom") in reply
    moved = await bookings.active_booking(h.db, YOUTH)
    assert moved is not None and (moved.counselor_id, moved.form) == (TOM, "phone")
    assert await followup_store.phone_of(h.db, moved.id) == "0470 12 34 56"
    assert await followup_store.phone_of(h.db, before.id) is None
    assert FORGET_PHONE in await pending_kinds(h, moved.id)
    (told,) = [t for t in h.since(mark, tom_dm) if "0470 12 34 56" in t]
    assert say(h, "followup.staff_form", form=say(h, "followup.form_phone")) in told


async def test_a_kept_booking_never_names_a_counselor_since_removed(
        r: tuple[Harness, Reloader, Path]) -> None:
    """Sara left the config between her `!handover` and the youth's yes; Tom is away then."""
    h, reloader, path = r
    await followup(h)  # Sara's follow-up at NEXT
    await h.counselor_says(SARA, f"!handover {TOM}")
    await h.counselor_says(TOM, f"!away {NEXT.date().isoformat()}")
    await remove_sara(h, reloader, path)
    (reply,) = await h.youth_says(YOUTH, "ja")
    assert reply.endswith(say(h, "session.handover_booking_kept_youth_unnamed",
                              when=when(h, NEXT), colleague="Tom"))
    assert "blijft bij" not in reply
    booking = await bookings.active_booking(h.db, YOUTH)
    assert booking is not None and booking.counselor_id == SARA


# --- a kill before the commit ---------------------------------------------------------------


@pytest.fixture
async def ho(h: Harness) -> AsyncIterator[Harness]:
    """Sara's follow-up and the proposed handover (set up in-process), then the notices go
    through the durable outbox (rows in the handler's transaction), as in the running bot."""
    await followup_then_handover(h)
    transport = OutboxTransport(h.db)
    transport.rooms = h.transport.rooms
    h.transport = transport
    h.ctx.transport = transport
    transport.outbox.start()
    yield h
    await transport.outbox.stop()


async def test_a_kill_after_the_move_before_the_commit_leaves_everything_as_it_was(
        ho: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    h = ho
    assert isinstance(h.transport, OutboxTransport)
    before = await bookings.active_booking(h.db, YOUTH)
    assert before is not None and before.counselor_id == SARA
    timers = await bookings.timers_for_booking(h.db, before.id)
    room = await h.dm(YOUTH)
    yes = Incoming(room_id=room, event_id="$ja", sender=YOUTH, kind="text", body="ja",
                   room_encrypted=True, member_count=2,
                   timestamp_ms=int(h.clock.now().timestamp() * 1000))
    real_move = bookings.move

    async def move_then_die(*args: object, **kwargs: object) -> bookings.BookResult:
        result = await real_move(*args, **kwargs)  # type: ignore[arg-type]
        assert result.booking is not None and result.booking.counselor_id == TOM
        raise Killed  # the process dies between the move and the commit

    monkeypatch.setattr(bookings, "move", move_then_die)
    mark = h.mark()
    with pytest.raises(Killed):  # as the sync loop handles an event: one transaction
        await handle_once(h.db, "$ja", room, lambda: h.router.on_message(yes),
                          h.transport.outbox)
    # Nothing of it happened: still asked, still Sara's booking with its timers, no notice.
    assert await h.db.fetchval("SELECT state FROM handovers") == "proposed"
    assert await h.db.fetchval("SELECT counselor_id FROM cases WHERE youth_id = ?",
                               (YOUTH,)) == SARA
    assert await bookings.active_booking(h.db, YOUTH) == before
    assert await bookings.timers_for_booking(h.db, before.id) == timers
    assert await h.db.fetchval("SELECT COUNT(*) FROM bookings WHERE counselor_id = ?",
                               (TOM,)) == 0
    assert (await outbox_store.backlog(h.db))[0] == 0
    assert await h.transport.outbox.wait_idle(timeout=10)
    assert h.since(mark) == []

    # The restart re-delivers the answer: moved now, once.
    monkeypatch.setattr(bookings, "move", real_move)
    await handle_once(h.db, "$ja", room, lambda: h.router.on_message(yes),
                      h.transport.outbox)
    assert await h.transport.outbox.wait_idle(timeout=10)
    (reply,) = h.since(mark, room)
    assert say(h, "session.handover_booking_moved_youth", when=when(h, FOLLOWUP),
               colleague="Tom") in reply
    moved = await bookings.active_booking(h.db, YOUTH)
    assert moved is not None and moved.counselor_id == TOM and moved.start == before.start
    assert await h.db.fetchval(
        "SELECT COUNT(*) FROM bookings WHERE youth_id = ? AND status = 'booked'",
        (YOUTH,)) == 1
