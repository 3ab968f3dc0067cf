"""The start-up's quick read for the prefetched first sync (bot/matrix/prefetch.py): it never
fails the start, and it only asks what the started bot would ask."""

from __future__ import annotations

import json
import os
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
    con.execute("PRAGMA journal_mode=WAL")  # as the bot's database
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
    """Read-only: the database file is not changed. Reading a WAL database makes SQLite
    create its -wal and -shm files (as the bot's own connection does a moment later), with
    the database's own owner-only mode."""
    cfg = _previous_run(tmp_path)
    db = tmp_path / "data" / "chathulp.db"
    db.chmod(0o600)  # as the bot keeps it (SQLite gives -wal and -shm the database's mode)
    before = db.stat().st_mtime_ns, db.stat().st_size, db.read_bytes()
    old = os.umask(0o077)
    try:
        prefetch.start(cfg)
    finally:
        os.umask(old)
    assert prefetch._pending is not None
    assert (db.stat().st_mtime_ns, db.stat().st_size, db.read_bytes()) == before
    for f in db.parent.iterdir():
        if f.name.startswith("chathulp.db-"):
            assert f.stat().st_mode & 0o077 == 0, f.name


def test_chathulp_run_sets_its_umask_before_the_prefetch(monkeypatch: pytest.MonkeyPatch,
                                                        tmp_path: Path) -> None:
    from bot import cli

    seen: list[int] = []

    def start(path: object) -> None:
        mask = os.umask(0)
        os.umask(mask)
        seen.append(mask)
        raise SystemExit(0)  # stop the start-up here

    monkeypatch.setattr(prefetch, "start", start)
    old = os.umask(0o022)
    try:
        with pytest.raises(SystemExit):
            cli.run_bot(str(tmp_path / "none.yaml"))
    finally:
        os.umask(old)
    assert seen == [0o077]
