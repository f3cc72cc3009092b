"""FastAPI dependencies: the database session and the authenticated caller."""

from collections.abc import Iterator
from datetime import timedelta
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from app.auth.keys import matches, split_prefix
from app.auth.principal import Principal
from app.db import session_scope
from app.errors import Unauthorized
from app.models import ApiKey, Role
from app.models.base import utcnow

#: ``last_used_at`` is written at most this often per key, so reads stay reads.
LAST_USED_RESOLUTION = timedelta(minutes=1)


_READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def get_session(request: Request) -> Iterator[Session]:
    """The request's session: committed after the handler returns, rolled back on error.

    On SQLite, writing requests of one process take turns on a lock first: SQLite allows one
    writer at a time, and waiting on a lock is far quicker than SQLite's busy-retry sleeps.
    """
    lock = request.app.state.write_lock
    if lock is None or request.method in _READ_METHODS:
        yield from session_scope(request.app.state.sessionmaker)
        return
    with lock:
        yield from session_scope(request.app.state.sessionmaker)


# scope="function": commit before the response is sent, so a failed commit is an error
# response rather than a silent loss after a 2xx.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]


def get_principal(request: Request, session: SessionDep) -> Principal:
    """Authenticate ``Authorization: Bearer <key>``; 401 when missing, unknown or revoked."""
    header = request.headers.get("authorization", "")
    scheme, _, key = header.partition(" ")
    if scheme.lower() != "bearer" or not key.strip():
        raise Unauthorized("missing Authorization: Bearer <api key>")
    key = key.strip()
    prefix = split_prefix(key)
    row = (
        session.scalars(select(ApiKey).where(ApiKey.prefix == prefix)).one_or_none()
        if prefix
        else None
    )
    if row is None or row.revoked_at is not None or not matches(key, row.secret_hash):
        raise Unauthorized("unknown or revoked API key")
    now = utcnow()
    if row.last_used_at is None or now - row.last_used_at > LAST_USED_RESOLUTION:
        session.execute(
            update(ApiKey)
            .where(ApiKey.id == row.id)
            .where(
                or_(ApiKey.last_used_at.is_(None), ApiKey.last_used_at < now - LAST_USED_RESOLUTION)
            )
            .values(last_used_at=now)
        )
    return Principal(key_id=row.id, role=Role(row.role), organization_id=row.organization_id)


CallerDep = Annotated[Principal, Depends(get_principal, scope="function")]
