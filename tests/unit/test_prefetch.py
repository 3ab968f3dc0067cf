"""The start-up's quick read for the prefetched first sync (bot/matrix/prefetch.py): it never
fails the start, and it only asks what the started bot would ask."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from bot.matrix import prefetch


@pytest.fixture(autouse=True)
def _nothing_pending():
    prefetch.forget()
    yield
    prefetch.forget()


def test_quick_read_resolves_data_dir_like_the_config_loader(tmp_path: Path) -> None:
    cfg = tmp_path / "etc" / "bot.yaml"
    cfg.parent.mkdir()
    cfg.write_text("matrix: {homeserver: 'https://hs.example.org/'}\ndata_dir: ../data\n")
    assert prefetch._quick_read(cfg) == (
        "https://hs.example.org", (tmp_path / "data").resolve(),
        (tmp_path / "data" / "chathulp.db").resolve())


def test_quick_read_skips_other_database_engines(tmp_path: Path) -> None:
    cfg = tmp_path / "bot.yaml"
    cfg.write_text("matrix: {homeserver: 'https://hs'}\ndatabase: postgresql://db/x\n")
    assert prefetch._quick_read(cfg) is None
    cfg.write_text("matrix: {homeserver: 'https://hs'}\ndatabase: sqlite:///srv/c.db\n")
    assert prefetch._quick_read(cfg)[2] == Path("/srv/c.db")


@pytest.mark.parametrize("text", ["", "[1, 2", "matrix: 3", "matrix: {homeserver: ftp://x}",
                                  "matrix: {homeserver: 'http://127.0.0.1:9'}\ndata_dir: /no"])
def test_start_never_fails_and_asks_nothing_without_a_previous_run(
        tmp_path: Path, text: str) -> None:
    cfg = tmp_path / "bot.yaml"
    cfg.write_text(text)
    prefetch.start(cfg)
    prefetch.start(tmp_path / "missing.yaml")
    assert prefetch._pending is None


def _previous_run(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    data.mkdir()
    (data / "credentials.json").write_text(json.dumps({"access_token": "tok"}))
    con = sqlite3.connect(data / "chathulp.db")
    con.execute("CREATE TABLE kv (key TEXT PRIMARY KEY, value TEXT)")
    con.execute("INSERT INTO kv VALUES ('sync_token', 's1')")
    con.commit()
    con.close()
    cfg = tmp_path / "bot.yaml"
    # Port 9 (discard): nothing answers; the prefetch fails and is not used.
    cfg.write_text("matrix: {homeserver: 'http://127.0.0.1:9'}\ndata_dir: data\n")
    return cfg


def test_a_failed_prefetch_is_not_used(tmp_path: Path) -> None:
    prefetch.start(_previous_run(tmp_path))
    job = prefetch._pending
    assert job is not None and job.since == "s1" and job.access_token == "tok"
    assert prefetch.take("http://127.0.0.1:9", "tok", "s1", wait=10) is None
    assert prefetch._pending is None


def _answered(body: dict[str, object]) -> None:
    """A prefetch as `start` leaves it, its answer already in (no thread, no network)."""
    job = prefetch.Prefetched("http://127.0.0.1:9", "tok", "s1")
    job.body = json.dumps(body).encode()
    job.done.set()
    prefetch._pending = job


@pytest.mark.parametrize("asked", [("http://other:9", "tok", "s1"),
                                   ("http://127.0.0.1:9", "new-token", "s1"),
                                   ("http://127.0.0.1:9", "tok", "s2"),
                                   ("http://127.0.0.1:9", "tok", None)])
def test_a_prefetch_for_another_request_is_not_used(asked: tuple[str, str, str | None]) -> None:
    _answered({"next_batch": "s9"})
    assert prefetch.take(*asked, wait=0) is None
    assert prefetch._pending is None


def test_the_matching_prefetch_is_used_once() -> None:
    _answered({"next_batch": "s9"})
    assert prefetch.take("http://127.0.0.1:9/", "tok", "s1", wait=0) == {"next_batch": "s9"}
    assert prefetch.take("http://127.0.0.1:9/", "tok", "s1", wait=0) is None


def test_an_answer_that_is_no_sync_is_not_used() -> None:
    _answered({"errcode": "M_UNKNOWN_TOKEN"})
    assert prefetch.take("http://127.0.0.1:9", "tok", "s1", wait=0) is None


def test_the_prefetch_leaves_the_database_untouched(tmp_path: Path) -> None:
    cfg = _previous_run(tmp_path)
    db = tmp_path / "data" / "chathulp.db"
    before = db.stat().st_mtime_ns, sorted(p.name for p in db.parent.iterdir())
    prefetch.start(cfg)
    assert prefetch._pending is not None
    assert (db.stat().st_mtime_ns, sorted(p.name for p in db.parent.iterdir())) == before
