"""The start-up helpers: phase timings and the pause of the garbage collector."""

from __future__ import annotations

import gc
import logging
import time
from collections.abc import Iterator

import pytest

from bot import startup


@pytest.fixture
def gc_state() -> Iterator[None]:
    was_enabled = gc.isenabled()
    yield
    startup._gc_paused = False
    gc.unfreeze()
    if was_enabled:
        gc.enable()
    else:
        gc.disable()


def test_since_start_counts_from_the_process_start() -> None:
    first = startup.since_start()
    time.sleep(0.02)  # a real clock is what is measured here
    second = startup.since_start()
    # This process started before the tests ran, and the clock goes on.
    assert 0 < first < second
    assert second - first >= 0.015


def test_mark_logs_wall_and_cpu_at_debug(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG, logger="bot.startup"):
        startup.mark("database open")
    [record] = [r for r in caplog.records if r.name == "bot.startup"]
    assert record.levelno == logging.DEBUG
    assert record.getMessage().startswith("Start-up: database open after ")
    assert "(CPU " in record.getMessage()


def test_mark_is_silent_above_debug(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="bot.startup"):
        startup.mark("database open")
    assert not [r for r in caplog.records if r.name == "bot.startup"]


def test_gc_paused_then_resumed_with_what_exists_frozen(gc_state: None) -> None:
    gc.enable()
    gc.unfreeze()
    startup.pause_gc()
    assert not gc.isenabled()
    kept = [[i] for i in range(1000)]  # made during the pause
    startup.resume_gc()
    assert gc.isenabled()
    assert gc.get_freeze_count() >= len(kept)
    startup.resume_gc()  # a second resume changes nothing
    assert gc.isenabled()


def test_gc_switched_off_by_someone_else_stays_off(gc_state: None) -> None:
    gc.disable()
    gc.unfreeze()
    startup.pause_gc()
    startup.resume_gc()
    assert not gc.isenabled()
    assert gc.get_freeze_count() == 0
