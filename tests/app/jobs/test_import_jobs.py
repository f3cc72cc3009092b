"""Imports as jobs on real consumers: the app's own threads (SqliteHuey), Redis, and a
separate ``xieshou worker`` process."""

import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from app.imports.job import spool_dir
from app.main import create_app
from app.models import Job, Organization
from app.platform import jobs
from app.platform.settings import Settings
from tests.app.factories import World, make_uscc
from tests.app.jobs.wait import run_job, wait_for_job
from tests.app.servers import START_S

HEADER = "企业名称,统一社会信用代码,企业类型,行政区划代码"
REDIS_URL = "redis://127.0.0.1:6379/15"


def _firms_csv(rows: int, *, bad_last: bool = False) -> bytes:
    lines = [HEADER] + [f"企业{i}有限公司,{make_uscc()},中小企业,440300" for i in range(rows)]
    if bad_last:
        lines.append("坏行有限公司,123,中小企业,440300")
    return ("\n".join(lines) + "\n").encode()


def _organizations(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.scalar(select(func.count()).select_from(Organization)) or 0)


def _upload(
    client: TestClient | httpx.Client, headers: dict[str, str], data: bytes, query: str = ""
) -> httpx.Response:
    files = {"file": ("firms.csv", data, "text/csv")}
    return client.post(f"/api/v1/imports/firms{query}", files=files, headers=headers)


def test_an_upload_is_answered_202_and_its_job_imports_the_file(
    client: TestClient, world: World, engine: Engine, settings: Settings
) -> None:
    before = _organizations(engine)
    started = _upload(client, world.organizer.headers, _firms_csv(3), "?report=csv")
    assert started.status_code == 202, started.text
    job = started.json()
    assert (job["kind"], job["organization_id"]) == ("import", world.organizer.org_id)
    assert job["requested_by"].startswith("key:")
    assert job["request_id"] == started.headers["x-request-id"]
    result = run_job(client, started, world.organizer.headers)
    assert (result["created"], result["rejected"], result["written"]) == (3, 0, True)
    assert _organizations(engine) == before + 3
    done = client.get(started.headers["location"], headers=world.organizer.headers).json()
    assert done["progress"] == {"done": 3, "total": 3, "note": "rows imported"}
    report = client.get(result["report_url"], headers=world.organizer.headers)
    assert report.text.count("新建") == 3
    assert list(spool_dir(settings).iterdir()) == [], "the spooled upload is deleted"


