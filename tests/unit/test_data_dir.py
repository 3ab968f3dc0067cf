"""The data directory: created private, tightened when loose, and one clear message when it
cannot be used (checked as root too: the failures below are real, not chmod-based)."""

from __future__ import annotations

import copy
import errno
import logging
import os
import shutil
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from bot.app import lock_data_dir, prepare_data_dir
from bot.matrix.client import StartupError
from bot.matrix.secrets import Credentials, load_or_create_secrets, save_credentials
from tests.conftest import EXAMPLE, ROOT


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def no_umask() -> Iterator[None]:
    old = os.umask(0)
    try:
        yield
    finally:
        os.umask(old)


def test_a_new_data_dir_and_its_files_are_private_whatever_the_umask(
    tmp_path: Path, no_umask: None
) -> None:
    data = tmp_path / "a" / "data"
    lock = lock_data_dir(data)
    try:
        assert mode(data) == 0o700
        assert mode(data / "chathulp.lock") == 0o600
        save_credentials(data, Credentials("http://hs", "@b:hs", "DEV", "token"))
        load_or_create_secrets(data, environ={})
        assert mode(data / "credentials.json") == 0o600
        assert mode(data / "secrets.json") == 0o600
    finally:
        lock.close()


def test_loose_rights_are_tightened_at_start_with_one_log_line(
    tmp_path: Path, no_umask: None, caplog: pytest.LogCaptureFixture
) -> None:
    data = tmp_path / "data"
    (data / "store").mkdir(parents=True, mode=0o777)
    os.chmod(data, 0o755)
    os.chmod(data / "store", 0o777)
    files = ["chathulp.db", "chathulp.db-wal", "chathulp.db-shm", "credentials.json",
             "secrets.json", "chathulp.lock", "store/@b:hs_DEV.db"]
    for name in files:
        (data / name).write_text("x")
        os.chmod(data / name, 0o666)
    with caplog.at_level(logging.INFO, logger="bot.app"):
        prepare_data_dir(data)
    assert mode(data) == 0o700
    assert mode(data / "store") == 0o700
    for name in files:
        assert mode(data / name) == 0o600, name
    lines = [r.getMessage() for r in caplog.records if "Tightened" in r.getMessage()]
    assert lines == [f"Tightened the rights of the data directory {data} from 0755 to 0700"]
    # Already private: nothing to say the next time.
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="bot.app"):
        prepare_data_dir(data)
    assert not [r for r in caplog.records if "Tightened" in r.getMessage()]


def test_a_path_under_a_file_is_one_clear_error(tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("x")
    data = tmp_path / "afile" / "data"
    with pytest.raises(StartupError) as info:
        prepare_data_dir(data)
    text = str(info.value)
    assert str(data) in text
    assert "cannot be created" in text and "not a directory" in text
    assert "writable directory" in text  # what to do


def test_a_data_dir_that_is_a_file_is_one_clear_error(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.write_text("x")
    with pytest.raises(StartupError, match="it is a file, not a directory"):
        prepare_data_dir(data)


def test_an_unwritable_data_dir_is_one_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    real_open = os.open

    def read_only_open(path: object, flags: int, *args: object) -> int:
        if flags & os.O_CREAT and str(path).startswith(str(data)):
            raise OSError(errno.EROFS, "Read-only file system", str(path))
        return real_open(path, flags, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", read_only_open)
    with pytest.raises(StartupError) as info:
        prepare_data_dir(data)
    assert f"{data} cannot be used: writing to it fails (read-only file system)" in str(
        info.value
    )


def _write_config(tmp_path: Path, data_dir: Path) -> Path:
    cfg = copy.deepcopy(EXAMPLE)
    cfg["data_dir"] = str(data_dir)
    cfg["web"] = {**cfg.get("web", {}), "enabled": False}
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(cfg))
    return path


def _run_cli(config: Path, wrapper: list[str] | None = None) -> subprocess.CompletedProcess[str]:
    cmd = [*(wrapper or []), sys.executable, "-m", "bot", "run", "-c", str(config)]
    env = {**os.environ, "CHATHULP_BOT_PASSWORD": "x"}
    return subprocess.run(cmd, capture_output=True, text=True, timeout=60, cwd=ROOT, env=env)


def _assert_one_clear_message(result: subprocess.CompletedProcess[str], data: Path,
                              why: str) -> None:
    assert result.returncode == 2, result.stderr
    output = result.stdout + result.stderr
    assert "Traceback" not in output
    lines = [line for line in output.splitlines() if line.strip()]
    assert len(lines) == 1, output
    assert "Cannot start" in lines[0] and str(data) in lines[0] and why in lines[0]
    assert "writable directory" in lines[0]


def test_chathulp_run_under_a_file_exits_with_one_message(tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("x")
    data = tmp_path / "afile" / "data"
    _assert_one_clear_message(_run_cli(_write_config(tmp_path, data)), data,
                              "not a directory")


def _read_only_bind_works(path: Path) -> bool:
    if shutil.which("unshare") is None:
        return False
    probe = subprocess.run(
        ["unshare", "-m", "sh", "-c",
         f"mount --bind {path} {path} && mount -o remount,bind,ro {path} && "
         f"! touch {path}/probe 2>/dev/null"],
        capture_output=True, timeout=30,
    )
    return probe.returncode == 0


def test_chathulp_run_on_a_read_only_data_dir_exits_with_one_message(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    if not _read_only_bind_works(data):
        pytest.skip("no mount namespace here to make a truly read-only directory")
    config = _write_config(tmp_path, data)
    wrapper = ["unshare", "-m", "sh", "-c",
               f"mount --bind {data} {data} && mount -o remount,bind,ro {data} && "
               'exec "$@"', "sh"]
    _assert_one_clear_message(_run_cli(config, wrapper), data, "read-only file system")
