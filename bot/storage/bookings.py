"""Bookings, counselor absences and scheduled timers: the database is the truth.

Double booking is made impossible twice over: `book()` checks for an overlapping active
booking of the counselor inside one transaction that holds the counselor's lock (SQLite: the
database's write lock; PostgreSQL: an advisory lock per counselor), and partial unique indexes
refuse a second active booking of a counselor at one start time, and a second upcoming
booking of one youth, whatever code (or process) tries it.

Datetimes in and out are aware UTC datetimes; they are stored as epoch seconds. Absence days
are ISO dates (days in the service's zone).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal

from bot.config.scheduling import SchedulingConfig
from bot.domain.agenda_time import from_ts, to_ts
from bot.domain.availability import Absence, BusyPeriod, Slot, end_absence
from bot.domain.offers import reminder_times
from bot.storage.db import Connection, Database, IntegrityError, Row

BookingStatus = Literal["booked", "cancelled", "opened", "done", "no_show", "missed"]
TimerStatus = Literal["pending", "done", "missed", "cancelled"]
BookReason = Literal["ok", "slot_taken", "youth_has_booking", "not_active"]

# Bookings that hold their counselor's time.
ACTIVE: tuple[BookingStatus, ...] = ("booked", "opened")

REMIND_YOUTH = "remind_youth"
REMIND_COUNSELOR = "remind_counselor"
# Session rooms (bot/handlers/session_rooms.py): opening at the booked time, then no-show checks.
OPEN_SESSION = "open_session"
CHECK_COUNSELOR = "check_counselor"
CHECK_YOUTH = "check_youth"

# (kind, minutes before the start or None, due instant)
TimerPlan = tuple[str, int | None, datetime]


@dataclass(frozen=True)
class Booking:
    id: int
    case_id: int
    youth_id: str
    counselor_id: str
    start: datetime
    end: datetime
    status: BookingStatus
    room_id: str | None
    outcome: str | None
    created_at: datetime
    updated_at: datetime
    # How it takes place (bot.domain.forms): chat, video, phone or visit (`place`: an office).
    form: str = "chat"
    place: str | None = None

    @property
    def slot(self) -> Slot:
        return Slot(self.counselor_id, self.start, self.end)


@dataclass(frozen=True)
class BookResult:
    """`booking` is set exactly when `reason` is "ok"."""

    booking: Booking | None
    reason: BookReason

    @property
    def ok(self) -> bool:
        return self.booking is not None


@dataclass(frozen=True)
class Timer:
    id: int
    kind: str
    booking_id: int | None
    due: datetime
    status: TimerStatus
    minutes_before: int | None
    payload: str | None
    done_at: datetime | None
    late_seconds: int | None


class _Refused(Exception):
    """Raised inside a transaction to roll it back and answer `reason`."""

    def __init__(self, reason: BookReason) -> None:
        super().__init__(reason)
        self.reason = reason


def _booking(row: Row) -> Booking:
    return Booking(
        row["id"], row["case_id"], row["youth_id"], row["counselor_id"],
        from_ts(row["start_at"]), from_ts(row["end_at"]), row["status"], row["room_id"],
        row["outcome"], from_ts(row["created_at"]), from_ts(row["updated_at"]),
        row.get("form") or "chat", row.get("place"),
    )


def _timer(row: Row) -> Timer:
    done_at = row["done_at"]
    return Timer(
        row["id"], row["kind"], row["booking_id"], from_ts(row["due_at"]), row["status"],
        row["minutes_before"], row["payload"], None if done_at is None else from_ts(done_at),
        row["late_seconds"],
    )


def reminder_plan(cfg: SchedulingConfig, slot: Slot, booked_at: datetime) -> list[TimerPlan]:
    """The reminder timers of a new booking (youth and counselor), per the domain's rule."""
    plan: list[TimerPlan] = [
        (REMIND_YOUTH, m, due) for m, due in reminder_times(cfg, slot.start, booked_at, "youth")
    ]
    plan += [
        (REMIND_COUNSELOR, m, due)
        for m, due in reminder_times(cfg, slot.start, booked_at, "counselor")
    ]
    return plan


# --- bookings ---------------------------------------------------------------------------------


