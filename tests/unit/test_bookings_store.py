"""Bookings, absences and timers on SQLite and PostgreSQL: constraints, atomic booking,
cancel, move."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from bot.config.scheduling import SchedulingConfig
from bot.domain.availability import Absence, BusyPeriod, Slot
from bot.storage import bookings as store
from bot.storage import migrations
from bot.storage.db import Database, IntegrityError

SARA = "@sara:localhost"
TOM = "@tom:localhost"
NOW = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
T10 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


def slot(start: datetime = T10, counselor: str = SARA, minutes: int = 45) -> Slot:
    return Slot(counselor, start, start + timedelta(minutes=minutes))


def at(hour: int, minute: int = 0) -> datetime:
    return T10.replace(hour=hour, minute=minute)


async def open_db(path: Path | str) -> Database:
    db = Database(path)
    await db.open()
    await migrations.upgrade(db)
    return db


async def add_youth(db: Database, n: int) -> tuple[str, int]:
    """A youth row and an open case; returns (youth id, case id)."""
    youth = f"@youth{n}:localhost"
    ts = int(NOW.timestamp())
    await db.execute(
        "INSERT INTO youths (user_id, dm_room_id, intake, first_seen, last_seen) "
        "VALUES (?, ?, '{}', ?, ?)",
        (youth, f"!dm{n}:localhost", ts, ts),
    )
    await db.execute(
        "INSERT INTO cases (ref, youth_id, status, language, created_at, updated_at) "
        "VALUES (?, ?, 'open', 'nl', ?, ?)",
        (f"REF{n:04d}", youth, ts, ts),
    )
    case_id = await db.fetchval("SELECT id FROM cases WHERE youth_id = ?", (youth,))
    return youth, int(case_id)


async def book(
    db: Database, youth: tuple[str, int], s: Slot, **kw: object
) -> store.BookResult:
    reminders = store.reminder_plan(SchedulingConfig(), s, NOW)
    return await store.book(
        db, case_id=youth[1], youth_id=youth[0], slot=s, now=NOW, reminders=reminders,
        **kw,  # type: ignore[arg-type]
    )


# --- booking ----------------------------------------------------------------------------------


async def test_book_stores_booking_and_reminders(db: Database) -> None:
    youth = await add_youth(db, 1)
    result = await book(db, youth, slot())
    assert result.reason == "ok" and result.ok
    b = result.booking
    assert b is not None
    assert (b.youth_id, b.case_id, b.counselor_id, b.status) == (youth[0], youth[1], SARA,
                                                                  "booked")
    assert b.start == T10 and b.end == T10 + timedelta(minutes=45)
    assert b.start.tzinfo is not None
    assert await store.get_booking(db, b.id) == b
    assert await store.active_booking(db, youth[0]) == b
    timers = await store.timers_for_booking(db, b.id)
    # Default reminders: youth 60 and 10 minutes before, counselor 10 minutes before.
    assert sorted((t.kind, t.minutes_before) for t in timers) == [
        ("remind_counselor", 10), ("remind_youth", 10), ("remind_youth", 60)]
    assert all(t.status == "pending" for t in timers)
    assert {t.due for t in timers} == {T10 - timedelta(minutes=60), T10 - timedelta(minutes=10)}


async def test_twenty_youths_racing_for_one_slot_get_one_booking(db: Database) -> None:
    youths = [await add_youth(db, n) for n in range(20)]
    results = await asyncio.gather(*(book(db, y, slot()) for y in youths))
    reasons = [r.reason for r in results]
    assert reasons.count("ok") == 1
    assert reasons.count("slot_taken") == 19
    assert await db.fetchval("SELECT COUNT(*) FROM bookings") == 1
    # Only the winner's reminders exist.
    assert await db.fetchval("SELECT COUNT(DISTINCT booking_id) FROM timers") == 1


async def test_twenty_youths_racing_for_overlapping_slots_get_one_booking(db: Database) -> None:
    """Different start times that overlap: no unique index can see it, the lock must."""
    youths = [await add_youth(db, n) for n in range(20)]
    results = await asyncio.gather(
        *(book(db, y, slot(T10 + timedelta(minutes=i))) for i, y in enumerate(youths))
    )
    assert [r.reason for r in results].count("ok") == 1
    assert await db.fetchval("SELECT COUNT(*) FROM bookings") == 1


async def test_race_across_two_connections(db_url: str) -> None:
    """Two connections (as two processes would have) still give one booking."""
    first = await open_db(db_url)
    second = Database(db_url)
    await second.open()
    try:
        youths = [await add_youth(first, n) for n in range(10)]
        results = await asyncio.gather(
            *(book(first if i % 2 else second, y, slot()) for i, y in enumerate(youths))
        )
        assert [r.reason for r in results].count("ok") == 1
        assert await first.fetchval("SELECT COUNT(*) FROM bookings") == 1
    finally:
        await second.close()
        await first.close()


async def test_unique_index_refuses_second_active_booking_via_raw_sql(db: Database) -> None:
    a, b = await add_youth(db, 1), await add_youth(db, 2)
    assert (await book(db, a, slot())).ok
    ts, end = int(T10.timestamp()), int(T10.timestamp()) + 45 * 60
    insert = (
        "INSERT INTO bookings (case_id, youth_id, counselor_id, start_at, end_at, status, "
        "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 0, 0)"
    )
    for status in ("booked", "opened"):
        with pytest.raises(IntegrityError):
            await db.execute(insert, (b[1], b[0], SARA, ts, end, status))
    # Inactive rows at the same time are fine (history), as is another counselor.
    await db.execute(insert, (b[1], b[0], SARA, ts, end, "cancelled"))
    await db.execute(insert, (b[1], b[0], TOM, ts, end, "booked"))
    with pytest.raises(IntegrityError):
        await db.execute(insert, (b[1], b[0], SARA, ts, end, "bogus"))


async def test_youth_cannot_hold_two_upcoming_bookings(db: Database) -> None:
    youth = await add_youth(db, 1)
    assert (await book(db, youth, slot())).ok
    second = await book(db, youth, slot(at(14), TOM))
    assert second == store.BookResult(None, "youth_has_booking")
    assert await db.fetchval("SELECT COUNT(*) FROM bookings") == 1
    with pytest.raises(IntegrityError):
        await db.execute(
            "INSERT INTO bookings (case_id, youth_id, counselor_id, start_at, end_at, status, "
            "created_at, updated_at) VALUES (?, ?, ?, 1, 2, 'booked', 0, 0)",
            (youth[1], youth[0], TOM),
        )


async def test_overlapping_slot_is_taken_and_buffer_is_honoured(db: Database) -> None:
    a, b, c = await add_youth(db, 1), await add_youth(db, 2), await add_youth(db, 3)
    assert (await book(db, a, slot())).ok  # 10:00-10:45
    assert (await book(db, b, slot(at(10, 30)))).reason == "slot_taken"
    assert (await book(db, b, slot(at(9, 30)))).reason == "slot_taken"
    assert (await book(db, b, slot(at(10, 55)), buffer=timedelta(minutes=15))).reason == (
        "slot_taken"
    )
    assert (await book(db, b, slot(at(10, 45)))).ok  # adjacent, no buffer asked
    assert (await book(db, c, slot(at(10, 30), TOM))).ok  # another counselor


async def test_cancel_frees_slot_and_cancels_pending_timers(db: Database) -> None:
    a, b = await add_youth(db, 1), await add_youth(db, 2)
    booked = (await book(db, a, slot())).booking
    assert booked is not None
    later = NOW + timedelta(minutes=5)
    assert await store.cancel(db, booked.id, later)
    assert not await store.cancel(db, booked.id, later)  # only once
    cancelled = await store.get_booking(db, booked.id)
    assert cancelled is not None and cancelled.status == "cancelled"
    assert cancelled.updated_at == later
    assert await store.active_booking(db, a[0]) is None
    assert {t.status for t in await store.timers_for_booking(db, booked.id)} == {"cancelled"}
    assert await store.pending_timers(db) == []
    assert (await book(db, b, slot())).ok
    assert (await book(db, a, slot(at(14)))).ok  # the youth may book again


async def test_move_keeps_old_booking_when_new_slot_is_taken(db: Database) -> None:
    a, b = await add_youth(db, 1), await add_youth(db, 2)
    old = (await book(db, a, slot())).booking
    assert old is not None
    assert (await book(db, b, slot(at(14)))).ok
    plan = store.reminder_plan(SchedulingConfig(), slot(at(14)), NOW)
    result = await store.move(db, old.id, slot=slot(at(14)), now=NOW, reminders=plan)
    assert result == store.BookResult(None, "slot_taken")
    assert await store.get_booking(db, old.id) == old
    assert {t.status for t in await store.timers_for_booking(db, old.id)} == {"pending"}


async def test_move_cancels_old_and_books_new(db: Database) -> None:
    a = await add_youth(db, 1)
    old = (await book(db, a, slot())).booking
    assert old is not None
    new_slot = slot(at(10, 30))  # overlaps the old one: fine, the old one goes
    plan = store.reminder_plan(SchedulingConfig(), new_slot, NOW)
    result = await store.move(db, old.id, slot=new_slot, now=NOW, reminders=plan)
    assert result.ok and result.booking is not None
    new = result.booking
    assert (new.case_id, new.youth_id, new.start) == (old.case_id, old.youth_id, new_slot.start)
    gone = await store.get_booking(db, old.id)
    assert gone is not None and gone.status == "cancelled"
    assert {t.status for t in await store.timers_for_booking(db, old.id)} == {"cancelled"}
    assert len(await store.timers_for_booking(db, new.id)) == 3
    assert await store.active_booking(db, a[0]) == new
    # Moving a booking that is no longer upcoming is refused.
    again = await store.move(db, old.id, slot=slot(at(15)), now=NOW, reminders=[])
    assert again.reason == "not_active"


async def test_upcoming_with_lists_a_cases_bookings_not_opening_yet(db: Database) -> None:
    """What a handover may move: booked, later than now, no session row, this case and
    counselor only."""
    a, b = await add_youth(db, 1), await add_youth(db, 2)
    mine = (await book(db, a, slot())).booking
    others = (await book(db, b, slot(at(14)))).booking
    assert mine is not None and others is not None
    assert await store.upcoming_with(db, a[1], SARA, NOW) == [mine]
    assert await store.upcoming_with(db, a[1], TOM, NOW) == []
    assert await store.upcoming_with(db, b[1], SARA, NOW) == [others]
    assert await store.upcoming_with(db, a[1], SARA, T10) == []  # started
    await db.execute(
        "INSERT INTO sessions (booking_id, nonce, counselor_id, created_at) VALUES (?, ?, ?, ?)",
        (mine.id, "n1", SARA, int(NOW.timestamp())))
    assert await store.upcoming_with(db, a[1], SARA, NOW) == []  # opening
    await store.cancel(db, others.id, NOW)
    assert await store.upcoming_with(db, b[1], SARA, NOW) == []


async def test_visits_not_told_and_told_once(db: Database) -> None:
    """Upcoming visits whose gone-counselor notice was not sent (booked, later than now, no
    session row; not chat), and the mark that makes it go once."""
    a, b, c = await add_youth(db, 1), await add_youth(db, 2), await add_youth(db, 3)
    visit = (await book(db, a, slot(), form="visit", place="kortrijk")).booking
    chat = (await book(db, b, slot(at(14)))).booking
    later = (await book(db, c, slot(at(16), TOM), form="visit")).booking
    assert visit is not None and chat is not None and later is not None
    assert await store.visits_not_told(db, NOW) == [visit, later]
    assert await store.visits_not_told(db, at(12)) == [later]  # started
    assert await store.mark_gone_told(db, visit.id, NOW) is True
    assert await store.mark_gone_told(db, visit.id, NOW) is False  # once
    assert await store.visits_not_told(db, NOW) == [later]
    await db.execute(
        "INSERT INTO sessions (booking_id, nonce, counselor_id, created_at) VALUES (?, ?, ?, ?)",
        (later.id, "n1", TOM, int(NOW.timestamp())))
    assert await store.visits_not_told(db, NOW) == []  # opening


async def test_busy_periods_and_counselor_agenda(db: Database) -> None:
    a, b, c = await add_youth(db, 1), await add_youth(db, 2), await add_youth(db, 3)
    first = (await book(db, a, slot())).booking
    second = (await book(db, b, slot(at(14), TOM))).booking
    third = (await book(db, c, slot(at(16)))).booking
    assert first and second and third
    await store.cancel(db, third.id, NOW)
    busy = await store.busy_periods(db, at(9), at(15))
    assert busy == [BusyPeriod(SARA, T10, at(10, 45)), BusyPeriod(TOM, at(14), at(14, 45))]
    assert await store.busy_periods(db, at(10, 45), at(14)) == []
    agenda = await store.bookings_for_counselor(db, SARA, at(0), at(23))
    assert [x.id for x in agenda] == [first.id]
    everything = await store.bookings_for_counselor(db, SARA, at(0), at(23), active_only=False)
    assert [x.id for x in everything] == [first.id, third.id]


async def test_absences(db: Database) -> None:
    today = date(2026, 3, 2)
    assert await store.add_absence(db, SARA, date(2026, 2, 27), date(2026, 3, 4), NOW) == (
        Absence(SARA, date(2026, 2, 27), date(2026, 3, 4)))
    await store.add_absence(db, SARA, date(2026, 4, 1), date(2026, 4, 2), NOW)
    await store.add_absence(db, TOM, today, today, NOW)
    with pytest.raises(ValueError):
        await store.add_absence(db, TOM, today, today - timedelta(days=1), NOW)
    assert len(await store.list_absences(db)) == 3
    assert await store.list_absences(db, SARA, since=date(2026, 3, 5)) == [
        Absence(SARA, date(2026, 4, 1), date(2026, 4, 2))]
    ended = await store.end_absences(db, SARA, today)
    assert ended == [Absence(SARA, date(2026, 2, 27), date(2026, 3, 4))]
    assert await store.list_absences(db, SARA) == [
        Absence(SARA, date(2026, 2, 27), date(2026, 3, 1)),
        Absence(SARA, date(2026, 4, 1), date(2026, 4, 2)),
    ]
    assert await store.end_absences(db, TOM, today) == [Absence(TOM, today, today)]
    assert await store.list_absences(db, TOM) == []
    assert await store.end_absences(db, TOM, today) == []


# --- timers -----------------------------------------------------------------------------------


async def test_claim_timer_only_once(db: Database) -> None:
    youth = await add_youth(db, 1)
    booked = (await book(db, youth, slot())).booking
    assert booked is not None
    timer = (await store.pending_timers(db))[0]
    now = timer.due + timedelta(seconds=42)
    claims = await asyncio.gather(*(store.claim_timer(db, timer.id, now) for _ in range(10)))
    assert claims.count(True) == 1
    done = await store.get_timer(db, timer.id)
    assert done is not None and done.status == "done"
    assert done.late_seconds == 42 and done.done_at == now
    assert not await store.mark_missed(db, timer.id, now)


async def test_add_timer_and_cancel_timers(db: Database) -> None:
    youth = await add_youth(db, 1)
    booked = (await book(db, youth, slot())).booking
    assert booked is not None
    tid = await store.add_timer(db, kind="open_session", due=T10, now=NOW, booking_id=booked.id)
    assert tid is not None
    assert await store.add_timer(db, kind="open_session", due=T10, now=NOW,
                                 booking_id=booked.id) is None
    other = await store.add_timer(db, kind="sweep", due=T10, now=NOW, payload='{"x": 1}')
    assert other is not None
    assert await store.cancel_timers(db, booked.id, NOW, kind="open_session") == 1
    pending = await store.pending_timers(db)
    assert [t.kind for t in pending].count("open_session") == 0
    assert len(pending) == 4  # three reminders and the sweep
    assert await store.cancel_timers(db, booked.id, NOW) == 3


async def test_deleting_a_youth_removes_bookings_and_timers(db: Database) -> None:
    youth = await add_youth(db, 1)
    assert (await book(db, youth, slot())).ok
    await db.execute("DELETE FROM youths WHERE user_id = ?", (youth[0],))
    assert await db.fetchval("SELECT COUNT(*) FROM bookings") == 0
    assert await db.fetchval("SELECT COUNT(*) FROM timers") == 0


async def test_upgrade_from_version_2_keeps_data(db_url: str) -> None:
    db = Database(db_url)
    await db.open()
    try:
        await migrations.upgrade(db, target=2)
        youth = await add_youth(db, 1)
        assert await migrations.upgrade(db) == migrations.latest_version() >= 3
        assert await db.fetchval("SELECT COUNT(*) FROM cases") == 1
        assert (await book(db, youth, slot())).ok
    finally:
        await db.close()
