"""Who may act on and read a case (the one rule of bot/domain/case_access.py), `!cases`,
`!case`, and the per-counselor reply language — in-process (tests/support/harness)."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.domain.case_access import Access, Assignment, CaseFacts, Handover, access
from bot.storage import rights, youths
from bot.storage import sessions as store
from tests.support.harness import BRUSSELS, SARA, TOM, YOUTH, Harness, counselor, make_config

ADMIN = "@admin:fake"  # an admin who is no counselor
GHOST = "@ghost:fake"  # staff (staff-room invite) but no counselor in the config
OTHER = "@other:fake"  # another youth
NOTE = "belt liever dan te chatten"
# Every counselor command that takes a case, with a reference and (for !handover) a colleague.
CASE_COMMANDS = ("!note geheim {ref}", "!followup 2026-12-08 10:00 {ref}",
                 "!handover {colleague} {ref}", "!end done {ref}", "!case {ref}")


async def start(tmp_path: Path, **overrides: object) -> Harness:
    return await Harness.start(tmp_path, admins=[ADMIN],
                               staff_room={"invite": [GHOST]}, **overrides)


@pytest.fixture
async def h(tmp_path: Path):  # type: ignore[no-untyped-def]
    harness = await start(tmp_path)
    yield harness
    await harness.close()


def nl(h: Harness, key: str, **values: str) -> str:
    return h.config.catalogue.plain("nl", key, **values)


async def owned(h: Harness) -> tuple[str, store.Session]:
    """A youth in a session with Sara, both joined: Sara is the case's counselor. A note."""
    session = await h.open_now()
    assert session.room_id
    await h.joins(session.room_id, YOUTH)
    await h.joins(session.room_id, SARA)
    ref = await h.db.fetchval("SELECT ref FROM cases WHERE youth_id = ?", (YOUTH,))
    assert await h.counselor_says(SARA, f"!note {NOTE} #{ref}") == [
        nl(h, "session.note_saved", ref=ref)]
    return ref, session


async def standin(h: Harness, tom_language: str = "nl") -> str:
    """Sara never came: at 10:06 Tom stands in for her session."""
    session = await h.open_now()
    assert session.room_id
    await h.joins(session.room_id, YOUTH)
    h.at(datetime(2026, 12, 1, 10, 6, tzinfo=BRUSSELS))
    await h.run_due()
    fresh = await store.get(h.db, session.id)
    assert fresh is not None and fresh.counselor_id == TOM and fresh.standin_for == SARA
    ref = await h.db.fetchval("SELECT ref FROM cases WHERE youth_id = ?", (YOUTH,))
    assert await h.counselor_says(TOM, f"!note {NOTE} #{ref}") == [
        h.config.catalogue.plain(tom_language, "session.note_saved", ref=ref)]
    return ref


async def handed_over(h: Harness) -> str:
    """Sara handed the case to Tom and the youth said yes."""
    ref, _ = await owned(h)
    await h.counselor_says(SARA, f"!handover {TOM}")
    await h.youth_says(YOUTH, "ja")
    assert await h.db.fetchval("SELECT counselor_id FROM cases WHERE ref = ?", (ref,)) == TOM
    return ref


async def state(h: Harness) -> tuple[object, ...]:
    return (await h.db.fetchval("SELECT COUNT(*) FROM case_notes"),
            await h.db.fetchval("SELECT COUNT(*) FROM bookings"),
            await h.db.fetchval("SELECT COUNT(*) FROM handovers"),
            await h.db.fetchval("SELECT COUNT(*) FROM sessions WHERE state = 'ended'"))


async def assert_refused(h: Harness, who: str, ref: str, colleague: str = TOM) -> None:
    """Every case command on `ref` gets exactly the answer an unknown reference gets, and
    changes nothing."""
    before = await state(h)
    for command in CASE_COMMANDS:
        (real,) = await h.counselor_says(who, command.format(ref=f"#{ref}", colleague=colleague))
        (fake,) = await h.counselor_says(who, command.format(ref="#ZZZ-999",
                                                             colleague=colleague))
        assert real == fake.replace("ZZZ-999", ref), (who, command)
        assert real == nl(h, "session.unknown_case", ref=ref), (who, command)
        assert NOTE not in real
    assert await state(h) == before


