"""The invite page, error pages, CSRF, rate limit, /health and /metrics (no homeserver)."""

from __future__ import annotations

import re

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from bot.devserver import free_port
from bot.metrics import METRICS, Metrics
from bot.web import start_web
from tests.web.support import CODE, CSP, FakeHooks, client_for, csrf_of, make_config

Client = TestClient[web.Request, web.Application]


def _security_headers(r: aiohttp.ClientResponse) -> None:
    headers = r.headers
    assert headers["Content-Security-Policy"].startswith(CSP)
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Cache-Control"] == "no-store"


async def test_join_page_in_dutch(client: Client) -> None:
    r = await client.get(f"/join/{CODE}")
    assert r.status == 200
    assert r.content_type == "text/html"
    html = await r.text()
    _security_headers(r)
    assert '<html lang="nl">' in html
    assert "Chat met een hulpverlener" in html
    assert "gratis" in html.lower() and "anoniem" in html.lower() and "ersleuteld" in html
    assert "professionele hulpverlener" in html.lower()
    # Truthful about who reads what: the bot reads and stores the intake, then leaves.
    assert "chatbot" in html and "bewaart je antwoorden" in html
    assert 'href="/privacy?lang=nl"' in html
    for number in ("1813", "112", "102"):
        assert f'href="tel:{number}"' in html
    # The form: posts to itself, with a CSRF token, and the only cookie is the CSRF one.
    assert f'<form method="post" action="/join/{CODE}">' in html
    assert csrf_of(html)
    assert [c.key for c in r.cookies.values()] == ["chathulp_csrf"]
    cookie = r.cookies["chathulp_csrf"]
    assert cookie["httponly"] and cookie["samesite"] == "Strict"
    # The Matrix way in: the bot's matrix.to link and the start code.
    assert 'href="https://matrix.to/#/@chathulp:localhost"' in html
    assert f"start {CODE}" in html
    # Opening hours from scheduling.opening_hours, grouped.
    assert "Maandag t/m vrijdag: 12:00–22:00" in html
    assert "Zondag: gesloten" in html
    assert 'href="/join/krt-school-3?lang=en"' in html
    # No scripts, no third-party anything.
    assert "<script" not in html.lower()
    assert not re.search(r'(src|href)="https?://(?!matrix\.to/)', html)


async def test_join_page_in_english(client: Client) -> None:
    r = await client.get(f"/join/{CODE}?lang=en")
    assert r.status == 200
    html = await r.text()
    assert '<html lang="en">' in html
    assert "Chat with a counselor" in html
    assert "Make my anonymous account" in html
    assert "Monday to Friday: 12:00–22:00" in html
    assert 'name="lang" value="en"' in html
    assert "1813" in html and "Nederlands" in html


async def test_code_is_case_insensitive(client: Client) -> None:
    r = await client.get(f"/join/{CODE.upper()}")
    assert r.status == 200
    assert f"start {CODE}" in await r.text()


async def test_opening_hours_text_when_none_configured(hooks: FakeHooks) -> None:
    config = make_config()
    config = config.model_copy(
        update={"scheduling": config.scheduling.model_copy(update={"opening_hours": None})}
    )
    c = await client_for(config, hooks)
    try:
        html = await (await c.get(f"/join/{CODE}")).text()
        assert "Elke werkdag van 12 tot 22 uur" in html
    finally:
        await c.close()


async def test_unknown_code_is_a_friendly_404(client: Client) -> None:
    r = await client.get("/join/no-such-poster")
    assert r.status == 404
    html = await r.text()
    _security_headers(r)
    assert "Deze link kennen we niet" in html
    assert "https://matrix.to/#/@chathulp:localhost" in html
    assert "1813" in html and "112" in html
    assert "<form" not in html
    # Other paths too, and a code with markup in it is never echoed unescaped.
    r = await client.get("/join/%3Cscript%3Ealert(1)%3C%2Fscript%3E")
    assert r.status == 404
    assert "<script" not in await r.text()
    r = await client.get("/nothing/here?lang=en")
    assert r.status == 404
    assert "We don't know this link" in await r.text()


async def test_dynamic_text_is_escaped(hooks: FakeHooks) -> None:
    config = make_config(service_name='<b onmouseover="x">Hulp</b>')
    c = await client_for(config, hooks)
    try:
        html = await (await c.get(f"/join/{CODE}")).text()
        assert "<b onmouseover" not in html
        assert "&lt;b onmouseover=&quot;x&quot;&gt;Hulp&lt;/b&gt;" in html
    finally:
        await c.close()


