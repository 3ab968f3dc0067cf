"""No youth identifier in the log: a youth whose Matrix localpart is a marker goes through
intake, booking, a crisis message and the session room; the bot's whole log (every logger at
INFO and above, nio's included, tracebacks included) must not contain the marker.

The test's own E2EE clients are matrix-nio in this process too, and they log their own user
ids; the bot's records are told apart by a context variable set while the bot starts (every
task the bot creates inherits it)."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextvars import ContextVar
from datetime import datetime

import pytest

from bot.clock import FakeClock
from tests.conftest import PASSWORD, MatrixEnv
from tests.integration.test_booking import finish_intake
from tests.integration.test_intake import ask
from tests.integration.test_sessions import BRUSSELS, counselors
from tests.support.waiting import wait_until

pytestmark = pytest.mark.synapse


IN_BOT: ContextVar[bool] = ContextVar("log_privacy_in_bot", default=False)


class Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.lines: list[str] = []
        self.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        if IN_BOT.get():  # logged by the bot (not by the test's clients)
            self.lines.append(self.format(record))  # format() includes any traceback


@pytest.fixture
def captured() -> Iterator[Capture]:
    handler = Capture()
    root = logging.getLogger()
    names = [n for n in logging.root.manager.loggerDict if n.split(".")[0] in ("bot", "nio")]
    names += ["bot", "nio", "nio.crypto", "nio.client", "aiohttp", "apscheduler"]
    levels = {name: logging.getLogger(name).level for name in names}
    root_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    for name in levels:  # every logger at INFO, whatever the service config turns down
        logging.getLogger(name).setLevel(logging.INFO)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        root.setLevel(root_level)
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)


async def test_a_youths_matrix_id_is_not_in_the_log(mx: MatrixEnv, captured: Capture) -> None:
    marker = "zqxyouth" + os.urandom(4).hex()
    clock = FakeClock(datetime(2026, 12, 1, 10, 0, tzinfo=BRUSSELS))
    sara = await mx.user("counselor")
    bot_id = await mx.register("bot")
    config = mx.config(bot_id, mx.tmp / "bot-data", scheduling=counselors(sara))
    token = IN_BOT.set(True)
    try:
        app = await mx.start_bot(config, clock)
    finally:
        IN_BOT.reset(token)
    youth = await mx.user(user_id=await mx.synapse.register(marker, PASSWORD))
    assert marker in youth.user_id

    room = await youth.open_dm(bot_id)
    await finish_intake(youth, room, bot_id)
    await ask(youth, room, bot_id, "1")  # "Nu meteen, met Sara": the session opens now

    async def session_room() -> str | None:
        return await app.db.fetchval(
            "SELECT s.room_id FROM sessions s JOIN bookings b ON b.id = s.booking_id "
            "WHERE s.state != 'opening' AND b.youth_id = ?",
            (youth.user_id,))

    session = await wait_until(session_room, timeout=60)
    for user in (youth, sara):
        await user.wait_for(lambda u=user: session in u.invites, timeout=30)
        await user.join(session)
    await youth.wait_for(lambda: bot_id not in youth.client.rooms[session].users, 60)
    # A crisis message in the DM: the alert goes to the staff room.
    crisis = await ask(youth, room, bot_id, "ik wil niet meer leven")
    assert any("1813" in body for body in crisis)

    assert captured.lines, "nothing was captured: the test would prove nothing"
    assert any(line.startswith("INFO nio") for line in captured.lines), \
        "nio's INFO records were not captured: the test would prove less than it says"
    leaked = [line for line in captured.lines if marker in line.lower()]
    assert leaked == []
