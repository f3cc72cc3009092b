"""Console sessions, kept server-side, and CSRF tokens.

Signing in (a user's e-mail and password or code, or an API key) opens a row in
``console_sessions`` (:class:`~app.models.ConsoleSession`) and gives the browser a random
token in an HttpOnly cookie; the table stores only the token's SHA-256, never the API key. Every request looks the row up, so 退出, expiry and revocation of the key
(which revokes its sessions) end a session at once, on every worker, and a replayed cookie
gets 登录. The CSRF token of a session is an HMAC of its token under the server's secret,
so it needs no storage and changes with every sign-in.
"""

import base64
import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.auth import service as auth
from app.auth import sessions as sign_ins
from app.auth.principal import Principal
from app.models import ApiKey, ConsoleSession, User
from app.models.base import utcnow

COOKIE = "xs_console"
LOGIN_CSRF_COOKIE = "xs_login_csrf"
#: A session lasts this long after sign-in, then the key must be given again.
MAX_AGE_S = 12 * 3600
#: ``last_seen_at`` is written at most this often per session.
SEEN_RESOLUTION = timedelta(minutes=1)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def token_hash(token: str) -> str:
    """What is stored of a session token: its SHA-256 (the token carries 256 random bits)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class SignedIn:
    """A signed-in console user: the API's caller, and the session's CSRF token."""

    principal: Principal
    csrf: str
    session_id: int


class SessionStore:
    """Opens, resumes and closes console sessions; makes their CSRF tokens with one secret."""

    def __init__(self, secret: bytes) -> None:
        self._secret = secret

    def csrf_for(self, token: str) -> str:
        """The CSRF token of the session with this cookie token."""
        message = f"csrf|{token}".encode()
        return _b64(hmac.new(self._secret, message, hashlib.sha256).digest())

    def open(self, session: Session, holder: ApiKey | User, *, now: datetime | None = None) -> str:
        """Start a session for a freshly checked key or user; the token for the browser's cookie.

        Sessions past their expiry (anyone's) are deleted here, so the table stays small.
        """
        if isinstance(holder, User):
            return sign_ins.open_session(session, user=holder, now=now)
        return sign_ins.open_session(session, api_key_id=holder.id, now=now)

    def resume(
        self, session: Session, token: str, *, writing: bool = False, now: datetime | None = None
    ) -> SignedIn:
        """The session a cookie token stands for; :class:`NotSignedIn` when it no longer holds.

        ``writing``: the request writes anyway (a form post), so ``last_seen_at`` is brought
        up to date too. A page view (``False``) writes nothing: reading stays reading, and
        works on a read-only database.
        """
        if not token or len(token) > 128:
            raise NotSignedIn("malformed session cookie")
        now = now or utcnow()
        row = session.scalar(
            select(ConsoleSession)
            .where(ConsoleSession.token_hash == token_hash(token))
            .where(ConsoleSession.client == sign_ins.Client.console.value)
        )
        if row is None:
            raise NotSignedIn("unknown session")
        if row.revoked_at is not None:
            raise NotSignedIn("signed out")
        if row.expires_at <= now:
            raise NotSignedIn("session expired")
        principal: Principal
        if row.user_id is not None:
            user = session.get(User, row.user_id)
            if user is None or user.disabled_at is not None:
                raise NotSignedIn("the user was disabled")
            principal = sign_ins.principal_of_user(user)
        else:
            key = session.get(ApiKey, row.api_key_id)
            if key is None or key.revoked_at is not None:
                raise NotSignedIn("the key was revoked")
            auth.touch(session, key)
            principal = auth.principal_of(key)
        if writing and now - row.last_seen_at > SEEN_RESOLUTION:
            session.execute(
                update(ConsoleSession)
                .where(ConsoleSession.id == row.id)
                .where(ConsoleSession.last_seen_at < now - SEEN_RESOLUTION)
                .values(last_seen_at=now)
            )
        return SignedIn(principal, self.csrf_for(token), row.id)

    def close(self, session: Session, session_id: int, *, now: datetime | None = None) -> None:
        """End a session (退出): its cookie no longer signs anyone in, wherever it is sent."""
        session.execute(
            update(ConsoleSession)
            .where(ConsoleSession.id == session_id, ConsoleSession.revoked_at.is_(None))
            .values(revoked_at=now or utcnow())
        )


def check_token(expected: str, given: str) -> bool:
    """Constant-time comparison of a CSRF token."""
    return bool(given) and hmac.compare_digest(expected.encode(), given.encode())


class NotSignedIn(Exception):
    """No valid console session: the page sends the browser to 登录."""
