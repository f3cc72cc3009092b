"""A database that cannot be used is 503 with Retry-After, told the truth by readyz, logged once.

Regressions: with the SQLite file read-only, healthz said 200 while every authenticated request
failed 500 (GETs too: authenticating wrote the key's ``last_used_at``); with PostgreSQL gone,
API calls were 500; the matching index logged a traceback on every poll (twice a second).
"""

import logging
import time
from collections.abc import Callable, Iterator

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from sqlalchemy.engine import make_url

from app.learning.capture import ImpressionLog
from app.main import create_app
from app.matches.index import MatchingIndex
from app.models import ApiKey, Impression, Role
from app.platform.db import make_engine, make_sessionmaker
from app.platform.settings import Settings
from tests.app.factories import World, bearer, issue_key, org_body
from tests.app.servers import free_port

POSTGRES_GONE = f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/xieshou_gone"


def assert_unavailable(response: httpx.Response) -> None:
    """503 problem+json asking the client to retry."""
    assert response.status_code == 503, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert int(response.headers["retry-after"]) >= 1


def wait_for(condition: Callable[[], bool], timeout_s: float = 5.0) -> None:
    """Poll until ``condition`` holds."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.02)


# -- a read-only SQLite file -----------------------------------------------------------------


@pytest.fixture
def read_only_app(database_url: str) -> FastAPI:
    """The app on the test database opened read-only (what a read-only file or mount gives)."""
    if make_url(database_url).get_backend_name() != "sqlite":
        pytest.skip("a read-only file is a SQLite matter")
    path = make_url(database_url).database
    url = f"sqlite:///file:{path}?mode=ro&uri=true"
    return create_app(Settings(database_url=url, environment="test"))


def test_with_the_sqlite_file_read_only_reads_work_writes_are_503_and_readyz_says_so(
    client: TestClient, world: World, engine: Engine, read_only_app: FastAPI
) -> None:
    body = {"organization_id": world.sme_a.org_id, "products": [{"name": "压力传感器"}]}
    profile = client.post("/api/v1/profiles", json=body, headers=world.sme_a.headers).json()["id"]
    fresh = bearer(issue_key(engine, Role.sme, world.sme_a.org_id))  # never used: no last_used_at

    with TestClient(read_only_app) as read_only:
        assert read_only.get("/api/v1/me", headers=fresh).status_code == 200
        seen = read_only.get(f"/api/v1/profiles/{profile}", headers=fresh)
        assert seen.status_code == 200, seen.text
        assert_unavailable(
            read_only.post(
                "/api/v1/organizations", json=org_body("sme"), headers=world.admin.headers
            )
        )
        # The index builds in the background from the read-only file; on a loaded machine it
        # may still be building, and then readyz rightly names it too.
        read_only_app.state.matching.wait_ready(timeout_s=30)
        health = read_only.get("/readyz")
        assert_unavailable(health)
        assert "read-only" in health.json()["detail"]
        assert [c["check"] for c in health.json()["not_ready"]] == ["database"]
        assert read_only.get("/healthz").status_code == 200  # alive all the same
    assert client.get("/readyz").status_code == 200  # the same file, writable


# -- PostgreSQL unreachable ------------------------------------------------------------------


@pytest.fixture
def postgres_gone_app() -> FastAPI:
    """An app on a PostgreSQL port nobody listens on (no lifespan: no index can be built)."""
    return create_app(Settings(database_url=POSTGRES_GONE, environment="test"))


def test_with_postgresql_unreachable_api_calls_and_readyz_are_503_and_logged_once(
    postgres_gone_app: FastAPI, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="xieshou")
    key = bearer("xs_0123456789ab_" + "s" * 43)
    with_client = TestClient(postgres_gone_app)
    for _ in range(3):
        assert_unavailable(with_client.get("/api/v1/me", headers=key))
        assert_unavailable(with_client.get("/api/v1/organizations", headers=key))
        assert_unavailable(
            with_client.post("/api/v1/organizations", json=org_body("sme"), headers=key)
        )
        assert_unavailable(with_client.get("/readyz"))
        assert with_client.get("/healthz").status_code == 200  # the process itself is alive
    outage_lines = [r for r in caplog.records if "unavailable" in r.getMessage()]
    assert len(outage_lines) == 1, [r.getMessage() for r in caplog.records]
    assert outage_lines[0].exc_info is None  # one line, no traceback


# -- background loops log an outage once -----------------------------------------------------


@pytest.fixture
def engines(database_url: str) -> Iterator[tuple[Engine, Engine]]:
    """The test database, and a database that cannot be reached."""
    good, gone = make_engine(database_url), make_engine(POSTGRES_GONE)
    yield good, gone
    good.dispose()
    gone.dispose()


def test_the_index_logs_an_outage_once_when_it_starts_and_once_when_it_ends(
    engines: tuple[Engine, Engine], caplog: pytest.LogCaptureFixture
) -> None:
    good, gone = engines
    sessions = make_sessionmaker(good)
    index = MatchingIndex(sessions, freshness_s=0.02, listen=False)  # polls only
    index.start(wait=True)
    caplog.set_level(logging.INFO, logger="xieshou.matching")
    caplog.clear()
    try:
        sessions.configure(bind=gone)
        time.sleep(0.5)  # dozens of polls
        assert [r.levelno for r in caplog.records] == [logging.ERROR]
        assert "unavailable" in caplog.records[0].getMessage()
        sessions.configure(bind=good)
        wait_for(lambda: len(caplog.records) == 2)
        time.sleep(0.1)
        assert len(caplog.records) == 2
        assert "works again" in caplog.records[1].getMessage()
    finally:
        index.stop()


def test_the_impression_log_keeps_its_rows_through_an_outage_and_logs_it_once(
    engines: tuple[Engine, Engine], caplog: pytest.LogCaptureFixture
) -> None:
    good, gone = engines
    sessions = make_sessionmaker(gone)
    impressions = ImpressionLog(sessions, None, interval_s=0.01)
    caplog.set_level(logging.INFO, logger="xieshou.learning")
    impressions.start()
    try:
        for need in range(1, 11):
            impressions.add(need, [(1, 0.5, [0.1, 0.2], False)], None)
            time.sleep(0.03)
        assert [r.levelno for r in caplog.records] == [logging.ERROR]
        sessions.configure(bind=good)
        wait_for(lambda: len(caplog.records) == 2)
        assert "works again" in caplog.records[1].getMessage()
    finally:
        impressions.stop()
    with good.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(Impression)) == 10


# -- authenticating writes nothing -----------------------------------------------------------


def test_a_keys_last_use_is_written_in_the_background_at_most_once_a_minute(
    app: FastAPI, client: TestClient, world: World, engine: Engine
) -> None:
    key = issue_key(engine, Role.sme, world.sme_a.org_id)

    def last_used() -> object:
        with engine.connect() as conn:
            return conn.scalar(
                select(ApiKey.last_used_at).where(ApiKey.prefix == key.split("_")[1])
            )

    app.state.key_usage.forget()  # building the world used other keys
    assert client.get("/api/v1/me", headers=bearer(key)).status_code == 200
    assert last_used() is None  # the request wrote nothing
    assert app.state.key_usage.flush() == 1
    first = last_used()
    assert first is not None
    app.state.key_cache.clear()  # authenticate from the database again
    assert client.get("/api/v1/me", headers=bearer(key)).status_code == 200
    assert app.state.key_usage.flush() == 0  # within the minute: nothing to write
    assert last_used() == first
