"""CSRF protection for the account form: a signed double-submit cookie.

The page sets a cookie with a random nonce (HttpOnly, SameSite=Strict, path /join) and puts
`<timestamp>.<HMAC-SHA256(secret, nonce|timestamp|code)>` in a hidden form field. A POST is
accepted only when the cookie is present, the field's HMAC matches that cookie's nonce and
the campaign code, and the timestamp is at most `max_age` seconds old. Another site can
neither read the field nor set the cookie; a token from one browser does not work in another.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections.abc import Callable

COOKIE_NAME = "chathulp_csrf"
FIELD_NAME = "csrf"
DEFAULT_MAX_AGE = 2 * 60 * 60


class CsrfGuard:
    def __init__(
        self,
        secret: bytes,
        *,
        max_age: float = DEFAULT_MAX_AGE,
        now: Callable[[], float] = time.time,
    ) -> None:
        if len(secret) < 16:
            raise ValueError("a CSRF secret of at least 16 bytes")
        self._secret = secret
        self.max_age = max_age
        self._now = now

    @staticmethod
    def new_nonce() -> str:
        return secrets.token_urlsafe(24)

    def _mac(self, nonce: str, stamp: str, scope: str) -> str:
        msg = "\x00".join((nonce, stamp, scope)).encode()
        return hmac.new(self._secret, msg, hashlib.sha256).hexdigest()

    def token(self, nonce: str, scope: str) -> str:
        stamp = str(int(self._now()))
        return f"{stamp}.{self._mac(nonce, stamp, scope)}"

    def check(self, nonce: str | None, token: str | None, scope: str) -> bool:
        if not nonce or not token or len(nonce) > 100 or len(token) > 200:
            return False
        stamp, _, mac = token.partition(".")
        if not stamp.isdigit() or not mac:
            return False
        age = self._now() - int(stamp)
        if age < -60 or age > self.max_age:
            return False
        return hmac.compare_digest(mac, self._mac(nonce, stamp, scope))
