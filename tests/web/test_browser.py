"""The invite page in a real headless Chromium at a phone's viewport."""

from __future__ import annotations

import asyncio
import shutil
import struct
from pathlib import Path

import pytest

from tests.web.support import CODE, FakeHooks, client_for, make_config

BROWSER = next(
    (p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p),
    None,
)

pytestmark = pytest.mark.skipif(
    BROWSER is None,
    reason="no headless Chromium on this machine (apt-get install -y chromium)",
)

FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--hide-scrollbars", "--window-size=390,844",
]


async def chromium(profile: Path, *args: str, timeout: float = 90) -> bytes:
    assert BROWSER is not None
    proc = await asyncio.create_subprocess_exec(
        BROWSER, *FLAGS, f"--user-data-dir={profile}", *args,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    try:
        async with asyncio.timeout(timeout):
            out, err = await proc.communicate()
    except TimeoutError:
        proc.kill()
        await proc.wait()
        raise
    assert proc.returncode == 0, err.decode(errors="replace")[-2000:]
    return out


def png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    width, height = struct.unpack(">II", head[16:24])
    return width, height


async def test_join_page_in_headless_chromium_at_phone_size(tmp_path: Path) -> None:
    client = await client_for(make_config(), FakeHooks())
    try:
        url = str(client.make_url(f"/join/{CODE}"))
        shot = tmp_path / "join.png"
        await chromium(tmp_path / "profile1", f"--screenshot={shot}", url)
        assert png_size(shot) == (390, 844)
        assert shot.stat().st_size > 10_000  # a rendered page, not a blank one

        dom = (await chromium(tmp_path / "profile2", "--dump-dom", url)).decode()
        assert 'id="create"' in dom and "Maak mijn anoniem account" in dom
        assert "1813" in dom and "112" in dom and "102" in dom
        assert "https://matrix.to/#/@chathulp:localhost" in dom
    finally:
        await client.close()
