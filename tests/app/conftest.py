"""Shared fixtures: a real database (SQLite file, or PostgreSQL when configured), migrated.

Set ``XIESHOU_TEST_DATABASE_URL`` (e.g. ``postgresql+psycopg://postgres@127.0.0.1:5432/test``)
to run the whole suite against PostgreSQL; otherwise a SQLite file in a temporary folder is
used. Either way the schema is built by the alembic migrations, so they are tested too.
The suite wipes that PostgreSQL database, so it refuses one whose name does not say it is for
tests (see :mod:`tests.app.database_guard`).
"""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from app.main import create_app
from app.migrate import upgrade
from app.models import Base
from app.platform.db import make_engine
from app.platform.settings import Settings
from tests.app.database_guard import RESET_FLAG, check_may_reset
from tests.app.factories import World, build_world

POSTGRES_URL = os.environ.get("XIESHOU_TEST_DATABASE_URL", "")


def _reset_postgres(url: str) -> None:
    check_may_reset(url, flag=os.environ.get(RESET_FLAG, ""))
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """URL of a freshly migrated test database."""
    if POSTGRES_URL:
        _reset_postgres(POSTGRES_URL)
        url = POSTGRES_URL
    else:
        path: Path = tmp_path_factory.mktemp("db") / "xieshou-test.db"
        url = f"sqlite:///{path}"
    upgrade(url)
    return url


@pytest.fixture(scope="session")
def settings(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings for the app under test."""
    # A start-up build that outlasts the default 10 s wait on a loaded CI machine answers 503
    # (a CI run saw it); tests of that answer set their own short wait.
    return Settings(
        database_url=database_url,
        environment="test",
        max_body_bytes=64_000,
        index_ready_wait_s=120,
        # the job tests register their handlers in this process: the app's consumer threads
        # run them (the consumer process is tested in tests/app/jobs/test_consumer_process.py)
        jobs_process=False,
        # On SQLite the data folder is the database file's (a temporary one); on PostgreSQL it
        # would be ./data, which parallel test processes (pytest-xdist) would share.
        data_dir=str(tmp_path_factory.mktemp("data")) if POSTGRES_URL else None,
    )


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    """An engine on the test database, for setting up and checking state directly."""
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture(autouse=True)
def _empty_tables(engine: Engine) -> Iterator[None]:
    """Every test starts from empty tables (writes are real commits, so they are undone here)."""
    yield
    tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
    with engine.begin() as conn:
        for table in tables:
            conn.execute(text(f"DELETE FROM {table}"))
        if engine.dialect.name == "postgresql":
            # DELETE and a restart of the sequences used, not TRUNCATE: TRUNCATE gives each of
            # the ~46 tables a new file, 0.8-1.1 s per test on a loaded machine against 0.07 s.
            used = conn.execute(
                text(
                    "SELECT sequencename FROM pg_sequences"
                    " WHERE schemaname = current_schema() AND last_value IS NOT NULL"
                )
            ).scalars()
            for sequence in list(used):
                conn.execute(text(f'ALTER SEQUENCE "{sequence}" RESTART'))


@pytest.fixture(scope="session")
def app(settings: Settings) -> FastAPI:
    """The application under test, on the test database."""
    return create_app(settings)


@pytest.fixture(autouse=True)
def _fresh_worker_memory(app: FastAPI) -> Iterator[None]:
    """Every test starts with no failed authentication counted and no key use noted.

    The app is shared by the whole session, while the tables are emptied after each test
    and ids start again, so a key use noted by one test would hide another's key of the
    same id.
    """
    yield
    app.state.auth_throttle.reset()
    app.state.key_usage.forget()


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    """An HTTP client without credentials."""
    with TestClient(app) as client:
        yield client


@pytest.fixture
def world(client: TestClient, engine: Engine) -> World:
    """An admin, an organizer, two SMEs and two large firms, each with a key.

    ``sme_a`` and ``firm_a`` were registered by the organizer; ``sme_b`` and ``firm_b`` by the
    admin. Each firm's key belongs to that firm.
    """
    return build_world(client, engine)