async def test_form_without_csrf_token_is_403(client: Client, hooks: FakeHooks) -> None:
    await client.get(f"/join/{CODE}")  # has the cookie, but the form lacks the token
    r = await client.post(f"/join/{CODE}", data={"lang": "nl"})
    assert r.status == 403
    html = await r.text()
    assert "Dit formulier is verlopen" in html and "1813" in html
    _security_headers(r)
    # A token without its cookie (another browser, a forged cross-site post) is refused too.
    token = csrf_of(await (await client.get(f"/join/{CODE}")).text())
    client.session.cookie_jar.clear()
    r = await client.post(f"/join/{CODE}", data={"csrf": token})
    assert r.status == 403
    # A token for another campaign code is refused.
    token = csrf_of(await (await client.get("/join/waregem-jeugdhuis")).text())
    r = await client.post(f"/join/{CODE}", data={"csrf": token})
    assert r.status == 403
    assert hooks.calls == []


async def test_too_short_or_mismatched_password_shows_the_form_again(
    client: Client, hooks: FakeHooks
) -> None:
    token = csrf_of(await (await client.get(f"/join/{CODE}")).text())
    r = await client.post(
        f"/join/{CODE}", data={"csrf": token, "password": "short", "password2": "short"}
    )
    assert r.status == 400
    html = await r.text()
    assert "minstens 8 tekens" in html and 'role="alert"' in html
    r = await client.post(
        f"/join/{CODE}",
        data={"csrf": csrf_of(html), "lang": "en", "password": "long-enough-1",
              "password2": "long-enough-2"},
    )
    assert r.status == 400
    assert "The two passwords are not the same." in await r.text()
    assert hooks.calls == []


async def test_rate_limit_gives_a_429_page_never_a_500(hooks: FakeHooks) -> None:
    # The homeserver is unreachable: the first attempt gets the friendly error page (503),
    # the second is over the limit (1 per hour) and gets the 429 page.
    config = make_config(account_rate_limit={"count": 1, "per_minutes": 60})
    c = await client_for(config, hooks)
    try:
        token = csrf_of(await (await c.get(f"/join/{CODE}")).text())
        r = await c.post(f"/join/{CODE}", data={"csrf": token})
        assert r.status == 503
        assert "Er ging iets mis" in await r.text()
        assert METRICS.get("chathulp_errors_total") == 1
        token = csrf_of(await (await c.get(f"/join/{CODE}")).text())  # each token works once
        r = await c.post(f"/join/{CODE}", data={"csrf": token, "lang": "en"})
        assert r.status == 429
        html = await r.text()
        assert "Please wait a moment" in html and "60 minutes" in html
        assert "https://matrix.to/#/@chathulp:localhost" in html and "1813" in html
        assert r.headers["Retry-After"] == "3600"
        _security_headers(r)
        assert hooks.calls == []
    finally:
        await c.close()


async def test_forwarded_for_is_used_only_when_trusted(hooks: FakeHooks) -> None:
    for trusted, second_status in ((True, 503), (False, 429)):
        config = make_config(
            account_rate_limit={"count": 1, "per_minutes": 60}, trust_forwarded_for=trusted
        )
        c = await client_for(config, hooks)
        try:
            token = csrf_of(await (await c.get(f"/join/{CODE}")).text())
            r = await c.post(f"/join/{CODE}", data={"csrf": token},
                             headers={"X-Forwarded-For": "6.6.6.6, 10.0.0.1"})
            assert r.status == 503
            # A forged first entry does not matter: the proxy-appended last one counts.
            token = csrf_of(await (await c.get(f"/join/{CODE}")).text())
            r = await c.post(f"/join/{CODE}", data={"csrf": token},
                             headers={"X-Forwarded-For": "6.6.6.6, 10.0.0.2"})
            assert r.status == second_status
        finally:
            await c.close()


async def test_no_secret_means_no_account_form(hooks: FakeHooks) -> None:
    c = await client_for(make_config(secret=None), hooks)
    try:
        html = await (await c.get(f"/join/{CODE}")).text()
        assert "<form" not in html
        assert "https://matrix.to/#/@chathulp:localhost" in html
    finally:
        await c.close()


async def test_health_follows_the_hooks() -> None:
    for hooks, status in ((FakeHooks(ok=True), 200), (FakeHooks(ok=False), 503),
                          (FakeHooks(fail=True), 503)):
        c = await client_for(make_config(), hooks)
        try:
            r = await c.get("/health")
            assert r.status == status
            data = await r.json()
            assert data["ok"] is (status == 200)
            if not hooks.fail:
                assert data == {"homeserver": hooks.ok, "database": True,
                                "sync_age_seconds": 1.25, "ok": hooks.ok}
        finally:
            await c.close()


