"""Creating an anonymous account on a real Synapse through the invite page."""

from __future__ import annotations

from html import unescape

import aiohttp
import pytest

from bot.devserver import LocalSynapse
from bot.metrics import METRICS
from tests.web.support import CODE, FakeHooks, by_id, client_for, csrf_of, make_config

pytestmark = pytest.mark.synapse


async def _login(synapse: LocalSynapse, user_id: str, password: str) -> tuple[int, dict]:
    async with aiohttp.ClientSession() as http:
        body = {"type": "m.login.password", "password": password,
                "identifier": {"type": "m.id.user", "user": user_id}}
        async with http.post(f"{synapse.url}/_matrix/client/v3/login", json=body) as r:
            data = await r.json()
            if r.status != 200:
                return r.status, data
        token = data["access_token"]
        async with http.get(f"{synapse.url}/_matrix/client/v3/devices",
                            headers={"Authorization": f"Bearer {token}"}) as r:
            devices = (await r.json())["devices"]
        return 200, {"devices": devices, **data}


async def test_no_account_form_creates_a_working_account(synapse: LocalSynapse) -> None:
    hooks = FakeHooks()
    config = make_config(homeserver=synapse.url, secret=synapse._secret())
    c = await client_for(config, hooks)
    try:
        html = await (await c.get(f"/join/{CODE}")).text()
        r = await c.post(f"/join/{CODE}", data={"csrf": csrf_of(html), "lang": "nl"})
        assert r.status == 200, await r.text()
        page = await r.text()
        assert r.headers["Cache-Control"] == "no-store"
        user_id = unescape(by_id(page, "user_id"))
        password = unescape(by_id(page, "password"))
        assert user_id.startswith("@jongere-") and user_id.endswith(":localhost")
        assert len(password) >= 16
        assert "Je ziet het wachtwoord maar één keer" in page
        assert unescape(by_id(page, "hs_url")) == synapse.url
        # The Element handover: the homeserver filled in, never the password in a URL.
        hs = synapse.url.replace(":", "%3A").replace("/", "%2F")
        assert f'href="https://app.element.io/#/login?hs_url={hs}"' in page
        assert password not in page.split('id="password"')[0]
        assert "1813" in page
        # The bot was asked to open the intake with this account and campaign.
        assert hooks.calls == [(user_id, CODE)]
        assert METRICS.get("chathulp_accounts_created_total") == 1
        # The shown password logs in; the registration's own device was logged out again.
        status, data = await _login(synapse, user_id, password)
        assert status == 200, data
        assert [d["device_id"] for d in data["devices"]] == [data["device_id"]]
    finally:
        await c.close()


async def test_chosen_password_works_and_is_not_shown(synapse: LocalSynapse) -> None:
    hooks = FakeHooks()
    config = make_config(homeserver=synapse.url, secret=synapse._secret())
    c = await client_for(config, hooks)
    chosen = "mijn eigen <geheim> & wachtwoord"
    try:
        html = await (await c.get(f"/join/{CODE}?lang=en")).text()
        r = await c.post(f"/join/{CODE}", data={
            "csrf": csrf_of(html), "lang": "en", "password": chosen, "password2": chosen})
        assert r.status == 200, await r.text()
        page = await r.text()
        assert "Your account is ready" in page
        assert 'id="password"' not in page and "geheim" not in page
        user_id = unescape(by_id(page, "user_id"))
        assert hooks.calls == [(user_id, CODE)]
        assert (await _login(synapse, user_id, chosen))[0] == 200
        assert (await _login(synapse, user_id, "wrong-password"))[0] == 403
    finally:
        await c.close()


async def test_wrong_shared_secret_is_a_friendly_503(synapse: LocalSynapse) -> None:
    hooks = FakeHooks()
    config = make_config(homeserver=synapse.url, secret="definitely-not-the-secret")
    c = await client_for(config, hooks)
    try:
        html = await (await c.get(f"/join/{CODE}")).text()
        r = await c.post(f"/join/{CODE}", data={"csrf": csrf_of(html)})
        assert r.status == 503
        assert "Er ging iets mis" in await r.text()
        assert hooks.calls == []
    finally:
        await c.close()


async def test_env_secret_overrides_config(
    synapse: LocalSynapse, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CHATHULP_REGISTRATION_SECRET", synapse._secret())
    hooks = FakeHooks()
    c = await client_for(make_config(homeserver=synapse.url, secret="wrong-one"), hooks)
    try:
        html = await (await c.get(f"/join/{CODE}")).text()
        r = await c.post(f"/join/{CODE}", data={"csrf": csrf_of(html)})
        assert r.status == 200
        assert len(hooks.calls) == 1
    finally:
        await c.close()