async def _book_in(
    conn: Connection,
    *,
    case_id: int,
    youth_id: str,
    slot: Slot,
    now: int,
    reminders: Sequence[TimerPlan],
    buffer: timedelta,
    form: str = "chat",
    place: str | None = None,
    phone: str | None = None,
) -> Booking:
    """Insert a booking and its timers within the caller's transaction, or raise _Refused."""
    start, end = to_ts(slot.start), to_ts(slot.end)
    if end <= start:
        raise ValueError("a slot must end after it starts")
    # Check-then-insert is safe only while no other writer books this counselor.
    await conn.lock(f"bookings counselor {slot.counselor_id}")
    if await conn.fetchone(
        "SELECT 1 FROM bookings WHERE youth_id = ? AND status = 'booked' LIMIT 1", (youth_id,)
    ) is not None:
        raise _Refused("youth_has_booking")
    gap = int(buffer.total_seconds())
    if await conn.fetchone(
        "SELECT 1 FROM bookings WHERE counselor_id = ? AND status IN ('booked', 'opened') "
        "AND start_at < ? AND end_at > ? LIMIT 1",
        (slot.counselor_id, end + gap, start - gap),
    ) is not None:
        raise _Refused("slot_taken")
    try:
        booking_id = await conn.fetchval(
            "INSERT INTO bookings (case_id, youth_id, counselor_id, start_at, end_at, status, "
            "created_at, updated_at, form, place, phone) "
            "VALUES (?, ?, ?, ?, ?, 'booked', ?, ?, ?, ?, ?) RETURNING id",
            (case_id, youth_id, slot.counselor_id, start, end, now, now, form, place, phone),
        )
    except IntegrityError as exc:
        # Only reachable when another process wrote between our check and insert.
        if "youth_id" in str(exc):
            raise _Refused("youth_has_booking") from exc
        if "counselor_id" in str(exc):
            raise _Refused("slot_taken") from exc
        raise
    await conn.executemany(
        "INSERT INTO timers (kind, booking_id, due_at, minutes_before, created_at) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT (booking_id, kind, due_at) DO NOTHING",
        [(kind, booking_id, to_ts(due), minutes, now) for kind, minutes, due in reminders],
    )
    row = await conn.fetchone("SELECT * FROM bookings WHERE id = ?", (booking_id,))
    assert row is not None
    return _booking(row)


async def book(
    db: Database,
    *,
    case_id: int,
    youth_id: str,
    slot: Slot,
    now: datetime,
    reminders: Sequence[TimerPlan],
    buffer: timedelta = timedelta(0),
    form: str = "chat",
    place: str | None = None,
) -> BookResult:
    """Book `slot` with its timers in one transaction (`form`, `place`: how it takes place).

    Refused (no exception, nothing written) with "youth_has_booking" when the youth already has
    an upcoming booking, and "slot_taken" when an active booking of the counselor overlaps
    [start - buffer, end + buffer).
    """
    try:
        async with db.transaction() as conn:
            booking = await _book_in(conn, case_id=case_id, youth_id=youth_id, slot=slot,
                                     now=to_ts(now), reminders=reminders, buffer=buffer,
                                     form=form, place=place)
    except _Refused as refused:
        return BookResult(None, refused.reason)
    return BookResult(booking, "ok")


async def _cancel_in(conn: Connection, booking_id: int, now: int) -> bool:
    changed = await conn.execute(
        "UPDATE bookings SET status = 'cancelled', updated_at = ?, phone = NULL "
        "WHERE id = ? AND status = 'booked'",
        (now, booking_id),
    )
    if changed != 1:
        return False
    await conn.execute(
        "UPDATE timers SET status = 'cancelled', done_at = ? "
        "WHERE booking_id = ? AND status = 'pending'",
        (now, booking_id),
    )
    return True


async def cancel(db: Database, booking_id: int, now: datetime) -> bool:
    """Cancel an upcoming booking and its pending timers. False if it was not 'booked'."""
    async with db.transaction() as conn:
        return await _cancel_in(conn, booking_id, to_ts(now))


async def move(
    db: Database,
    booking_id: int,
    *,
    slot: Slot,
    now: datetime,
    reminders: Sequence[TimerPlan],
    buffer: timedelta = timedelta(0),
) -> BookResult:
    """Cancel `booking_id` and book `slot` for the same case and youth, all or nothing.

    If the new slot is refused the old booking (and its timers) stay as they were;
    "not_active" if the old booking is not an upcoming one. The form (and a phone number
    the youth gave) go with it.
    """
    ts = to_ts(now)
    try:
        async with db.transaction() as conn:
            row = await conn.fetchone("SELECT * FROM bookings WHERE id = ?", (booking_id,))
            if row is None or not await _cancel_in(conn, booking_id, ts):
                raise _Refused("not_active")
            booking = await _book_in(conn, case_id=row["case_id"], youth_id=row["youth_id"],
                                     slot=slot, now=ts, reminders=reminders, buffer=buffer,
                                     form=row.get("form") or "chat", place=row.get("place"),
                                     phone=row.get("phone"))
    except _Refused as refused:
        return BookResult(None, refused.reason)
    return BookResult(booking, "ok")