async def case_view(h: Harness, who: str, ref: str) -> str:
    (reply,) = await h.counselor_says(who, f"!case #{ref}")
    assert reply.startswith(nl(h, "caseload.case_title", ref=f"#{ref}", status="X", opened="X",
                               counselor="X", topic="X", municipality="X").split("#")[0])
    return reply


async def case_reads(h: Harness) -> list[tuple[str, str, str | None]]:
    return [(e.action, e.reason, e.actor) for e in await rights.audit_trail(h.db)
            if e.action.startswith("case_read")]


# --- the rule itself (pure) -------------------------------------------------------------------


def test_the_rule_on_its_own() -> None:
    counselors, admins = {SARA, TOM}, {ADMIN}
    mine = CaseFacts(1, "AAA-BBB", SARA, Assignment(SARA, 100), None)
    assert access(mine, SARA, counselors, admins) is Access.ACT
    assert access(mine, TOM, counselors, admins) is Access.NONE
    assert access(mine, ADMIN, counselors, admins) is Access.READ
    assert access(None, SARA, counselors, admins) is Access.NONE
    assert access(mine, SARA, {TOM}, admins) is Access.NONE  # no longer in the config
    stood_in = CaseFacts(1, "AAA-BBB", None, Assignment(TOM, 100), None)
    assert access(stood_in, TOM, counselors, admins) is Access.ACT
    assert access(stood_in, SARA, counselors, admins) is Access.NONE
    handed = CaseFacts(1, "AAA-BBB", TOM, Assignment(SARA, 100), None,
                       (Handover(SARA, TOM, 200),))
    assert access(handed, TOM, counselors, admins) is Access.ACT
    assert access(handed, SARA, counselors, admins) is Access.NONE
    # A session Sara holds after the handover (the youth booked her again) is hers again.
    again = CaseFacts(1, "AAA-BBB", TOM, Assignment(SARA, 300), None, (Handover(SARA, TOM, 200),))
    assert access(again, SARA, counselors, admins) is Access.ACT
    booked = CaseFacts(1, "AAA-BBB", None, None, Assignment(TOM, 100))
    assert access(booked, TOM, counselors, admins) is Access.ACT


# --- the authorisation matrix -----------------------------------------------------------------


async def test_the_case_counselor_may_everything_others_nothing(h: Harness) -> None:
    ref, _ = await owned(h)
    assert NOTE in await case_view(h, SARA, ref)
    await assert_refused(h, TOM, ref, colleague=SARA)  # a counselor on another's case
    await assert_refused(h, GHOST, ref)  # staff, but no counselor in the config
    # The admin may read (audited as an admin read) but not act.
    assert NOTE in await case_view(h, ADMIN, ref)
    before = await state(h)
    for command in CASE_COMMANDS[:-1]:
        (reply,) = await h.counselor_says(ADMIN, command.format(ref=f"#{ref}", colleague=TOM))
        assert reply == nl(h, "session.unknown_case", ref=ref), command
    assert await state(h) == before
    reads = [r for r in await case_reads(h) if r[0] != "case_read_refused"]
    assert reads == [("case_read_admin", f"#{ref}", ADMIN), ("case_read", f"#{ref}", SARA)]
    # Sara ends it (after everything else was tried).
    (ended,) = await h.counselor_says(SARA, f"!end done #{ref}")
    assert ended.startswith(nl(h, "session.ended", ref=ref, outcome="X").split("X")[0])


