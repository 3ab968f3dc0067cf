BEGIN TRANSACTION;
CREATE TABLE absences (
               id           INTEGER PRIMARY KEY,
               counselor_id TEXT NOT NULL,
               start_date   TEXT NOT NULL,   -- ISO date, first day away (service's zone)
               end_date     TEXT NOT NULL,   -- ISO date, last day away (inclusive)
               created_at   INTEGER NOT NULL,
               CHECK (end_date >= start_date)
           );
INSERT INTO "absences" VALUES(1,'@tom:localhost','2026-03-02','2026-03-02',1772438400);
CREATE TABLE bookings (
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
           );
INSERT INTO "bookings" VALUES(1,1,'@y:localhost','@sara:localhost',1772445600,1772448300,'booked',NULL,NULL,1772438400,1772438400);
CREATE TABLE case_notes (
               id           INTEGER PRIMARY KEY,
               case_id      INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
               counselor_id TEXT NOT NULL,
               body         TEXT NOT NULL,
               created_at   INTEGER NOT NULL
           );
INSERT INTO "case_notes" VALUES(1,1,'@sara:localhost','a note',1772438400);
CREATE TABLE cases (
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
           );
INSERT INTO "cases" VALUES(1,'9C8-8FN','@y:localhost','open','nl',NULL,'school',NULL,NULL,NULL,NULL,'{"topic": "school"}',NULL,1772438400,1772438400);
CREATE TABLE crisis_alerts (
               id         INTEGER PRIMARY KEY,
               case_id    INTEGER REFERENCES cases(id) ON DELETE CASCADE,
               category   TEXT NOT NULL,
               step       TEXT,
               created_at INTEGER NOT NULL
           );
INSERT INTO "crisis_alerts" VALUES(1,1,'self_harm',NULL,1772438400);
CREATE TABLE handled_events (
               event_id   TEXT PRIMARY KEY,
               room_id    TEXT NOT NULL,
               handled_at INTEGER NOT NULL
           );
INSERT INTO "handled_events" VALUES('$e1','!dm:localhost',1795755800);
CREATE TABLE handovers (
               id         INTEGER PRIMARY KEY,
               case_id    INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
               from_id    TEXT NOT NULL,
               to_id      TEXT NOT NULL,
               state      TEXT NOT NULL DEFAULT 'proposed'
                          CHECK (state IN ('proposed', 'accepted', 'declined')),
               created_at INTEGER NOT NULL,
               decided_at INTEGER
           );
INSERT INTO "handovers" VALUES(1,1,'@sara:localhost','@tom:localhost','proposed',1772438400,NULL);
CREATE TABLE kv (
               key   TEXT PRIMARY KEY,
               value TEXT NOT NULL
           );
INSERT INTO "kv" VALUES('sync_token','s42');
CREATE TABLE rooms (
               room_id            TEXT PRIMARY KEY,
               kind               TEXT NOT NULL DEFAULT 'dm'
                                  CHECK (kind IN ('dm', 'staff', 'session', 'group')),
               user_id            TEXT,
               warned             INTEGER NOT NULL DEFAULT 0,  -- told once why we do not talk here
               created_at         INTEGER NOT NULL
           );
INSERT INTO "rooms" VALUES('!dm:localhost','dm','@y:localhost',0,1795755800);
CREATE TABLE schema_version (version INTEGER NOT NULL);
INSERT INTO "schema_version" VALUES(5);
CREATE TABLE sessions (
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
           );
INSERT INTO "sessions" VALUES(1,1,'704f52f6e1ce21396cfde6ba','opening',NULL,'@sara:localhost',NULL,NULL,0,NULL,NULL,1772438400,NULL,NULL);
CREATE TABLE timers (
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
           );
INSERT INTO "timers" VALUES(1,'remind_youth',1,1772442000,'pending',60,NULL,1772438400,NULL,NULL);
INSERT INTO "timers" VALUES(2,'remind_youth',1,1772445000,'pending',10,NULL,1772438400,NULL,NULL);
INSERT INTO "timers" VALUES(3,'remind_counselor',1,1772445000,'pending',10,NULL,1772438400,NULL,NULL);
CREATE TABLE youths (
               user_id      TEXT PRIMARY KEY,
               dm_room_id   TEXT,
               campaign     TEXT,            -- invite-link code, if any
               municipality TEXT,            -- told by the campaign, if any
               intake       TEXT NOT NULL,   -- IntakeState as JSON
               first_seen   INTEGER NOT NULL,
               last_seen    INTEGER NOT NULL
           , offer TEXT);
INSERT INTO "youths" VALUES('@y:localhost','!dm:localhost',NULL,NULL,'{"answers": {"topic": "school"}, "language": "nl", "status": "done", "step": null, "v": 1}',1772438400,1772438400,NULL);
CREATE INDEX cases_youth ON cases (youth_id, created_at);
CREATE UNIQUE INDEX bookings_counselor_start ON bookings (counselor_id, start_at) WHERE status IN ('booked', 'opened');
CREATE UNIQUE INDEX bookings_youth_upcoming ON bookings (youth_id) WHERE status = 'booked';
CREATE INDEX bookings_time ON bookings (start_at, end_at);
CREATE INDEX bookings_case ON bookings (case_id);
CREATE INDEX absences_counselor ON absences (counselor_id, end_date);
CREATE INDEX timers_pending ON timers (due_at) WHERE status = 'pending';
CREATE INDEX timers_booking ON timers (booking_id);
COMMIT;
