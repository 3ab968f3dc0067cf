"""The youth's rights in-process: history, erasure with confirmation, retention, sealing."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from bot.domain import session_rules as rules
from bot.metrics import METRICS
from bot.purges import RoomPurger
from bot.services.retention import RetentionJob
from bot.storage import bookings, purges, rights, youths
from bot.storage.sealing import unseal
from tests.support.fake_synapse_admin import FakeSynapse, Ticks
from tests.support.harness import SARA, TOM, YOUTH, Harness

OTHER = "@other:fake"
STORY = "MARKERzq7 thuis gaat het niet goed"
NOTE = "NOTEMARKk3 vraagt naar budgethulp"
OTHER_STORY = "OTHERMARKp9 ik pest niemand"


async def intake(h: Harness, user: str, story: str) -> list[str]:
    await h.youth_says(user, "hoi")
    for answer in ("1", "2", "school", "deze week", "kortrijk"):
        await h.youth_says(user, answer)
    return await h.youth_says(user, story)


async def session_with(h: Harness, user: str, story: str, counselor: str) -> str:
    """Intake, book now, the room opens, both join; the session room."""
    offer = (await intake(h, user, story))[-1]
    assert "1. Nu meteen" in offer, offer
    await h.youth_says(user, "1")
    await h.run_due()
    booking = await bookings.active_booking(h.db, user)
    room = await h.db.fetchval(
        "SELECT s.room_id FROM sessions s JOIN bookings b ON b.id = s.booking_id "
        "WHERE b.youth_id = ?", (user,))
    assert room is not None, booking
    await h.joins(room, user)
    await h.joins(room, counselor)
    return room


async def two_youths(h: Harness) -> None:
    """YOUTH: a session with Sara (ended, a private note) and a follow-up next week;
    OTHER: a session with Tom at the same time."""
    await session_with(h, YOUTH, STORY, SARA)
    await session_with(h, OTHER, OTHER_STORY, TOM)
    await h.counselor_says(SARA, f"!note {NOTE}")
    await h.counselor_says(SARA, "!end done")
    await h.counselor_says(SARA, "!followup 2026-12-08 15:00")
    assert await bookings.active_booking(h.db, YOUTH) is not None


async def all_rows(h: Harness) -> dict[str, str]:
    """Every table of the schema, dumped as text."""
    tables = [r["name"] for r in await h.db.fetchall(
        "SELECT name FROM sqlite_master WHERE type = 'table'")]
    return {t: json.dumps([dict(r) for r in await h.db.fetchall(f"SELECT * FROM {t}")])
            for t in tables}


def raw_file(h: Harness) -> bytes:
    assert h.db.path is not None
    data = b""
    for suffix in ("", "-wal"):
        path = Path(h.db.path + suffix)
        if path.exists():
            data += path.read_bytes()
    return data


async def test_history_shows_exactly_the_youths_own_sessions(h: Harness) -> None:
    await two_youths(h)
    (history,) = await h.youth_says(YOUTH, "geschiedenis")
    assert "Sara" in history and "Tom" not in history
    assert "School" in history and "Kortrijk" in history
    assert rules.outcome_label(h.config.session, "done", "nl") in history
    assert "volgende afspraak" in history.lower() and "8 dec" in history
    assert "NOTEMARK" not in history and "MARKER" not in history
    assert h.config.web.service_name in history
    (other,) = await h.youth_says(OTHER, "history")
    assert "Tom" in other and "Sara" not in other and "volgende afspraak" not in other.lower()


async def test_history_file_sends_text_and_json(h: Harness) -> None:
    await two_youths(h)
    dm = await h.dm(YOUTH)
    (reply,) = await h.youth_says(YOUTH, "geschiedenis bestand")
    assert "bestand" in reply
    files = {f.filename: f for f in h.transport.files if f.room_id == dm}
    assert set(files) == {"geschiedenis.txt", "geschiedenis.json"}
    data = json.loads(files["geschiedenis.json"].data)
    assert [s["counselor"] for s in data["sessions"]] == ["Sara"]
    assert data["next_appointment"]["counselor"] == "Sara"
    assert "Sara" in files["geschiedenis.txt"].data.decode()
    assert b"NOTEMARK" not in files["geschiedenis.txt"].data + files["geschiedenis.json"].data


async def test_history_without_sessions(h: Harness) -> None:
    await h.youth_says(YOUTH, "hoi")
    (reply,) = await h.youth_says(YOUTH, "history")
    assert "nog geen gesprek" in reply


async def test_erasure_needs_the_typed_confirmation(h: Harness) -> None:
    await two_youths(h)
    before = await all_rows(h)
    (ask,) = await h.youth_says(YOUTH, "vergeet mij")
    assert "WIS ALLES" in ask and "anonieme aantallen" in ask
    (kept,) = await h.youth_says(YOUTH, "nee toch niet")
    assert "niets gewist" in kept
    after = await all_rows(h)
    for table in ("cases", "bookings", "case_notes", "sessions", "youths"):
        assert after[table] == before[table] or table == "youths"
    assert await bookings.active_booking(h.db, YOUTH) is not None
    # The confirmation alone, without the question, is nothing either.
    replies = await h.youth_says(YOUTH, "wis alles")
    assert not any("gewist" in r for r in replies)
    # A question not confirmed in time lapses.
    await h.youth_says(YOUTH, "vergeet mij")
    h.at(h.clock.now() + timedelta(hours=1))
    replies = await h.youth_says(YOUTH, "wis alles")
    assert not any("is gewist" in r for r in replies)
    assert await rights.youth_data(h.db, YOUTH) != rights.YouthData(0, 0, [], None)


async def test_erasure_removes_every_trace_of_the_youth(h: Harness) -> None:
    await two_youths(h)
    await h.youth_says(YOUTH, "ik wil niet meer leven")  # a crisis alert on their case
    assert await h.db.fetchval("SELECT COUNT(*) FROM crisis_alerts") == 1
    sara_dm = await h.counselor_dm(SARA)
    bookings_total = METRICS.get("chathulp_bookings_total")
    other_before = (await all_rows(h))["cases"].count("@other:fake")

    await h.youth_says(YOUTH, "vergeet mij")
    mark = h.mark()
    done = await h.youth_says(YOUTH, "WIS ALLES")
    assert any("alles over jou is gewist" in r for r in done)
    # The counselor hears that the appointment is cancelled, nothing more.
    (told,) = h.since(mark, sara_dm)
    assert "Geannuleerd" in told and "MARKER" not in told and YOUTH not in told

    rows = await all_rows(h)
    for table, dump in rows.items():
        assert YOUTH not in dump, table
        assert "MARKERzq7" not in dump and "NOTEMARK" not in dump, table
    assert rows["cases"].count("@other:fake") == other_before  # the other youth stays
    raw = raw_file(h)
    assert b"MARKERzq7" not in raw and b"NOTEMARK" not in raw and YOUTH.encode() not in raw
    assert METRICS.get("chathulp_bookings_total") == bookings_total  # figures unchanged
    trail = await rights.audit_trail(h.db)
    assert [(a.action, a.reason) for a in trail] == [("erasure", "youth request")]
    assert YOUTH not in json.dumps([a.__dict__ for a in trail], default=str)

    # Coming back later: a fresh start with the greeting and the first question.
    again = await h.youth_says(YOUTH, "hoi")
    assert any("chatbot" in r for r in again)
    (history,) = await h.youth_says(YOUTH, "geschiedenis")
    assert "nog geen gesprek" in history


async def test_erasure_with_an_admin_token_queues_the_purge_and_says_it_is_underway(
    h: Harness,
) -> None:
    await two_youths(h)
    room = await h.db.fetchval(
        "SELECT s.room_id FROM sessions s JOIN bookings b ON b.id = s.booking_id "
        "WHERE b.youth_id = ?", (YOUTH,))
    synapse = FakeSynapse()
    h.ctx.admin = synapse  # type: ignore[assignment]
    ticks = Ticks()
    worker = RoomPurger(h.db, h.clock, lambda: synapse, monotonic=ticks)
    h.ctx.purges = worker
    await h.youth_says(YOUTH, "vergeet mij")
    done = await h.youth_says(YOUTH, "WIS ALLES")
    assert any("alles over jou is gewist" in r for r in done)
    # Not "purged": the homeserver does that in the background.
    assert any("worden nu van de server van de dienst verwijderd" in r for r in done)
    assert not any("staan nog op de server" in r for r in done)
    assert worker._wake.is_set()  # woken once the erasure committed
    # Queued with the erasure: the room id and the reason, nothing about the youth.
    assert [(p.room_id, p.reason) for p in await purges.pending(h.db)] == [
        (room, "youth request")]
    for table, dump in (await all_rows(h)).items():
        assert YOUTH not in dump and "MARKERzq7" not in dump, table
    assert synapse.calls == []  # nothing asked inside the youth's message handling
    actions = [a.action for a in await rights.audit_trail(h.db)]
    assert actions == ["erasure"]

    await worker.pump()  # asked; Synapse's task is not done yet: no purge in the trail
    assert synapse.calls == [("DELETE", room)]
    assert [a.action for a in await rights.audit_trail(h.db)] == ["erasure"]
    synapse.finish("task1")
    ticks.t += 2
    await worker.pump()
    assert await purges.pending(h.db) == []
    trail = await rights.audit_trail(h.db)
    assert [(a.action, a.reason) for a in trail] == [("purge", "youth request"),
                                                    ("erasure", "youth request")]


async def test_privacy_word_links_the_notice(h: Harness) -> None:
    (reply,) = await h.youth_says(YOUTH, "privacy")
    assert "/privacy?lang=nl" in reply and "chatbot" in reply


async def test_free_text_is_sealed_in_the_raw_file(h: Harness) -> None:
    await intake(h, YOUTH, STORY)
    raw = raw_file(h)  # the database file and its write-ahead log, as a backup copies them
    assert b"MARKERzq7" not in raw and b"thuis gaat" not in raw
    case_text = await h.db.fetchval("SELECT free_text FROM cases WHERE youth_id = ?", (YOUTH,))
    assert case_text.startswith("cx1:")
    # …but the bot reads it back transparently.
    case = await youths.latest_case(h.db, YOUTH)
    assert case is not None and case.free_text == STORY and case.answers["story"] == STORY


async def test_retention_with_the_clock_and_a_restart(h: Harness) -> None:
    eraser = h.router.youth.rights.eraser
    # YOUTH: a session with a story; OTHER: an intake that never led to a session.
    await session_with(h, YOUTH, STORY, SARA)
    await h.counselor_says(SARA, "!end done")
    await intake(h, OTHER, OTHER_STORY)
    start = h.clock.now()

    job = RetentionJob(h.ctx, eraser)
    assert await job.run_if_due() == {"free_text": 0, "intakes": 0, "cases": 0,
                                      "accounts": 0}
    assert await job.run_if_due() is None  # once a day

    # The bot is down from day 2 to day 40; at start, what expired meanwhile goes.
    h.at(start + timedelta(days=40))
    restarted = RetentionJob(h.ctx, eraser, check_every=3600)
    await restarted.start()
    await restarted.stop()
    assert await h.db.fetchval("SELECT COUNT(*) FROM youths WHERE user_id = ?", (OTHER,)) == 0
    assert await h.db.fetchval("SELECT COUNT(*) FROM cases WHERE youth_id = ?", (YOUTH,)) == 1

    # Day 91 after the last session: the youth's own words go, the case stays.
    h.at(start + timedelta(days=91))
    counts = await RetentionJob(h.ctx, eraser).run_if_due()
    assert counts is not None and counts["free_text"] == 1
    case = await h.db.fetchone("SELECT free_text, answers FROM cases WHERE youth_id = ?",
                               (YOUTH,))
    assert case is not None and case["free_text"] is None
    assert "story" not in json.loads(unseal(case["answers"]) or "{}")
    assert "MARKERzq7" not in unseal(await h.db.fetchval(
        "SELECT intake FROM youths WHERE user_id = ?", (YOUTH,))) or ""

    # Thirteen months on: everything about the youth.
    h.at(start + timedelta(days=400))
    counts = await RetentionJob(h.ctx, eraser).run_if_due()
    assert counts is not None and counts["cases"] == 1
    assert YOUTH not in json.dumps(await all_rows(h))
    reasons = {a.reason for a in await rights.audit_trail(h.db)}
    assert {"retention: intakes", "retention: free_text", "retention: cases"} <= reasons


async def test_admins_read_the_audit_trail_without_personal_data(tmp_path: Path) -> None:
    admin = "@admin:fake"
    h = await Harness.start(tmp_path, admins=[admin])
    try:
        (empty,) = await h.counselor_says(admin, "!audit")
        assert "leeg" in empty
        await intake(h, YOUTH, STORY)
        await h.youth_says(YOUTH, "vergeet mij")
        await h.youth_says(YOUTH, "wis alles")
        await rights.audit(h.db, "case_read", "staff: follow-up", h.clock.now(), actor=SARA)
        (trail,) = await h.counselor_says(admin, "!audit")
        assert "erasure" in trail and "youth request" in trail and "case_read" in trail
        assert YOUTH not in trail and "MARKER" not in trail
        # Counselors may not read it.
        (refused,) = await h.counselor_says(SARA, "!audit")
        assert "erasure" not in refused
    finally:
        await h.close()


async def test_greeting_and_privacy_are_true_when_the_bot_stays(tmp_path: Path) -> None:
    h = await Harness.start(tmp_path, session={"bot_stays": True})
    try:
        await h.youth_says(YOUTH, "hoi")
        (first, *_) = await h.youth_says(YOUTH, "1")  # the greeting follows the language
        assert "Ik blijf erin" in first and "ga ik weg" not in first
        (reply,) = await h.youth_says(YOUTH, "privacy")
        assert "blijft de chatbot" in reply
    finally:
        await h.close()


async def test_greeting_says_the_bot_reads_the_intake_and_leaves(h: Harness) -> None:
    await h.youth_says(YOUTH, "hoi")
    (first, *_) = await h.youth_says(YOUTH, "1")  # the greeting follows the language
    assert "lees en bewaar" in first and "ga ik weg" in first
