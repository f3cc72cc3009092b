"""Processes starting together on a fresh PostgreSQL queue database (replicas and a worker
of the production shape) each create huey's tables; none of them fails for it."""

import multiprocessing
import os
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from app.platform import jobs
from app.platform.db import make_engine
from app.platform.settings import Settings

POSTGRES_URL = os.environ.get("XIESHOU_TEST_DATABASE_URL", "")


@pytest.fixture
def fresh_queue_database() -> Iterator[str]:
    """A new, empty PostgreSQL database for the queue (peewee's URL); dropped after."""
    if not POSTGRES_URL.startswith("postgresql"):
        pytest.skip("huey's SQL storage on PostgreSQL")
    name = f"xieshou_test_queue_{uuid.uuid4().hex[:8]}"
    admin = make_engine(POSTGRES_URL).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        url = make_url(POSTGRES_URL).set(drivername="postgresql", database=name)
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


def _open_queue(jobs_url: str, ready: Any, out: Any) -> None:
    settings = Settings(database_url=POSTGRES_URL, jobs_url=jobs_url)
    ready.wait()  # all at once, as replicas started together
    try:
        huey = jobs.make_huey(settings)
        huey.pending_count()
    except Exception as exc:
        out.put(f"{type(exc).__name__}: {exc}")
    else:
        out.put("ok")


def test_processes_starting_together_all_open_the_queue(fresh_queue_database: str) -> None:
    ctx = multiprocessing.get_context("spawn")
    count = 6
    ready, out = ctx.Barrier(count), ctx.Queue()
    procs = [
        ctx.Process(target=_open_queue, args=(fresh_queue_database, ready, out))
        for _ in range(count)
    ]
    for proc in procs:
        proc.start()
    outcomes = [out.get(timeout=120) for _ in procs]
    for proc in procs:
        proc.join(timeout=30)
    assert outcomes == ["ok"] * count
