"""In-process handler tests: real storage, FakeTransport, fake clock (tests/support/harness)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.reload import Reloader
from tests.support.harness import SARA, TOM, Harness, counselor


@pytest.fixture
async def h(tmp_path: Path) -> AsyncIterator[Harness]:
    harness = await Harness.start(tmp_path)
    yield harness
    await harness.close()


@pytest.fixture
async def r(tmp_path: Path) -> AsyncIterator[tuple[Harness, Reloader, Path]]:
    """A bot whose config file (Sara and Tom) an admin reloads: (harness, reloader, file)."""
    from tests.handlers.test_reload import ADMIN, config_data, write

    h = await Harness.start(tmp_path, admins=[ADMIN])
    path = tmp_path / "config.yaml"
    write(path, config_data(tmp_path / "bot-data",
                            [counselor(SARA, "Sara"), counselor(TOM, "Tom")]))
    reloader = Reloader(h.router, path)
    h.ctx.reloader = reloader
    yield h, reloader, path
    await reloader.settled()
    await h.close()
