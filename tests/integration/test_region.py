"""The referral directory and the closed notice on a real Synapse with E2EE clients: what the
youth's own client decrypts, and what the case records."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.clock import FakeClock
from tests.conftest import MatrixEnv
from tests.integration.test_intake import ask
from tests.integration.test_sessions import Journey

pytestmark = pytest.mark.synapse
BRUSSELS = ZoneInfo("Europe/Brussels")


async def test_a_26_year_old_is_referred_with_the_directory_details(mx: MatrixEnv) -> None:
    clock = FakeClock(datetime(2026, 12, 1, 14, 0, tzinfo=BRUSSELS))  # open: no closed notice
    bot_id = await mx.register("bot")
    app = await mx.start_bot(mx.config(bot_id, mx.tmp / "bot-data"), clock)
    youth = await mx.user("youth")
    room = await youth.open_dm(bot_id)
    first = await ask(youth, room, bot_id, "hoi")
    assert "gesloten" not in first[0]
    await ask(youth, room, bot_id, "1")
    (referral,) = await ask(youth, room, bot_id, "26")
    assert "Deze chat is voor jongeren van 12 tot 25 jaar" in referral
    tele, caw = app.config.referrals.line("tele-onthaal"), app.config.referrals.line("caw")
    assert tele is not None and caw is not None
    assert f"• Tele-Onthaal: {tele.phone} · {tele.chat} — {tele.topics['nl']}" in referral
    assert f"{caw.chat} — {caw.topics['nl']} ({caw.hours['nl']})" in referral
    assert "113" not in referral and not youth.undecryptable
    status = await app.db.fetchval("SELECT status FROM cases WHERE youth_id = ?",
                                   (youth.user_id,))
    assert status == "referred"


async def test_end_referred_druglijn_sends_its_details_and_the_case_records_it(
        mx: MatrixEnv) -> None:
    j = await Journey.start(mx)
    sara = j.staff[0]
    await ask(j.youth, j.room, j.bot_id, "1")  # "Nu meteen, met Sara"
    room = await j.session_room()
    await j.join(j.youth, room)
    await j.join(sara, room)

    mark = j.youth.mark()
    reply = await j.command(sara, "!end referred druglijn")
    assert "is afgesloten: doorverwezen: De Druglijn" in reply

    def referral_seen() -> bool:
        return any("De Druglijn" in m.body for m in j.youth.received[mark:]
                   if m.room_id == j.room and m.sender == j.bot_id)
    await j.youth.wait_for(referral_seen, timeout=30)
    body = next(m.body for m in j.youth.received[mark:]
                if m.room_id == j.room and "De Druglijn" in m.body)
    # The end of the session and the referral: one message, the referral its own paragraph.
    assert "\n\nJe hulpverlener verwijst je door naar De Druglijn." in body
    assert "078 15 10 20 · druglijn.be — drank, drugs, pillen, gokken en gamen" in body
    assert not j.youth.undecryptable

    row = await j.app.db.fetchone(
        "SELECT b.outcome, b.referred_to FROM bookings b WHERE b.youth_id = ?",
        (j.youth.user_id,))
    assert row is not None and (row["outcome"], row["referred_to"]) == ("referred", "druglijn")


async def test_a_message_at_23_30_gets_the_closed_text_with_the_next_opening(
        mx: MatrixEnv) -> None:
    clock = FakeClock(datetime(2026, 12, 1, 23, 30, tzinfo=BRUSSELS))  # Tuesday night
    bot_id = await mx.register("bot")
    await mx.start_bot(mx.config(bot_id, mx.tmp / "bot-data"), clock)  # example hours
    youth = await mx.user("youth")
    room = await youth.open_dm(bot_id)
    # The closed notice and the first question: one message, decided together.
    (both,) = await ask(youth, room, bot_id, "hoi")
    first, question = both.rsplit("\n\n", 1)
    assert "We zijn nu gesloten: er leest nu niemand van ons team mee." in first
    assert "We zijn er weer morgen om 12:00." in first
    assert "Je kan nu al de vragen beantwoorden en een moment kiezen" in first
    assert "• Zelfmoordlijn: 1813" in first and "• Tele-Onthaal: 106" in first
    assert "In welke taal" in question
    # Once per closed period: the intake goes on without it.
    replies = await ask(youth, room, bot_id, "1")
    assert not any("gesloten" in r for r in replies) and "oud" in replies[-1]
    assert not youth.undecryptable
