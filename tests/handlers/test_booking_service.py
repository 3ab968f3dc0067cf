"""The booking service (bot/services/booking.py) on real storage: check → write → timers →
notices, whichever path books."""

from __future__ import annotations

import asyncio
from datetime import date, datetime, timedelta

from bot.domain.availability import Slot
from bot.storage import bookings, youths
from tests.support.harness import BRUSSELS, SARA, TOM, Harness

ELEVEN = datetime(2026, 12, 1, 11, 0, tzinfo=BRUSSELS)


async def new_case(h: Harness, n: int) -> tuple[str, youths.Case]:
    youth = f"@youth{n}:fake"
    _, case = await youths.first_contact(h.db, youth, f"!dm{n}:fake",
                                         h.router.youth.flow.new_state(), h.clock.now())
    return youth, case


def at(start: datetime, counselor: str = SARA) -> Slot:
    return Slot(counselor, start, start + timedelta(minutes=45))


async def test_twenty_youths_racing_for_one_slot_get_one_booking(h: Harness) -> None:
    service = h.router.youth.appointments.booking
    cases = [await new_case(h, n) for n in range(20)]
    results = await asyncio.gather(*(
        service.book_offered(case=case, youth_id=youth, slot=at(ELEVEN))
        for youth, case in cases))
    assert sum(r.ok for r in results) == 1
    assert {r.reason for r in results if not r.ok} == {"slot_taken"}
    assert len(await bookings.busy_periods(h.db, ELEVEN, ELEVEN + timedelta(hours=1))) == 1
    # One notice to Sara, for the one booking.
    assert len([s for s in h.transport.sent if "Nieuwe afspraak" in s.body]) == 1


async def test_an_offered_slot_is_rechecked_against_a_new_absence(h: Harness) -> None:
    service = h.router.youth.appointments.booking
    youth, case = await new_case(h, 1)
    await bookings.add_absence(h.db, SARA, date(2026, 12, 1), date(2026, 12, 1), h.clock.now())
    result = await service.book_offered(case=case, youth_id=youth, slot=at(ELEVEN))
    assert result.reason == "slot_taken"
    ok = await service.book_offered(case=case, youth_id=youth, slot=at(ELEVEN, TOM))
    assert ok.ok


async def test_nothing_is_told_or_refreshed_when_refused(h: Harness) -> None:
    service = h.router.youth.appointments.booking
    youth, case = await new_case(h, 1)
    refreshes, sent = h.timers.refreshes, len(h.transport.sent)
    late = datetime(2026, 12, 1, 22, 0, tzinfo=BRUSSELS)  # after working hours
    result = await service.book_followup(case=case, youth_id=youth, counselor_id=SARA,
                                         start=late)
    assert result.reason == "slot_taken"
    assert (h.timers.refreshes, len(h.transport.sent)) == (refreshes, sent)


async def test_cancel_of_a_booking_no_longer_upcoming_tells_nobody(h: Harness) -> None:
    service = h.router.youth.appointments.booking
    youth, case = await new_case(h, 1)
    booked = await service.book_offered(case=case, youth_id=youth, slot=at(ELEVEN))
    assert booked.booking is not None
    assert await service.cancel(booked.booking, case.ref)
    sent = len(h.transport.sent)
    assert not await service.cancel(booked.booking, case.ref)
    assert len(h.transport.sent) == sent
