"""CSRF protection for the account form: a signed double-submit cookie, each token used once.

The page sets a cookie with a random nonce (HttpOnly, SameSite=Strict, path /join) and puts
`<timestamp>.<salt>.<HMAC-SHA256(secret, nonce|timestamp|salt|code)>` in a hidden form field.
A POST is accepted only when the cookie is present, the field's HMAC matches that cookie's
nonce and the campaign code, the timestamp is at most `max_age` seconds old, and the token was
not used before (`consume`): a replayed form post is refused. Another site can neither read
the field nor set the cookie; a token from one browser does not work in another.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections import OrderedDict
from collections.abc import Callable

COOKIE_NAME = "chathulp_csrf"
FIELD_NAME = "csrf"
DEFAULT_MAX_AGE = 2 * 60 * 60
# Used tokens remembered (until they expire anyway); the oldest are forgotten first.
MAX_USED = 100_000


class CsrfGuard:
    def __init__(
        self,
        secret: bytes,
        *,
        max_age: float = DEFAULT_MAX_AGE,
        now: Callable[[], float] = time.time,
        max_used: int = MAX_USED,
    ) -> None:
        if len(secret) < 16:
            raise ValueError("a CSRF secret of at least 16 bytes")
        self._secret = secret
        self.max_age = max_age
        self._now = now
        self._max_used = max_used
        self._used: OrderedDict[str, float] = OrderedDict()  # mac -> time it expires

    @staticmethod
    def new_nonce() -> str:
        return secrets.token_urlsafe(24)

    def _mac(self, nonce: str, stamp: str, salt: str, scope: str) -> str:
        msg = "\x00".join((nonce, stamp, salt, scope)).encode()
        return hmac.new(self._secret, msg, hashlib.sha256).hexdigest()

    def token(self, nonce: str, scope: str) -> str:
        stamp = str(int(self._now()))
        salt = secrets.token_urlsafe(9)  # two pages in one second get different tokens
        return f"{stamp}.{salt}.{self._mac(nonce, stamp, salt, scope)}"

    def _valid_mac(self, nonce: str | None, token: str | None, scope: str) -> str | None:
        if not nonce or not token or len(nonce) > 100 or len(token) > 200:
            return None
        parts = token.split(".")
        if len(parts) != 3:
            return None
        stamp, salt, mac = parts
        if not stamp.isdigit() or not salt or not mac:
            return None
        age = self._now() - int(stamp)
        if age < -60 or age > self.max_age:
            return None
        if not hmac.compare_digest(mac, self._mac(nonce, stamp, salt, scope)):
            return None
        return mac

    def check(self, nonce: str | None, token: str | None, scope: str) -> bool:
        """Valid and not used before (does not use it up)."""
        mac = self._valid_mac(nonce, token, scope)
        return mac is not None and mac not in self._used

    def consume(self, nonce: str | None, token: str | None, scope: str) -> bool:
        """Valid and not used before; True marks it used, so a replay gets False."""
        mac = self._valid_mac(nonce, token, scope)
        if mac is None:
            return False
        now = self._now()
        while self._used and next(iter(self._used.values())) < now:
            self._used.popitem(last=False)  # expired anyway: the age check refuses them
        if mac in self._used:
            return False
        self._used[mac] = now + self.max_age + 60
        while len(self._used) > self._max_used:
            self._used.popitem(last=False)
        return True
