from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from bot.metrics import METRICS
from tests.web.support import FakeHooks, client_for, make_config


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv("CHATHULP_REGISTRATION_SECRET", raising=False)
    monkeypatch.delenv("CHATHULP_WEB_SECRET", raising=False)
    METRICS.reset()
    yield
    METRICS.reset()


@pytest.fixture
def hooks() -> FakeHooks:
    return FakeHooks()


@pytest.fixture
async def client(hooks: FakeHooks) -> AsyncIterator[TestClient[web.Request, web.Application]]:
    c = await client_for(make_config(), hooks)
    yield c
    await c.close()
