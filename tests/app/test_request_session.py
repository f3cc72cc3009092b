"""The request's session: opened without the database, always ended, even when cancelled."""

import anyio
import pytest
from fastapi import FastAPI
from sqlalchemy import text
from starlette.requests import Request

from app.auth.dependencies import get_session


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def _request(app: FastAPI, method: str) -> Request:
    return Request({"type": "http", "method": method, "headers": [], "app": app})


@pytest.mark.anyio
async def test_a_cancelled_request_still_ends_its_transaction_and_frees_the_writer_lock(
    app: FastAPI,
) -> None:
    sessions = get_session(_request(app, "POST"))
    session = await anext(sessions)
    session.execute(text("SELECT 1"))  # the transaction is open now
    assert session.in_transaction()
    cancelled = anyio.get_cancelled_exc_class()
    with anyio.CancelScope() as scope:
        scope.cancel()  # the client went away: every unshielded await here raises at once
        with pytest.raises(cancelled):
            await sessions.athrow(cancelled())
    assert not session.in_transaction()
    assert app.state.engine.pool.checkedout() == 0
    turns = app.state.write_turns
    if turns is not None:  # SQLite: the next writer is not locked out
        assert turns.try_acquire()
        turns.release()


@pytest.mark.anyio
async def test_a_session_that_never_touched_the_database_is_closed_without_a_connection(
    app: FastAPI,
) -> None:
    sessions = get_session(_request(app, "GET"))
    session = await anext(sessions)
    with pytest.raises(StopAsyncIteration):
        await anext(sessions)
    assert not session.in_transaction()
    assert app.state.engine.pool.checkedout() == 0
