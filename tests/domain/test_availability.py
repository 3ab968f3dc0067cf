"""Scheduling domain: config validation, availability, absences, DST. Fixed times only."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from bot.config.scheduling import SchedulingConfig
from bot.domain.availability import (
    Absence,
    BusyPeriod,
    Planner,
    Slot,
    end_absence,
    parse_away,
    slot_is_free,
)
from bot.domain.offers import Needs, Offer
from bot.texts import Catalogue, UserError

TZ = ZoneInfo("Europe/Brussels")
SARA = "@sara:localhost"
TOM = "@tom:localhost"
# 2026-06-01 is a Monday.
MONDAY = datetime(2026, 6, 1, 8, 0, tzinfo=TZ)


def on_duty(cfg: SchedulingConfig, tz: ZoneInfo, counselor_id: str, at: datetime,
            absences: list[Absence]) -> bool:
    """Inside working AND opening hours at `at`, not absent, not a closure day."""
    counselor = cfg.counselor(counselor_id)
    return counselor is not None and Planner(cfg, tz, (), absences).on_duty(counselor, at)


def local(y: int, mo: int, d: int, h: int, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=TZ)


def counselor(user_id: str = SARA, **over: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "user_id": user_id,
        "display_name": user_id[1:5].title(),
        "languages": ["nl", "en"],
        "topics": ["*"],
        "hours": {d: ["13:00-17:00"] for d in ("mon", "tue", "wed", "thu", "fri")},
    }
    base.update(over)
    return base


def make_cfg(*counselors: dict[str, Any], **over: Any) -> SchedulingConfig:
    data: dict[str, Any] = {
        "counselors": list(counselors) or [counselor()],
        "slot_minutes": 45,
        "buffer_minutes": 15,
        "min_notice_minutes": 0,
        "horizon_days": 7,
        "offer_now": False,
    }
    data.update(over)
    return SchedulingConfig.model_validate(data)


def needs(**over: Any) -> Needs:
    base: dict[str, Any] = {
        "language": "nl",
        "topic": "school",
        "municipality": None,
        "urgency": None,
    }
    base.update(over)
    return Needs(**base)


def busy(cid: str, start: datetime, minutes: int = 45) -> BusyPeriod:
    return BusyPeriod(cid, start, start + timedelta(minutes=minutes))


def label(slot: Slot) -> str:
    """'Mon 13:00' in the service's zone (+ '*' for a now slot)."""
    return slot.start.astimezone(TZ).strftime("%a %H:%M") + ("*" if slot.now else "")


def labels(offer: Offer) -> list[str]:
    return [label(s) for s in offer.slots]


def all_slots(cfg: SchedulingConfig, now: datetime = MONDAY, **kw: Any) -> list[str]:
    """Every free slot (n large) as labels."""
    from bot.domain.offers import find_slots

    offer = find_slots(
        cfg, TZ, kw.pop("needs", needs()), kw.pop("busy", []), kw.pop("absences", []), now, 200
    )
    return labels(offer)


# --- config validation ------------------------------------------------------------------------


def test_config_is_default_constructible() -> None:
    cfg = SchedulingConfig()
    assert cfg.offers == 3 and cfg.counselors == [] and cfg.step_minutes == 60


def test_hours_are_normalised_and_sorted() -> None:
    cfg = make_cfg(counselor(hours={"mon": ["19:00-21:00", "9:00-12:00"], "sat": "10:00-24:00"}))
    c = cfg.counselors[0]
    assert c.hours == {"mon": ["09:00-12:00", "19:00-21:00"], "sat": ["10:00-24:00"]}
    assert c.weekly[0] == ((540, 720), (1140, 1260))
    assert c.weekly[5] == ((600, 1440),)


@pytest.mark.parametrize(
    ("hours", "expected"),
    [
        ({"mon": ["25:00-26:00"]}, "HH:MM-HH:MM"),
        ({"mon": ["13:00"]}, "HH:MM-HH:MM"),
        ({"mon": ["17:00-13:00"]}, "start must be before the end"),
        ({"mon": ["13:00-17:00", "16:00-18:00"]}, "do not overlap (13:00-17:00 and 16:00-18:00"),
        ({"monday": ["13:00-17:00"]}, "'mon', 'tue'"),
    ],
)
def test_bad_hours_are_rejected_with_expectation(hours: dict[str, Any], expected: str) -> None:
    with pytest.raises(ValidationError) as err:
        make_cfg(counselor(hours=hours))
    assert expected in str(err.value)


