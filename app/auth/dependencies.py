"""FastAPI dependencies: the database session and the authenticated caller."""

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from app.auth import service
from app.auth.principal import Principal
from app.db import session_scope
from app.errors import Unauthorized

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
    return service.authenticate(session, key.strip())


CallerDep = Annotated[Principal, Depends(get_principal, scope="function")]
