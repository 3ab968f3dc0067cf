"""Scheduling domain: offers (fit, spreading, continuity, now, urgency) and reminder times."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest

from bot.domain.availability import Absence
from bot.domain.offers import (
    find_slots,
    fitting_counselors,
    missed_timer_action,
    reminder_times,
)
from tests.domain.test_availability import (
    MONDAY,
    SARA,
    TOM,
    TZ,
    busy,
    counselor,
    labels,
    local,
    make_cfg,
    needs,
)

ANNA = "@anna:localhost"


def offer_labels(cfg: Any, now: datetime = MONDAY, **kw: Any) -> tuple[list[str], str, list[str]]:
    offer = find_slots(
        cfg,
        TZ,
        kw.pop("needs", needs()),
        kw.pop("busy", []),
        kw.pop("absences", []),
        now,
        kw.pop("n", None),
    )
    return labels(offer), offer.continuity, [s.counselor_id for s in offer.slots]


# --- fit ----------------------------------------------------------------------------------------


def test_fitting_by_language_topic_and_region() -> None:
    cfg = make_cfg(
        counselor(SARA, languages=["nl", "en"], topics=["*"]),
        counselor(TOM, languages=["nl"], topics=["school", "home"], regions=["gent"]),
        counselor(ANNA, languages=["en"], topics=["love"], regions=["antwerpen", "gent"]),
    )

    def ids(**kw: Any) -> list[str]:
        return [c.user_id for c in fitting_counselors(cfg, needs(**kw))]

    assert ids(language="nl", topic="school", municipality="gent") == [SARA, TOM]
    assert ids(language="nl", topic="school", municipality="brugge") == [SARA]
    assert ids(language="nl", topic="love", municipality="gent") == [SARA]
    assert ids(language="en", topic="love", municipality="antwerpen") == [SARA, ANNA]
    assert ids(language="en", topic=None, municipality=None) == [SARA, ANNA]
    assert ids(language="fr", topic=None, municipality=None) == []


def test_only_fitting_counselors_are_offered() -> None:
    cfg = make_cfg(
        counselor(SARA, languages=["en"], hours={"mon": ["13:00-14:00"]}),
        counselor(TOM, languages=["nl"], hours={"tue": ["19:00-20:00"]}),
    )
    got, why, who = offer_labels(cfg)
    assert got == ["Tue 19:00"] and who == [TOM] and why == "none"


def test_no_fitting_counselor_gives_an_empty_offer() -> None:
    got, why, _ = offer_labels(make_cfg(), needs=needs(language="fr"))
    assert got == [] and why == "none"


# --- spreading ----------------------------------------------------------------------------------


def test_offers_spread_over_days_and_parts_of_day() -> None:
    cfg = make_cfg(counselor(hours={d: ["13:00-17:00", "19:00-21:00"] for d in ("mon", "tue")}))
    got, _, _ = offer_labels(cfg)
    assert got == ["Mon 13:00", "Mon 19:00", "Tue 13:00"]


def test_spreading_falls_back_to_earliest_when_few_buckets() -> None:
    cfg = make_cfg(counselor(hours={"mon": ["13:00-17:00"]}))
    got, _, _ = offer_labels(cfg)
    assert got == ["Mon 13:00", "Mon 14:00", "Mon 15:00"]


def test_two_counselors_same_time_offered_once() -> None:
    cfg = make_cfg(counselor(SARA), counselor(TOM))
    got, _, _ = offer_labels(cfg, n=5)
    assert got == ["Mon 13:00", "Tue 13:00", "Wed 13:00", "Thu 13:00", "Fri 13:00"]


def test_same_time_goes_to_the_less_busy_counselor() -> None:
    cfg = make_cfg(counselor(SARA), counselor(TOM))
    _, _, who = offer_labels(cfg, busy=[busy(SARA, local(2026, 6, 1, 16))], n=1)
    assert who == [TOM]


def test_n_overrides_config() -> None:
    got, _, _ = offer_labels(make_cfg(offers=2))
    assert len(got) == 2
    got, _, _ = offer_labels(make_cfg(offers=2), n=4)
    assert len(got) == 4


# --- continuity ---------------------------------------------------------------------------------


def two() -> Any:
    return make_cfg(
        counselor(SARA, hours={"wed": ["13:00-17:00"]}),
        counselor(TOM, hours={d: ["13:00-17:00"] for d in ("mon", "tue")}),
        continuity_days=7,
        horizon_days=14,
    )


def test_continuity_preferred_first_even_if_others_are_earlier() -> None:
    got, why, who = offer_labels(two(), needs=needs(preferred_counselor=SARA))
    assert why == "preferred" and set(who) == {SARA}
    assert got[0] == "Wed 13:00"


def test_continuity_preferred_is_kept_even_if_topic_no_longer_fits() -> None:
    cfg = make_cfg(counselor(SARA, topics=["home"], hours={"wed": ["13:00-14:00"]}), counselor(TOM))
    _, why, who = offer_labels(cfg, needs=needs(topic="love", preferred_counselor=SARA))
    assert why == "preferred" and who == [SARA]


def test_continuity_preferred_away() -> None:
    away = [Absence(SARA, date(2026, 6, 1), date(2026, 6, 10))]
    _, why, who = offer_labels(two(), needs=needs(preferred_counselor=SARA), absences=away)
    assert why == "preferred_away" and set(who) == {TOM}


def test_continuity_preferred_no_slot_within_window() -> None:
    cfg = make_cfg(
        counselor(SARA, hours={"wed": ["13:00-14:00"]}),
        counselor(TOM),
        continuity_days=1,
    )
    _, why, who = offer_labels(cfg, needs=needs(preferred_counselor=SARA))
    assert why == "preferred_no_slot" and set(who) == {TOM}
    # Fully booked on Wednesday, window long enough: still no slot.
    cfg = make_cfg(counselor(SARA, hours={"wed": ["13:00-14:00"]}), counselor(TOM))
    full = [busy(SARA, local(2026, 6, 3, 13))]
    _, why, who = offer_labels(cfg, needs=needs(preferred_counselor=SARA), busy=full)
    assert why == "preferred_no_slot" and set(who) == {TOM}


def test_continuity_preferred_gone() -> None:
    _, why, who = offer_labels(two(), needs=needs(preferred_counselor="@left:localhost"))
    assert why == "preferred_gone" and who and set(who) <= {SARA, TOM}


def test_continuity_none_without_preference() -> None:
    _, why, _ = offer_labels(two())
    assert why == "none"


# --- now ----------------------------------------------------------------------------------------


def test_now_is_offered_when_on_duty_and_free() -> None:
    cfg = make_cfg(offer_now=True, min_notice_minutes=60)
    now = local(2026, 6, 1, 14, 5) + timedelta(seconds=30)
    offer = find_slots(cfg, TZ, needs(), [], [], now)
    first = offer.slots[0]
    assert first.now and first.counselor_id == SARA
    assert first.start == local(2026, 6, 1, 14, 6)  # rounded up to the minute
    assert first.end - first.start == timedelta(minutes=45)
    assert labels(offer) == ["Mon 14:06*", "Mon 16:00", "Tue 13:00"]


def test_now_on_the_minute_is_not_rounded() -> None:
    cfg = make_cfg(offer_now=True)
    offer = find_slots(cfg, TZ, needs(), [], [], local(2026, 6, 1, 14, 5))
    assert offer.slots[0].start == local(2026, 6, 1, 14, 5)


@pytest.mark.parametrize(
    ("why", "kw"),
    [
        ("busy now", {"busy": [busy(SARA, local(2026, 6, 1, 14, 30))]}),
        ("just had a session", {"busy": [busy(SARA, local(2026, 6, 1, 13, 15))]}),
        ("absent", {"absences": [Absence(SARA, date(2026, 6, 1), date(2026, 6, 1))]}),
        ("off duty", {"now": local(2026, 6, 1, 17, 30)}),
        ("outside opening", {"cfg": {"opening_hours": {"mon": ["15:00-22:00"]}}}),
        ("closed", {"cfg": {"closures": ["2026-06-01"]}}),
        ("switched off", {"cfg": {"offer_now": False}}),
        (
            "day full",
            {"cfg_c": {"max_sessions_per_day": 1}, "busy": [busy(SARA, local(2026, 6, 1, 16))]},
        ),
        ("does not fit", {"needs": needs(language="en"), "cfg_c": {"languages": ["nl"]}}),
    ],
)
def test_now_not_offered(why: str, kw: dict[str, Any]) -> None:
    cfg = make_cfg(counselor(**kw.pop("cfg_c", {})), **{"offer_now": True, **kw.pop("cfg", {})})
    now = kw.pop("now", local(2026, 6, 1, 14, 5))
    offer = find_slots(
        cfg, TZ, kw.pop("needs", needs()), kw.pop("busy", []), kw.pop("absences", []), now
    )
    assert not any(s.now for s in offer.slots), why


def test_now_with_the_preferred_counselor_only() -> None:
    cfg = make_cfg(counselor(SARA), counselor(TOM), offer_now=True)
    now = local(2026, 6, 1, 14, 5)
    booked = [busy(SARA, local(2026, 6, 1, 14))]
    offer = find_slots(cfg, TZ, needs(preferred_counselor=SARA), booked, [], now)
    # Sara is busy now but has slots later today: continuity wins, no "now" with Tom.
    assert offer.continuity == "preferred"
    assert not any(s.now for s in offer.slots)
    offer = find_slots(cfg, TZ, needs(preferred_counselor=TOM), booked, [], now)
    assert offer.slots[0].now and offer.slots[0].counselor_id == TOM


# --- urgency "today" ------------------------------------------------------------------------------


def test_urgency_today_ranks_todays_slots_first() -> None:
    cfg = make_cfg()
    got, _, _ = offer_labels(cfg)
    assert got == ["Mon 13:00", "Tue 13:00", "Wed 13:00"]
    got, _, _ = offer_labels(cfg, needs=needs(urgency="today"))
    assert got == ["Mon 13:00", "Mon 14:00", "Mon 15:00"]


def test_urgency_today_widens_beyond_the_preferred_counselor() -> None:
    cfg = make_cfg(
        counselor(SARA, hours={"tue": ["13:00-17:00"]}),
        counselor(TOM, hours={"mon": ["19:00-21:00"]}),
    )
    # Not urgent: Sara on Tuesday is within the continuity window.
    _, why, who = offer_labels(cfg, needs=needs(preferred_counselor=SARA))
    assert why == "preferred" and set(who) == {SARA}
    # Urgent: Tom today first, then Sara's own later slot.
    got, why, who = offer_labels(cfg, needs=needs(preferred_counselor=SARA, urgency="today"))
    assert why == "preferred_no_slot"
    assert got == ["Mon 19:00", "Mon 20:00", "Tue 13:00"] and who == [TOM, TOM, SARA]


def test_urgency_today_keeps_preferred_if_they_have_time_today() -> None:
    cfg = make_cfg(counselor(SARA), counselor(TOM))
    _, why, who = offer_labels(cfg, needs=needs(preferred_counselor=SARA, urgency="today"))
    assert why == "preferred" and set(who) == {SARA}


def test_urgency_today_preferred_away_today() -> None:
    cfg = make_cfg(counselor(SARA), counselor(TOM))
    away = [Absence(SARA, date(2026, 6, 1), date(2026, 6, 1))]
    _, why, who = offer_labels(
        cfg, needs=needs(preferred_counselor=SARA, urgency="today"), absences=away
    )
    assert why == "preferred_away" and who[0] == TOM


# --- reminders and missed timers ---------------------------------------------------------------


def test_reminder_times() -> None:
    cfg = make_cfg(reminders={"youth": [60, 10], "counselor": [15]})
    start = local(2026, 6, 1, 15)
    assert reminder_times(cfg, start, local(2026, 6, 1, 9)) == [
        (60, local(2026, 6, 1, 14)),
        (10, local(2026, 6, 1, 14, 50)),
    ]
    assert reminder_times(cfg, start, local(2026, 6, 1, 14, 30)) == [
        (10, local(2026, 6, 1, 14, 50))
    ]
    assert reminder_times(cfg, start, local(2026, 6, 1, 14)) == [(10, local(2026, 6, 1, 14, 50))]
    assert reminder_times(cfg, start, local(2026, 6, 1, 14, 55)) == []
    assert reminder_times(cfg, start, local(2026, 6, 1, 9), "counselor") == [
        (15, local(2026, 6, 1, 14, 45))
    ]


def test_reminder_times_across_dst_are_real_minutes() -> None:
    cfg = make_cfg(reminders={"youth": [120]})
    start = datetime(2026, 3, 29, 3, 30, tzinfo=TZ)  # 01:30 UTC
    ((_, due),) = reminder_times(cfg, start.astimezone(TZ), datetime(2026, 3, 28, tzinfo=TZ))
    assert start - due == timedelta(hours=2)
    assert (start.timestamp() - due.timestamp()) == 7200


def test_missed_timer_action() -> None:
    cfg = make_cfg(missed_grace_minutes=30)
    due = local(2026, 6, 1, 14)
    assert missed_timer_action(cfg, due, local(2026, 6, 1, 13, 59)) == "wait"
    assert missed_timer_action(cfg, due, local(2026, 6, 1, 14, 30)) == "run"
    assert missed_timer_action(cfg, due, local(2026, 6, 1, 14, 31)) == "drop"
