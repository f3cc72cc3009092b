"""The embedded default runs its jobs in one consumer process per data folder, which the web
workers start, watch and stop: real child processes (``xieshou worker``) on the test
database, two runners standing for two web workers of one ``xieshou serve``."""

import os
import signal
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

import app.matches.rebuild_job  # noqa: F401  (registers the kind the child runs)
from app.platform import jobs
from app.platform.db import make_sessionmaker
from app.platform.settings import Settings

START_S = 300.0  # a child imports the whole app before it consumes (slow on a loaded machine)


def _until(what: str, check: Callable[[], bool], timeout_s: float = START_S) -> None:
    end = time.monotonic() + timeout_s
    while not check():
        assert time.monotonic() < end, f"not within {timeout_s} s: {what}"
        time.sleep(0.1)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.fixture
def web_workers(
    settings: Settings, engine: Engine, tmp_path: Path
) -> Iterator[list[jobs.JobRunner]]:
    """Two runners in process mode on one data folder (as two web workers), started."""
    before = jobs._default
    own = settings.model_copy(update={"data_dir": str(tmp_path), "jobs_process": True})
    runners = []
    for _ in range(2):
        sessions = make_sessionmaker(engine)
        runner = jobs.JobRunner(sessions, own)
        sessions.configure(info={jobs.INFO_KEY: runner})
        runners.append(runner)
    for runner in runners:
        runner.start()
    yield runners
    for runner in runners:
        runner.stop()
    jobs._default = before


def _holder(runners: list[jobs.JobRunner]) -> jobs.JobRunner | None:
    holders = [r for r in runners if r.process is not None and r.process.pid is not None]
    assert len(holders) <= 1, "two consumer processes on one data folder"
    return holders[0] if holders else None


def test_one_consumer_process_runs_the_jobs_at_a_lower_priority(
    web_workers: list[jobs.JobRunner],
) -> None:
    _until("a consumer process", lambda: _holder(web_workers) is not None)
    holder = _holder(web_workers)
    assert holder is not None
    assert holder.process is not None
    pid = holder.process.pid
    assert pid is not None
    assert pid != os.getpid()
    mine = os.getpriority(os.PRIO_PROCESS, 0)
    _until("a lower priority", lambda: os.getpriority(os.PRIO_PROCESS, pid) > mine, 60)
    assert os.getpriority(os.PRIO_PROCESS, pid) == min(mine + 10, 19)
    assert all(r.alive for r in web_workers)  # each web worker's /readyz says the jobs run
    assert all(r._consumer is None for r in web_workers)  # no consumer threads in here

    with holder.sessions() as session:
        job = jobs.enqueue(session, "matches.rebuild", {}, organization_id=None, requested_by="t")
        session.commit()
    done = jobs.wait(holder.sessions, job.id, timeout_s=START_S)
    assert done.status == "succeeded", done.error
    assert done.result is not None
    assert "profiles" in done.result


def test_the_process_is_started_again_and_another_worker_takes_over(
    web_workers: list[jobs.JobRunner],
) -> None:
    _until("a consumer process", lambda: _holder(web_workers) is not None)
    holder = _holder(web_workers)
    assert holder is not None
    assert holder.process is not None
    first = holder.process.pid
    assert first is not None

    os.kill(first, signal.SIGKILL)
    _until(
        "a new consumer process",
        lambda: holder.process is not None and holder.process.pid not in (None, first),
        30,
    )
    assert _holder(web_workers) is holder
    second = holder.process.pid
    assert second is not None

    holder.stop()  # its web worker stops: its process stops with it
    assert not _running(second)
    other = next(r for r in web_workers if r is not holder)
    _until("the other worker's consumer process", lambda: _holder(web_workers) is other, 30)
    assert other.alive


def test_the_job_process_never_shows_as_a_web_worker_in_metrics(
    settings: Settings, engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # prometheus_client's multiprocess mode: each process writes its values to files named by
    # its pid; a job process's per-worker gauges (index ready …) would list it as a worker
    metrics_dir = tmp_path / "metrics"
    metrics_dir.mkdir()
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(metrics_dir))
    own = settings.model_copy(update={"data_dir": str(tmp_path), "jobs_process": True})
    sessions = make_sessionmaker(engine)
    runner = jobs.JobRunner(sessions, own)
    sessions.configure(info={jobs.INFO_KEY: runner})
    before = jobs._default
    runner.start()
    try:
        _until("a consumer process", lambda: _holder([runner]) is not None)
        assert runner.process is not None
        pid = runner.process.pid
        assert pid is not None
        with sessions() as session:
            job = jobs.enqueue(
                session, "matches.rebuild", {}, organization_id=None, requested_by="t"
            )
            session.commit()
        done = jobs.wait(sessions, job.id, timeout_s=START_S)
        assert done.status == "succeeded", done.error
        written = {p.name for p in metrics_dir.iterdir()}
        assert any(name.endswith(f"_{pid}.db") for name in written), "it records its jobs"
        assert not [n for n in written if n.startswith("gauge_live") and n.endswith(f"_{pid}.db")]
    finally:
        runner.stop()
        jobs._default = before
    assert not [
        p for p in metrics_dir.iterdir() if p.name.startswith("gauge_live") and f"_{pid}." in p.name
    ]
