"""The browser chat end to end: Debian's chromium at phone size, the real bot and Synapse, and a
counselor on Element's crypto stack (matrix-js-sdk, Rust crypto, only cross-signed devices).

invite page → "Start de chat" → the bot's first question, decrypted → intake → book "now" →
session room with the summary → "Sara is er" → both decrypt each other → reload: still logged
in, history shown → quick exit leaves no chat page in the history; no request outside the
page's origin and the homeserver.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from aiohttp.test_utils import TestServer

from bot.clock import FakeClock
from bot.devserver import free_port
from bot.web import create_web_app
from bot.web.chat import QUICK_EXIT_URL, built
from tests.conftest import PASSWORD, MatrixEnv
from tests.integration.test_booking import ALL_DAY
from tests.web.support import FakeHooks, make_config

# One xdist worker runs both: they share tests/web/chat/node_modules (`npm_ci`).
pytestmark = [pytest.mark.synapse, pytest.mark.interop, pytest.mark.xdist_group("web-chat-npm")]
HERE = Path(__file__).resolve().parent / "chat"
CODE = "krt-school-3"
BROWSER = shutil.which("chromium") or shutil.which("chromium-browser")
# After the bot's first question (language): the intake's answers; the municipality comes
# from the campaign; "overslaan" skips the last question and brings the offer.
BRUSSELS = ZoneInfo("Europe/Brussels")
ANSWERS = ["1", "2", "school", "deze week", "overslaan"]


async def npm_ci(folder: Path) -> None:
    if (folder / "node_modules" / ".package-lock.json").exists() and not (
        (folder / "package-lock.json").stat().st_mtime
        > (folder / "node_modules" / ".package-lock.json").stat().st_mtime
    ):
        return
    proc = await asyncio.create_subprocess_exec(
        "npm", "ci", "--no-audit", "--no-fund", cwd=folder,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )
    out, _ = await proc.communicate()
    assert proc.returncode == 0, out.decode()[-3000:]


@pytest.mark.skipif(BROWSER is None, reason="no chromium (scripts/test.sh installs it)")
@pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is not installed")
async def test_browser_chat_from_invite_page_to_session(mx: MatrixEnv) -> None:
    assert built(), "the chat bundle is missing: scripts/build_chat.sh builds it"
    await npm_ci(HERE)
    counselor_id = await mx.register("counselor")
    bot_id = await mx.register("bot")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    config = mx.config(
        bot_id, mx.tmp / "bot-data",
        web={"enabled": False, "registration_shared_secret": mx.synapse._secret(),
             "public_base_url": base},
        campaigns=[{"code": CODE, "municipality": "kortrijk", "label": "school 3"}],
        scheduling={
            "counselors": [{"user_id": counselor_id, "display_name": "Sara",
                            "languages": ["nl", "en"], "hours": ALL_DAY}],
            "opening_hours": None, "closures": [],
        },
    )
    # A Tuesday morning, when Sara works: the offer starts with "Nu meteen".
    app = await mx.start_bot(config, FakeClock(datetime(2026, 12, 1, 10, 0, tzinfo=BRUSSELS)))
    server = TestServer(create_web_app(config, app), host="127.0.0.1", port=port)  # type: ignore[arg-type]
    await server.start_server()
    try:
        env = {
            **os.environ,
            "INVITE_URL": f"{base}/join/{CODE}",
            "HS_URL": mx.synapse.url,
            "BOT_ID": bot_id,
            "COUNSELOR_ID": counselor_id,
            "COUNSELOR_PASSWORD": PASSWORD,
            "ANSWERS": json.dumps(ANSWERS),
            "BOOK": "1",
            "CHROMIUM": str(BROWSER),
            "EXIT_URL": QUICK_EXIT_URL,
            "TIMEOUT_MS": os.environ.get("CHAT_JOURNEY_TIMEOUT_MS", "240000"),
        }
        proc = await asyncio.create_subprocess_exec(
            "node", str(HERE / "journey.mjs"), cwd=HERE, env=env,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )
        out, err = await proc.communicate()
        sessions = [dict(r) for r in await app.db.fetchall("SELECT * FROM sessions")]
    finally:
        await server.close()
    lines = [json.loads(x) for x in out.decode().splitlines() if x.startswith("{")]
    steps = {x["step"]: x for x in lines if "step" in x}
    assert proc.returncode == 0 and lines[-1] == {"event": "ok"}, (
        f"{lines}\n{err.decode()[-4000:]}\nsessions: {sessions}"
    )

    # Neutral tab title on the chat; the first question arrived decrypted.
    assert steps["chat_page"]["title"] == "Berichten"
    first = "\n".join(steps["first_question"]["bodies"])
    assert "versleuteld" in first and "taal" in first.lower()
    # The browser has its own device: not the registration's (logged out), one it logged in.
    assert steps["device"]["device_id"] and steps["device"]["user_id"].startswith("@jongere-")
    assert "Nu meteen" in steps["offer"]["body"]
    assert "Gesprek" in steps["session_room"]["room"]
    assert any("school" in b.lower() for b in steps["session_room"]["bodies"])
    assert steps["counselor_shown"]["line"] == "Sara is er"
    # Element's "only cross-signed devices" mode reads the youth: the browser cross-signed.
    assert steps["youth_device_seen_by_counselor"]["signed_by_owner"] is True
    assert steps["counselor_decrypted_youth"] == {
        "step": "counselor_decrypted_youth", "body": "hoi, ik ben er", "failure": None,
    }
    reloaded = steps["reloaded"]
    assert reloaded["same_device"] and not reloaded["login_form"]
    assert "hoi, ik ben er" in reloaded["mine"]
    assert steps["a11y"] == {
        "step": "a11y", "log_role": "log", "log_live": "polite",
        "composer_label": "Je bericht", "overflow": False, "lang": "nl",
    }
    exit_step = steps["quick_exit"]
    assert exit_step["history_after"] == exit_step["history_before"]
    assert "/chat" not in exit_step["back_url"]
    assert steps["requests"]["count"] > 10 and steps["requests"]["outside"] == []


@pytest.mark.skipif(BROWSER is None, reason="no chromium (scripts/test.sh installs it)")
@pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is not installed")
async def test_chat_page_alone_quick_exit_and_no_outside_requests() -> None:
    """Without an account or homeserver: the page offers a login at 320 px, the crisis
    numbers are one tap away, and "snel weg" leaves no chat page to go back to."""
    assert built(), "the chat bundle is missing: scripts/build_chat.sh builds it"
    await npm_ci(HERE)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    config = make_config(public_base_url=base)
    server = TestServer(create_web_app(config, FakeHooks()), host="127.0.0.1", port=port)
    await server.start_server()
    try:
        env = {**os.environ, "CHAT_URL": f"{base}/chat", "START_URL": f"{base}/join/{CODE}",
               "EXIT_URL": QUICK_EXIT_URL, "CHROMIUM": str(BROWSER)}
        proc = await asyncio.create_subprocess_exec(
            "node", str(HERE / "quick_exit.mjs"), cwd=HERE, env=env,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )
        async with asyncio.timeout(120):
            out, err = await proc.communicate()
    finally:
        await server.close()
    assert proc.returncode == 0, err.decode()[-3000:]
    seen = json.loads(out.decode().strip().splitlines()[-1])
    assert seen["title"] == "Berichten" and seen["errors"] == []
    assert "nog geen chat" in seen["status"]
    assert seen["overflow"] is False
    assert seen["labels"] and all(has_input for _, has_input in seen["labels"])
    assert "tel:112" in seen["crisis"]
    assert seen["english"] == {"title": "Messages", "exit": "Quick exit", "lang": "en"}
    assert seen["history_after"] == seen["history_before"]
    assert seen["back_url"] == f"{base}/join/{CODE}"
    assert seen["requests"] and all(u.startswith(base + "/") for u in seen["requests"])
