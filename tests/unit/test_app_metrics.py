"""The app records how late session openings start (and only openings)."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.app import App
from bot.config.models import Config
from bot.handlers.session_rooms import SessionRooms
from bot.metrics import METRICS
from bot.storage.bookings import CHECK_COUNSELOR, OPEN_SESSION, Timer
from tests.conftest import EXAMPLE


def _timer(kind: str) -> Timer:
    return Timer(id=1, kind=kind, booking_id=7, due=datetime(2026, 1, 1, tzinfo=UTC),
                 status="pending", minutes_before=None, payload=None, done_at=None,
                 late_seconds=None)


async def test_opening_lateness_is_observed(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[tuple[str, timedelta]] = []

    async def on_timer(self: SessionRooms, timer: Timer, late: timedelta) -> None:
        seen.append((timer.kind, late))

    monkeypatch.setattr(SessionRooms, "on_timer", on_timer)
    data = copy.deepcopy(EXAMPLE)
    data["data_dir"] = str(tmp_path / "data")
    app = App(Config.model_validate(data))
    count = METRICS.get("chathulp_opening_lateness_seconds")
    total = METRICS.histogram_sum("chathulp_opening_lateness_seconds")

    await app.timers.handlers[OPEN_SESSION](_timer(OPEN_SESSION), timedelta(seconds=42))
    await app.timers.handlers[CHECK_COUNSELOR](_timer(CHECK_COUNSELOR), timedelta(seconds=9))

    assert seen == [(OPEN_SESSION, timedelta(seconds=42)),
                    (CHECK_COUNSELOR, timedelta(seconds=9))]
    assert METRICS.get("chathulp_opening_lateness_seconds") == count + 1
    assert METRICS.histogram_sum("chathulp_opening_lateness_seconds") == total + 42
