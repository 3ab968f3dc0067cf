"""Intake and crisis net in real encrypted DMs on a real Synapse."""

from __future__ import annotations

import json

import pytest

from bot.storage.sealing import unseal
from tests.conftest import MatrixEnv
from tests.support.matrix_user import MatrixUser
from tests.support.waiting import wait_until

pytestmark = pytest.mark.synapse


async def ask(youth: MatrixUser, room: str, bot_id: str, text: str, replies: int = 1) -> list[str]:
    """Send `text` and collect the bot's next `replies` messages."""
    mark = youth.mark()
    await youth.say(room, text)
    await youth.wait_for(
        lambda: len([m for m in youth.received[mark:] if m.sender == bot_id]) >= replies,
        timeout=30,
    )
    return [m.body for m in youth.received[mark:] if m.sender == bot_id]


async def case_of(app, user_id: str) -> dict:
    """The youth's latest case row, its sealed columns opened (they are ciphertext at rest)."""
    row = await app.db.fetchone(
        "SELECT * FROM cases WHERE youth_id = ? ORDER BY id DESC LIMIT 1", (user_id,)
    )
    if not row:
        return {}
    case = dict(row)
    for column in ("free_text", "answers"):
        if case[column] is not None:
            assert case[column].startswith("cx1:")
            case[column] = unseal(case[column])
    return case


async def start(mx: MatrixEnv, *, staff: list[str] | None = None, data_dir=None):
    bot_id = await mx.register("bot")
    config = mx.config(bot_id, data_dir or mx.tmp / "bot-data",
                       staff_room={"invite": staff or []})
    return bot_id, config, await mx.start_bot(config)


async def test_dutch_intake_completes_into_a_case(mx: MatrixEnv) -> None:
    bot_id, _, app = await start(mx)
    youth = await mx.user("youth")
    room = await youth.open_dm(bot_id)

    first = await ask(youth, room, bot_id, "hoi")
    assert "versleuteld" in first[0]  # greeting
    assert "1." in first[-1] and "taal" in first[-1].lower()
    assert "oud" in (await ask(youth, room, bot_id, "1"))[-1].lower()
    await ask(youth, room, bot_id, "2")  # age 12-15 → topic question
    await ask(youth, room, bot_id, "School")  # topic by its word
    await ask(youth, room, bot_id, "2.")  # urgency by number
    await ask(youth, room, bot_id, "kortrijk")  # municipality by word, lower case
    done = await ask(youth, room, bot_id, "Ik heb <b>stress</b> over mijn examens")
    assert done

    case = await case_of(app, youth.user_id)
    assert case["status"] == "open"
    assert case["language"] == "nl"
    assert case["topic"] == "school"
    assert case["municipality"] == "kortrijk"
    assert case["free_text"] == "Ik heb <b>stress</b> over mijn examens"
    assert json.loads(case["answers"])["urgency"]
    # The youth's HTML was never rendered by the bot.
    assert all("<b>stress" not in (m.html or "") for m in youth.received if m.sender == bot_id)


async def test_english_intake_with_reprompt(mx: MatrixEnv) -> None:
    bot_id, _, app = await start(mx)
    youth = await mx.user("youth")
    room = await youth.open_dm(bot_id)
    await ask(youth, room, bot_id, "hello")
    age_q = await ask(youth, room, bot_id, "English")
    assert "old" in age_q[-1].lower()
    again = await ask(youth, room, bot_id, "🙂🙂🙂")  # not an answer: kind re-prompt
    assert "1." in again[-1]
    await ask(youth, room, bot_id, "4")  # 19-25
    await ask(youth, room, bot_id, "how i feel")
    await ask(youth, room, bot_id, "no rush")
    elsewhere = await ask(youth, room, bot_id, "12")  # another municipality
    assert "outside our region" in elsewhere[0] and "caw.be" in elsewhere[0]
    await ask(youth, room, bot_id, "skip")
    case = await case_of(app, youth.user_id)
    assert case["status"] == "open"
    assert case["language"] == "en"
    assert case["free_text"] == ""


async def test_crisis_mid_intake_alerts_staff_room(mx: MatrixEnv) -> None:
    counselor = await mx.user("counselor")
    bot_id, _, app = await start(mx, staff=[counselor.user_id])
    staff_room = app.ctx.staff_room_id
    await counselor.wait_for(lambda: staff_room in counselor.invites, timeout=30)
    await counselor.join(staff_room)
    await wait_until(
        lambda: _async(counselor.user_id in app.transport.nio.rooms[staff_room].users)
    )

    youth = await mx.user("youth")
    room = await youth.open_dm(bot_id)
    await ask(youth, room, bot_id, "hoi")
    await ask(youth, room, bot_id, "nederlands")
    mark = counselor.mark()
    replies = await ask(youth, room, bot_id, "ik wil eigenlijk niet meer l e v e n")
    assert len(replies) == 1 and "1813" in replies[0]  # the crisis text, no intake reply

    alert = await counselor.next_message(staff_room, sender=bot_id, after=mark)
    case = await case_of(app, youth.user_id)
    assert case["ref"] in alert.body
    assert "niet meer" not in alert.body  # nothing of the youth's words in the staff room
    assert "!claim" in alert.body
    assert not counselor.undecryptable
    assert await app.db.fetchval("SELECT COUNT(*) FROM crisis_alerts") == 1


