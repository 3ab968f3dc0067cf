"""The schema, one registered step per version, for SQLite and PostgreSQL.

Times are UTC epoch seconds (INTEGER on SQLite, BIGINT on PostgreSQL). On SQLite the DDL is
exactly the released one; only the type names differ per engine.
"""

from __future__ import annotations

from bot.storage.db import SQLITE, Connection
from bot.storage.migrations import step


def _types(conn: Connection) -> tuple[str, str]:
    """(auto-increment primary key, integer) for this engine: SQLite's INTEGER is 64-bit,
    PostgreSQL's is not, so times and ids are BIGINT there."""
    if conn.engine is SQLITE:
        return "INTEGER PRIMARY KEY", "INTEGER"
    return "BIGSERIAL PRIMARY KEY", "BIGINT"


@step(1, "transport state: key-value, handled events, rooms")
async def v1(conn: Connection) -> None:
    _, INT = _types(conn)
    await conn.execute(
        """CREATE TABLE kv (
               key   TEXT PRIMARY KEY,
               value TEXT NOT NULL
           )"""
    )
    await conn.execute(
        f"""CREATE TABLE handled_events (
               event_id   TEXT PRIMARY KEY,
               room_id    TEXT NOT NULL,
               handled_at {INT} NOT NULL
           )"""
    )
    await conn.execute(
        f"""CREATE TABLE rooms (
               room_id            TEXT PRIMARY KEY,
               kind               TEXT NOT NULL DEFAULT 'dm'
                                  CHECK (kind IN ('dm', 'staff', 'session', 'group')),
               user_id            TEXT,
               warned             {INT} NOT NULL DEFAULT 0,  -- told once why we do not talk here
               created_at         {INT} NOT NULL
           )"""
    )


@step(2, "youths, their intake state, cases and crisis alerts")
async def v2(conn: Connection) -> None:
    ID, INT = _types(conn)
    await conn.execute(
        f"""CREATE TABLE youths (
               user_id      TEXT PRIMARY KEY,
               dm_room_id   TEXT,
               campaign     TEXT,            -- invite-link code, if any
               municipality TEXT,            -- told by the campaign, if any
               intake       TEXT NOT NULL,   -- IntakeState as JSON
               first_seen   {INT} NOT NULL,
               last_seen    {INT} NOT NULL
           )"""
    )
    # A case is opened at first contact (so a crisis alert during the intake already has a
    # reference) and filled in when the intake completes.
    await conn.execute(
        f"""CREATE TABLE cases (
               id           {ID},
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
               answers      TEXT NOT NULL DEFAULT '{{}}',
               counselor_id TEXT,
               created_at   {INT} NOT NULL,
               updated_at   {INT} NOT NULL
           )"""
    )
    await conn.execute("CREATE INDEX cases_youth ON cases (youth_id, created_at)")
    await conn.execute(
        f"""CREATE TABLE crisis_alerts (
               id         {ID},
               case_id    {INT} REFERENCES cases(id) ON DELETE CASCADE,
               category   TEXT NOT NULL,
               step       TEXT,
               created_at {INT} NOT NULL
           )"""
    )


