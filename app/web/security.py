"""Console sessions: a signed cookie bound to an API key's id, and CSRF tokens.

The cookie holds ``key id . issued-at . nonce`` and an HMAC-SHA256 over those and the key's
stored hash, under the server's session secret. It never holds the key. Every request
re-reads the key row, so revoking a key ends its console sessions at once; a cookie made for
a key row that was replaced (same id, other key) does not verify. The CSRF token of a
session is an HMAC of its nonce, so it needs no storage and changes with every sign-in.
"""

import base64
import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass

from sqlalchemy.orm import Session

from app.auth import service as auth
from app.auth.principal import Principal

COOKIE = "xs_console"
LOGIN_CSRF_COOKIE = "xs_login_csrf"
#: A session lasts this long after sign-in, then the key must be given again.
MAX_AGE_S = 12 * 3600
_VERSION = "v1"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


@dataclass(frozen=True, slots=True)
class ConsoleSession:
    """A signed-in console user: the API's caller, and the session's CSRF token."""

    principal: Principal
    csrf: str
    issued_at: int


class Signer:
    """Makes and checks session cookies and CSRF tokens with one server secret."""

    def __init__(self, secret: bytes) -> None:
        self._secret = secret

    def _mac(self, purpose: str, *parts: str) -> str:
        message = "|".join((purpose, *parts)).encode("utf-8")
        return _b64(hmac.new(self._secret, message, hashlib.sha256).digest())

    def csrf_for(self, nonce: str) -> str:
        """The CSRF token of the session with this nonce."""
        return self._mac("csrf", nonce)

    def issue(self, key_id: int, secret_hash: str, *, now: int | None = None) -> str:
        """A cookie value for a freshly signed-in key."""
        issued = int(time.time()) if now is None else now
        nonce = secrets.token_urlsafe(16)
        body = f"{_VERSION}.{key_id}.{issued}.{nonce}"
        return f"{body}.{self._mac('session', body, secret_hash)}"

    def resume(self, session: Session, cookie: str, *, now: int | None = None) -> ConsoleSession:
        """The session a cookie stands for; :class:`NotSignedIn` when it no longer holds."""
        parts = cookie.split(".")
        if len(parts) != 5 or parts[0] != _VERSION or not parts[1].isdigit():
            raise NotSignedIn("malformed session cookie")
        body, mac = ".".join(parts[:4]), parts[4]
        if not parts[2].isdigit():
            raise NotSignedIn("malformed session cookie")
        issued = int(parts[2])
        current = int(time.time()) if now is None else now
        if not 0 <= current - issued <= MAX_AGE_S:
            raise NotSignedIn("session expired")
        row = auth.active_key(session, int(parts[1]))
        if row is None:
            raise NotSignedIn("the key was revoked")
        if not hmac.compare_digest(mac, self._mac("session", body, row.secret_hash)):
            raise NotSignedIn("bad session signature")
        auth.touch(session, row)
        return ConsoleSession(auth.principal_of(row), self.csrf_for(parts[3]), issued)


def check_token(expected: str, given: str) -> bool:
    """Constant-time comparison of a CSRF token."""
    return bool(given) and hmac.compare_digest(expected.encode(), given.encode())


class NotSignedIn(Exception):
    """No valid console session: the page sends the browser to 登录."""