async def test_a_counselor_removed_from_the_config_loses_their_cases(h: Harness) -> None:
    ref, _ = await owned(h)
    await h.db.execute("UPDATE cases SET counselor_id = ? WHERE ref = ?", (GHOST, ref))
    await h.db.execute("UPDATE sessions SET counselor_id = ?", (GHOST,))
    await assert_refused(h, GHOST, ref)
    assert await h.counselor_says(GHOST, "!cases") == [nl(h, "caseload.cases_none")]
    assert await h.counselor_says(GHOST, "!end done") == [nl(h, "session.no_case")]
    # Not in the config and not staff at all: talked to as anyone else, nothing of the case.
    removed = "@removed:fake"
    await h.db.execute("UPDATE cases SET counselor_id = ? WHERE ref = ?", (removed, ref))
    reads = await case_reads(h)
    for command in (f"!case #{ref}", "!cases", f"!note x #{ref}", f"!end done #{ref}"):
        for reply in await h.youth_says(removed, command):
            assert NOTE not in reply and ref not in reply
    assert await case_reads(h) == reads
    assert all(actor == GHOST for _, _, actor in reads)


async def test_a_stand_in_may_act_and_the_absent_counselor_not(h: Harness) -> None:
    ref = await standin(h)
    view = await case_view(h, TOM, ref)
    assert NOTE in view and "Sara" in view  # stand-in for Sara
    (cases,) = await h.counselor_says(TOM, "!cases")
    assert f"#{ref}" in cases
    await assert_refused(h, SARA, ref)
    (followup,) = await h.counselor_says(TOM, f"!followup 2026-12-08 10:00 #{ref}")
    assert "8 dec" in followup
    assert await h.db.fetchval("SELECT counselor_id FROM bookings WHERE status = 'booked'") == TOM
    (ended,) = await h.counselor_says(TOM, "!end done")  # his current session, no ref
    assert ended.startswith(nl(h, "session.ended", ref=ref, outcome="X").split("X")[0])


async def test_after_a_handover_the_colleague_acts_and_the_previous_counselor_not(
        h: Harness) -> None:
    ref = await handed_over(h)
    # Sara: neither with the reference nor as "her current session".
    await assert_refused(h, SARA, ref)
    for command in ("!note nog iets", "!end done", "!followup 2026-12-08 10:00"):
        assert await h.counselor_says(SARA, command) == [nl(h, "session.no_case")], command
    assert await h.counselor_says(SARA, "!cases") == [nl(h, "caseload.cases_none")]
    # Tom: everything.
    assert await h.counselor_says(TOM, f"!note overgenomen #{ref}") == [
        nl(h, "session.note_saved", ref=ref)]
    view = await case_view(h, TOM, ref)
    assert NOTE in view and "overgenomen" in view
    assert "Sara → Tom" in view
    (followup,) = await h.counselor_says(TOM, f"!followup 2026-12-08 10:00 #{ref}")
    assert "8 dec" in followup or "8 december" in followup
    (ended,) = await h.counselor_says(TOM, f"!end done #{ref}")
    assert ended.startswith(nl(h, "session.ended", ref=ref, outcome="X").split("X")[0])
    # Handed back: Sara's again, Tom's no more.
    (asked,) = await h.counselor_says(TOM, f"!handover {SARA} #{ref}")
    assert asked == nl(h, "session.handover_asked", ref=ref, counselor="Tom", colleague="Sara")
    await h.youth_says(YOUTH, "ja")
    assert NOTE in await case_view(h, SARA, ref)
    await assert_refused(h, TOM, ref, colleague=SARA)


async def test_youths_get_nothing_of_a_case(h: Harness) -> None:
    ref, _ = await owned(h)
    await h.youth_says(OTHER, "hoi")
    for who in (YOUTH, OTHER):
        for command in ("!cases", f"!case #{ref}", f"!note x #{ref}", f"!end done #{ref}",
                        f"!followup 2026-12-08 10:00 #{ref}", f"!handover {TOM} #{ref}",
                        f"!close #{ref} x", "!audit"):
            for reply in await h.youth_says(who, command):
                assert NOTE not in reply and ref not in reply, (who, command)
    assert await case_reads(h) == []
    assert await state(h) == (1, 1, 0, 0)


# --- what !cases and !case show ---------------------------------------------------------------


