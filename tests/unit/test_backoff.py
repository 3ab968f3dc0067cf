"""bot/backoff.py: each key waits on its own, doubling up to the maximum; success forgets."""

from __future__ import annotations

from bot.backoff import Backoff


def test_each_key_waits_on_its_own_doubling_up_to_the_maximum() -> None:
    now = [100.0]
    b = Backoff(0.5, 4.0, clock=lambda: now[0])
    assert b.wait_left("a") == 0.0
    assert [b.failed("a") for _ in range(4)] == [1.0, 2.0, 4.0, 4.0]
    assert b.wait_left("a") == 4.0 and b.wait_left("b") == 0.0
    now[0] += 3
    assert b.wait_left("a") == 1.0
    now[0] += 5
    assert b.wait_left("a") == 0.0
    assert b.failed("a") == 4.0  # still backed off: it has not succeeded since


def test_success_forgets_the_key() -> None:
    now = [0.0]
    b = Backoff(1.0, 60.0, clock=lambda: now[0])
    b.failed("a")
    b.failed("a")
    b.succeeded("a")
    assert b.wait_left("a") == 0.0
    assert b.failed("a") == 2.0
    b.clear()
    assert b.wait_left("a") == 0.0