async def test_restart_mid_intake_resumes_at_same_step(mx: MatrixEnv) -> None:
    bot_id, config, app = await start(mx)
    youth = await mx.user("youth")
    room = await youth.open_dm(bot_id)
    await ask(youth, room, bot_id, "hoi")
    await ask(youth, room, bot_id, "1")
    topic_q = await ask(youth, room, bot_id, "3")  # age 16-18 → topic question
    await mx.stop_bot(app)

    app2 = await mx.start_bot(config)
    after = await ask(youth, room, bot_id, "school")  # answers the topic question
    assert after and after[-1] != topic_q[-1]
    raw = await app2.db.fetchval("SELECT intake FROM youths WHERE user_id = ?",
                                 (youth.user_id,))
    assert raw.startswith("cx1:")  # sealed at rest, by the key of the bot's secrets
    state = json.loads(unseal(raw))
    assert state["answers"]["topic"] == "school"
    assert state["step"] == "urgency"


async def _async(value):
    return value


async def test_start_code_sets_campaign_and_skips_municipality(mx: MatrixEnv) -> None:
    bot_id = await mx.register("bot")
    config = mx.config(bot_id, mx.tmp / "bot-data", campaigns=[
        {"code": "krt-school-3", "municipality": "kortrijk", "label": "Kortrijk school 3"}])
    app = await mx.start_bot(config)
    youth = await mx.user("youth")
    room = await youth.open_dm(bot_id)
    first = await ask(youth, room, bot_id, "start krt-school-3")
    assert "1." in first[-1]
    await ask(youth, room, bot_id, "1")  # nl
    await ask(youth, room, bot_id, "2")  # 12-15
    await ask(youth, room, bot_id, "1")  # topic
    story_q = await ask(youth, room, bot_id, "3")  # urgency → straight to the free text
    assert "gemeente" not in story_q[-1].lower()
    await ask(youth, room, bot_id, "overslaan")
    case = await case_of(app, youth.user_id)
    assert case["status"] == "open"
    assert case["campaign"] == "krt-school-3"
    assert case["municipality"] == "kortrijk"


async def test_bad_input_gets_kind_answers_or_is_ignored(mx: MatrixEnv) -> None:
    bot_id, _, app = await start(mx)
    youth = await mx.user("youth")
    room = await youth.open_dm(bot_id)
    first = await ask(youth, room, bot_id, "hoi")
    question = first[-1].rsplit("\n\n", 1)[-1]  # after the greeting, in the same message

    # An image instead of text (well-formed, and a malformed one): a kind word and the same
    # question again.
    image = {"msgtype": "m.image", "body": "foto.jpg", "file": {
        "url": "mxc://localhost/abcdef", "v": "v2", "iv": "AAAAAAAAAAAAAAAAAAAAAA",
        "hashes": {"sha256": "A" * 43},
        "key": {"kty": "oct", "alg": "A256CTR", "ext": True, "k": "A" * 43,
                "key_ops": ["encrypt", "decrypt"]}}}
    for content in (image, {"msgtype": "m.image", "body": "kapot.jpg"}):
        mark = youth.mark()
        await youth.send_raw(room, content)
        await youth.wait_for(lambda m=mark: len([x for x in youth.received[m:]
                                                 if x.sender == bot_id]) >= 1)
        replies = [m.body for m in youth.received[mark:] if m.sender == bot_id]
        # The kind word and the question again: one message, two paragraphs.
        assert "tekst" in replies[0] and replies[0].endswith("\n\n" + question)

    # A reaction and an edit are not new answers: no reply to them.
    target = await youth.say(room, "???")
    await youth.wait_for(lambda: len([m for m in youth.received if m.sender == bot_id]) >= 4)
    mark = youth.mark()
    await youth.send_raw(room, {"m.relates_to": {"rel_type": "m.annotation",
                                                 "event_id": target, "key": "👍"}},
                         event_type="m.reaction")
    await youth.send_raw(room, {"msgtype": "m.text", "body": "* 1",
                                "m.new_content": {"msgtype": "m.text", "body": "1"},
                                "m.relates_to": {"rel_type": "m.replace", "event_id": target}})
    # Huge, HTML, zero-width and RTL text: kind re-prompts, never rendered as HTML.
    # (Synapse refuses events over 64 KiB, so 40 000 characters is about the most that
    # arrives encrypted; the intake's own tests feed it 50 000.)
    for text in ("x" * 40_000, "<b>vet</b><script>alert(1)</script>", "\u200b\u200b",
                 "مرحبا"):
        await youth.say(room, text)
    await youth.wait_for(lambda: len([m for m in youth.received[mark:]
                                      if m.sender == bot_id]) >= 4, timeout=60)
    after = [m for m in youth.received[mark:] if m.sender == bot_id]
    assert len(after) == 4  # one per text message, none for the reaction or the edit
    assert all("1." in m.body for m in after)
    assert all("<script>" not in (m.html or "") and "<b>vet" not in (m.html or "")
               for m in after)
    # Still on the first question, and still working.
    assert "oud" in (await ask(youth, room, bot_id, "1"))[-1].lower()
    assert await app.db.fetchval("SELECT COUNT(*) FROM crisis_alerts") == 0


async def test_new_chat_mid_intake_is_welcomed_back(mx: MatrixEnv) -> None:
    bot_id, _, _app = await start(mx)
    youth = await mx.user("youth")
    room = await youth.open_dm(bot_id)
    await ask(youth, room, bot_id, "hoi")
    # The greeting comes with the age question, in one message; the question is its end.
    age_q = (await ask(youth, room, bot_id, "1"))[-1].split("\n\n")[-1]
    second = await youth.open_dm(bot_id)
    back = await ask(youth, second, bot_id, "hoi")
    assert "begreep" not in back[-1]
    assert age_q.split("\n")[0] in back[-1]  # the same question, in the new chat
