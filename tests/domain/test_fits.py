"""The slot checks behind the booking service: `slot_fits` (a time a counselor chose, e.g.
`!followup`) and `choose_standin` (a colleague for a no-show). Pure, fixed times."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from bot.domain.availability import Absence, BusyPeriod, Slot, slot_fits, slot_is_free
from bot.domain.offers import choose_standin, find_slots
from tests.domain.test_availability import (
    MONDAY,
    SARA,
    TOM,
    TZ,
    busy,
    counselor,
    local,
    make_cfg,
    needs,
)

NOW = MONDAY  # 2026-06-01 08:00, Sara works 13:00-17:00 Mon-Fri


def fits(start: datetime, minutes: int = 45, cid: str = SARA, *, cfg: Any = None,
         busy_: list[BusyPeriod] | None = None, absences: list[Absence] | None = None,
         now: datetime = NOW) -> bool:
    slot = Slot(cid, start, start + timedelta(minutes=minutes))
    return slot_fits(cfg or make_cfg(), TZ, slot, busy_ or [], absences or [], now)


def test_inside_working_hours_at_any_minute() -> None:
    assert fits(local(2026, 6, 1, 13, 0))
    assert fits(local(2026, 6, 1, 13, 7))  # off the offer grid: a counselor's own choice
    assert fits(local(2026, 6, 1, 16, 15))  # ends exactly at 17:00


def test_outside_working_hours() -> None:
    assert not fits(local(2026, 6, 1, 12, 30))  # starts before 13:00
    assert not fits(local(2026, 6, 1, 16, 30))  # ends after 17:00
    assert not fits(local(2026, 6, 6, 14, 0))  # Saturday: not working
    assert not fits(local(2026, 6, 1, 14, 0), cid="@nobody:localhost")


def test_outside_opening_hours() -> None:
    cfg = make_cfg(opening_hours={"mon": ["14:00-22:00"]})
    assert not fits(local(2026, 6, 1, 13, 30), cfg=cfg)
    assert fits(local(2026, 6, 1, 14, 0), cfg=cfg)
    assert not fits(local(2026, 6, 2, 14, 0), cfg=cfg)  # Tuesday: the service is closed


def test_closure_and_absence_days() -> None:
    assert not fits(local(2026, 6, 2, 14, 0), cfg=make_cfg(closures=["2026-06-02"]))
    away = [Absence(SARA, date(2026, 6, 2), date(2026, 6, 3))]
    assert not fits(local(2026, 6, 2, 14, 0), absences=away)
    assert not fits(local(2026, 6, 3, 14, 0), absences=away)
    assert fits(local(2026, 6, 4, 14, 0), absences=away)
    assert fits(local(2026, 6, 2, 14, 0), absences=[Absence(TOM, date(2026, 6, 2),
                                                            date(2026, 6, 2))])


def test_buffer_around_bookings() -> None:
    taken = [busy(SARA, local(2026, 6, 1, 14, 0))]  # 14:00-14:45, buffer 15
    assert not fits(local(2026, 6, 1, 14, 50), busy_=taken)
    assert not fits(local(2026, 6, 1, 13, 5), busy_=taken)  # ends 13:50: within 15 before
    assert fits(local(2026, 6, 1, 15, 0), busy_=taken)
    assert fits(local(2026, 6, 1, 13, 0), busy_=taken)  # ends 13:45: exactly 15 minutes
    assert fits(local(2026, 6, 1, 14, 50), busy_=[busy(TOM, local(2026, 6, 1, 14, 0))])


def test_per_day_maximum() -> None:
    cfg = make_cfg(counselor(max_sessions_per_day=1))
    taken = [busy(SARA, local(2026, 6, 1, 13, 0))]
    assert not fits(local(2026, 6, 1, 16, 0), cfg=cfg, busy_=taken)
    assert fits(local(2026, 6, 2, 16, 0), cfg=cfg, busy_=taken)  # another day


def test_must_lie_in_the_future() -> None:
    assert not fits(local(2026, 6, 1, 13, 0), now=local(2026, 6, 1, 13, 0))
    assert not fits(local(2026, 6, 1, 13, 0), now=local(2026, 6, 1, 14, 0))
    assert fits(local(2026, 6, 1, 13, 0), now=local(2026, 6, 1, 12, 59))


def test_dst_days_use_wall_clock_hours() -> None:
    every_day = {d: ["01:00-05:00"] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
    cfg = make_cfg(counselor(hours=every_day), buffer_minutes=0)
    spring = datetime(2026, 3, 1, tzinfo=TZ)
    # 2026-03-29: 02:00-03:00 does not exist; 03:00 wall clock is inside 01:00-05:00.
    assert fits(datetime(2026, 3, 29, 3, 0, tzinfo=TZ), now=spring, cfg=cfg)
    assert fits(datetime(2026, 3, 29, 4, 15, tzinfo=TZ), now=spring, cfg=cfg)
    assert not fits(datetime(2026, 3, 29, 4, 30, tzinfo=TZ), now=spring, cfg=cfg)
    assert not fits(datetime(2026, 3, 29, 0, 30, tzinfo=TZ), now=spring, cfg=cfg)


@given(st.integers(min_value=0, max_value=7 * 24 * 4 - 1), st.booleans())
def test_every_offered_slot_fits(quarter: int, with_booking: bool) -> None:
    """What `find_slots` offers always passes `slot_fits` (they agree on the rules)."""
    cfg = make_cfg(counselor(max_sessions_per_day=2), min_notice_minutes=30,
                   opening_hours={"mon": ["14:00-22:00"], "tue": ["09:00-16:00"]})
    now = NOW + timedelta(minutes=15 * quarter)
    taken = [busy(SARA, local(2026, 6, 2, 14, 0))] if with_booking else []
    offer = find_slots(cfg, TZ, needs(), taken, [], now, 50)
    for slot in offer.slots:
        assert slot_fits(cfg, TZ, slot, taken, [], now)
        assert slot_is_free(cfg, TZ, slot, taken, [], now)


# --- stand-ins ------------------------------------------------------------------------------

AT = local(2026, 6, 1, 14, 5)  # Sara's session began at 14:00; she is not there


def two(**tom: Any) -> Any:
    return make_cfg(counselor(SARA), counselor(TOM, **tom))


def standin(cfg: Any, busy_: list[BusyPeriod] | None = None,
            absences: list[Absence] | None = None, at: datetime = AT) -> str | None:
    return choose_standin(cfg, TZ, needs(), SARA, busy_ or [], absences or [], at)


def test_standin_is_a_free_colleague_on_duty() -> None:
    assert standin(two()) == TOM
    assert standin(make_cfg(counselor(SARA))) is None  # never the missing counselor
    assert standin(two(languages=["fr"])) is None  # must fit the case
    assert standin(two(), at=local(2026, 6, 1, 17, 5)) is None  # nobody on duty
    assert standin(two(), absences=[Absence(TOM, date(2026, 6, 1), date(2026, 6, 1))]) is None


def test_standin_keeps_the_buffer() -> None:
    # Standing in 14:05-14:50; Tom's booking at 15:00 leaves 10 minutes < 15.
    assert standin(two(), [busy(TOM, local(2026, 6, 1, 15, 0))]) is None
    assert standin(two(), [busy(TOM, local(2026, 6, 1, 15, 5))]) == TOM
    assert standin(two(), [busy(TOM, local(2026, 6, 1, 13, 10))]) is None  # ended 13:55
    assert standin(two(), [busy(TOM, local(2026, 6, 1, 13, 0))]) == TOM  # ended 13:45


def test_standin_respects_the_per_day_maximum() -> None:
    evening = [busy(TOM, local(2026, 6, 1, 16, 0))]
    assert standin(two(max_sessions_per_day=1), evening) is None
    assert standin(two(max_sessions_per_day=2), evening) == TOM