_SAMPLE = re.compile(
    r"^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\]|\\.)*\""
    r"(,[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\]|\\.)*\")*\})? "
    r"(-?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?|NaN|[+-]Inf)( -?[0-9]+)?$"
)


def parse_prometheus(text: str) -> dict[str, float]:
    """A strict little parser: every line is a HELP/TYPE comment or `name{labels}? value`."""
    assert text.endswith("\n")
    values: dict[str, float] = {}
    types: dict[str, str] = {}
    for line in text.splitlines():
        if line.startswith("#"):
            parts = line.split(" ", 3)
            assert parts[1] in ("HELP", "TYPE"), line
            if parts[1] == "TYPE":
                assert parts[3] in ("counter", "gauge", "histogram", "summary", "untyped")
                types[parts[2]] = parts[3]
            continue
        assert _SAMPLE.match(line), f"not a Prometheus sample line: {line!r}"
        name, value = line.split(" ")[:2]
        family = name.split("{")[0]
        if family not in types:  # a histogram's series belong to its family
            family = re.sub(r"_(bucket|sum|count)$", "", family)
            assert types.get(family) == "histogram", f"{name} has no TYPE line"
        values[name] = float(value)
    return values


async def test_metrics_are_prometheus_text(client: Client) -> None:
    METRICS.inc("chathulp_bookings_total")
    METRICS.inc("chathulp_bookings_total", 2)
    r = await client.get("/metrics")
    assert r.status == 200
    assert r.headers["Content-Type"].startswith("text/plain; version=0.0.4")
    values = parse_prometheus(await r.text())
    assert values["chathulp_bookings_total"] == 3
    assert values["chathulp_sync_lag_seconds"] == 1.25  # from hooks.health()
    for name in ("chathulp_intakes_started_total", "chathulp_intakes_completed_total",
                 "chathulp_sessions_opened_total", "chathulp_openings_late_total",
                 "chathulp_crisis_alerts_total", "chathulp_accounts_created_total",
                 "chathulp_errors_total", "chathulp_reply_latency_seconds_count",
                 "chathulp_opening_lateness_seconds_count"):
        assert values[name] == 0


async def test_histograms_have_buckets_and_no_labels_but_le(client: Client) -> None:
    METRICS.observe("chathulp_reply_latency_seconds", 0.3)
    METRICS.observe("chathulp_reply_latency_seconds", 4)
    METRICS.observe("chathulp_opening_lateness_seconds", -2)  # clock skew counts as on time
    text = await (await client.get("/metrics")).text()
    values = parse_prometheus(text)
    assert values['chathulp_reply_latency_seconds_bucket{le="0.25"}'] == 0
    assert values['chathulp_reply_latency_seconds_bucket{le="0.5"}'] == 1
    assert values['chathulp_reply_latency_seconds_bucket{le="5.0"}'] == 2
    assert values['chathulp_reply_latency_seconds_bucket{le="+Inf"}'] == 2
    assert values["chathulp_reply_latency_seconds_sum"] == 4.3
    assert values['chathulp_opening_lateness_seconds_bucket{le="1.0"}'] == 1
    # The only label anywhere is a bucket bound: no personal data can hide in labels.
    labels = set(re.findall(r"\{([^}]*)\}", text))
    assert labels and all(re.fullmatch(r'le="[^"]+"', x) for x in labels)
    # Nothing from prometheus-client's global registry (process/python collectors) leaks in.
    assert "process_" not in text and "python_gc" not in text


def test_metrics_facade_refuses_typos_and_wrong_kinds() -> None:
    m = Metrics()
    other = Metrics()  # a second registry in the same process is fine
    m.inc("chathulp_bookings_total")
    assert m.get("chathulp_bookings_total") == 1 and other.get("chathulp_bookings_total") == 0
    with pytest.raises(KeyError):
        m.inc("chathulp_bokings_total")
    with pytest.raises(ValueError):
        m.inc("chathulp_bookings_total", -1)
    with pytest.raises(ValueError):
        m.set("chathulp_bookings_total", 3)
    with pytest.raises(ValueError):
        m.observe("chathulp_sync_lag_seconds", 3)
    with pytest.raises(ValueError):
        m.inc("chathulp_reply_latency_seconds")
    m.reset()
    assert m.get("chathulp_bookings_total") == 0


async def test_start_web_serves_and_stops(hooks: FakeHooks) -> None:
    port = free_port()
    runner = await start_web(make_config(bind="127.0.0.1", port=port), hooks)
    try:
        async with aiohttp.ClientSession() as http:
            async with http.get(f"http://127.0.0.1:{port}/health") as r:
                assert r.status == 200
            async with http.get(f"http://127.0.0.1:{port}/join/{CODE}") as r:
                assert r.status == 200
    finally:
        await runner.cleanup()
