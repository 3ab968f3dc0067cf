"""Helpers for the web tests: a config from the example, fake hooks, a test client."""

from __future__ import annotations

import copy
import re
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.config.models import Config
from bot.devserver import free_port
from bot.web import create_web_app
from tests.conftest import EXAMPLE

CODE = "krt-school-3"
CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
    "frame-ancestors 'none'"
)


class FakeHooks:
    def __init__(self, *, ok: bool = True, fail: bool = False) -> None:
        self.calls: list[tuple[str, str]] = []
        self.ok = ok
        self.fail = fail

    async def open_intake(self, user_id: str, campaign: str) -> None:
        self.calls.append((user_id, campaign))

    async def health(self) -> dict[str, object]:
        if self.fail:
            raise RuntimeError("database is gone")
        return {"homeserver": self.ok, "database": True, "sync_age_seconds": 1.25,
                "ok": self.ok}


def make_config(
    *, homeserver: str | None = None, secret: str | None = "not-a-real-secret-123",
    **web_overrides: Any,
) -> Config:
    data = copy.deepcopy(EXAMPLE)
    # Nothing listens on this port: registration fails fast unless a test points it elsewhere.
    data["matrix"]["homeserver"] = homeserver or f"http://127.0.0.1:{free_port()}"
    data["web"]["registration_shared_secret"] = secret
    data["web"].update(web_overrides)
    return Config.model_validate(data)


async def client_for(config: Config, hooks: FakeHooks) -> TestClient[web.Request, web.Application]:
    client = TestClient(TestServer(create_web_app(config, hooks), host="127.0.0.1"))
    await client.start_server()
    return client


def csrf_of(html: str) -> str:
    m = re.search(r'name="csrf" value="([^"]+)"', html)
    assert m, "no CSRF field in the form"
    return m.group(1)


def by_id(html: str, element_id: str) -> str:
    m = re.search(rf'id="{element_id}">([^<]*)<', html)
    assert m, f"no element #{element_id}"
    return m.group(1)
