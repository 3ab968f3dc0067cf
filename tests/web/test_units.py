"""Metrics registry, sliding-window limiter, CSRF tokens, registration MAC, hours text."""

from __future__ import annotations

import pytest

from bot.metrics import SPECS, Metrics
from bot.web.csrf import CsrfGuard
from bot.web.pages import opening_hours_lines
from bot.web.ratelimit import SlidingWindowLimiter
from bot.web.registration import random_localpart, random_password, registration_mac


class FakeTime:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def test_metrics_api() -> None:
    m = Metrics()
    m.inc("chathulp_crisis_alerts_total")
    m.inc("chathulp_crisis_alerts_total", 2)
    m.set("chathulp_sync_lag_seconds", 0.5)
    assert m.get("chathulp_crisis_alerts_total") == 3
    text = m.render()
    assert "# TYPE chathulp_crisis_alerts_total counter\nchathulp_crisis_alerts_total 3.0\n" in text
    assert "# TYPE chathulp_sync_lag_seconds gauge\nchathulp_sync_lag_seconds 0.5\n" in text
    assert text.count("# HELP ") == len(SPECS)
    with pytest.raises(KeyError):
        m.inc("chathulp_bokings_total")  # a typo never creates a metric
    with pytest.raises(KeyError):
        m.set("nope", 1)
    with pytest.raises(ValueError):
        m.inc("chathulp_bookings_total", -1)
    with pytest.raises(ValueError):
        m.set("chathulp_bookings_total", 5)


def test_sliding_window() -> None:
    clock = FakeTime()
    lim = SlidingWindowLimiter(2, 60, now=clock)
    assert lim.hit("a") and lim.hit("a")
    assert not lim.hit("a")
    assert lim.hit("b")
    assert lim.retry_after("a") == pytest.approx(60)
    clock.now += 30
    assert not lim.hit("a")  # refused hits do not count, nor extend the window
    assert lim.retry_after("a") == pytest.approx(30)
    clock.now += 30.001  # both hits of t=0 have left the window
    assert lim.hit("a") and lim.hit("a")
    assert not lim.hit("a")


def test_limiter_memory_is_bounded() -> None:
    lim = SlidingWindowLimiter(1, 60, max_keys=3, now=FakeTime())
    for ip in ("1", "2", "3", "4"):
        assert lim.hit(ip)
    assert len(lim._hits) == 3
    assert lim.hit("1")  # the oldest key was dropped: more lenient, never stricter


def test_csrf_tokens() -> None:
    clock = FakeTime()
    guard = CsrfGuard(b"k" * 32, max_age=100, now=clock)
    nonce = guard.new_nonce()
    token = guard.token(nonce, "krt-school-3")
    assert guard.check(nonce, token, "krt-school-3")
    assert not guard.check(guard.new_nonce(), token, "krt-school-3")
    assert not guard.check(nonce, token, "waregem-jeugdhuis")
    assert not guard.check(nonce, None, "krt-school-3")
    assert not guard.check(None, token, "krt-school-3")
    assert not guard.check(nonce, "garbage", "krt-school-3")
    assert not guard.check(nonce, token + "0", "krt-school-3")
    assert not CsrfGuard(b"x" * 32, now=clock).check(nonce, token, "krt-school-3")
    clock.now += 101
    assert not guard.check(nonce, token, "krt-school-3")


def test_csrf_tokens_work_once() -> None:
    clock = FakeTime()
    guard = CsrfGuard(b"k" * 32, max_age=100, now=clock, max_used=3)
    nonce = guard.new_nonce()
    token = guard.token(nonce, "krt-school-3")
    again = guard.token(nonce, "krt-school-3")
    assert token != again  # two pages in the same second get different tokens
    assert guard.consume(nonce, token, "krt-school-3")
    assert not guard.consume(nonce, token, "krt-school-3")  # a replay
    assert not guard.check(nonce, token, "krt-school-3")
    assert guard.consume(nonce, again, "krt-school-3")
    assert not guard.consume(nonce, "garbage", "krt-school-3")
    # Memory is bounded, and used tokens are forgotten once they would have expired anyway.
    for _ in range(5):
        assert guard.consume(nonce, guard.token(nonce, "x"), "x")
    assert len(guard._used) == 3
    clock.now += 200
    assert guard.consume(nonce, guard.token(nonce, "x"), "x")
    assert len(guard._used) == 1


def test_registration_mac_matches_synapse_docs() -> None:
    # The algorithm of Synapse's docs (admin_api/register_api): HMAC-SHA1 over
    # nonce NUL user NUL password NUL admin|notadmin.
    import hashlib
    import hmac

    mac = hmac.new(b"s3cret", b"n\x00u\x00p\x00notadmin", hashlib.sha1).hexdigest()
    assert registration_mac("s3cret", "n", "u", "p", False) == mac


def test_random_ids_and_passwords() -> None:
    ids = {random_localpart("jongere") for _ in range(200)}
    assert len(ids) == 200
    assert all(len(i) == len("jongere-") + 6 and i.startswith("jongere-") for i in ids)
    pw = random_password()
    assert len(pw) == 19 and pw.count("-") == 3


def test_opening_hours_lines() -> None:
    hours = {"mon": ["12:00-22:00"], "tue": ["12:00-22:00"], "wed": ["13:00-17:00",
             "19:00-21:00"], "sat": ["10:00-18:00"]}
    assert opening_hours_lines(hours, "nl") == [
        "Maandag t/m dinsdag: 12:00–22:00",
        "Woensdag: 13:00–17:00 en 19:00–21:00",
        "Donderdag t/m vrijdag: gesloten",
        "Zaterdag: 10:00–18:00",
        "Zondag: gesloten",
    ]
    assert opening_hours_lines({}, "en") == ["Monday to Sunday: closed"]
