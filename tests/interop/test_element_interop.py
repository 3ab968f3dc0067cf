"""Element's own crypto stack (matrix-js-sdk 43, Rust crypto, OnlySignedDevicesIsolationMode)
talks to the bot: the proof that counselors in Element can read it and it can read them."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import PASSWORD, MatrixEnv

pytestmark = [pytest.mark.synapse, pytest.mark.interop]
HERE = Path(__file__).resolve().parent


async def _npm_ci() -> None:
    if (HERE / "node_modules" / "matrix-js-sdk").exists():
        return
    proc = await asyncio.create_subprocess_exec(
        "npm", "ci", "--no-audit", "--no-fund", cwd=HERE,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )
    out, _ = await proc.communicate()
    assert proc.returncode == 0, out.decode()[-3000:]


@pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is not installed")
async def test_element_stack_dm_with_bot(mx: MatrixEnv) -> None:
    await _npm_ci()
    bot_id = await mx.register("bot")
    await mx.start_bot(mx.config(bot_id, mx.tmp / "bot-data"))
    user_id = await mx.register("element")
    env = {
        **os.environ,
        "HS_URL": mx.synapse.url,
        "MX_USER": user_id,
        "MX_PASSWORD": PASSWORD,
        "BOT_ID": bot_id,
        "FIRST_MESSAGE": "hallo",
        "REPLY_MESSAGE": "2",
        "TIMEOUT_MS": "60000",
    }
    proc = await asyncio.create_subprocess_exec(
        "node", str(HERE / "element_dm.mjs"), cwd=HERE, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    out, err = await proc.communicate()
    events = [json.loads(line) for line in out.decode().splitlines() if line.startswith("{")]
    assert proc.returncode == 0, f"{events}\n{err.decode()[-3000:]}"
    bot_messages = [e for e in events if e["event"] == "bot_message"]
    assert len(bot_messages) == 2
    assert all(m["msgtype"] == "m.notice" and m["body"] for m in bot_messages)
    assert events[-1] == {"event": "ok"}