async def get_booking(db: Database, booking_id: int) -> Booking | None:
    row = await db.fetchone("SELECT * FROM bookings WHERE id = ?", (booking_id,))
    return None if row is None else _booking(row)


async def active_booking(db: Database, youth_id: str) -> Booking | None:
    """The youth's upcoming booking (status 'booked'), if any."""
    row = await db.fetchone(
        "SELECT * FROM bookings WHERE youth_id = ? AND status = 'booked'", (youth_id,)
    )
    return None if row is None else _booking(row)


async def upcoming_with(
    db: Database, case_id: int, counselor_id: str, now: datetime
) -> list[Booking]:
    """The case's upcoming bookings with this counselor, by start time: booked, starting
    after `now`, and no session opening for them yet."""
    rows = await db.fetchall(
        "SELECT * FROM bookings b WHERE b.case_id = ? AND b.counselor_id = ? "
        "AND b.status = 'booked' AND b.start_at > ? "
        "AND NOT EXISTS (SELECT 1 FROM sessions s WHERE s.booking_id = b.id) "
        "ORDER BY b.start_at, b.id",
        (case_id, counselor_id, to_ts(now)),
    )
    return [_booking(r) for r in rows]


async def visits_not_told(db: Database, now: datetime) -> list[Booking]:
    """Upcoming office visits (booked, starting after `now`, no session opening yet) whose
    staff-room notice of a counselor gone (`gone_told_at`) was not sent, by start time. The
    caller keeps those whose counselor is no longer in the config."""
    rows = await db.fetchall(
        "SELECT * FROM bookings b WHERE b.form = 'visit' AND b.status = 'booked' "
        "AND b.start_at > ? AND b.gone_told_at IS NULL "
        "AND NOT EXISTS (SELECT 1 FROM sessions s WHERE s.booking_id = b.id) "
        "ORDER BY b.start_at, b.id",
        (to_ts(now),),
    )
    return [_booking(r) for r in rows]


async def mark_gone_told(db: Database, booking_id: int, now: datetime) -> bool:
    """Record that the staff room was told this booking's counselor is gone; False when it
    already was (then say nothing again). In the transaction that queues the notice."""
    changed = await db.execute(
        "UPDATE bookings SET gone_told_at = ? WHERE id = ? AND gone_told_at IS NULL",
        (to_ts(now), booking_id),
    )
    return changed == 1


async def busy_periods(db: Database, start: datetime, end: datetime) -> list[BusyPeriod]:
    """Active bookings (booked or opened) of all counselors overlapping [start, end), and the
    sessions a colleague stands in for: the booking stays with the counselor who did not come
    (or left the service), but the colleague is the one in the room until its end."""
    rows = await db.fetchall(
        "SELECT counselor_id, start_at, end_at FROM bookings "
        "WHERE status IN ('booked', 'opened') AND start_at < ? AND end_at > ? "
        "UNION ALL "
        "SELECT s.counselor_id, b.start_at, b.end_at FROM sessions s "
        "JOIN bookings b ON b.id = s.booking_id "
        "WHERE s.standin_for IS NOT NULL AND s.state IN ('opening', 'open') "
        "AND b.status IN ('booked', 'opened') AND b.start_at < ? AND b.end_at > ? "
        "ORDER BY start_at, counselor_id",
        (to_ts(end), to_ts(start), to_ts(end), to_ts(start)),
    )
    return [BusyPeriod(r["counselor_id"], from_ts(r["start_at"]), from_ts(r["end_at"]))
            for r in rows]


async def bookings_for_counselor(
    db: Database,
    counselor_id: str,
    start: datetime,
    end: datetime,
    *,
    active_only: bool = True,
) -> list[Booking]:
    """The counselor's bookings overlapping [start, end), by start time."""
    status = "AND status IN ('booked', 'opened') " if active_only else ""
    rows = await db.fetchall(
        "SELECT * FROM bookings WHERE counselor_id = ? AND start_at < ? AND end_at > ? "
        f"{status}ORDER BY start_at, id",
        (counselor_id, to_ts(end), to_ts(start)),
    )
    return [_booking(r) for r in rows]


# --- absences ---------------------------------------------------------------------------------


def _absence(row: Row) -> Absence:
    return Absence(row["counselor_id"], date.fromisoformat(row["start_date"]),
                   date.fromisoformat(row["end_date"]))