async def test_cases_lists_only_the_counselors_own_youths(h: Harness) -> None:
    ref, _ = await owned(h)
    # Another youth, Tom's, with an upcoming booking and a note of Tom's.
    _, case = await youths.first_contact(h.db, OTHER, "!elsewhere:fake",
                                         h.router.youth.flow.new_state(), h.clock.now())
    await store.set_case_counselor(h.db, case.id, TOM, only_if_unset=False)
    await store.add_note(h.db, case.id, TOM, "andere jongere", h.clock.now())
    (sara,) = await h.counselor_says(SARA, "!cases")
    assert f"#{ref}" in sara and case.ref not in sara
    assert nl(h, "caseload.cases_title", count="1", page="1", pages="1") in sara
    assert "School" in sara or "school" in sara  # the topic's label
    (tom,) = await h.counselor_says(TOM, "!cases")
    assert case.ref in tom and ref not in tom
    for reply in (sara, tom):
        assert "@" not in reply  # no Matrix id of a youth (nor anyone's)
    await assert_refused(h, SARA, case.ref, colleague=TOM)


async def test_case_shows_intake_sessions_notes_handovers_and_the_crisis_net(
        h: Harness) -> None:
    ref, _ = await owned(h)
    await h.youth_says(YOUTH, "ik wil dood")  # an acute crisis message: an alert
    await h.counselor_says(SARA, "!end done")
    await h.counselor_says(SARA, f"!handover {TOM}")
    await h.youth_says(YOUTH, "nee")
    mark = h.mark()
    view = await case_view(h, SARA, ref)
    reply = h.transport.sent[mark:][-1].message
    # Sections, with what they hold.
    for key in ("intake_title", "sessions_title", "handovers_title", "alerts_title"):
        assert nl(h, f"caseload.{key}") in view, key
    assert NOTE in view and "Sara" in view
    assert nl(h, "caseload.handover_declined") in view
    assert nl(h, "caseload.alert_acute") in view
    assert "ik wil dood" not in view  # the crisis net never keeps the youth's words
    assert "@" not in view
    assert reply.html.startswith("<p><b>") and "<ul><li>" in reply.html


async def test_case_escapes_what_people_wrote_in_html(h: Harness) -> None:
    ref, _ = await owned(h)
    await h.counselor_says(SARA, f"!note <b>vet</b> & <script>x</script> #{ref}")
    mark = h.mark()
    view = await case_view(h, SARA, ref)
    html = h.transport.sent[mark:][-1].message.html
    assert "<b>vet</b> & <script>x</script>" in view  # plain body: as written
    assert "&lt;b&gt;vet&lt;/b&gt; &amp; &lt;script&gt;" in html and "<script>" not in html


async def test_long_lists_are_paged(h: Harness) -> None:
    ref, session = await owned(h)
    for i in range(12):
        await store.add_note(h.db, session.case_id, SARA, f"notitie {i}",
                             h.clock.now() + timedelta(minutes=i))
    view = await case_view(h, SARA, ref)
    assert "notitie 11" in view and "notitie 2" in view and "notitie 1\n" not in view
    assert nl(h, "caseload.more", command=f"!case #{ref} 2") in view
    (older,) = await h.counselor_says(SARA, f"!case #{ref} 2")
    assert "notitie 1\n" in older and "notitie 0" in older and NOTE in older
    assert "notitie 11" not in older
    for i in range(16):  # 16 more youths of Sara's: 17 cases
        _, case = await youths.first_contact(h.db, f"@y{i}:fake", f"!r{i}:fake",
                                             h.router.youth.flow.new_state(), h.clock.now())
        await store.set_case_counselor(h.db, case.id, SARA, only_if_unset=False)
    (first,) = await h.counselor_says(SARA, "!cases")
    assert nl(h, "caseload.cases_title", count="17", page="1", pages="2") in first
    assert first.count("\n• ") == 15 and nl(h, "caseload.more", command="!cases 2") in first
    (second,) = await h.counselor_says(SARA, "!dossiers 2")
    assert second.count("\n• ") == 2
    for word in ("twee", "0", "²"):
        (bad,) = await h.counselor_says(SARA, f"!cases {word}")
        assert bad.startswith(nl(h, "caseload.bad_page", text=word)), word
    (usage,) = await h.counselor_says(SARA, "!case")
    assert "!case" in usage and "#CODE" in usage


