"""Leases: a job whose consumer process was killed (SIGKILL, mid-job) is taken up again.

Real consumer processes (``tests.app.jobs.lease_worker``: huey's consumer and the lease
keeper, as ``xieshou worker`` runs them) on the test database (SQLite or PostgreSQL) and a
queue of their own; the job is read through the API as a client would.
"""

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from app.models import Job
from app.platform import consumer_process, jobs
from app.platform.db import make_sessionmaker
from app.platform.settings import Settings
from tests.app.factories import World
from tests.app.jobs import lease_worker
from tests.app.jobs.wait import wait_for_job

ROOT = Path(__file__).resolve().parents[3]
LEASE_S = 3.0


@pytest.fixture
def lease_settings(settings: Settings, tmp_path: Path) -> Settings:
    """The test settings with a short lease and a queue of their own (its own data folder)."""
    return settings.model_copy(update={"data_dir": str(tmp_path / "data"), "jobs_lease_s": LEASE_S})


@pytest.fixture
def runner(lease_settings: Settings, engine: Engine) -> Iterator[jobs.JobRunner]:
    """A runner that only submits (as a web worker with no consumer of its own)."""
    before = jobs._default
    sessions = make_sessionmaker(engine)
    runner = jobs.JobRunner(sessions, lease_settings)
    sessions.configure(info={jobs.INFO_KEY: runner})
    yield runner
    jobs._default = before


@pytest.fixture
def consumers(lease_settings: Settings) -> Iterator[Callable[[], "subprocess.Popen[bytes]"]]:
    """Start consumer processes; all are stopped at the end."""
    started: list[subprocess.Popen[bytes]] = []
    env = os.environ | {
        consumer_process.SETTINGS_ENV: consumer_process.settings_json(lease_settings)
    }

    def start() -> "subprocess.Popen[bytes]":
        proc = subprocess.Popen(
            [sys.executable, "-m", "tests.app.jobs.lease_worker"], cwd=ROOT, env=env
        )
        started.append(proc)
        return proc

    yield start
    for proc in started:
        if proc.poll() is None:
            proc.kill()
        proc.wait()


def _enqueue(runner: jobs.JobRunner, kind: str, folder: Path, org_id: int | None) -> int:
    with runner.sessions() as session:
        job = jobs.enqueue(
            session, kind, {"folder": str(folder)}, organization_id=org_id, requested_by="t"
        )
        session.commit()
        return job.id


def _started_by(folder: Path, job_id: int, pid: int, timeout_s: float = 90.0) -> None:
    end = time.monotonic() + timeout_s
    while not (folder / f"started-{job_id}-{pid}").exists():
        assert time.monotonic() < end, f"process {pid} did not start job {job_id}"
        time.sleep(0.05)


def _heartbeat(engine: Engine, job_id: int) -> dt.datetime | None:
    with engine.connect() as conn:
        value: dt.datetime | None = conn.scalar(select(Job.heartbeat_at).where(Job.id == job_id))
        return value


def _job(client: TestClient, world: World, job_id: int) -> dict[str, Any]:
    response = client.get(f"/api/v1/jobs/{job_id}", headers=world.admin.headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_a_job_whose_consumer_was_killed_is_taken_up_again(
    client: TestClient,
    world: World,
    engine: Engine,
    runner: jobs.JobRunner,
    consumers: Callable[[], "subprocess.Popen[bytes]"],
    tmp_path: Path,
) -> None:
    first = consumers()
    job_id = _enqueue(runner, lease_worker.RETRIED, tmp_path, world.sme_a.org_id)
    _started_by(tmp_path, job_id, first.pid)

    # while it runs its consumer renews the lease: in the row, and as the API shows it
    beat = _heartbeat(engine, job_id)
    assert beat is not None
    # renewed every quarter of the lease; what is promised is a renewal before the lease ends
    end = time.monotonic() + LEASE_S
    while (later := _heartbeat(engine, job_id)) == beat:
        assert time.monotonic() < end, f"the lease was not renewed within {LEASE_S} s"
        time.sleep(0.05)
    assert later is not None
    assert later > beat
    running = _job(client, world, job_id)
    assert running["status"] == "running"
    assert running["heartbeat_at"] is not None

    first.send_signal(signal.SIGKILL)
    first.wait()
    assert _job(client, world, job_id)["status"] == "running"  # nothing changes by itself

    second = consumers()
    _started_by(tmp_path, job_id, second.pid)
    retried = _job(client, world, job_id)
    assert retried["status"] == "running"
    assert retried["attempts"] == 2

    (tmp_path / "go").touch()
    done = wait_for_job(client, f"/api/v1/jobs/{job_id}", world.admin.headers, timeout_s=60)
    assert done["status"] == "succeeded"
    assert done["result"] == {"pid": second.pid}
    assert done["attempts"] == 2


def test_a_job_out_of_retries_whose_consumer_was_killed_fails(
    client: TestClient,
    world: World,
    runner: jobs.JobRunner,
    consumers: Callable[[], "subprocess.Popen[bytes]"],
    tmp_path: Path,
) -> None:
    first = consumers()
    job_id = _enqueue(runner, lease_worker.ONCE, tmp_path, world.sme_a.org_id)
    _started_by(tmp_path, job_id, first.pid)
    first.send_signal(signal.SIGKILL)
    first.wait()

    consumers()
    failed = wait_for_job(client, f"/api/v1/jobs/{job_id}", world.admin.headers, timeout_s=90)
    assert failed["status"] == "failed"
    assert "lease" in failed["error"]
    assert failed["attempts"] == 1
    assert failed["finished_at"] is not None
    assert not list(tmp_path.glob(f"started-{job_id}-*"))[1:]  # it never ran again


def test_a_live_consumers_job_is_not_taken_from_it(
    client: TestClient,
    world: World,
    runner: jobs.JobRunner,
    consumers: Callable[[], "subprocess.Popen[bytes]"],
    tmp_path: Path,
) -> None:
    first = consumers()
    job_id = _enqueue(runner, lease_worker.RETRIED, tmp_path, world.sme_a.org_id)
    _started_by(tmp_path, job_id, first.pid)
    consumers()  # a second consumer looks for expired leases all along
    time.sleep(LEASE_S * 2)
    still = _job(client, world, job_id)
    assert still["status"] == "running"
    assert still["attempts"] == 1
    (tmp_path / "go").touch()
    done = wait_for_job(client, f"/api/v1/jobs/{job_id}", world.admin.headers, timeout_s=60)
    assert done["result"] == {"pid": first.pid}
    assert done["attempts"] == 1