def test_bad_opening_hours_and_closures_rejected() -> None:
    with pytest.raises(ValidationError, match="HH:MM-HH:MM"):
        make_cfg(opening_hours={"sun": ["10:00-24:30"]})
    with pytest.raises(ValidationError, match="'to' on or after 'from'"):
        make_cfg(closures=[{"from": "2026-12-31", "to": "2026-12-24"}])
    with pytest.raises(ValidationError, match="listed twice"):
        make_cfg(counselor(), counselor())
    with pytest.raises(ValidationError, match="Matrix user id"):
        make_cfg(counselor("sara"))
    with pytest.raises(ValidationError, match="topic id"):
        make_cfg(counselor(topics=["School Stuff"]))


def test_config_errors_through_the_loader_name_the_path() -> None:
    from bot.config import ConfigError, parse_config

    text = """
matrix: {homeserver: "http://x", user_id: "@b:x"}
texts: {nl: {greeting: a, unencrypted_room: b}}
scheduling:
  counselors:
    - user_id: "@sara:x"
      display_name: Sara
      languages: [nl]
      hours: {mon: ["25:00-26:00"]}
"""
    with pytest.raises(ConfigError) as err:
        parse_config(text)
    assert "scheduling.counselors[0].hours.mon[0]" in str(err.value)
    assert "expected a time range" in str(err.value)


def test_closures_accept_dates_and_ranges() -> None:
    cfg = make_cfg(
        closures=[date(2026, 12, 25), "2026-05-01", {"from": "2026-12-30", "to": "2027-01-01"}]
    )
    assert cfg.is_closed(date(2026, 12, 25)) and cfg.is_closed(date(2026, 5, 1))
    assert cfg.is_closed(date(2026, 12, 31)) and cfg.is_closed(date(2027, 1, 1))
    assert not cfg.is_closed(date(2026, 12, 26)) and not cfg.is_closed(date(2027, 1, 2))


def test_reminder_offsets_validated_and_deduplicated() -> None:
    cfg = make_cfg(reminders={"youth": [10, 60, 10], "counselor": [5]})
    assert cfg.reminders.youth == [60, 10]
    with pytest.raises(ValidationError):
        make_cfg(reminders={"youth": [0]})


# --- the slot grid ----------------------------------------------------------------------------


def test_working_hours_give_a_grid_of_slots() -> None:
    cfg = make_cfg(horizon_days=1)
    assert all_slots(cfg) == ["Mon 13:00", "Mon 14:00", "Mon 15:00", "Mon 16:00"]


def test_two_ranges_a_day_and_custom_step() -> None:
    cfg = make_cfg(
        counselor(hours={"mon": ["13:00-15:00", "19:00-21:00"]}),
        horizon_days=1,
        slot_minutes=30,
        buffer_minutes=0,
        slot_step_minutes=30,
    )
    assert all_slots(cfg) == [
        "Mon 13:00", "Mon 13:30", "Mon 14:00", "Mon 14:30",
        "Mon 19:00", "Mon 19:30", "Mon 20:00", "Mon 20:30",
    ]  # fmt: skip


def test_opening_hours_restrict_working_hours() -> None:
    cfg = make_cfg(horizon_days=2, opening_hours={"mon": ["14:00-16:30"]})
    assert all_slots(cfg) == ["Mon 14:00", "Mon 15:00"]  # closed on Tuesday: no key


def test_closure_single_date() -> None:
    cfg = make_cfg(horizon_days=3, closures=["2026-06-02"])
    got = all_slots(cfg)
    assert not any(s.startswith("Tue") for s in got)
    assert "Mon 13:00" in got and "Wed 13:00" in got


def test_closure_range() -> None:
    cfg = make_cfg(horizon_days=3, closures=[{"from": "2026-05-30", "to": "2026-06-02"}])
    assert {s[:3] for s in all_slots(cfg)} == {"Wed"}


def test_absence_blocks_only_that_counselor() -> None:
    cfg = make_cfg(counselor(SARA), counselor(TOM, hours={"tue": ["19:00-20:00"]}), horizon_days=3)
    got = all_slots(cfg, absences=[Absence(SARA, date(2026, 6, 2), date(2026, 6, 2))])
    assert [s for s in got if s.startswith("Tue")] == ["Tue 19:00"]
    assert "Mon 13:00" in got and "Wed 13:00" in got