async def test_every_read_is_audited_and_admins_see_who(h: Harness) -> None:
    ref, _ = await owned(h)
    await h.counselor_says(SARA, f"!case #{ref}")
    await h.counselor_says(TOM, f"!case #{ref}")  # refused, also written down
    assert await case_reads(h) == [("case_read_refused", f"#{ref}", TOM),
                                   ("case_read", f"#{ref}", SARA)]
    (trail,) = await h.counselor_says(ADMIN, "!audit")
    assert f"case_read ×1 — #{ref} " + nl(h, "rights.audit_by", actor=SARA) in trail
    assert "@youth" not in trail


async def test_close_of_a_claimed_alert_is_for_the_claimer_and_the_case(h: Harness) -> None:
    ref, _ = await owned(h)
    await h.youth_says(YOUTH, "ik wil dood")
    await h.counselor_says(TOM, f"!claim #{ref}")
    (refused,) = await h.counselor_says(GHOST, f"!close #{ref} vals alarm")
    assert refused == nl(h, "caseload.close_claimed", ref=ref, counselor="Tom")
    (closed,) = await h.counselor_says(SARA, f"!close #{ref} gebeld")  # the case's counselor
    assert closed == nl(h, "crisis.closed", ref=ref)
    # An admin may close a claimed alert too; the one who claimed it, of course.
    for closer in (ADMIN, TOM):
        await h.youth_says(YOUTH, "ik wil dood")
        await h.counselor_says(TOM, f"!claim #{ref}")
        assert await h.counselor_says(closer, f"!close #{ref} ok") == [
            nl(h, "crisis.closed", ref=ref)]


# --- the counselor's own language -------------------------------------------------------------


async def test_replies_and_notices_are_in_the_counselors_language(tmp_path: Path) -> None:
    h = await start(tmp_path, scheduling={"counselors": [
        counselor(SARA, "Sara"), counselor(TOM, "Tom", languages=["en", "nl"])]})
    en = h.config.catalogue
    try:
        assert await h.counselor_says(TOM, "!cases") == [en.plain("en", "caseload.cases_none")]
        assert await h.counselor_says(SARA, "!cases") == [nl(h, "caseload.cases_none")]
        (help_text,) = await h.counselor_says(TOM, "!help")
        assert help_text.startswith(en.plain("en", "commands.help_intro"))
        ref = await standin(h, "en")  # Tom is told in English that he stands in
        tom_dm = await h.counselor_dm(TOM)
        assert en.plain("en", "session.standin_invited", ref=ref) in h.since(0, tom_dm)
        sara_dm = await h.counselor_dm(SARA)
        assert nl(h, "session.standin_took_over", ref=ref, standin="Tom") in h.since(0, sara_dm)
        (view,) = await h.counselor_says(TOM, f"!case #{ref}")
        assert en.plain("en", "caseload.sessions_title") in view
        # In the staff room the service's default language, whoever asks.
        assert await h.message(h.staff_room, TOM, "!alerts") == [nl(h, "crisis.alerts_none")]
    finally:
        await h.close()


async def test_an_explicit_language_wins(tmp_path: Path) -> None:
    h = await start(tmp_path, scheduling={"counselors": [
        counselor(SARA, "Sara", languages=["nl", "en"], language="en"), counselor(TOM, "Tom")]})
    try:
        assert await h.counselor_says(SARA, "!cases") == [
            h.config.catalogue.plain("en", "caseload.cases_none")]
        # An admin who is no counselor: the service's default.
        assert await h.counselor_says(ADMIN, "!cases") == [nl(h, "caseload.cases_none")]
    finally:
        await h.close()


def test_a_language_the_counselor_does_not_speak_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="must be one of languages"):
        make_config(tmp_path, scheduling={"counselors": [
            counselor(SARA, "Sara", languages=["nl"], language="en")]})
