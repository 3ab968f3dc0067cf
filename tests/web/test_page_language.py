"""No English line reaches a Dutch reader of the web pages (docs/TEXTS.md, "Voice")."""

from __future__ import annotations

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from bot.web import chat

Client = TestClient[web.Request, web.Application]


async def test_a_wrong_method_gets_the_page_in_the_readers_language(client: Client) -> None:
    r = await client.post("/privacy")
    assert r.status == 405
    html = await r.text()
    assert "Deze link kennen we niet" in html and "Method Not Allowed" not in html
    r = await client.post("/privacy?lang=en")
    assert r.status == 405 and "We don't know this link" in await r.text()


@pytest.mark.skipif(not chat.built(), reason="the chat bundle is not built (scripts/build_chat.sh)")
async def test_the_chat_page_says_it_needs_javascript_in_its_language(client: Client) -> None:
    r = await client.get("/chat")
    assert r.status == 200
    html = await r.text()
    assert "<noscript><p>Zet JavaScript aan" in html
    assert "JavaScript is needed" not in html
    en = await (await client.get("/chat?lang=en")).text()
    assert "<noscript><p>Turn on JavaScript" in en
