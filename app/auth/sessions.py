"""Users' sign-ins, kept server-side in ``console_sessions`` beside API-key console sign-ins.

A console sign-in gives the browser a cookie; an API sign-in gives a bearer token
(``xsu_…``). Either way only the token's SHA-256 is stored, and revoking the row (退出, a
password reset, disabling the user) ends it at once on every worker.
"""

from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from app.auth.principal import Principal
from app.auth.tokens import hash_token, new_link_token
from app.errors import Unauthorized
from app.models import ConsoleSession, Role, User
from app.models.base import utcnow

#: A bearer token a user signed in for starts with this (API keys start with ``xs_``).
API_TOKEN_PREFIX = "xsu_"  # noqa: S105 (a public marker, not a secret)


class Client(StrEnum):
    """Where a sign-in is used."""

    console = "console"
    api = "api"


#: How long a sign-in holds.
LIFETIME = {Client.console: timedelta(hours=12), Client.api: timedelta(days=30)}


def principal_of_user(user: User) -> Principal:
    """The caller a (checked, enabled) user stands for."""
    return Principal(
        key_id=None, user_id=user.id, role=Role(user.role), organization_id=user.organization_id
    )


def open_session(
    session: Session,
    *,
    user: User | None = None,
    api_key_id: int | None = None,
    client: Client = Client.console,
    now: datetime | None = None,
) -> str:
    """Start a sign-in for ``user`` (or an API key's console sign-in); the token to hand out.

    Sign-ins past their expiry (anyone's) are deleted here, so the table stays small.
    """
    now = now or utcnow()
    session.execute(delete(ConsoleSession).where(ConsoleSession.expires_at <= now))
    token, digest = new_link_token()
    if client is Client.api:
        token = API_TOKEN_PREFIX + token
        digest = hash_token(token)
    session.add(
        ConsoleSession(
            api_key_id=api_key_id,
            user_id=user.id if user else None,
            client=client.value,
            token_hash=digest,
            created_at=now,
            last_seen_at=now,
            expires_at=now + LIFETIME[client],
        )
    )
    session.flush()
    return token


def resume_api_token(session: Session, token: str, *, now: datetime | None = None) -> Principal:
    """The user an API bearer token stands for; 401 when unknown, expired, revoked or disabled."""
    now = now or utcnow()
    found = session.execute(
        select(ConsoleSession, User)
        .join(User, User.id == ConsoleSession.user_id)
        .where(ConsoleSession.token_hash == hash_token(token))
        .where(ConsoleSession.client == Client.api.value)
    ).one_or_none()
    if found is None:
        raise Unauthorized("unknown or ended sign-in token")
    row, user = found
    if row.revoked_at is not None or row.expires_at <= now or user.disabled_at is not None:
        raise Unauthorized("unknown or ended sign-in token")
    return principal_of_user(user)


def end_session(session: Session, session_id: int, *, now: datetime | None = None) -> None:
    """End one sign-in (退出)."""
    session.execute(
        update(ConsoleSession)
        .where(ConsoleSession.id == session_id, ConsoleSession.revoked_at.is_(None))
        .values(revoked_at=now or utcnow())
    )


def end_user_sessions(session: Session, user_id: int, *, now: datetime | None = None) -> int:
    """End every sign-in of a user (password reset, disabled); how many were open."""
    result = session.execute(
        update(ConsoleSession)
        .where(ConsoleSession.user_id == user_id, ConsoleSession.revoked_at.is_(None))
        .values(revoked_at=now or utcnow())
    )
    return int(getattr(result, "rowcount", 0) or 0)


def session_id_of_token(session: Session, token: str) -> int | None:
    """The row id of a sign-in token (to end it), if it exists."""
    return session.scalar(
        select(ConsoleSession.id).where(ConsoleSession.token_hash == hash_token(token))
    )
