"""/privacy: the notice in Dutch and English, with the config's controller, DPO and
retention, linked from the invite page."""

from __future__ import annotations

from aiohttp import web
from aiohttp.test_utils import TestClient

from tests.web.support import CODE, FakeHooks, client_for, make_config

Client = TestClient[web.Request, web.Application]


async def test_privacy_notice_in_dutch_from_the_config(client: Client) -> None:
    r = await client.get("/privacy")
    assert r.status == 200
    html = await r.text()
    assert '<html lang="nl">' in html
    assert "vzw Jongerenhulp Zuid-West-Vlaanderen" in html  # the controller (example config)
    assert 'href="mailto:privacy@jongerenhulp.example.org"' in html
    # What is kept, how long (retention config), who reads what, the rights.
    assert "90 dagen" in html and "12 maanden" in html and "30 dagen" in html
    assert "chatbot" in html and "gaat weg" in html
    assert "vergeet mij" in html and "geschiedenis" in html
    assert 'href="/privacy?lang=en"' in html


async def test_privacy_notice_in_english(client: Client) -> None:
    html = await (await client.get("/privacy?lang=en")).text()
    assert '<html lang="en">' in html
    assert "data-protection officer" in html and "leaves" in html
    assert "forget me" in html and "90 days" in html


async def test_the_invite_page_links_the_notice(client: Client) -> None:
    html = await (await client.get(f"/join/{CODE}?lang=en")).text()
    assert 'href="/privacy?lang=en"' in html
    assert "stores your answers" in html  # not "only you and your counselor can read it"


async def test_pages_say_so_when_the_bot_stays(hooks: FakeHooks) -> None:
    config = make_config()
    client = await client_for(
        config.model_copy(update={"session": config.session.model_copy(
            update={"bot_stays": True})}), hooks)
    try:
        join = await (await client.get(f"/join/{CODE}")).text()
        assert "blijft in dat gesprek" in join and "gaat dan uit dat gesprek" not in join
        notice = await (await client.get("/privacy")).text()
        assert "blijft erin" in notice and "gaat weg" not in notice
    finally:
        await client.close()
