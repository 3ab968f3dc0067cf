"""The crisis net in the youth's conversation and the alerts counselors act on, in-process."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from bot.handlers.crisis import on_duty_now
from bot.handlers.transport import Incoming
from bot.matrix.sync import handle_once
from bot.storage import sessions
from bot.storage.sealing import unseal
from tests.support.harness import ALL_DAY, BRUSSELS, SARA, START, TOM, YOUTH, Harness

ACUTE = "ik wil niet meer leven"
CONCERN = "ik zie het niet meer zitten"


def text(h: Harness, key: str, language: str = "nl") -> str:
    return h.config.catalogue.get(language, key)


def both(h: Harness, key: str) -> str:
    """A text in Dutch, then English: what a youth reads before choosing a language."""
    return text(h, key, "nl") + "\n\n" + text(h, key, "en")


def start_of(template: str) -> str:
    """The literal beginning of a catalogue text (before any placeholder)."""
    return template.split("{")[0][:40]


async def alerts(h: Harness) -> list[tuple[str, str, int]]:
    rows = await h.db.fetchall("SELECT tier, state, hits FROM crisis_alerts ORDER BY id")
    return [(r["tier"], r["state"], int(r["hits"])) for r in rows]


async def test_concern_asks_and_no_carries_on_at_the_same_step(h: Harness) -> None:
    await h.youth_says(YOUTH, "hoi")
    # The language: Dutch -> the greeting with the age question (its last paragraph).
    age_q = (await h.youth_says(YOUTH, "1"))[-1].split("\n\n")[-1]
    staff = h.mark()
    asked = await h.youth_says(YOUTH, CONCERN)
    assert asked == [text(h, "crisis.concern_question")]
    no = await h.youth_says(YOUTH, "nee")
    assert no == [text(h, "crisis.concern_no"), age_q]
    assert not any("begreep" in r for r in no)
    assert h.since(staff, h.staff_room) == []
    # Noted on the case for the counselor, not alerted; no words of the youth.
    assert await alerts(h) == [("concern", "closed", 1)]
    # The intake goes on from that step.
    nxt = await h.youth_says(YOUTH, "2")
    assert nxt and nxt[-1] != age_q


async def test_concern_then_yes_is_the_acute_path(h: Harness) -> None:
    await h.youth_says(YOUTH, "hoi")
    await h.youth_says(YOUTH, CONCERN)
    staff = h.mark()
    replies = await h.youth_says(YOUTH, "ja")
    assert len(replies) == 1 and "1813" in replies[0]
    (alert,) = h.since(staff, h.staff_room)
    case_ref = await h.db.fetchval("SELECT ref FROM cases")
    assert case_ref in alert and "!claim" in alert
    assert await alerts(h) == [("acute", "open", 1)]


async def test_acute_message_is_not_also_an_intake_answer(h: Harness) -> None:
    await h.youth_says(YOUTH, "hoi")
    step = await h.db.fetchval("SELECT intake FROM youths")
    replies = await h.youth_says(YOUTH, ACUTE)
    assert len(replies) == 1 and "1813" in replies[0]
    assert await h.db.fetchval("SELECT intake FROM youths") == step  # no answer taken


async def test_second_hit_within_quiet_period_updates_the_one_alert(h: Harness) -> None:
    await h.youth_says(YOUTH, "hoi")
    staff = h.mark()
    first = await h.youth_says(YOUTH, ACUTE)
    again = [await h.youth_says(YOUTH, ACUTE) for _ in range(5)]
    assert "1813" in first[0] and len(first[0]) > 200
    assert all(r == [both(h, "crisis.again_nobody")] for r in again)  # no language yet
    assert len(h.since(staff, h.staff_room)) == 1  # one alert, not six
    assert await alerts(h) == [("acute", "open", 6)]
    # After the quiet period: the whole text again, and an update (not a new alert).
    h.at(START + timedelta(minutes=h.config.crisis.quiet_minutes + 1))
    staff = h.mark()
    later = await h.youth_says(YOUTH, ACUTE)
    assert len(later[0]) > 200
    (update,) = h.since(staff, h.staff_room)
    assert start_of(text(h, "crisis.alert_again", "nl"))[:10] in update
    assert await alerts(h) == [("acute", "open", 7)]


async def test_nobody_on_duty_says_so_and_never_claims_someone_was_told(tmp_path: Path) -> None:
    hours = {"opening_hours": ALL_DAY}
    night = datetime(2026, 12, 2, 3, 0, tzinfo=BRUSSELS)
    h = await Harness.start(tmp_path, at=night, scheduling=hours)
    try:
        await h.counselor_says(SARA, "!duty on")  # said at night: outside opening hours
        assert await on_duty_now(h.ctx) == []
        await h.youth_says(YOUTH, "hoi")
        staff = h.mark()
        (reply,) = await h.youth_says(YOUTH, ACUTE)
        assert text(h, "crisis.nobody_online") in reply
        assert "verwittigd" not in reply
        assert reply.index("1813") < reply.index(text(h, "crisis.nobody_online"))
        assert text(h, "crisis.alert_nobody") in h.since(staff, h.staff_room)[0]
    finally:
        await h.close()


async def test_on_duty_counselor_is_named_and_youth_told_someone_is_there(h: Harness) -> None:
    assert await on_duty_now(h.ctx) == []  # no auto_duty: nobody said `!duty on`
    assert (await h.counselor_says(SARA, "!duty on")) == [text(h, "crisis.duty_on")]
    assert await on_duty_now(h.ctx) == [SARA]
    await h.youth_says(YOUTH, "hoi")
    staff = h.mark()
    (reply,) = await h.youth_says(YOUTH, ACUTE)
    assert text(h, "crisis.someone_online") in reply
    assert "Sara" in h.since(staff, h.staff_room)[0]
    # `!duty` in the staff room says who; `!duty off` takes Sara off.
    who = await h.message(h.staff_room, TOM, "!duty")
    assert who == [h.config.catalogue.say("nl", "crisis.duty_now", names="Sara").plain]
    await h.counselor_says(SARA, "!duty off")
    assert await on_duty_now(h.ctx) == []


async def test_auto_duty_follows_working_hours_and_absences(tmp_path: Path) -> None:
    h = await Harness.start(tmp_path, scheduling={"auto_duty": True})
    try:
        assert await on_duty_now(h.ctx) == [SARA, TOM]
        await h.counselor_says(TOM, "!away vandaag")
        await h.counselor_says(SARA, "!duty off")
        assert await on_duty_now(h.ctx) == []
        await h.counselor_says(SARA, "!duty on")
        h.at(START.replace(hour=22))  # past the working hours
        assert await on_duty_now(h.ctx) == [SARA]  # said so herself
    finally:
        await h.close()


async def test_claim_one_winner_opens_a_session_room_with_the_youth(h: Harness) -> None:
    await h.youth_says(YOUTH, "hoi")
    await h.youth_says(YOUTH, ACUTE)
    ref = await h.db.fetchval("SELECT ref FROM cases")
    youth_dm = await h.dm(YOUTH)
    mark = h.mark()
    won = await h.message(h.staff_room, SARA, f"!claim {ref}")
    lost = await h.counselor_says(TOM, f"!claim #{ref}")
    assert won[-1] == h.config.catalogue.say("nl", "crisis.claim_won", ref=ref).plain
    assert lost == [h.config.catalogue.say("nl", "crisis.claim_taken", ref=ref,
                                           counselor="Sara").plain]
    assert any("Sara" in t for t in h.since(mark, youth_dm))  # who is coming
    # The room is opened by a timer due at once, after the claim committed.
    assert await sessions.latest_for_counselor(h.db, SARA) is None
    assert await h.run_due() == 1
    session = await sessions.latest_for_counselor(h.db, SARA)
    assert session is not None and session.youth_id == YOUTH and session.room_id
    room = h.transport.rooms[session.room_id]
    assert room.encrypted
    assert {YOUTH, SARA} <= set(room.invited) | room.members
    assert await alerts(h) == [("acute", "claimed", 1)]
    # A claimed alert does not escalate.
    h.at(START + timedelta(minutes=h.config.crisis.escalate_minutes + 1))
    mark = h.mark()
    await h.run_due()
    assert h.since(mark, h.staff_room) == []


async def test_unclaimed_alert_escalates_to_staff_admins_and_youth(tmp_path: Path) -> None:
    h = await Harness.start(tmp_path, admins=[TOM])
    try:
        await h.youth_says(YOUTH, "hoi")
        await h.youth_says(YOUTH, ACUTE)
        youth_dm = await h.dm(YOUTH)
        h.at(START + timedelta(minutes=h.config.crisis.escalate_minutes - 1))
        assert await h.run_due() == 0
        # Due while the bot was down: done late, not dropped.
        h.at(START + timedelta(hours=3))
        mark = h.mark()
        assert await h.run_due() == 1
        staff = h.since(mark, h.staff_room)
        assert len(staff) == 1 and "!claim" in staff[0]
        tom_dm = await h.counselor_dm(TOM)
        assert any("!claim" in t for t in h.since(mark, tom_dm))
        assert h.since(mark, youth_dm) == [both(h, "crisis.escalate_youth")]  # no language
        assert await h.run_due() == 0
    finally:
        await h.close()


async def test_alerts_and_close(h: Harness) -> None:
    assert await h.counselor_says(SARA, "!alerts") == [text(h, "crisis.alerts_none")]
    await h.youth_says(YOUTH, "hoi")
    await h.youth_says(YOUTH, ACUTE)
    ref = await h.db.fetchval("SELECT ref FROM cases")
    (listing,) = await h.message(h.staff_room, SARA, "!alerts")
    assert ref in listing and ACUTE not in listing
    closed = await h.counselor_says(SARA, f"!close #{ref} gebeld, veilig")
    assert closed == [h.config.catalogue.say("nl", "crisis.closed", ref=ref).plain]
    assert await alerts(h) == [("acute", "closed", 1)]
    note = await h.db.fetchval("SELECT note FROM crisis_alerts")
    assert note != "gebeld, veilig"  # sealed at rest
    assert unseal(note) == "gebeld, veilig"
    # Plain talk in the staff room is still not answered.
    assert await h.message(h.staff_room, SARA, "wie neemt dit?") == []


async def test_every_kind_of_text_is_read(h: Harness) -> None:
    await h.youth_says(YOUTH, "hoi")
    # An edit's new text.
    assert "1813" in (await h.youth_says(YOUTH, ACUTE, kind="edit"))[0]
    await h.db.execute("UPDATE crisis_alerts SET state = 'closed'")
    h.at(START + timedelta(hours=1))
    # An image's caption.
    assert "1813" in (await h.youth_says(YOUTH, "I want to die", kind="media"))[0]
    await h.db.execute("UPDATE crisis_alerts SET state = 'closed'")
    h.at(START + timedelta(hours=2))
    # The HTML body.
    html = "<p>ik wil <b>niet meer leven</b></p>"
    assert "1813" in (await h.youth_says(YOUTH, "(zie bijlage)", formatted_body=html))[0]
    await h.db.execute("UPDATE crisis_alerts SET state = 'closed'")
    h.at(START + timedelta(hours=3))
    # Split over two messages in a row.
    first = await h.youth_says(YOUTH, "ik wil")
    assert not any("1813" in r for r in first)
    assert "1813" in (await h.youth_says(YOUTH, "dood"))[0]
    # A plain edit and a picture without words: as before.
    assert await h.youth_says(YOUTH, "hallo", kind="edit") == []
    assert len(await h.youth_says(YOUTH, "", kind="media")) >= 1


async def test_no_free_moments_never_sends_the_crisis_text(tmp_path: Path) -> None:
    h = await Harness.start(tmp_path, scheduling={"counselors": []})
    try:
        replies = await h.finish_intake()
        assert replies and not any(text(h, "crisis.someone_online")[:20] in r for r in replies)
        assert not any("Wat je schrijft, vind ik heel belangrijk" in r for r in replies)
        assert "1813" in replies[-1]  # the lines are in the honest no-slots text
        assert await h.db.fetchval("SELECT COUNT(*) FROM crisis_alerts") == 0
    finally:
        await h.close()


# --- the concern question survives a restart ------------------------------------------------


class Killed(BaseException):
    """The process dies here: nothing catches it, the transaction is not committed."""


async def concern_asked(h: Harness) -> str:
    """Greeting, Dutch, then a concern phrase: the question is asked. The age question."""
    await h.youth_says(YOUTH, "hoi")
    age_q = (await h.youth_says(YOUTH, "1"))[-1].split("\n\n")[-1]
    assert await h.youth_says(YOUTH, CONCERN) == [text(h, "crisis.concern_question")]
    return age_q


async def test_yes_after_a_restart_is_the_acute_path(h: Harness) -> None:
    await concern_asked(h)
    step = await h.db.fetchval("SELECT intake FROM youths")
    # Stored: category and time only, nothing of the youth's words.
    row = await h.db.fetchone("SELECT * FROM crisis_questions")
    assert row is not None and "zitten" not in str(dict(row))
    again = h.restarted()  # new handlers: nothing of the old ones' memory
    staff = again.mark()
    replies = await again.youth_says(YOUTH, "ja")
    assert len(replies) == 1 and "1813" in replies[0]
    assert len(again.since(staff, again.staff_room)) == 1
    assert await alerts(again) == [("acute", "open", 1)]
    assert await h.db.fetchval("SELECT intake FROM youths") == step  # not an intake answer
    assert await h.db.fetchval("SELECT COUNT(*) FROM crisis_questions") == 0  # asked no more
    # The next "ja" is no answer to a question any more: no second crisis reply.
    assert not any("1813" in r for r in await again.youth_says(YOUTH, "ja"))


async def test_no_after_a_restart_carries_on_at_the_same_step(h: Harness) -> None:
    age_q = await concern_asked(h)
    again = h.restarted()
    staff = again.mark()
    assert await again.youth_says(YOUTH, "nee") == [text(again, "crisis.concern_no"), age_q]
    assert again.since(staff, again.staff_room) == []
    assert await alerts(again) == [("concern", "closed", 1)]


async def test_an_unanswered_question_expires_after_the_quiet_period(h: Harness) -> None:
    await concern_asked(h)
    h.at(START + timedelta(minutes=h.config.crisis.quiet_minutes + 1))
    again = h.restarted()
    replies = await again.youth_says(YOUTH, "ja")
    assert not any("1813" in r for r in replies)
    assert await alerts(again) == []
    assert await h.db.fetchval("SELECT COUNT(*) FROM crisis_questions") == 0


async def test_a_kill_before_the_answer_commits_keeps_the_question(h: Harness) -> None:
    await concern_asked(h)
    room = await h.dm(YOUTH)
    yes = Incoming(room_id=room, event_id="$ja", sender=YOUTH, kind="text", body="ja",
                   room_encrypted=True, member_count=2,
                   timestamp_ms=int(h.clock.now().timestamp() * 1000))

    async def killed_before_commit() -> None:
        await h.router.on_message(yes)
        assert await h.db.fetchval("SELECT COUNT(*) FROM crisis_questions") == 0  # taken…
        raise Killed  # …and the process dies before the commit

    with pytest.raises(Killed):
        await handle_once(h.db, "$ja", room, killed_before_commit)
    assert await h.db.fetchval("SELECT COUNT(*) FROM crisis_questions") == 1
    assert await alerts(h) == []
    # The restart re-delivers the answer: the acute path.
    again = h.restarted()
    mark = again.mark()
    await handle_once(again.db, "$ja", room, lambda: again.router.on_message(yes))
    replies = again.since(mark, room)
    assert len(replies) == 1 and "1813" in replies[0]
    assert await alerts(again) == [("acute", "open", 1)]


# --- before a language is chosen: every crisis text in both languages ------------------------


async def test_crisis_reply_before_a_language_is_chosen_is_dutch_then_english(
        h: Harness) -> None:
    await h.youth_says(YOUTH, "hello")
    staff = h.mark()
    (reply,) = await h.youth_says(YOUTH, "i want to kill myself")
    nl, en = text(h, "crisis.nobody_online", "nl"), text(h, "crisis.nobody_online", "en")
    assert nl in reply and en in reply and reply.index(nl) < reply.index(en)
    english = reply[reply.index(nl) + len(nl):]
    assert "1813" in english and "112" in english  # the lines in English too
    assert len(h.since(staff, h.staff_room)) == 1  # one alert
    # Still not an answer to the language question: it is asked no more than before.
    assert await h.db.fetchval("SELECT COUNT(*) FROM crisis_alerts") == 1


async def test_concern_question_and_answer_before_a_language_is_chosen(h: Harness) -> None:
    first = await h.youth_says(YOUTH, "hello")
    language_q = first[-1]
    assert await h.youth_says(YOUTH, CONCERN) == [both(h, "crisis.concern_question")]
    assert await h.youth_says(YOUTH, "no") == [both(h, "crisis.concern_no"), language_q]
    # Once a language is chosen: that language only.
    await h.youth_says(YOUTH, "english")
    assert await h.youth_says(YOUTH, CONCERN) == [text(h, "crisis.concern_question", "en")]
    (reply,) = await h.youth_says(YOUTH, "yes")
    assert text(h, "crisis.nobody_online", "en") in reply
    assert text(h, "crisis.nobody_online", "nl") not in reply


async def test_help_before_a_language_is_chosen_is_in_both_languages(h: Harness) -> None:
    language_q = (await h.youth_says(YOUTH, "hello"))[-1]
    reply, again = await h.youth_says(YOUTH, "help")
    assert "Deze woorden werken altijd" in reply and "These words always work" in reply
    assert reply.index("Deze woorden") < reply.index("These words")
    assert again == language_q  # and the language question again
    await h.youth_says(YOUTH, "1")
    dutch = (await h.youth_says(YOUTH, "hulp"))[0]
    assert "Deze woorden werken altijd" in dutch and "These words" not in dutch


async def test_a_split_phrase_is_still_read_when_its_end_is_handled_again(h: Harness) -> None:
    """A storage fault rolls the handling of "dood" back, and the same batch comes again
    every 2 s until writing works: each try must still see "ik wil" before it (the buffer
    of recent texts changes only when a handling commits)."""
    await h.youth_says(YOUTH, "hoi")
    await h.youth_says(YOUTH, "ik wil")
    desk = h.router.youth.desk
    room = await h.dm(YOUTH)
    end = Incoming(room, "$dood", YOUTH, "text", "dood", True, 2, 0)
    for _ in range(3):
        with pytest.raises(RuntimeError):
            async with h.db.transaction():
                found = desk._read(YOUTH, end)
                assert found is not None and found.acute
                raise RuntimeError("database or disk is full")
    async with h.db.transaction():
        found = desk._read(YOUTH, end)
    assert found is not None and found.acute
    # Read and acted on: not joined with what follows.
    async with h.db.transaction():
        assert desk._read(YOUTH, Incoming(room, "$later", YOUTH, "text", "ok", True, 2, 0)) \
            is None
