"""The queue for "now", pure: order, places, estimates, who may take a youth now."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.config.scheduling import SchedulingConfig
from bot.domain.availability import BusyPeriod
from bot.domain.now_queue import (
    Waiting,
    can_wait,
    estimate_minutes,
    expired,
    free_now,
    now_eligible,
    order,
    places,
)
from bot.domain.offers import Needs

TZ = ZoneInfo("Europe/Brussels")
T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)  # 10:00 in Brussels, a Tuesday
DAY = {d: ["09:00-17:00"] for d in ("mon", "tue", "wed", "thu", "fri")}
NEEDS = Needs("nl", None, None, None)


def cfg(**extra: object) -> SchedulingConfig:
    data: dict = {
        "counselors": [
            {"user_id": "@sara:x", "display_name": "Sara", "languages": ["nl"], "hours": DAY},
            {"user_id": "@tom:x", "display_name": "Tom", "languages": ["nl", "en"],
             "hours": DAY},
        ],
        "opening_hours": {d: ["09:00-20:00"] for d in DAY},
    }
    data.update(extra)
    return SchedulingConfig.model_validate(data)


def waiting(i: int, minutes: int, *, crisis: bool = False, urgent: bool = False) -> Waiting:
    return Waiting(i, f"@y{i}:x", i, T0 + timedelta(minutes=minutes), crisis, urgent, None)


def test_crisis_first_then_today_then_oldest() -> None:
    old = waiting(1, 0)
    newer = waiting(2, 5)
    urgent = waiting(3, 10, urgent=True)
    crisis = waiting(4, 20, crisis=True)
    urgent_older = waiting(5, 1, urgent=True)
    assert [w.id for w in order([old, newer, urgent, crisis, urgent_older])] == [4, 5, 3, 1, 2]
    assert [(w.id, p) for w, p in places([newer, old])] == [(1, 1), (2, 2)]


def test_same_minute_keeps_the_order_of_joining() -> None:
    a, b = waiting(7, 0), waiting(8, 0)
    assert [w.id for w in order([b, a])] == [7, 8]


def test_no_estimate_without_a_basis() -> None:
    assert estimate_minutes(1, 1, []) is None
    assert estimate_minutes(1, 1, [40, 50]) is None  # two sessions are no basis
    assert estimate_minutes(1, 0, [40, 50, 60]) is None  # nobody who could take them


def test_estimate_from_recent_sessions() -> None:
    recent = [40.0, 50.0, 44.0, 90.0]  # median 47
    # First in line, one counselor: about half a session (rounded up to 5 minutes).
    assert estimate_minutes(1, 1, recent) == 25
    # Third in line: two more whole sessions after that.
    assert estimate_minutes(3, 1, recent) == 120
    # Two counselors: places 1 and 2 wait about as long as place 1 with one.
    assert estimate_minutes(2, 2, recent) == estimate_minutes(1, 1, recent)
    assert estimate_minutes(1, 1, [2.0, 2.0, 2.0]) == 5  # never "0 minutes"


def test_expired_after_the_maximum() -> None:
    entry = waiting(1, 0)
    assert not expired(entry, entry.joined + timedelta(minutes=29), 30)
    assert expired(entry, entry.joined + timedelta(minutes=30), 30)


def test_eligible_without_auto_duty_follows_working_hours_and_duty_off() -> None:
    c = cfg()
    assert now_eligible(c, TZ, T0, {}, []) == ["@sara:x", "@tom:x"]
    assert now_eligible(c, TZ, T0, {"@sara:x": False}, []) == ["@tom:x"]
    # 18:00: within the opening hours, after working hours: only who said `!duty on`.
    evening = T0 + timedelta(hours=8)
    assert now_eligible(c, TZ, evening, {}, []) == []
    assert now_eligible(c, TZ, evening, {"@tom:x": True}, []) == ["@tom:x"]
    # 21:00: closed, whatever anyone said.
    assert now_eligible(c, TZ, T0 + timedelta(hours=11), {"@tom:x": True}, []) == []


def test_eligible_with_auto_duty_is_exactly_on_duty() -> None:
    c = cfg(auto_duty=True)
    assert now_eligible(c, TZ, T0, {}, []) == ["@sara:x", "@tom:x"]
    assert now_eligible(c, TZ, T0, {"@tom:x": False}, []) == ["@sara:x"]


def test_queue_is_offered_only_when_someone_fitting_may_take_youths_now() -> None:
    c = cfg()
    assert can_wait(c, NEEDS, ["@sara:x"])
    assert not can_wait(c, NEEDS, [])
    assert not can_wait(c, Needs("en", None, None, None), ["@sara:x"])  # Sara: no English
    assert not can_wait(cfg(offer_now=False), NEEDS, ["@sara:x"])


def test_free_now_prefers_the_youths_own_counselor_and_skips_busy_ones() -> None:
    c = cfg()
    both = ["@sara:x", "@tom:x"]
    own = Needs("nl", None, None, None, preferred_counselor="@tom:x")
    slot = free_now(c, TZ, own, [], [], T0, both)
    assert slot is not None and slot.counselor_id == "@tom:x" and slot.now
    tom_busy = [BusyPeriod("@tom:x", T0 - timedelta(minutes=10), T0 + timedelta(minutes=35))]
    slot = free_now(c, TZ, own, tom_busy, [], T0, both)
    assert slot is not None and slot.counselor_id == "@sara:x"
    assert free_now(c, TZ, own, tom_busy, [], T0, ["@tom:x"]) is None
