"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect, text
from sqlalchemy.engine import make_url

from app.migrate import alembic_config, upgrade
from app.models import Base
from app.platform.db import make_engine
from tests.app.conftest import POSTGRES_URL


def test_autogenerate_finds_no_difference(engine: Engine) -> None:
    """Run against the suite's database: SQLite, or PostgreSQL when configured."""
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


@pytest.fixture(params=["sqlite", "postgresql"])
def scratch_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database of each kind (PostgreSQL only when the suite is given one)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'scratch.db'}"
        return
    if not POSTGRES_URL:
        pytest.skip("XIESHOU_TEST_DATABASE_URL not set")
    name = f"xieshou_scratch_{uuid.uuid4().hex[:8]}"
    admin = make_engine(POSTGRES_URL).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


def test_upgrade_downgrade_upgrade(scratch_url: str) -> None:
    upgrade(scratch_url)
    engine = make_engine(scratch_url)
    try:
        assert set(Base.metadata.tables) <= set(inspect(engine).get_table_names())
        command.downgrade(alembic_config(scratch_url), "base")
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
        upgrade(scratch_url)
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            assert compare_metadata(context, Base.metadata) == []
    finally:
        engine.dispose()


def test_sqlite_connections_use_wal_and_foreign_keys(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'pragmas.db'}")
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
    engine.dispose()
