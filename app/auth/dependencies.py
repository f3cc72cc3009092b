"""FastAPI dependencies: the database session and the authenticated caller."""

from collections.abc import AsyncGenerator, Callable
from contextlib import AsyncExitStack
from functools import partial
from typing import Annotated

import anyio
from fastapi import Depends, Request
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from app.auth import throttle
from app.auth.cache import KeyCache
from app.auth.keys import hash_key
from app.auth.principal import Principal
from app.auth.sessions import API_TOKEN_PREFIX, resume_api_token
from app.errors import Unauthorized
from app.messages import tr
from app.turns import Turns

_READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


async def get_session(request: Request) -> AsyncGenerator[Session, None]:
    """The request's session: committed after the handler returns, rolled back on error.

    On SQLite, writing requests of one process take turns first (:mod:`app.turns`): SQLite
    allows one writer at a time, and waiting for a turn is far quicker than SQLite's busy-retry
    sleeps. Then every request takes one of the worker's connection turns (as many as the pool
    has connections for requests, :func:`app.platform.db.request_connections`): a request waiting for a
    connection inside a pool thread could leave those holding one without a thread to finish
    on. Both waits are on the event loop and bounded: 503 with Retry-After. The write turn is
    taken first, never while holding a connection turn, so the two cannot deadlock.

    Opening a session touches no database, so it happens here on the event loop; finishing
    one that did use the database (commit or rollback, then close) goes to the thread pool.
    A request answered from memory (a shortlist of an open need) never leaves the loop.
    """
    write_turns: Turns | None = (
        None if request.method in _READ_METHODS else request.app.state.write_turns
    )
    connection_turns: Turns = request.app.state.connection_turns
    async with AsyncExitStack() as turns:
        if write_turns is not None:
            await turns.enter_async_context(write_turns.turn())
        await turns.enter_async_context(connection_turns.turn())
        session = request.app.state.sessionmaker()
        try:
            yield session
        except BaseException:
            await _finish(session, session.rollback)
            raise
        if await _finish(session, session.commit):
            request.app.state.database_outage.succeeded()  # logs the end of an outage


async def _finish(session: Session, end: Callable[[], None]) -> bool:
    """End the session; whether it had used the database."""
    if not session.in_transaction():
        session.close()  # never connected: nothing to end
        return False

    def end_and_close() -> None:
        try:
            end()
        finally:
            session.close()

    # Shielded: a request cancelled mid-way (the client went away) must still end its
    # transaction and hand back its connection, or an open SQLite write would hold the lock.
    with anyio.CancelScope(shield=True):
        await run_in_threadpool(end_and_close)
    return True


# scope="function": commit before the response is sent, so a failed commit is an error
# response rather than a silent loss after a 2xx.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]


async def get_principal(request: Request, session: SessionDep) -> Principal:
    """Authenticate ``Authorization: Bearer <key>``; 401 when missing, unknown or revoked.

    The bearer is an API key (``xs_…``) or a token a user signed in for (``xsu_…``, see
    :mod:`app.auth.sessions`); a user's token is read from the database every time,
    so signing out or a password reset ends it at once.

    A key checked in the last few seconds is answered from this worker's key cache
    (:mod:`app.auth.cache`), without a database read or a trip to the thread pool. Others are
    checked by :func:`app.auth.throttle.authenticate`: 429 with Retry-After after too many
    failures from the client's address or for the key's prefix.
    """
    header = request.headers.get("authorization", "")
    scheme, _, key = header.partition(" ")
    key = key.strip()
    if scheme.lower() != "bearer" or not key:
        raise Unauthorized(tr("missing Authorization: Bearer <api key>"))
    if key.startswith(API_TOKEN_PREFIX):
        return await run_in_threadpool(
            partial(
                _user_token,
                throttle=request.app.state.auth_throttle,
                address=throttle.client_address(request),
            ),
            session,
            key,
        )
    cache: KeyCache = request.app.state.key_cache
    digest = hash_key(key)
    principal = cache.get(digest)
    if principal is None:
        epoch = cache.epoch
        principal = await run_in_threadpool(
            partial(
                throttle.authenticate,
                throttle=request.app.state.auth_throttle,
                address=throttle.client_address(request),
            ),
            session,
            key,
        )
        cache.put(digest, principal, epoch)
    return principal


def _user_token(
    session: Session, token: str, *, throttle: throttle.AuthThrottle, address: str | None
) -> Principal:
    throttle.check(address, "")
    try:
        return resume_api_token(session, token)
    except Unauthorized:
        throttle.failed(address, "")
        raise


CallerDep = Annotated[Principal, Depends(get_principal, scope="function")]