async def add_absence(
    db: Database, counselor_id: str, start: date, end: date, now: datetime
) -> Absence:
    absence = Absence(counselor_id, start, end)  # validates the order
    await db.execute(
        "INSERT INTO absences (counselor_id, start_date, end_date, created_at) "
        "VALUES (?, ?, ?, ?)",
        (counselor_id, start.isoformat(), end.isoformat(), to_ts(now)),
    )
    return absence


async def list_absences(
    db: Database, counselor_id: str | None = None, *, since: date | None = None
) -> list[Absence]:
    """Absences (of one counselor, or all) whose last day is on or after `since`."""
    sql = "SELECT * FROM absences WHERE end_date >= ?"
    params: list[str] = [(since or date.min).isoformat()]
    if counselor_id is not None:
        sql += " AND counselor_id = ?"
        params.append(counselor_id)
    rows = await db.fetchall(sql + " ORDER BY start_date, id", params)
    return [_absence(r) for r in rows]


async def end_absences(db: Database, counselor_id: str, today: date) -> list[Absence]:
    """`!back` on `today`: absences covering today end yesterday (or go, if they start today).

    Returns the absences as they were before (empty: none covered today).
    """
    ended: list[Absence] = []
    async with db.transaction() as conn:
        rows = await conn.fetchall(
            "SELECT * FROM absences WHERE counselor_id = ? AND start_date <= ? "
            "AND end_date >= ? ORDER BY start_date, id",
            (counselor_id, today.isoformat(), today.isoformat()),
        )
        for row in rows:
            before = _absence(row)
            after = end_absence(before, today)
            if after is None:
                await conn.execute("DELETE FROM absences WHERE id = ?", (row["id"],))
            elif after != before:
                await conn.execute(
                    "UPDATE absences SET end_date = ? WHERE id = ?",
                    (after.end.isoformat(), row["id"]),
                )
            else:
                continue
            ended.append(before)
    return ended


# --- timers -----------------------------------------------------------------------------------


async def add_timer(
    db: Database,
    *,
    kind: str,
    due: datetime,
    now: datetime,
    booking_id: int | None = None,
    minutes_before: int | None = None,
    payload: str | None = None,
) -> int | None:
    """A pending timer; None if this (booking, kind, due) already exists."""
    timer_id = await db.fetchval(
        "INSERT INTO timers (kind, booking_id, due_at, minutes_before, payload, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (booking_id, kind, due_at) DO NOTHING "
        "RETURNING id",
        (kind, booking_id, to_ts(due), minutes_before, payload, to_ts(now)),
    )
    return None if timer_id is None else int(timer_id)


async def get_timer(db: Database, timer_id: int) -> Timer | None:
    row = await db.fetchone("SELECT * FROM timers WHERE id = ?", (timer_id,))
    return None if row is None else _timer(row)


async def pending_timers(db: Database) -> list[Timer]:
    rows = await db.fetchall(
        "SELECT * FROM timers WHERE status = 'pending' ORDER BY due_at, id"
    )
    return [_timer(r) for r in rows]


async def timers_for_booking(db: Database, booking_id: int) -> list[Timer]:
    rows = await db.fetchall(
        "SELECT * FROM timers WHERE booking_id = ? ORDER BY due_at, id", (booking_id,)
    )
    return [_timer(r) for r in rows]


async def _finish_timer(db: Database, timer_id: int, status: TimerStatus, now: datetime) -> bool:
    ts = to_ts(now)
    changed = await db.execute(
        "UPDATE timers SET status = ?, done_at = ?, late_seconds = "
        "CASE WHEN ? > due_at THEN ? - due_at ELSE 0 END "
        "WHERE id = ? AND status = 'pending'",
        (status, ts, ts, ts, timer_id),
    )
    return changed == 1


async def claim_timer(db: Database, timer_id: int, now: datetime) -> bool:
    """pending → done, atomically. True only for the one caller that flipped it."""
    return await _finish_timer(db, timer_id, "done", now)


async def mark_missed(db: Database, timer_id: int, now: datetime) -> bool:
    """pending → missed (too late to still run it)."""
    return await _finish_timer(db, timer_id, "missed", now)


async def cancel_timers(
    db: Database, booking_id: int, now: datetime, kind: str | None = None
) -> int:
    """Cancel a booking's pending timers (of one kind, or all); returns how many."""
    sql = ("UPDATE timers SET status = 'cancelled', done_at = ? WHERE booking_id = ? "
           "AND status = 'pending'")
    params: list[object] = [to_ts(now), booking_id]
    if kind is not None:
        sql += " AND kind = ?"
        params.append(kind)
    return await db.execute(sql, params)
