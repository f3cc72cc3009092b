"""/metrics tells whether the change listener (PostgreSQL LISTEN) is connected, and how long
it has heard nothing: no notification, no (re)connection. On SQLite there is no listener."""

import time
from collections.abc import Callable

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from prometheus_client import REGISTRY, generate_latest
from sqlalchemy import Engine, text

from app.matches.index import MatchingIndex
from app.platform import metrics
from app.platform.db import make_engine, make_sessionmaker
from app.platform.notify import CHANNEL, Listener
from tests.app.test_observability import _sample

CONNECTED = "xieshou_change_listener_connected"
SILENT = "xieshou_change_listener_silent_seconds"


def _wait_until(check: Callable[[], bool], timeout_s: float = 10.0) -> None:
    end = time.monotonic() + timeout_s
    while not check():
        assert time.monotonic() < end, "timed out"
        time.sleep(0.02)


def _scrape(client: TestClient) -> tuple[float, float]:
    answer = client.get("/metrics")
    assert answer.status_code == 200
    return _sample(answer.text, CONNECTED), _sample(answer.text, SILENT)


def _listener(app: FastAPI) -> Listener:
    listener = app.state.matching.freshness.listener
    assert listener is not None
    return listener  # type: ignore[no-any-return]


def test_on_postgresql_the_listener_is_connected_and_its_silence_ends_with_a_notification(
    app: FastAPI, client: TestClient, engine: Engine
) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("LISTEN/NOTIFY is PostgreSQL's")
    listener = _listener(app)
    _wait_until(lambda: listener.connected)
    time.sleep(0.4)  # nobody writes: the silence grows
    connected, silent = _scrape(client)
    assert connected == 1
    assert silent >= 0.4

    # Silences are bounded by moments taken here, not by how quickly a loaded machine
    # answers: had it not ended, the silence would be older than the notification.
    heard = listener.notified
    notified_at = time.monotonic()
    with engine.begin() as conn:
        conn.execute(text("SELECT pg_notify(:channel, '')"), {"channel": CHANNEL})
    _wait_until(lambda: listener.notified > heard)
    connected, after = _scrape(client)
    assert connected == 1
    assert after <= time.monotonic() - notified_at

    # A dropped connection is made again; the reconnection ends the silence too.
    time.sleep(0.4)
    killed = listener.backend_pid
    killed_at = time.monotonic()
    with engine.begin() as conn:
        assert conn.scalar(text("SELECT pg_terminate_backend(:pid)"), {"pid": killed})
    _wait_until(lambda: listener.connected and listener.backend_pid != killed)
    connected, silent = _scrape(client)
    assert connected == 1
    assert silent <= time.monotonic() - killed_at  # not since the notification, before it


def test_a_listener_that_cannot_connect_reads_0_and_its_silence_grows() -> None:
    # Nothing listens on port 1: the listener keeps retrying and never connects.
    engine = make_engine("postgresql+psycopg://postgres@127.0.0.1:1/nowhere")
    index = MatchingIndex(make_sessionmaker(engine))
    sources = metrics.Sources(index=index, turns={}, runners=dict)
    index.freshness.start()
    try:
        time.sleep(0.3)
        sources.sample()
        exposed = generate_latest(REGISTRY).decode()
        assert _sample(exposed, CONNECTED) == 0
        assert _sample(exposed, SILENT) >= 0.3
    finally:
        index.freshness.stop()
        engine.dispose()


def test_on_sqlite_there_is_no_listener_and_the_help_text_says_so(
    app: FastAPI, client: TestClient, engine: Engine
) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL has a listener")
    assert app.state.matching.freshness.listener is None
    answer = client.get("/metrics")
    assert _sample(answer.text, CONNECTED) == 0
    assert _sample(answer.text, SILENT) == 0
    for name in (CONNECTED, SILENT):
        [help_line] = [
            line for line in answer.text.splitlines() if line.startswith(f"# HELP {name} ")
        ]
        assert "always 0 on SQLite" in help_line
