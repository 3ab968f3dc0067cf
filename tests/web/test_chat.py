"""/chat and the "Start de chat" hand-over, without a browser (the browser journey is in
test_chat_journey.py), and the bundle build being reproducible from the lockfile."""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
import shutil
from html import unescape
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from bot.web import chat
from bot.web.registration import Account
from tests.web.support import CODE, FakeHooks, client_for, csrf_of, make_config

ROOT = Path(__file__).resolve().parents[2]
Client = TestClient[web.Request, web.Application]
needs_bundle = pytest.mark.skipif(
    not chat.built(), reason="the chat bundle is not built (scripts/build_chat.sh; needs Node.js)"
)


def _config_json(html: str) -> dict:
    m = re.search(r'<script type="application/json" id="chat-config">(.*?)</script>', html, re.S)
    assert m, "no chat config in the page"
    return json.loads(m.group(1))


async def _start_chat(client: Client, monkeypatch: pytest.MonkeyPatch) -> web.StreamResponse:
    async def create(password: str | None = None) -> Account:
        return Account("@jongere-abc234:localhost", password or "Xk7m-p2Qa-9dRt-hW3e", True)

    monkeypatch.setattr(client.app[_state_key()].registrar, "create", create)
    html = await (await client.get(f"/join/{CODE}")).text()
    return await client.post(
        f"/join/{CODE}", data={"csrf": csrf_of(html), "lang": "nl", "mode": "chat"},
        allow_redirects=False,
    )


def _state_key():  # type: ignore[no-untyped-def]
    from bot.web.server import STATE

    return STATE


async def test_invite_page_offers_the_browser_chat_first(client: Client) -> None:
    html = await (await client.get(f"/join/{CODE}")).text()
    start = html.index('id="startchat"')
    assert 'name="mode" value="chat"' in html[start - 80:start + 40]
    assert "Start de chat" in html
    # Browser chat first, then the app account, then matrix.to for own accounts.
    assert start < html.index('id="create"') < html.index("https://matrix.to/#/")


async def test_start_chat_redirects_with_a_one_time_ticket_only(
    client: Client, hooks: FakeHooks, monkeypatch: pytest.MonkeyPatch
) -> None:
    r = await _start_chat(client, monkeypatch)
    assert r.status == 303
    assert r.headers["Location"] == "/chat?lang=nl"
    body = await r.text()
    assert "Xk7m" not in body and "jongere" not in body  # no credentials in the answer
    cookie = r.cookies[chat.TICKET_COOKIE]
    assert cookie["path"] == "/chat/ticket" and cookie["httponly"]
    assert cookie["samesite"] == "Strict"
    assert hooks.calls == [("@jongere-abc234:localhost", CODE)]  # the bot opens the intake

    # Another site cannot take the credentials.
    evil = await client.post("/chat/ticket", headers={"Origin": "https://evil.example"})
    assert evil.status == 403
    got = await client.post("/chat/ticket")
    assert got.status == 200
    assert got.headers["Cache-Control"] == "no-store"
    assert await got.json() == {
        "user_id": "@jongere-abc234:localhost", "password": "Xk7m-p2Qa-9dRt-hW3e",
    }
    # Once only: the cookie is cleared and the ticket is gone even when replayed.
    again = await client.post("/chat/ticket", cookies={chat.TICKET_COOKIE: cookie.value})
    assert again.status == 404


async def test_the_app_account_button_still_shows_the_password_page(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def create(password: str | None = None) -> Account:
        return Account("@jongere-abc234:localhost", "Xk7m-p2Qa-9dRt-hW3e", True)

    monkeypatch.setattr(client.app[_state_key()].registrar, "create", create)
    html = await (await client.get(f"/join/{CODE}")).text()
    r = await client.post(f"/join/{CODE}", data={"csrf": csrf_of(html), "lang": "nl"})
    assert r.status == 200 and "Xk7m-p2Qa-9dRt-hW3e" in unescape(await r.text())
    assert chat.TICKET_COOKIE not in r.cookies


def test_tickets_expire() -> None:
    store = chat.TicketStore(ttl=0.0)
    key = store.issue("@a:x", "pw")
    assert store.redeem(key) is None
    assert chat.TicketStore().redeem(None) is None


@needs_bundle
async def test_chat_page_has_a_strict_csp_and_neutral_title(client: Client) -> None:
    r = await client.get("/chat")
    assert r.status == 200
    csp = r.headers["Content-Security-Policy"]
    hs = client.app[_state_key()].hs_public_url
    assert "script-src 'self' 'wasm-unsafe-eval';" in csp
    assert f"connect-src 'self' {chat.origin_of(hs)};" in csp
    assert "default-src 'none'" in csp and "unsafe-inline" not in csp
    assert r.headers["Referrer-Policy"] == "no-referrer"
    html = await r.text()
    assert "<title>Berichten</title>" in html
    # No third-party address anywhere in the page's own markup.
    assert not re.search(r'(src|href)="(https?:)?//', html)
    data = _config_json(html)
    assert data["bot_user_id"] == "@chathulp:localhost"
    assert data["texts"]["nl"]["quick_exit"] == "Snel weg"
    assert data["texts"]["en"]["joined"] == "{name} is here"
    assert any(x["href"] == "tel:112" for x in data["crisis"])
    en = await (await client.get("/chat?lang=en")).text()
    assert '<html lang="en"' in en and "<title>Messages</title>" in en


@needs_bundle
async def test_chat_assets_are_served_with_their_types(client: Client) -> None:
    for name, kind in chat.ASSETS.items():
        r = await client.get(f"/chat/static/{name}")
        assert r.status == 200, name
        assert r.headers["Content-Type"].startswith(kind)
    for bad in ("../chat.py", "package.json", "pkg/../../chat.py", "app.js.map"):
        r = await client.get(f"/chat/static/{bad}")
        assert r.status == 404, bad


async def test_chat_page_without_bundle_says_so(
    client: Client, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(chat, "STATIC_DIR", tmp_path)
    r = await client.get("/chat")
    assert r.status == 503
    assert "niet beschikbaar" in await r.text()


async def test_config_json_cannot_end_its_script_block() -> None:
    config = make_config(service_name="</script><script>alert(1)</script>")
    c = await client_for(config, FakeHooks())
    try:
        state = c.app[_state_key()]
        html = chat.chat_page(state, "nl")
        assert "</script><script>" not in html
        assert _config_json(html)["service_name"] == "</script><script>alert(1)</script>"
    finally:
        await c.close()


def _tree_hashes(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*")) if p.is_file()
    }


@needs_bundle
@pytest.mark.skipif(shutil.which("npm") is None, reason="Node.js/npm is not installed")
async def test_bundle_build_is_reproducible_from_the_lockfile(tmp_path: Path) -> None:
    """A fresh copy of the sources, `npm ci` from the lockfile, the build: the same bytes as
    the bundle the project's scripts built (what this web service serves)."""
    src = ROOT / "web" / "chat"
    fresh = tmp_path / "chat"
    fresh.mkdir()
    for name in ("package.json", "package-lock.json", "build.mjs"):
        shutil.copy2(src / name, fresh / name)
    shutil.copytree(src / "src", fresh / "src")
    out = tmp_path / "out"
    for cmd in (["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"],
                ["node", "build.mjs", str(out)]):
        proc = await asyncio.create_subprocess_exec(
            *cmd, cwd=fresh, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
        )
        output, _ = await proc.communicate()
        assert proc.returncode == 0, output.decode()[-3000:]
    assert _tree_hashes(out) == _tree_hashes(chat.STATIC_DIR)
    assert set(_tree_hashes(out)) == set(chat.ASSETS)