def test_buffers_around_bookings() -> None:
    cfg = make_cfg(horizon_days=1)
    booked = [busy(SARA, local(2026, 6, 1, 14, 10))]  # 14:10-14:55
    assert all_slots(cfg, busy=booked) == ["Mon 13:00", "Mon 16:00"]
    no_buffer = make_cfg(horizon_days=1, buffer_minutes=0, slot_step_minutes=60)
    assert all_slots(no_buffer, busy=booked) == ["Mon 13:00", "Mon 15:00", "Mon 16:00"]


def test_bookings_of_other_counselors_do_not_block() -> None:
    cfg = make_cfg(horizon_days=1)
    assert len(all_slots(cfg, busy=[busy(TOM, local(2026, 6, 1, 13))])) == 4


def test_minimum_notice() -> None:
    cfg = make_cfg(horizon_days=1, min_notice_minutes=60)
    assert all_slots(cfg, now=local(2026, 6, 1, 13, 30)) == ["Mon 15:00", "Mon 16:00"]


def test_max_sessions_per_day() -> None:
    cfg = make_cfg(counselor(max_sessions_per_day=1), horizon_days=2)
    got = all_slots(cfg, busy=[busy(SARA, local(2026, 6, 1, 16))])
    assert got == ["Tue 13:00", "Tue 14:00", "Tue 15:00", "Tue 16:00"]


def test_horizon() -> None:
    cfg = make_cfg(horizon_days=2)
    assert {s[:3] for s in all_slots(cfg)} == {"Mon", "Tue"}
    # A Saturday "now": with 3 days only Monday (of the next week) has hours.
    assert {s[:3] for s in all_slots(make_cfg(horizon_days=3), now=local(2026, 6, 6, 9))} == {"Mon"}


# --- DST (Europe/Brussels, last Sundays of March and October 2026) ----------------------------


def dst_slots(day: date, **over: Any) -> list[Slot]:
    from bot.domain.offers import find_slots

    cfg = make_cfg(counselor(hours={"sun": ["01:00-04:00"]}), horizon_days=2, **over)
    now = datetime.combine(day - timedelta(days=1), datetime.min.time(), tzinfo=TZ)
    return list(find_slots(cfg, TZ, needs(), [], [], now, 50).slots)


def assert_sane(slots: list[Slot]) -> None:
    labels_ = [label(s) for s in slots]
    assert len(labels_) == len(set(labels_)), "a wall-clock label is offered twice"
    for a, b in pairwise(slots):
        assert a.end <= b.start, "slots overlap in real time"
    for s in slots:
        assert s.start.utcoffset() == timedelta(0)  # handed out as UTC


def test_dst_spring_forward_skips_the_missing_hour() -> None:
    slots = dst_slots(date(2026, 3, 29))
    assert [label(s) for s in slots] == ["Sun 01:00", "Sun 03:00"]
    assert [s.start.strftime("%H:%M") for s in slots] == ["00:00", "01:00"]  # UTC
    assert all(s.end - s.start == timedelta(minutes=45) for s in slots)
    assert_sane(slots)


def test_dst_spring_forward_half_hour_grid_loses_nothing_real() -> None:
    slots = dst_slots(date(2026, 3, 29), slot_minutes=30, buffer_minutes=0)
    # 01:00 CET .. 04:00 CEST is two real hours = four half-hour slots.
    assert [label(s) for s in slots] == ["Sun 01:00", "Sun 01:30", "Sun 03:00", "Sun 03:30"]
    assert_sane(slots)


def test_dst_spring_forward_never_overlaps_after_the_gap() -> None:
    slots = dst_slots(date(2026, 3, 29), buffer_minutes=0)  # step 45: 01:45 ends at 03:30
    assert [label(s) for s in slots] == ["Sun 01:00", "Sun 01:45"]
    assert_sane(slots)


def test_dst_fall_back_each_label_once() -> None:
    slots = dst_slots(date(2026, 10, 25))
    assert [label(s) for s in slots] == ["Sun 01:00", "Sun 02:00", "Sun 03:00"]
    # 02:00 is the first (summer-time) occurrence; 03:00 is winter time.
    assert [s.start.strftime("%d %H:%M") for s in slots] == ["24 23:00", "25 00:00", "25 02:00"]
    assert_sane(slots)


