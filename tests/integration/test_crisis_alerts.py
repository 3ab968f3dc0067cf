"""Crisis tiers and alerts a counselor acts on, end to end on a real Synapse with E2EE."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

import pytest

from bot.clock import FakeClock
from tests.conftest import MatrixEnv
from tests.integration.test_intake import ask, case_of, start
from tests.integration.test_sessions import BRUSSELS, counselors
from tests.support.waiting import wait_until

pytestmark = pytest.mark.synapse

ACUTE = "ik wil niet meer leven"
CONCERN = "ik zie het niet meer zitten"


async def test_concern_question_then_yes_alerts_and_no_carries_on(mx: MatrixEnv) -> None:
    bot_id, config, app = await start(mx)
    texts = config.catalogue

    # "ja": the acute path (the crisis reply and an alert).
    youth = await mx.user("youth")
    room = await youth.open_dm(bot_id)
    await ask(youth, room, bot_id, "hoi")
    await ask(youth, room, bot_id, "nederlands")
    asked = await ask(youth, room, bot_id, CONCERN)
    assert asked == [texts.get("nl", "crisis.concern_question")]
    yes = await ask(youth, room, bot_id, "ja")
    assert len(yes) == 1 and "1813" in yes[0]
    ref = (await case_of(app, youth.user_id))["ref"]
    assert await app.db.fetchval(
        "SELECT COUNT(*) FROM crisis_alerts a JOIN cases c ON c.id = a.case_id "
        "WHERE c.ref = ? AND a.tier = 'acute' AND a.state = 'open'", (ref,)) == 1

    # "nee": the same intake step again, nothing "not understood", no alert.
    other = await mx.user("youth")
    room2 = await other.open_dm(bot_id)
    await ask(other, room2, bot_id, "hoi")
    # The greeting comes with the age question, in one message; the question is its end.
    age_q = (await ask(other, room2, bot_id, "nederlands"))[-1].split("\n\n")[-1]
    await ask(other, room2, bot_id, CONCERN)
    no = await ask(other, room2, bot_id, "nee")
    assert no == [texts.get("nl", "crisis.concern_no") + "\n\n" + age_q]
    topic_q = await ask(other, room2, bot_id, "2")
    assert topic_q and topic_q[-1] != age_q and "begreep" not in topic_q[-1]
    assert await app.db.fetchval(
        "SELECT COUNT(*) FROM crisis_alerts WHERE youth_id = ? AND tier = 'acute'",
        (other.user_id,)) == 0


async def test_concern_question_answered_after_a_restart_is_the_acute_path(
        mx: MatrixEnv) -> None:
    bot_id, config, app = await start(mx)
    texts = config.catalogue
    youth = await mx.user("youth")
    room = await youth.open_dm(bot_id)
    await ask(youth, room, bot_id, "hoi")
    await ask(youth, room, bot_id, "nederlands")
    assert await ask(youth, room, bot_id, CONCERN) == [texts.get("nl", "crisis.concern_question")]
    # The bot restarts between the question and the answer.
    await mx.stop_bot(app)
    app = await mx.start_bot(config)
    yes = await ask(youth, room, bot_id, "ja")
    assert len(yes) == 1 and "1813" in yes[0]  # the crisis reply, not an intake answer
    assert await app.db.fetchval(
        "SELECT COUNT(*) FROM crisis_alerts WHERE youth_id = ? AND tier = 'acute' "
        "AND state = 'open'", (youth.user_id,)) == 1


async def test_claim_race_after_restart_opens_one_room_with_the_winner(mx: MatrixEnv) -> None:
    clock = FakeClock(datetime(2026, 12, 1, 10, 0, tzinfo=BRUSSELS))
    sara, tom = await mx.user("counselor"), await mx.user("counselor")
    bot_id = await mx.register("bot")
    config = mx.config(bot_id, mx.tmp / "bot-data", scheduling=counselors(sara, tom))
    texts = config.catalogue
    app = await mx.start_bot(config, clock)
    youth = await mx.user("youth")
    room = await youth.open_dm(bot_id)
    await ask(youth, room, bot_id, "hoi")
    await ask(youth, room, bot_id, "nederlands")
    (reply,) = await ask(youth, room, bot_id, ACUTE)
    # Nobody said `!duty on` (and no auto_duty): the youth is told so, honestly.
    assert texts.get("nl", "crisis.nobody_online") in reply
    ref = (await case_of(app, youth.user_id))["ref"]

    # A restart between alert and claim keeps the alert (and its escalation timer).
    await mx.stop_bot(app)
    app = await mx.start_bot(config, clock)
    assert await app.db.fetchval(
        "SELECT state FROM crisis_alerts WHERE tier = 'acute'") == "open"

    # Unclaimed after the configured minutes: the youth is told again to call 1813 or 112.
    mark = youth.mark()
    clock.set(clock.now() + timedelta(minutes=config.crisis.escalate_minutes + 1))
    await app.timers.refresh()
    again = await youth.next_message(room, sender=bot_id, after=mark)
    assert again.body == texts.get("nl", "crisis.escalate_youth")

    # Both counselors claim at once in their DMs: exactly one wins.
    dms = {}
    for c in (sara, tom):
        dm = await app.router.counselor_dm(c.user_id)
        await c.wait_for(lambda c=c, dm=dm: dm in c.invites, timeout=30)
        await c.join(dm)
        dms[c.user_id] = dm
    marks = {c.user_id: c.mark() for c in (sara, tom)}
    youth_mark = youth.mark()
    await asyncio.gather(*(c.say(dms[c.user_id], f"!claim #{ref}") for c in (sara, tom)))
    answers = {c.user_id: (await c.next_message(dms[c.user_id], sender=bot_id,
                                                after=marks[c.user_id])).body
               for c in (sara, tom)}
    won = texts.say("nl", "crisis.claim_won", ref=ref).plain
    winners = [c for c in (sara, tom) if answers[c.user_id] == won]
    assert len(winners) == 1, answers
    winner = winners[0]
    loser = tom if winner is sara else sara
    assert ref in answers[loser.user_id] and answers[loser.user_id] != won
    coming = await youth.next_message(room, sender=bot_id, after=youth_mark)
    assert ("Sara" if winner is sara else "Tom") in coming.body

    # One crisis room: the youth and the winner, encrypted; they read each other.
    async def crisis_room() -> str | None:
        rows = await app.db.fetchall(
            "SELECT s.room_id, s.state, s.counselor_id FROM sessions s")
        if len(rows) == 1 and rows[0]["state"] != "opening":
            assert rows[0]["counselor_id"] == winner.user_id
            return rows[0]["room_id"]
        return None
    session_room = await wait_until(crisis_room)
    for user in (youth, winner):
        await user.wait_for(lambda u=user: session_room in u.invites, timeout=30)
        await user.join(session_room)
    assert session_room not in loser.invites
    await youth.wait_for(lambda: bot_id not in youth.client.rooms[session_room].users, 30)
    mark = winner.mark()
    await youth.say(session_room, "ben je er?")
    said = await winner.next_message(session_room, sender=youth.user_id, after=mark)
    assert said.body == "ben je er?"
    mark = youth.mark()
    await winner.say(session_room, "ik ben er, vertel")
    heard = await youth.next_message(session_room, sender=winner.user_id, after=mark)
    assert heard.body == "ik ben er, vertel"
    assert not youth.undecryptable and not winner.undecryptable
    assert await app.db.fetchval("SELECT state FROM crisis_alerts WHERE tier = 'acute'") \
        == "claimed"
