"""The account form under attack or abuse: never a 500, single-use CSRF tokens, the Origin
check, timeouts for slow requests, size limits, real passwords."""

from __future__ import annotations

import asyncio

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from bot.devserver import free_port
from bot.metrics import METRICS
from bot.web import server, start_web
from tests.web.support import CODE, FakeHooks, csrf_of, make_config

Client = TestClient[web.Request, web.Application]


async def _token(client: Client) -> str:
    return csrf_of(await (await client.get(f"/join/{CODE}")).text())


async def test_a_replayed_csrf_token_gets_the_friendly_403(client: Client,
                                                           hooks: FakeHooks) -> None:
    token = await _token(client)
    first = await client.post(f"/join/{CODE}", data={"csrf": token})
    assert first.status == 503  # accepted; the (unreachable) homeserver then fails
    replay = await client.post(f"/join/{CODE}", data={"csrf": token})
    assert replay.status == 403
    assert "Dit formulier is verlopen" in await replay.text()
    # A fresh page gives a fresh token that works.
    assert (await client.post(f"/join/{CODE}", data={"csrf": await _token(client)})).status == 503
    assert hooks.calls == []


@pytest.mark.parametrize(
    ("origin", "status"),
    [("http://127.0.0.1:8080", 503), ("HTTP://127.0.0.1:8080", 503),
     ("https://evil.example", 403), ("http://127.0.0.1:8081", 403), ("null", 403),
     ("", 403), ("not a url", 403)],
)
async def test_origin_must_be_the_public_base_url(client: Client, origin: str,
                                                  status: int) -> None:
    # make_config keeps web.public_base_url at http://127.0.0.1:8080.
    token = await _token(client)
    r = await client.post(f"/join/{CODE}", data={"csrf": token}, headers={"Origin": origin})
    assert r.status == status
    if status == 403:
        assert "Dit formulier is verlopen" in await r.text()


def test_origin_normalises_default_ports() -> None:
    assert server._origin("https://chat.example.org:443/join") == "https://chat.example.org"
    assert server._origin("https://Chat.Example.org") == "https://chat.example.org"
    assert server._origin("http://chat.example.org:8080") == "http://chat.example.org:8080"
    assert server._origin("null") is None and server._origin("ftp://x") is None


BAD_BODIES = [
    # (content type, body, expected status)
    ("application/json", b'{"csrf": "x"}', 400),
    ("text/plain", b"csrf=x", 400),
    ("", b"csrf=x", 400),
    ("multipart/form-data", b"--x\r\n", 400),  # no boundary
    ("multipart/form-data; boundary=abc", b"garbage without any boundary", 400),
    ("multipart/form-data; boundary=abc",
     b"--abc\r\nContent-Disposition: form-data\r\n\r\nvalue\r\n--abc--\r\n", 400),  # no name
    ("multipart/form-data; boundary=abc",
     b"--abc\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\nunterminated", 400),
    ("application/x-www-form-urlencoded", b"csrf=\xff\xfe\xfd", 400),
    ("application/x-www-form-urlencoded; charset=klingon", b"csrf=x", 400),
    ("application/x-www-form-urlencoded", b"x=" + b"a" * 20_000, 413),
    ("multipart/form-data; boundary=abc",
     b"--abc\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a.bin\"\r\n\r\n"
     + b"a" * 20_000 + b"\r\n--abc--\r\n", 413),
]


@pytest.mark.parametrize(("ctype", "body", "status"), BAD_BODIES)
async def test_malformed_or_oversized_bodies_get_4xx_never_500(
    client: Client, ctype: str, body: bytes, status: int, hooks: FakeHooks
) -> None:
    await _token(client)  # has the CSRF cookie
    headers = {"Content-Type": ctype} if ctype else {}
    r = await client.post(f"/join/{CODE}", data=body, headers=headers,
                          skip_auto_headers=["Content-Type"])
    assert r.status == status, await r.text()
    html = await r.text()
    assert ("Het formulier kwam niet goed aan" in html) or (status == 413 and "<html" in html)
    assert "1813" in html  # the crisis lines are on every page
    assert METRICS.get("chathulp_errors_total") == 0
    assert hooks.calls == []