def test_progress_moves_and_a_cancelled_all_or_nothing_import_leaves_nothing(
    client: TestClient,
    world: World,
    engine: Engine,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The job waits, after each of its first two counts is passed on, until the test has seen
    # it (and, the second time, asked to cancel): it cannot finish before the cancel is asked,
    # however the machine shares its time between the job and the test.
    turn = threading.Semaphore(0)
    held: list[int] = []
    flush = jobs.JobContext.flush_progress

    def held_flush(ctx: jobs.JobContext, **kwargs: Any) -> None:
        flush(ctx, **kwargs)
        if ctx.last is None or len(held) >= 2:
            return
        done, total, note = ctx.last
        if note in ("rows checked", "rows imported") and 0 < done < (total or 0):
            held.append(done)
            assert turn.acquire(timeout=120), "the test never let the job go on"

    monkeypatch.setattr(jobs.JobContext, "flush_progress", held_flush)
    # every count is passed on: on a fast machine a whole phase can pass within one
    # PROGRESS_EVERY_S, leaving no second count short of the total to hold
    monkeypatch.setattr(jobs, "PROGRESS_EVERY_S", 0.0)
    before = _organizations(engine)
    started = _upload(client, world.admin.headers, _firms_csv(30_000))
    url = started.headers["location"]
    seen: list[int] = []
    end = time.monotonic() + 120  # liveness only
    while len(seen) < 2:  # progress moves through the rows while the import runs
        job = client.get(url, headers=world.admin.headers).json()
        assert job["status"] in ("queued", "running"), job
        # an all-or-nothing import counts the rows it checks, then the rows it writes; only a
        # count short of the total is held (a phase's last count, 30,000 rows checked, can
        # come right after its first when the job's progress is passed on at most so often)
        done, total = job["progress"]["done"], job["progress"]["total"]
        counting = job["progress"]["note"] in ("rows checked", "rows imported") and (
            0 < (done or 0) < (total or 0)
        )
        if counting and done and (not seen or done != seen[-1]):
            seen.append(done)
            if len(seen) == 1:
                turn.release()  # on to its next count
        assert time.monotonic() < end, job
        time.sleep(0.02)
    assert seen == held
    assert seen[-1] < 30_000
    assert job["progress"]["total"] == 30_000
    cancelled = client.post(f"{url}/cancel", headers=world.admin.headers)
    assert cancelled.status_code == 202
    assert cancelled.json()["cancel_requested"] is True
    # the job looks for a cancel at most this often: its next look, once let go, sees this one
    time.sleep(jobs.CANCEL_CHECK_EVERY_S)
    turn.release()
    job = wait_for_job(client, url, world.admin.headers)
    assert job["status"] == "cancelled", job
    assert job["cancel_requested"] is True
    assert _organizations(engine) == before, "an all-or-nothing import rolled back whole"
    assert list(spool_dir(settings).iterdir()) == []


@pytest.fixture
def redis_app(settings: Settings) -> FastAPI:
    """The app with its job queue on the real Redis (skipped when none answers)."""
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        pytest.skip(f"no Redis at {REDIS_URL}")
    return create_app(settings.model_copy(update={"jobs_url": REDIS_URL}))


def test_jobs_run_on_redis(redis_app: FastAPI, world: World, engine: Engine) -> None:
    assert type(redis_app.state.jobs.huey).__name__ == "RedisHuey"
    with TestClient(redis_app) as client:
        started = _upload(client, world.admin.headers, _firms_csv(2))
        result = run_job(client, started, world.admin.headers)
        assert result["created"] == 2
        bad = wait_for_job(
            client,
            _upload(client, world.admin.headers, _firms_csv(1, bad_last=True)),
            world.admin.headers,
        )
        assert bad["status"] == "failed"
        assert bad["result"]["would_have"] == {"created": 1, "updated": 0, "unchanged": 0}


@pytest.fixture
def worker(database_url: str, settings: Settings, tmp_path: Path) -> Iterator[Path]:
    """``xieshou worker`` as its own process on the test database (and the app's queue);
    its log file."""
    log = tmp_path / "worker.log"
    env = os.environ | {
        "XIESHOU_DATABASE_URL": database_url,
        "XIESHOU_LOG_FORMAT": "text",
        "XIESHOU_LOG_LEVEL": "INFO",
    }
    if settings.data_dir:
        env["XIESHOU_DATA_DIR"] = settings.data_dir
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "app.cli", "worker", "--threads", "1"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        end = time.monotonic() + START_S  # liveness only: 60 s were too few on a loaded machine
        while b"worker: 1 threads" not in log.read_bytes():
            assert proc.poll() is None, log.read_text()
            assert time.monotonic() < end, log.read_text()
            time.sleep(0.1)
        yield log
    finally:
        proc.terminate()  # SIGTERM: a graceful stop
        assert proc.wait(timeout=30) == 0, log.read_text()


def test_a_separate_worker_process_runs_the_jobs_the_app_enqueues(
    app: FastAPI, settings: Settings, world: World, engine: Engine, worker: Path
) -> None:
    app.state.jobs.stop()  # the shared test app's threads would take the job otherwise
    web_only = create_app(settings.model_copy(update={"jobs_consumer": False}))
    try:
        _run_through_the_worker(web_only, world, engine, worker)
    finally:
        app.state.jobs.start()


def _run_through_the_worker(web_only: FastAPI, world: World, engine: Engine, worker: Path) -> None:
    with TestClient(web_only) as client:
        assert client.get("/readyz").status_code in (200, 503)  # the queue answers
        started = _upload(client, world.organizer.headers, _firms_csv(4))
        result = run_job(client, started, world.organizer.headers)
    assert result["created"] == 4
    job_id = started.json()["id"]
    text = worker.read_text()
    assert f"job {job_id} (import) succeeded" in text
    assert f"[{started.headers['x-request-id']}]" in text, "the job logs under the request id"
    with engine.connect() as conn:
        assert conn.scalar(select(Job.status).where(Job.id == job_id)) == "succeeded"


def _create_database_once(url: str) -> None:
    """Create the database of ``url`` on its server unless it exists (a fresh machine has
    only ``test``, ``postgres`` and ``root``)."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    target = make_url(url)
    server = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with server.connect() as conn:
            exists = conn.scalar(
                text("SELECT 1 FROM pg_database WHERE datname = :name"),
                {"name": target.database},
            )
            if not exists:
                conn.execute(text(f'CREATE DATABASE "{target.database}"'))
    finally:
        server.dispose()


@pytest.fixture
def sql_queue_app(settings: Settings, tmp_path: Path) -> FastAPI:
    """The app with its job queue in huey's SQL storage: a database of its own (PostgreSQL
    when the tests run on it, else a SQLite file through peewee)."""
    if settings.database_url.startswith("postgresql"):
        from sqlalchemy.engine import make_url

        # named after the suite's database, so that parallel test processes have one each
        own = make_url(settings.database_url)
        url = own.set(database=f"{own.database}_jobs_queue")
        _create_database_once(url.render_as_string(hide_password=False))
        jobs_url = url.render_as_string(hide_password=False)
    else:
        jobs_url = f"sqlite:///{tmp_path / 'queue.db'}"
    return create_app(settings.model_copy(update={"jobs_url": jobs_url}))


# huey's SQL storage (peewee) keeps a connection per thread: those of the test client's
# request threads are closed only when the threads go.
@pytest.mark.filterwarnings("ignore::ResourceWarning")
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_a_shared_queue_keeps_the_upload_in_its_store(
    sql_queue_app: FastAPI, settings: Settings, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A worker on another host shares the queue, not the receiving replica's folder.
    assert type(sql_queue_app.state.jobs.huey.storage).__name__ == "SqlStorage"
    board = sql_queue_app.state.jobs.board
    with TestClient(sql_queue_app) as client:
        sql_queue_app.state.jobs.stop()  # hold the job: look at the stored upload first
        monkeypatch.setattr(jobs, "FILE_CHUNK", 64)  # a file of several parts
        data = _firms_csv(3)
        started = _upload(client, world.admin.headers, data)
        assert started.status_code == 202, started.text
        spooled = started.json()["id"]
        with sql_queue_app.state.sessionmaker() as session:
            kept = session.get(Job, spooled).payload["spooled"]
        assert kept.startswith("queue:")
        parts = -(-len(data) // 64)
        assert board.huey.get(f"file:{kept[6:]}:chunks", peek=True) == parts
        assert list(spool_dir(settings).iterdir()) == [], "nothing in the local folder"
        sql_queue_app.state.jobs.start()
        result = run_job(client, started, world.admin.headers)
        assert result["created"] == 3
        assert board.huey.get(f"file:{kept[6:]}:chunks", peek=True) is None, "dropped"
