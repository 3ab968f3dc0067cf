"""A web sign-up's intake DM survives a restart (bot/intakes.py), on a real Synapse: the
bot is stopped after creating the room but before recording it (as a kill would leave it),
and after the restart the youth has exactly one intake DM, which greets them on joining."""

from __future__ import annotations

import pytest

from bot.storage import intents, youths
from tests.conftest import MatrixEnv
from tests.support.waiting import wait_until

pytestmark = pytest.mark.synapse


async def test_an_intake_dm_half_opened_before_a_restart_is_finished_once(
    mx: MatrixEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    bot_id = await mx.register("bot")
    config = mx.config(bot_id, mx.tmp / "bot-data")
    app = await mx.start_bot(config)
    youth = await mx.user("youth")

    async def dies_before_the_commit(*_args: object) -> None:
        raise RuntimeError("killed between creating the room and recording it")

    monkeypatch.setattr(app.router.youth, "record_intake", dies_before_the_commit)
    await app.open_intake(youth.user_id, "krt-school-3", wait=2)
    await youth.wait_for(lambda: youth.invites, timeout=30)
    assert await intents.intake_intent(app.db, youth.user_id) is not None
    assert await youths.dm_room_of(app.db, youth.user_id) is None
    await mx.stop_bot(app)
    monkeypatch.undo()

    app = await mx.start_bot(config)

    async def recorded() -> str | None:
        return await youths.dm_room_of(app.db, youth.user_id)

    room = await wait_until(recorded, timeout=30, interval=0.3)
    assert youth.invites == [room]  # one DM, the one created before the restart
    assert await intents.intake_intent(app.db, youth.user_id) is None
    mark = youth.mark()
    await youth.join(room)
    greeting = await youth.next_message(room, sender=bot_id, after=mark)
    assert "chatbot" in greeting.body
    assert len(youth.invites) == 1