async def test_a_valid_multipart_form_works(client: Client) -> None:
    import aiohttp

    form = aiohttp.FormData()
    form.add_field("csrf", await _token(client))
    form.add_field("lang", "en")
    form.add_field("x", b"bytes", filename="x.bin")  # forces multipart
    r = await client.post(f"/join/{CODE}", data=form)
    assert r.status == 503  # got past the form; the homeserver is unreachable


@pytest.mark.parametrize("password", ["a b c d e f g", "        ", " \t1234567\n"])
async def test_a_chosen_password_needs_8_characters_that_are_not_spaces(
    client: Client, password: str, hooks: FakeHooks
) -> None:
    r = await client.post(f"/join/{CODE}", data={
        "csrf": await _token(client), "password": password, "password2": password})
    assert r.status == 400
    assert "minstens 8 tekens" in await r.text()
    # Eight real characters with spaces between them are fine (then the homeserver is tried).
    ok = "a b c d e f g h"
    r = await client.post(f"/join/{CODE}", data={
        "csrf": await _token(client), "password": ok, "password2": ok})
    assert r.status == 503
    assert hooks.calls == []


async def _slow_server(monkeypatch: pytest.MonkeyPatch) -> tuple[web.AppRunner, int]:
    monkeypatch.setattr(server, "HEADER_TIMEOUT", 1.0)
    monkeypatch.setattr(server, "BODY_TIMEOUT", 1.0)
    port = free_port()
    runner = await start_web(make_config(bind="127.0.0.1", port=port), FakeHooks())
    return runner, port


async def test_a_request_head_that_trickles_in_is_cut_off(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    runner, port = await _slow_server(monkeypatch)
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(f"GET /join/{CODE} HTTP/1.1\r\nHost: x\r\n".encode())

        async def trickle() -> None:
            for i in range(100):
                writer.write(f"X-Slow-{i}: a\r\n".encode())
                await writer.drain()
                await asyncio.sleep(0.2)

        task = asyncio.create_task(trickle())
        loop = asyncio.get_running_loop()
        started = loop.time()
        try:
            async with asyncio.timeout(10):
                data = await reader.read()  # until the server closes the connection
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
            writer.close()
        assert data == b""  # closed without an answer
        assert loop.time() - started < 5  # well before the trickle would have ended (20 s)
    finally:
        await runner.cleanup()


async def test_a_body_that_never_arrives_gets_408(monkeypatch: pytest.MonkeyPatch) -> None:
    runner, port = await _slow_server(monkeypatch)
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(
            f"POST /join/{CODE} HTTP/1.1\r\nHost: x\r\nContent-Length: 500\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\n\r\ncsrf=".encode()
        )
        await writer.drain()
        async with asyncio.timeout(10):
            status_line = await reader.readline()
        writer.close()
        assert status_line.startswith(b"HTTP/1.1 408"), status_line
        assert METRICS.get("chathulp_errors_total") == 0
    finally:
        await runner.cleanup()


async def test_random_bodies_and_content_types_never_give_a_500(client: Client) -> None:
    import random

    rnd = random.Random(16)
    types = ["application/x-www-form-urlencoded", "multipart/form-data",
             "multipart/form-data; boundary=b", "multipart/form-data; boundary=",
             "text/html", "application/x-www-form-urlencoded; charset=utf-16", ""]
    pieces = [b"--b\r\n", b"--b--\r\n", b"Content-Disposition: form-data; name=\"csrf\"\r\n",
              b"\r\n", b"csrf=", b"%", b"%zz", b"&", b"=", b"\xff", b"\x00", b"password=",
              b"Content-Type: text/plain; charset=nope\r\n", b"filename=\"x\"", b"a" * 100]
    await _token(client)
    for _ in range(150):
        body = b"".join(rnd.choice(pieces) for _ in range(rnd.randrange(0, 12)))
        ctype = rnd.choice(types)
        headers = {"Content-Type": ctype} if ctype else {}
        r = await client.post(f"/join/{CODE}", data=body, headers=headers,
                              skip_auto_headers=["Content-Type"])
        assert r.status in (400, 403, 413), (ctype, body, r.status)
        await r.read()
    assert METRICS.get("chathulp_errors_total") == 0