def test_dst_fall_back_half_hour_grid() -> None:
    slots = dst_slots(date(2026, 10, 25), slot_minutes=30, buffer_minutes=0)
    assert [label(s) for s in slots] == [
        "Sun 01:00", "Sun 01:30", "Sun 02:00", "Sun 02:30", "Sun 03:00", "Sun 03:30",
    ]  # fmt: skip
    assert_sane(slots)


def test_dst_on_duty_in_the_repeated_hour() -> None:
    cfg = make_cfg(counselor(hours={"sun": ["01:00-04:00"]}))
    second_0230 = datetime(2026, 10, 25, 1, 30, tzinfo=UTC)  # 02:30 CET, the second time
    assert on_duty(cfg, TZ, SARA, second_0230, [])
    assert not on_duty(cfg, TZ, SARA, datetime(2026, 10, 25, 3, 5, tzinfo=UTC), [])  # 04:05


# --- on duty, re-check before booking ---------------------------------------------------------


def test_on_duty() -> None:
    cfg = make_cfg(opening_hours={d: ["14:00-22:00"] for d in ("mon", "tue")})
    assert on_duty(cfg, TZ, SARA, local(2026, 6, 1, 16, 59), [])
    assert not on_duty(cfg, TZ, SARA, local(2026, 6, 1, 13, 30), [])  # before opening
    assert not on_duty(cfg, TZ, SARA, local(2026, 6, 1, 17, 0), [])  # after working hours
    assert not on_duty(cfg, TZ, SARA, local(2026, 6, 3, 15), [])  # opening: not on Wednesday
    assert not on_duty(cfg, TZ, TOM, local(2026, 6, 1, 15), [])  # unknown
    away = [Absence(SARA, date(2026, 6, 1), date(2026, 6, 1))]
    assert not on_duty(cfg, TZ, SARA, local(2026, 6, 1, 15), away)
    closed = make_cfg(closures=["2026-06-01"])
    assert not on_duty(closed, TZ, SARA, local(2026, 6, 1, 15), [])


def test_slot_is_free_recheck() -> None:
    cfg = make_cfg()
    slot = Slot(SARA, local(2026, 6, 1, 14).astimezone(UTC), local(2026, 6, 1, 14, 45))
    assert slot_is_free(cfg, TZ, slot, [], [], MONDAY)
    assert not slot_is_free(cfg, TZ, slot, [busy(SARA, local(2026, 6, 1, 14, 30))], [], MONDAY)
    assert not slot_is_free(
        cfg, TZ, slot, [], [Absence(SARA, slot.start.date(), slot.start.date())], MONDAY
    )
    assert not slot_is_free(cfg, TZ, slot, [], [], local(2026, 6, 1, 14, 1))  # started
    assert not slot_is_free(cfg, TZ, Slot(TOM, slot.start, slot.end), [], [], MONDAY)
    off_grid = Slot(SARA, local(2026, 6, 1, 14, 20), local(2026, 6, 1, 15, 5))
    assert not slot_is_free(cfg, TZ, off_grid, [], [], MONDAY)
    changed = make_cfg(counselor(hours={"mon": ["18:00-20:00"]}))
    assert not slot_is_free(changed, TZ, slot, [], [], MONDAY)


def test_slot_is_free_for_a_now_slot() -> None:
    cfg = make_cfg()
    at = local(2026, 6, 1, 15, 3)
    slot = Slot(SARA, at, at + timedelta(minutes=45), now=True)
    assert slot_is_free(cfg, TZ, slot, [], [], at + timedelta(seconds=40))
    assert not slot_is_free(cfg, TZ, slot, [busy(SARA, local(2026, 6, 1, 15, 30))], [], at)
    assert not slot_is_free(cfg, TZ, slot, [], [], local(2026, 6, 1, 17, 1))  # off duty


# --- absences: !away ----------------------------------------------------------------------------

