"""Work the homeserver keeps waiting is visible: intake DMs of web sign-ups and overdue
session openings become metrics and, past `outbox_alert_minutes`, ONE staff-room notice."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.clock import FakeClock
from bot.metrics import METRICS
from bot.storage import alerts, intents, sessions
from bot.storage.waiting import Waiting
from bot.waiting_watch import WaitingWatch
from tests.support.harness import SARA, START, YOUTH, Harness


def watch(h: Harness, clock: FakeClock, alerts: list[tuple[Waiting, float]]) -> WaitingWatch:
    async def on_alert(found: Waiting, age: float) -> None:
        alerts.append((found, age))

    return WaitingWatch(h.db, clock, alert_after_minutes=10, on_alert=on_alert)


async def test_an_overdue_opening_is_told_once_and_clears(tmp_path: Path) -> None:
    h = await Harness.start(tmp_path)
    try:
        booking_id = await h.book_now()  # its opening timer is due at START
        alerts: list[tuple[Waiting, float]] = []
        w = watch(h, h.clock, alerts)
        h.at(START + timedelta(minutes=5))  # the homeserver refuses: the timer waits
        found = await w.check()
        assert (found.openings, found.intakes) == (1, 0)
        assert alerts == [] and METRICS.get("chathulp_openings_waiting") == 1
        h.at(START + timedelta(minutes=11))
        await w.check()
        await w.check()
        assert len(alerts) == 1
        assert alerts[0][0].openings == 1 and alerts[0][1] >= 11 * 60
        assert METRICS.get("chathulp_waiting_oldest_seconds") >= 11 * 60
        await h.run_due()  # the homeserver is back: the room opens
        session = await sessions.by_booking(h.db, booking_id)
        assert session is not None and session.state == "open"
        found = await w.check()
        assert found.openings == 0 and METRICS.get("chathulp_waiting_oldest_seconds") == 0
        assert len(alerts) == 1
    finally:
        await h.close()


async def test_a_waiting_intake_dm_counts_from_the_sign_up(tmp_path: Path) -> None:
    h = await Harness.start(tmp_path)
    try:
        await intents.want_intake(h.db, "@web-youth:fake", None)  # stamped with the real time
        clock = FakeClock(datetime.now(UTC) + timedelta(minutes=2))
        alerts: list[tuple[Waiting, float]] = []
        w = watch(h, clock, alerts)
        found = await w.check()
        assert (found.intakes, found.openings) == (1, 0) and alerts == []
        assert METRICS.get("chathulp_intake_pending") == 1
        clock.set(clock.now() + timedelta(minutes=10))
        await w.check()
        assert len(alerts) == 1 and alerts[0][0].intakes == 1
        async with h.db.transaction():
            await intents.intake_done(h.db, "@web-youth:fake")
        assert (await w.check()).intakes == 0
    finally:
        await h.close()


async def test_the_notice_reads_well_in_both_languages(tmp_path: Path) -> None:
    h = await Harness.start(tmp_path)
    try:
        for lang, word in (("nl", "gespreksruimtes"), ("en", "session rooms")):
            text = h.ctx.config.catalogue.say(lang, "staff_work_waiting", intakes="2",
                                              openings="1", minutes="12").plain
            assert word in text and "12" in text and "{" not in text
    finally:
        await h.close()


async def test_open_and_claimed_crisis_alerts_are_gauges(tmp_path: Path) -> None:
    h = await Harness.start(tmp_path)
    try:
        w = watch(h, h.clock, [])
        await w.refresh()
        assert METRICS.get("chathulp_crisis_alerts_open") == 0
        await h.youth_says(YOUTH, "hoi")
        await h.youth_says(YOUTH, "ik wil zelfmoord plegen")
        await w.refresh()
        assert METRICS.get("chathulp_crisis_alerts_open") == 1
        assert METRICS.get("chathulp_crisis_alerts_claimed") == 0
        (alert,) = await alerts.unfinished(h.db)
        assert await alerts.claim(h.db, alert.id, SARA, h.clock.now())
        await w.refresh()
        assert METRICS.get("chathulp_crisis_alerts_open") == 0
        assert METRICS.get("chathulp_crisis_alerts_claimed") == 1
    finally:
        await h.close()