@step(3, "appointments: bookings, counselor absences and scheduled timers")
async def v3(conn: Connection) -> None:
    ID, INT = _types(conn)
    # 'booked' = upcoming; 'opened' = the session room exists; the rest are final.
    await conn.execute(
        f"""CREATE TABLE bookings (
               id           {ID},
               case_id      {INT} NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
               youth_id     TEXT NOT NULL REFERENCES youths(user_id) ON DELETE CASCADE,
               counselor_id TEXT NOT NULL,
               start_at     {INT} NOT NULL,
               end_at       {INT} NOT NULL,
               status       TEXT NOT NULL DEFAULT 'booked'
                            CHECK (status IN ('booked', 'cancelled', 'opened', 'done',
                                              'no_show', 'missed')),
               room_id      TEXT,            -- the session room, once opened
               outcome      TEXT,            -- set by the counselor when the session ends
               created_at   {INT} NOT NULL,
               updated_at   {INT} NOT NULL,
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
        f"""CREATE TABLE absences (
               id           {ID},
               counselor_id TEXT NOT NULL,
               start_date   TEXT NOT NULL,   -- ISO date, first day away (service's zone)
               end_date     TEXT NOT NULL,   -- ISO date, last day away (inclusive)
               created_at   {INT} NOT NULL,
               CHECK (end_date >= start_date)
           )"""
    )
    await conn.execute("CREATE INDEX absences_counselor ON absences (counselor_id, end_date)")
    await conn.execute(
        f"""CREATE TABLE timers (
               id             {ID},
               kind           TEXT NOT NULL,   -- 'remind_youth', 'remind_counselor', …
               booking_id     {INT} REFERENCES bookings(id) ON DELETE CASCADE,
               due_at         {INT} NOT NULL,
               status         TEXT NOT NULL DEFAULT 'pending'
                              CHECK (status IN ('pending', 'done', 'missed', 'cancelled')),
               minutes_before {INT},
               payload        TEXT,            -- optional JSON for kinds without a booking
               created_at     {INT} NOT NULL,
               done_at        {INT},
               late_seconds   {INT},
               UNIQUE (booking_id, kind, due_at)
           )"""
    )
    await conn.execute("CREATE INDEX timers_pending ON timers (due_at) WHERE status = 'pending'")
    await conn.execute("CREATE INDEX timers_booking ON timers (booking_id)")


@step(4, "the slots last offered to a youth")
async def v4(conn: Connection) -> None:
    # JSON list of the offered slots, so that "2" means exactly what the youth saw.
    await conn.execute("ALTER TABLE youths ADD COLUMN offer TEXT")


@step(5, "session rooms, case notes and handovers")
async def v5(conn: Connection) -> None:
    ID, INT = _types(conn)
    # One row per booking, written *before* the room is created: the intent that makes the
    # opening exactly-once. `nonce` is also put into the room's state so that a room created
    # just before a crash is found again instead of created twice.
    await conn.execute(
        f"""CREATE TABLE sessions (
               id                  {ID},
               booking_id          {INT} NOT NULL UNIQUE
                                   REFERENCES bookings(id) ON DELETE CASCADE,
               nonce               TEXT NOT NULL UNIQUE,
               state               TEXT NOT NULL DEFAULT 'opening'
                                   CHECK (state IN ('opening', 'open', 'left', 'ended')),
               room_id             TEXT UNIQUE,
               counselor_id        TEXT NOT NULL,
               youth_joined_at     {INT},
               counselor_joined_at {INT},
               summary_posted      {INT} NOT NULL DEFAULT 0,
               standin_for         TEXT,
               outcome             TEXT,
               created_at          {INT} NOT NULL,
               opened_at           {INT},
               ended_at            {INT}
           )"""
    )
    await conn.execute(
        f"""CREATE TABLE case_notes (
               id           {ID},
               case_id      {INT} NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
               counselor_id TEXT NOT NULL,
               body         TEXT NOT NULL,
               created_at   {INT} NOT NULL
           )"""
    )
    await conn.execute(
        f"""CREATE TABLE handovers (
               id         {ID},
               case_id    {INT} NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
               from_id    TEXT NOT NULL,
               to_id      TEXT NOT NULL,
               state      TEXT NOT NULL DEFAULT 'proposed'
                          CHECK (state IN ('proposed', 'accepted', 'declined')),
               created_at {INT} NOT NULL,
               decided_at {INT}
           )"""
    )


@step(6, "the youth's rights: audit trail, accounts the service made, erasure requests")
async def v6(conn: Connection) -> None:
    ID, INT = _types(conn)
    # Admins' audit trail: erasures, purges, staff reads of a case. Never personal data.
    await conn.execute(
        f"""CREATE TABLE audit_log (
               id         {ID},
               at         {INT} NOT NULL,
               action     TEXT NOT NULL,   -- 'erasure', 'purge', 'retention', 'case_read', …
               reason     TEXT NOT NULL,   -- 'youth request', 'retention: …', …
               count      {INT} NOT NULL DEFAULT 1,
               actor      TEXT             -- a staff member's id for staff actions, else NULL
           )"""
    )
    # Accounts the web service registered itself (the only ones erasure may deactivate).
    await conn.execute(
        f"""CREATE TABLE service_accounts (
               user_id    TEXT PRIMARY KEY,
               created_at {INT} NOT NULL
           )"""
    )
    # When the youth asked to be forgotten and has not confirmed yet.
    await conn.execute(f"ALTER TABLE youths ADD COLUMN forget_asked {INT}")
    # Sealing existing plain text needs the key from the secrets, which a step cannot reach:
    # the bot reseals at start (bot.storage.sealing.reseal_all).


@step(7, "undecryptable messages kept until their keys arrive")
async def v7(conn: Connection) -> None:
    _, INT = _types(conn)
    # The encrypted event as received (ciphertext only, never a decrypted body), so that it can
    # be decrypted after a restart once its megolm session arrives.
    await conn.execute(
        f"""CREATE TABLE undecryptable (
               event_id    TEXT PRIMARY KEY,
               room_id     TEXT NOT NULL,
               sender      TEXT NOT NULL,
               session_id  TEXT NOT NULL,
               sender_key  TEXT NOT NULL,
               event       TEXT NOT NULL,
               received_at {INT} NOT NULL
           )"""
    )
    await conn.execute("CREATE INDEX undecryptable_session ON undecryptable (session_id)")


@step(8, "anonymous monthly report figures kept when personal rows are deleted")
async def v8(conn: Connection) -> None:
    _, INT = _types(conn)
    # Counts only: month (YYYY-MM in the service's zone), breakdown ('total', 'municipality',
    # …), the breakdown's value (an option id, a campaign code or ''), the metric and a count.
    # Filled by bot.reports.retain before a youth's rows are deleted; never holds an id.
    await conn.execute(
        f"""CREATE TABLE report_counts (
               month     TEXT NOT NULL,
               breakdown TEXT NOT NULL,
               value     TEXT NOT NULL,
               metric    TEXT NOT NULL,
               count     {INT} NOT NULL,
               PRIMARY KEY (month, breakdown, value, metric)
           )"""
    )
    # Waiting times (first message → first session, seconds), one row each, nothing else.
    await conn.execute(
        f"""CREATE TABLE report_waits (
               month   TEXT NOT NULL,
               seconds {INT} NOT NULL
           )"""
    )
    await conn.execute("CREATE INDEX report_waits_month ON report_waits (month)")


@step(9, "crisis alerts a counselor can act on (open -> claimed -> closed) and the duty table")
async def v9(conn: Connection) -> None:
    _, INT = _types(conn)
    # tier 'acute' = an alert; 'concern' = a concern the youth said no to (noted on the case
    # for the counselor, never alerted). Never any of the youth's words.
    for column in (
        "tier       TEXT NOT NULL DEFAULT 'acute'",
        "state      TEXT NOT NULL DEFAULT 'open'",
        "youth_id   TEXT",
        f"hits       {INT} NOT NULL DEFAULT 1",
        f"last_hit_at {INT}",
        f"claimed_at {INT}",
        "claimed_by TEXT",
        f"closed_at  {INT}",
        "closed_by  TEXT",
        "note       TEXT",
        f"escalated_at {INT}",
    ):
        await conn.execute(f"ALTER TABLE crisis_alerts ADD COLUMN {column}")
    # The alerts of before this step were notices only: nobody can claim them now.
    await conn.execute("UPDATE crisis_alerts SET state = 'closed', closed_at = created_at")
    # One open (or claimed) alert per case, whatever the handlers do.
    await conn.execute(
        "CREATE UNIQUE INDEX crisis_alerts_one_open ON crisis_alerts (case_id) "
        "WHERE state IN ('open', 'claimed') AND tier = 'acute'"
    )
    await conn.execute("CREATE INDEX crisis_alerts_state ON crisis_alerts (state, created_at)")
    # `!duty on|off`: a counselor's own statement that they are (not) on duty now.
    await conn.execute(
        f"""CREATE TABLE duty (
               counselor_id TEXT PRIMARY KEY,
               on_duty      {INT} NOT NULL,
               changed_at   {INT} NOT NULL
           )"""
    )


@step(10, "the outbox: what the bot decided to send, before it is sent")
async def v10(conn: Connection) -> None:
    ID, INT = _types(conn)
    # One row per message (or leave) the bot decided on, written in the same transaction as
    # the decision; the sender marks it done after the homeserver took it. `txn_id` is the
    # Matrix transaction id, so a retry after a crash is deduplicated by the homeserver.
    # `room_id` is NULL while the row is addressed to a user whose DM is still to be found.
    await conn.execute(
        f"""CREATE TABLE outbox (
               id             {ID},
               room_id        TEXT,
               user_id        TEXT,
               action         TEXT NOT NULL DEFAULT 'notice'
                              CHECK (action IN ('notice', 'leave')),
               body           TEXT NOT NULL DEFAULT '',
               html           TEXT NOT NULL DEFAULT '',
               allow_plain    {INT} NOT NULL DEFAULT 0,
               origin_ms      {INT},
               txn_id         TEXT NOT NULL UNIQUE,
               status         TEXT NOT NULL DEFAULT 'pending'
                              CHECK (status IN ('pending', 'done', 'dropped')),
               attempts       {INT} NOT NULL DEFAULT 0,
               last_error     TEXT,
               event_id       TEXT,
               created_at     {INT} NOT NULL,
               done_at        {INT}
           )"""
    )
    await conn.execute("CREATE INDEX outbox_pending ON outbox (status, id)")


@step(11, "where a session referred the youth to, and the closed notice told once per period")
async def v11(conn: Connection) -> None:
    _, INT = _types(conn)
    # `!end referred <line>`: the line id of the referral directory (bot/config/referrals.py);
    # figures count referrals per line. NULL for every other outcome.
    await conn.execute("ALTER TABLE bookings ADD COLUMN referred_to TEXT")
    # The service was closed when the youth wrote: told so until this moment (the next
    # opening, epoch seconds), so that the notice comes once per closed period.
    await conn.execute(f"ALTER TABLE youths ADD COLUMN closed_told_until {INT}")


@step(12, "durable intents: intake DMs to open for web sign-ups, staff-room posts held back")
async def v12(conn: Connection) -> None:
    ID, INT = _types(conn)
    # A web sign-up the page answered with "invited": the intake DM still to be opened. The
    # row is written before the page answers and deleted in the transaction that records the
    # opened room (bot/intakes.py), so a restart while rate-limited opens it later, once.
    await conn.execute(
        f"""CREATE TABLE intake_intents (
               user_id     TEXT PRIMARY KEY,
               campaign    TEXT,
               created_at  {INT} NOT NULL,
               attempts    {INT} NOT NULL DEFAULT 0,
               last_error  TEXT
           )"""
    )
    # Staff-room posts (crisis alerts among them) held while a non-staff member is in the
    # staff room (bot/handlers/policy.py); sealed; deleted when queued in the outbox.
    await conn.execute(
        f"""CREATE TABLE held_staff_posts (
               id          {ID},
               body        TEXT NOT NULL,
               html        TEXT NOT NULL,
               created_at  {INT} NOT NULL
           )"""
    )


@step(13, "the live queue for \"now\": youths waiting for the first free counselor")
async def v13(conn: Connection) -> None:
    ID, INT = _types(conn)
    # One row per waiting youth (a youth waits at most once). The order is derived, not
    # stored: crisis-flagged first, then urgency "today", then the oldest `joined_at`.
    # `place_told` is the place the youth was last told (so a change is said once).
    await conn.execute(
        f"""CREATE TABLE now_queue (
               id          {ID},
               youth_id    TEXT NOT NULL UNIQUE,
               case_id     {INT} NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
               joined_at   {INT} NOT NULL,
               place_told  {INT}
           )"""
    )


@step(14, "the form of a session (chat, video, phone, visit) and messages between sessions")
async def v14(conn: Connection) -> None:
    ID, INT = _types(conn)
    # How the session takes place; `place` is the office of a visit; `phone` the number a
    # youth chose to give for a phone session (sealed; erased after the session).
    await conn.execute("ALTER TABLE bookings ADD COLUMN form TEXT NOT NULL DEFAULT 'chat' "
                       "CHECK (form IN ('chat', 'video', 'phone', 'visit'))")
    await conn.execute("ALTER TABLE bookings ADD COLUMN place TEXT")
    await conn.execute("ALTER TABLE bookings ADD COLUMN phone TEXT")
    # Messages between sessions: who wrote to whom about which case, when — never the text
    # (that only travels, end-to-end encrypted; the outbox holds it sealed until it is sent).
    # Counted for the rate limit.
    await conn.execute(
        f"""CREATE TABLE case_messages (
               id           {ID},
               case_id      {INT} NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
               youth_id     TEXT NOT NULL,
               counselor_id TEXT NOT NULL,
               direction    TEXT NOT NULL CHECK (direction IN ('to_counselor', 'to_youth')),
               created_at   {INT} NOT NULL
           )"""
    )
    await conn.execute("CREATE INDEX case_messages_youth ON case_messages (youth_id, created_at)")


@step(15, "the crisis net's concern question, waiting for the youth's yes or no")
async def v15(conn: Connection) -> None:
    _, INT = _types(conn)
    # The concern question ("do you mean you don't want to live any more?") was asked: the
    # next message is read as its answer, also after a restart. One row per youth; written
    # and taken in the event's transaction; older than `crisis.quiet_minutes` it is no
    # question any more. Category and time only, never the youth's words.
    await conn.execute(
        f"""CREATE TABLE crisis_questions (
               youth_id  TEXT PRIMARY KEY,
               case_id   {INT} REFERENCES cases(id) ON DELETE CASCADE,
               category  TEXT NOT NULL,
               asked_at  {INT} NOT NULL
           )"""
    )


@step(16, "a held staff-room post belongs to its case (erased with the youth)")
async def v16(conn: Connection) -> None:
    _, INT = _types(conn)
    # The case a held post is about (a crisis alert, a queue notice), NULL for posts about no
    # case: erasing the youth removes their held posts (bot/storage/rights.py ERASURE).
    await conn.execute(f"ALTER TABLE held_staff_posts ADD COLUMN case_id {INT} "
                       "REFERENCES cases(id) ON DELETE CASCADE")


@step(17, "notices one decision queued for one room go out as one message")
async def v17(conn: Connection) -> None:
    # The top-level transaction that queued the row: consecutive notices of one transaction
    # for one room are sent as one message (one bubble, one send; bot/outbox.py). Fixed at
    # commit, so a resend after a crash merges exactly the same rows under the same txn id.
    await conn.execute("ALTER TABLE outbox ADD COLUMN batch TEXT")


@step(18, "session rooms an erasure still has to purge from the homeserver")
async def v18(conn: Connection) -> None:
    ID, INT = _types(conn)
    # Written in the erasure's transaction, deleted (with the "purge" audit line) once Synapse
    # says its delete task is complete (bot/purges.py). The room id only, never whose room it
    # was; `reason` is the audit reason ('youth request', 'retention: …'). `delete_id`: the
    # homeserver's delete task once asked (polled after a restart; asked again if forgotten).
    await conn.execute(
        f"""CREATE TABLE room_purges (
               id          {ID},
               room_id     TEXT NOT NULL UNIQUE,
               reason      TEXT NOT NULL,
               delete_id   TEXT,
               attempts    {INT} NOT NULL DEFAULT 0,
               last_error  TEXT,
               created_at  {INT} NOT NULL
           )"""
    )


@step(19, "the staff room told early that a visit's counselor is no longer in the config")
async def v19(conn: Connection) -> None:
    _, INT = _types(conn)
    # An upcoming office visit whose counselor a reload (or a restart) removed: when the staff
    # room was asked to have a colleague take it over or move it (bot/handlers/appointments.py
    # `tell_gone_visits`). Set in the transaction that queues the notice, so it goes once.
    await conn.execute(f"ALTER TABLE bookings ADD COLUMN gone_told_at {INT}")
