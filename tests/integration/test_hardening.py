"""Hardening on a real Synapse with real E2EE clients: no message content in the log, private
files whatever the umask, reply latency measured."""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.metrics import METRICS
from tests.conftest import MatrixEnv
from tests.support.matrix_user import MatrixUser

pytestmark = pytest.mark.synapse


class Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []
        self.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))  # format() includes any traceback


@pytest.fixture
def captured() -> Iterator[Capture]:
    handler = Capture()
    root = logging.getLogger()
    levels = {name: logging.getLogger(name).level for name in ("bot", "nio")}
    root.addHandler(handler)
    for name in levels:  # everything of ours and of nio, DEBUG included
        logging.getLogger(name).setLevel(logging.DEBUG)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)


async def _answered(youth: MatrixUser, room: str, bot_id: str, content: dict,
                    replies: int = 1) -> list[str]:
    mark = youth.mark()
    await youth.send_raw(room, content)
    await youth.wait_for(
        lambda: len([m for m in youth.received[mark:] if m.sender == bot_id]) >= replies,
        timeout=30,
    )
    return [m.body for m in youth.received[mark:] if m.sender == bot_id]


async def test_no_message_content_reaches_the_log(mx: MatrixEnv, captured: Capture) -> None:
    marker = "ZQX" + os.urandom(4).hex()
    bot_id = await mx.register("bot")
    app = await mx.start_bot(mx.config(bot_id, mx.tmp / "bot-data"))
    youth = await mx.user("youth")
    room = await youth.open_dm(bot_id)
    latency_before = METRICS.get("chathulp_reply_latency_seconds")

    # A normal message (starts the intake: greeting + first question, one message).
    await _answered(youth, room, bot_id, {"msgtype": "m.text", "body": f"hallo {marker}"})
    # Malformed messages with the marker in body / formatted_body: nio fails to validate them
    # after decrypting (and would print them); the bot still answers each (that it did not
    # understand, and the question again).
    malformed = [
        {"msgtype": "m.text", "format": "org.matrix.custom.html",
         "formatted_body": f"<b>{marker} fb-only</b>"},
        {"msgtype": "m.text", "body": [f"{marker} body-list"]},
        {"msgtype": "m.text", "body": f"{marker} ok-body", "formatted_body": {"x": marker}},
    ]
    for content in malformed:
        assert await _answered(youth, room, bot_id, content)
    # A crisis phrase with the marker: crisis lines for the youth (and nothing else: it is
    # not also an intake answer), alert for the staff.
    crisis = await _answered(youth, room, bot_id,
                             {"msgtype": "m.text", "body": f"ik wil dood {marker}"}, 1)
    assert any("1813" in body for body in crisis)

    # A handler that crashes with the message in its exception: the youth still gets a
    # "sorry", the traceback does not carry the text.
    real_handle = app.router.youth.flow.handle

    def crashing(state, text, known=None):  # type: ignore[no-untyped-def]
        if marker in text:
            raise ValueError(f"cannot read {text!r}")
        return real_handle(state, text, known or {})

    app.router.youth.flow.handle = crashing  # type: ignore[method-assign]
    try:
        sorry = await _answered(youth, room, bot_id,
                                {"msgtype": "m.text", "body": f"boem {marker} boem"})
    finally:
        app.router.youth.flow.handle = real_handle  # type: ignore[method-assign]
    assert any("Sorry" in body for body in sorry)
    # And afterwards a message that crashes nothing is answered as usual.
    assert await _answered(youth, room, bot_id,
                           {"msgtype": "m.text", "body": f"nog eens {marker}"})

    log = "\n".join(captured.lines)
    assert captured.lines, "nothing was captured: the test would prove nothing"
    # The marker is nowhere, at any level ...
    leaked = [line for line in captured.lines if marker in line]
    assert leaked == []
    # ... although the sources that would leak it were really exercised (and reworded).
    assert "nio schema validation: details (withheld" in log
    assert "Handling a message failed" in log and "traceback (withheld" in log
    # Every answered message measured its reply latency.
    assert METRICS.get("chathulp_reply_latency_seconds") - latency_before == 7


def _modes(data_dir: Path) -> dict[str, int]:
    out: dict[str, int] = {}
    for root, dirs, files in os.walk(data_dir):
        for name in dirs + files:
            path = Path(root) / name
            out[str(path.relative_to(data_dir))] = stat.S_IMODE(path.lstat().st_mode)
    return out


async def test_files_are_private_whatever_the_umask(mx: MatrixEnv) -> None:
    old = os.umask(0)
    try:
        bot_id = await mx.register("bot")
        data_dir = mx.tmp / "bot-data"
        app = await mx.start_bot(mx.config(bot_id, data_dir))
        youth = await mx.user("youth")
        room = await youth.open_dm(bot_id)
        await _answered(youth, room, bot_id, {"msgtype": "m.text", "body": "hoi"})
        modes = _modes(data_dir)
        store = [name for name in modes if name.startswith("store/") and name.endswith(".db")]
        for name in ("chathulp.db", "chathulp.db-wal", "chathulp.db-shm", "credentials.json",
                     "secrets.json", "chathulp.lock", *store):
            assert modes.get(name) == 0o600, (name, modes)
        assert store, modes
        assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700
        assert all(m & 0o077 == 0 for m in modes.values()), modes
        await mx.stop_bot(app)
    finally:
        os.umask(old)