TODAY = date(2026, 6, 1)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ("today", (TODAY, TODAY)),
        ("vandaag", (TODAY, TODAY)),
        ("tomorrow", (date(2026, 6, 2), date(2026, 6, 2))),
        ("2026-12-24", (date(2026, 12, 24), date(2026, 12, 24))),
        ("2026-12-24 2027-01-02", (date(2026, 12, 24), date(2027, 1, 2))),
        ("2026-12-24 - 2027-01-02", (date(2026, 12, 24), date(2027, 1, 2))),
        ("2026-12-24..2027-01-02", (date(2026, 12, 24), date(2027, 1, 2))),
        ("24/12/2026 tot 2/1/2027", (date(2026, 12, 24), date(2027, 1, 2))),
        ("24/12 2/1", (date(2026, 12, 24), date(2027, 1, 2))),
        ("today 2026-06-05", (TODAY, date(2026, 6, 5))),
        ("2026-05-28 2026-06-03", (date(2026, 5, 28), date(2026, 6, 3))),  # told late
    ],
)
def test_parse_away_ok(args: str, expected: tuple[date, date]) -> None:
    assert parse_away(args, TODAY) == expected


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        ("2027-01-02 2026-12-24", "is before the first day"),
        ("soon", "could not read the date 'soon'"),
        ("2026-13-45", "could not read"),
        ("", "Which days"),
        ("a b c", "could not read"),
        ("2026-05-01", "in the past"),
        ("2026-06-01 2028-06-01", "longer than a year"),
        ("<b>x</b> 2026-06-01", "could not read"),
    ],
)
def test_parse_away_errors(args: str, fragment: str) -> None:
    with pytest.raises(UserError) as info:
        parse_away(args, TODAY)
    assert fragment in Catalogue.default().render("en", info.value).plain


def test_absence_rules() -> None:
    with pytest.raises(ValueError):
        Absence(SARA, date(2026, 6, 2), date(2026, 6, 1))
    a = Absence(SARA, date(2026, 5, 28), date(2026, 6, 5))
    assert end_absence(a, TODAY) == Absence(SARA, date(2026, 5, 28), date(2026, 5, 31))
    assert end_absence(Absence(SARA, TODAY, date(2026, 6, 5)), TODAY) is None
    future = Absence(SARA, date(2026, 7, 1), date(2026, 7, 5))
    assert end_absence(future, TODAY) == future


# --- property: offered slots are always bookable and never collide -----------------------------


@settings(max_examples=60, deadline=None)
@given(
    starts=st.lists(st.integers(min_value=0, max_value=7 * 24 * 4), max_size=25),
    lengths=st.lists(st.sampled_from([15, 30, 45, 60, 90]), min_size=25, max_size=25),
    notice=st.sampled_from([0, 30, 60, 240]),
    buffer=st.sampled_from([0, 10, 15]),
    now_q=st.integers(min_value=0, max_value=3 * 24 * 4),
)
def test_offered_slots_are_free(
    starts: list[int], lengths: list[int], notice: int, buffer: int, now_q: int
) -> None:
    from bot.domain.offers import find_slots

    cfg = make_cfg(
        counselor(SARA, hours={d: ["09:00-12:00", "13:00-17:00"] for d in ("mon", "wed", "sat")}),
        counselor(TOM, hours={d: ["12:30-21:00"] for d in ("mon", "tue", "thu")}),
        min_notice_minutes=notice,
        buffer_minutes=buffer,
        offer_now=True,
    )
    base = local(2026, 6, 1, 0)
    booked = [
        busy((SARA, TOM)[i % 2], base + timedelta(minutes=15 * q), lengths[i])
        for i, q in enumerate(starts)
    ]
    now = base + timedelta(minutes=15 * now_q, seconds=7)
    offer = find_slots(cfg, TZ, needs(), booked, [], now, 6)
    assert len({s.start for s in offer.slots}) == len(offer.slots)
    for s in offer.slots:
        assert slot_is_free(cfg, TZ, s, booked, [], now)
        if not s.now:
            assert s.start >= now + timedelta(minutes=notice)
        for b in booked:
            if b.counselor_id == s.counselor_id:
                gap = timedelta(minutes=buffer)
                assert s.end + gap <= b.start or b.end + gap <= s.start


def test_example_config_scheduling_section_loads() -> None:
    from pathlib import Path

    from bot.config import load_config

    cfg = load_config(Path(__file__).resolve().parents[2] / "config.example.yaml").scheduling
    assert [c.display_name for c in cfg.counselors] == ["Sara", "Tom"]
    assert cfg.counselor("@counselor:localhost") is not None
    assert all(cfg.counselors[0].weekly[d] for d in range(6))  # Mon-Sat
