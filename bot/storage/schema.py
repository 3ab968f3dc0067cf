"""The schema, one registered step per version. Times are UTC epoch seconds (INTEGER)."""

from __future__ import annotations

import aiosqlite

from bot.storage.migrations import step


@step(1, "transport state: key-value, handled events, rooms")
async def v1(conn: aiosqlite.Connection) -> None:
    await conn.execute(
        """CREATE TABLE kv (
               key   TEXT PRIMARY KEY,
               value TEXT NOT NULL
           )"""
    )
    await conn.execute(
        """CREATE TABLE handled_events (
               event_id   TEXT PRIMARY KEY,
               room_id    TEXT NOT NULL,
               handled_at INTEGER NOT NULL
           )"""
    )
    await conn.execute(
        """CREATE TABLE rooms (
               room_id            TEXT PRIMARY KEY,
               kind               TEXT NOT NULL DEFAULT 'dm'
                                  CHECK (kind IN ('dm', 'staff', 'session', 'group')),
               user_id            TEXT,
               warned             INTEGER NOT NULL DEFAULT 0,  -- told once why we do not talk here
               created_at         INTEGER NOT NULL
           )"""
    )


@step(2, "youths, their intake state, cases and crisis alerts")
async def v2(conn: aiosqlite.Connection) -> None:
    await conn.execute(
        """CREATE TABLE youths (
               user_id      TEXT PRIMARY KEY,
               dm_room_id   TEXT,
               campaign     TEXT,            -- invite-link code, if any
               municipality TEXT,            -- told by the campaign, if any
               intake       TEXT NOT NULL,   -- IntakeState as JSON
               first_seen   INTEGER NOT NULL,
               last_seen    INTEGER NOT NULL
           )"""
    )
    # A case is opened at first contact (so a crisis alert during the intake already has a
    # reference) and filled in when the intake completes.
    await conn.execute(
        """CREATE TABLE cases (
               id           INTEGER PRIMARY KEY,
               ref          TEXT NOT NULL UNIQUE,
               youth_id     TEXT NOT NULL REFERENCES youths(user_id) ON DELETE CASCADE,
               status       TEXT NOT NULL DEFAULT 'intake'
                            CHECK (status IN ('intake', 'open', 'referred', 'closed')),
               language     TEXT NOT NULL,
               age_band     TEXT,
               topic        TEXT,
               urgency      TEXT,
               municipality TEXT,
               campaign     TEXT,
               free_text    TEXT,
               answers      TEXT NOT NULL DEFAULT '{}',
               counselor_id TEXT,
               created_at   INTEGER NOT NULL,
               updated_at   INTEGER NOT NULL
           )"""
    )
    await conn.execute("CREATE INDEX cases_youth ON cases (youth_id, created_at)")
    await conn.execute(
        """CREATE TABLE crisis_alerts (
               id         INTEGER PRIMARY KEY,
               case_id    INTEGER REFERENCES cases(id) ON DELETE CASCADE,
               category   TEXT NOT NULL,
               step       TEXT,
               created_at INTEGER NOT NULL
           )"""
    )


@step(3, "appointments: bookings, counselor absences and scheduled timers")
async def v3(conn: aiosqlite.Connection) -> None:
    # 'booked' = upcoming; 'opened' = the session room exists; the rest are final.
    await conn.execute(
        """CREATE TABLE bookings (
               id           INTEGER PRIMARY KEY,
               case_id      INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
               youth_id     TEXT NOT NULL REFERENCES youths(user_id) ON DELETE CASCADE,
               counselor_id TEXT NOT NULL,
               start_at     INTEGER NOT NULL,
               end_at       INTEGER NOT NULL,
               status       TEXT NOT NULL DEFAULT 'booked'
                            CHECK (status IN ('booked', 'cancelled', 'opened', 'done',
                                              'no_show', 'missed')),
               room_id      TEXT,            -- the session room, once opened
               outcome      TEXT,            -- set by the counselor when the session ends
               created_at   INTEGER NOT NULL,
               updated_at   INTEGER NOT NULL,
               CHECK (end_at > start_at)
           )"""
    )
    # Two active bookings of one counselor at one start time are impossible, whatever the
    # code above does (the overlap check in bot.storage.bookings is the finer rule).
    await conn.execute(
        "CREATE UNIQUE INDEX bookings_counselor_start ON bookings (counselor_id, start_at) "
        "WHERE status IN ('booked', 'opened')"
    )
    # One upcoming appointment per youth.
    await conn.execute(
        "CREATE UNIQUE INDEX bookings_youth_upcoming ON bookings (youth_id) "
        "WHERE status = 'booked'"
    )
    await conn.execute("CREATE INDEX bookings_time ON bookings (start_at, end_at)")
    await conn.execute("CREATE INDEX bookings_case ON bookings (case_id)")
    await conn.execute(
        """CREATE TABLE absences (
               id           INTEGER PRIMARY KEY,
               counselor_id TEXT NOT NULL,
               start_date   TEXT NOT NULL,   -- ISO date, first day away (service's zone)
               end_date     TEXT NOT NULL,   -- ISO date, last day away (inclusive)
               created_at   INTEGER NOT NULL,
               CHECK (end_date >= start_date)
           )"""
    )
    await conn.execute("CREATE INDEX absences_counselor ON absences (counselor_id, end_date)")
    await conn.execute(
        """CREATE TABLE timers (
               id             INTEGER PRIMARY KEY,
               kind           TEXT NOT NULL,   -- 'remind_youth', 'remind_counselor', …
               booking_id     INTEGER REFERENCES bookings(id) ON DELETE CASCADE,
               due_at         INTEGER NOT NULL,
               status         TEXT NOT NULL DEFAULT 'pending'
                              CHECK (status IN ('pending', 'done', 'missed', 'cancelled')),
               minutes_before INTEGER,
               payload        TEXT,            -- optional JSON for kinds without a booking
               created_at     INTEGER NOT NULL,
               done_at        INTEGER,
               late_seconds   INTEGER,
               UNIQUE (booking_id, kind, due_at)
           )"""
    )
    await conn.execute("CREATE INDEX timers_pending ON timers (due_at) WHERE status = 'pending'")
    await conn.execute("CREATE INDEX timers_booking ON timers (booking_id)")


@step(4, "the slots last offered to a youth")
async def v4(conn: aiosqlite.Connection) -> None:
    # JSON list of the offered slots, so that "2" means exactly what the youth saw.
    await conn.execute("ALTER TABLE youths ADD COLUMN offer TEXT")


@step(5, "session rooms, case notes and handovers")
async def v5(conn: aiosqlite.Connection) -> None:
    # One row per booking, written *before* the room is created: the intent that makes the
    # opening exactly-once. `nonce` is also put into the room's state so that a room created
    # just before a crash is found again instead of created twice.
    await conn.execute(
        """CREATE TABLE sessions (
               id                  INTEGER PRIMARY KEY,
               booking_id          INTEGER NOT NULL UNIQUE
                                   REFERENCES bookings(id) ON DELETE CASCADE,
               nonce               TEXT NOT NULL UNIQUE,
               state               TEXT NOT NULL DEFAULT 'opening'
                                   CHECK (state IN ('opening', 'open', 'left', 'ended')),
               room_id             TEXT UNIQUE,
               counselor_id        TEXT NOT NULL,
               youth_joined_at     INTEGER,
               counselor_joined_at INTEGER,
               summary_posted      INTEGER NOT NULL DEFAULT 0,
               standin_for         TEXT,
               outcome             TEXT,
               created_at          INTEGER NOT NULL,
               opened_at           INTEGER,
               ended_at            INTEGER
           )"""
    )
    await conn.execute(
        """CREATE TABLE case_notes (
               id           INTEGER PRIMARY KEY,
               case_id      INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
               counselor_id TEXT NOT NULL,
               body         TEXT NOT NULL,
               created_at   INTEGER NOT NULL
           )"""
    )
    await conn.execute(
        """CREATE TABLE handovers (
               id         INTEGER PRIMARY KEY,
               case_id    INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
               from_id    TEXT NOT NULL,
               to_id      TEXT NOT NULL,
               state      TEXT NOT NULL DEFAULT 'proposed'
                          CHECK (state IN ('proposed', 'accepted', 'declined')),
               created_at INTEGER NOT NULL,
               decided_at INTEGER
           )"""
    )
