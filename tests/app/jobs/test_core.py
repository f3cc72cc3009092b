"""The job runner on its embedded default: a real huey consumer (threads) on SqliteHuey.

Jobs are enqueued the way a request does (a row in a transaction, queued on commit), run
by the app's own consumer threads, and read, listed and cancelled through the API.
"""

import logging
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select, text

from app.models import Job
from app.platform import jobs
from app.platform.logs import RequestIdFilter
from app.platform.request_id import bound
from tests.app.factories import World
from tests.app.jobs.wait import wait_for_job

ran: list[tuple[str, dict[str, Any]]] = []
gates: dict[str, threading.Event] = {}
flaky_failures: dict[str, int] = {}


def _gate(name: str) -> threading.Event:
    return gates.setdefault(name, threading.Event())


def _echo(ctx: jobs.JobContext, payload: dict[str, Any]) -> dict[str, Any]:
    ran.append(("echo", payload))
    logging.getLogger("xieshou.test").info("echo job %s ran", ctx.job_id)
    return {"echo": payload, "request_id": ctx.request_id}


def _steps(ctx: jobs.JobContext, payload: dict[str, Any]) -> dict[str, Any]:
    """Counts to ``total``, telling progress; waits at ``pause`` for its gate; stops on cancel."""
    total = int(payload["total"])
    for done in range(1, total + 1):
        ctx.check_cancelled()
        ctx.progress(done, total, "steps")
        if done == payload.get("pause"):
            ctx.flush_progress()
            assert _gate(payload["gate"]).wait(30)
        time.sleep(0.01)
    ran.append(("steps", payload))
    return {"counted": total}


def _blocker(ctx: jobs.JobContext, payload: dict[str, Any]) -> None:
    _gate(payload["started"]).set()
    assert _gate(payload["gate"]).wait(30)
    ran.append(("blocker", payload))


def _fails(ctx: jobs.JobContext, payload: dict[str, Any]) -> None:
    ran.append(("fails", payload))
    raise ValueError(f"bad input {payload['n']}")


def _flaky(ctx: jobs.JobContext, payload: dict[str, Any]) -> dict[str, Any]:
    key = payload["key"]
    if flaky_failures.get(key, 0) < payload["failures"]:
        flaky_failures[key] = flaky_failures.get(key, 0) + 1
        raise ConnectionError("the gateway did not answer")
    return {"after": flaky_failures[key]}


def _slow(ctx: jobs.JobContext, payload: dict[str, Any]) -> None:
    while True:
        ctx.check_cancelled()
        time.sleep(0.02)


jobs.register("test.echo", _echo)
jobs.register("test.steps", _steps)
jobs.register("test.blocker", _blocker)
jobs.register("test.fails", _fails, retries=2, retry_delay_s=0)
jobs.register("test.flaky", _flaky, retries=3, retry_delay_s=0)
jobs.register("test.once", _fails)
jobs.register("test.slow", _slow, timeout_s=0.5)


@pytest.fixture(autouse=True)
def _fresh() -> Iterator[None]:
    ran.clear()
    gates.clear()
    yield
    for gate in gates.values():  # never leave a consumer thread waiting
        gate.set()


def _enqueue(
    app: FastAPI, kind: str, payload: dict[str, Any], org_id: int | None, request: str = "t-1"
) -> int:
    with bound(request), app.state.sessionmaker() as session:
        job = jobs.enqueue(session, kind, payload, organization_id=org_id, requested_by="key:1")
        session.commit()
        return job.id


def test_a_committed_job_runs_and_its_result_is_read_through_the_api(
    client: TestClient, app: FastAPI, world: World
) -> None:
    job_id = _enqueue(app, "test.echo", {"n": 1}, world.sme_a.org_id, request="req-echo-1")
    job = wait_for_job(client, f"/api/v1/jobs/{job_id}", world.sme_a.headers)
    assert job["status"] == "succeeded"
    assert job["result"] == {"echo": {"n": 1}, "request_id": "req-echo-1"}
    assert job["request_id"] == "req-echo-1"
    assert job["attempts"] == 1
    assert job["started_at"]
    assert job["finished_at"]
    assert ran == [("echo", {"n": 1})]

    listing = client.get("/api/v1/jobs", headers=world.sme_a.headers).json()
    assert [j["id"] for j in listing["items"]] == [job_id]
    assert client.get("/api/v1/jobs", headers=world.sme_b.headers).json()["total"] == 0
    assert client.get("/api/v1/jobs", headers=world.admin.headers).json()["total"] == 1


def test_the_job_logs_under_the_request_id(
    client: TestClient, app: FastAPI, world: World, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    caplog.handler.addFilter(RequestIdFilter())  # as the service's log handler has
    job_id = _enqueue(app, "test.echo", {"n": 2}, world.sme_a.org_id, request="req-logs-7")
    wait_for_job(client, f"/api/v1/jobs/{job_id}", world.sme_a.headers)
    records = [r for r in caplog.records if r.getMessage() == f"echo job {job_id} ran"]
    assert records
    assert getattr(records[0], "request_id", None) == "req-logs-7"


def test_other_organizations_and_bad_ids_get_404(
    client: TestClient, app: FastAPI, world: World
) -> None:
    job_id = _enqueue(app, "test.echo", {"n": 3}, world.sme_a.org_id)
    for actor in (world.sme_b, world.organizer, world.firm_a):
        response = client.get(f"/api/v1/jobs/{job_id}", headers=actor.headers)
        assert response.status_code == 404
        assert response.headers["content-type"] == "application/problem+json"
        assert (
            client.post(f"/api/v1/jobs/{job_id}/cancel", headers=actor.headers).status_code == 404
        )
    missing = client.get("/api/v1/jobs/999999", headers=world.admin.headers)
    assert missing.status_code == 404
    assert missing.json()["detail"] == "未找到任务 999999"
    english = client.get(
        "/api/v1/jobs/999999", headers=world.admin.headers | {"Accept-Language": "en"}
    )
    assert english.json()["detail"] == "job 999999 not found"
    assert client.get("/api/v1/jobs/0", headers=world.admin.headers).status_code == 422
    assert client.get(f"/api/v1/jobs/{job_id}").status_code == 401


def test_progress_moves_while_the_job_runs(client: TestClient, app: FastAPI, world: World) -> None:
    payload = {"total": 40, "pause": 20, "gate": "half"}
    job_id = _enqueue(app, "test.steps", payload, world.sme_a.org_id)
    url = f"/api/v1/jobs/{job_id}"
    end = time.monotonic() + 30
    while True:
        body = client.get(url, headers=world.sme_a.headers).json()
        if body["progress"]["done"] == 20:
            break
        assert time.monotonic() < end, body
        time.sleep(0.05)
    assert body["status"] == "running"
    assert body["progress"] == {"done": 20, "total": 40, "note": "steps"}
    _gate("half").set()
    job = wait_for_job(client, url, world.sme_a.headers)
    assert job["status"] == "succeeded"
    assert job["progress"]["done"] == 40
    assert job["result"] == {"counted": 40}


def test_cancelling_a_running_job_stops_it(client: TestClient, app: FastAPI, world: World) -> None:
    payload = {"total": 10_000, "pause": 5, "gate": "never"}
    job_id = _enqueue(app, "test.steps", payload, world.sme_a.org_id)
    url = f"/api/v1/jobs/{job_id}"
    wait_for_job(client, url, world.sme_a.headers, until={"running"})
    answer = client.post(f"{url}/cancel", headers=world.sme_a.headers)
    assert answer.status_code == 202
    assert answer.json()["cancel_requested"] is True
    _gate("never").set()  # the handler goes on and meets its next check
    job = wait_for_job(client, url, world.sme_a.headers)
    assert job["status"] == "cancelled"
    assert job["progress"]["done"] < 10_000
    assert ("steps", payload) not in ran
    again = client.post(f"{url}/cancel", headers=world.sme_a.headers)
    assert again.status_code == 409


def test_cancelling_a_queued_job_means_it_never_runs(
    client: TestClient, app: FastAPI, world: World
) -> None:
    org = world.sme_a.org_id
    workers = app.state.jobs.workers
    blockers = [
        _enqueue(app, "test.blocker", {"started": f"s{i}", "gate": "go"}, org)
        for i in range(workers)
    ]
    for i in range(workers):  # every consumer thread is busy now
        assert _gate(f"s{i}").wait(30)
    waiting = _enqueue(app, "test.echo", {"n": "never"}, org)
    cancelled = client.post(f"/api/v1/jobs/{waiting}/cancel", headers=world.sme_a.headers)
    assert cancelled.status_code == 202
    assert cancelled.json()["status"] == "cancelled"
    _gate("go").set()
    for job_id in blockers:
        wait_for_job(client, f"/api/v1/jobs/{job_id}", world.sme_a.headers)
    time.sleep(1.0)  # the consumer has taken the cancelled job's message by now
    job = client.get(f"/api/v1/jobs/{waiting}", headers=world.sme_a.headers).json()
    assert job["status"] == "cancelled"
    assert job["attempts"] == 0
    assert ("echo", {"n": "never"}) not in ran


def test_a_failing_job_is_retried_as_its_kind_says_then_failed(
    client: TestClient, app: FastAPI, world: World
) -> None:
    job_id = _enqueue(app, "test.fails", {"n": 7}, world.sme_a.org_id)
    job = wait_for_job(client, f"/api/v1/jobs/{job_id}", world.sme_a.headers)
    assert job["status"] == "failed"
    assert job["error"] == "ValueError: bad input 7"
    assert job["attempts"] == 3  # the first try and 2 retries
    assert ran == [("fails", {"n": 7})] * 3

    once = _enqueue(app, "test.once", {"n": 8}, world.sme_a.org_id)
    job = wait_for_job(client, f"/api/v1/jobs/{once}", world.sme_a.headers)
    assert (job["status"], job["attempts"]) == ("failed", 1)


def test_a_retry_that_succeeds_ends_succeeded(
    client: TestClient, app: FastAPI, world: World
) -> None:
    job_id = _enqueue(app, "test.flaky", {"key": "k1", "failures": 2}, world.sme_a.org_id)
    job = wait_for_job(client, f"/api/v1/jobs/{job_id}", world.sme_a.headers)
    assert (job["status"], job["attempts"], job["result"]) == ("succeeded", 3, {"after": 2})
    assert job["error"] is None


def test_a_job_past_its_timeout_fails(client: TestClient, app: FastAPI, world: World) -> None:
    job_id = _enqueue(app, "test.slow", {}, world.sme_a.org_id)
    job = wait_for_job(client, f"/api/v1/jobs/{job_id}", world.sme_a.headers)
    assert (job["status"], job["error"]) == ("failed", "timed out after 0.5 s")


def test_a_job_enqueued_in_a_rolled_back_transaction_never_runs(
    client: TestClient, app: FastAPI, world: World, engine: Engine
) -> None:
    with app.state.sessionmaker() as session:
        jobs.enqueue(
            session,
            "test.echo",
            {"n": "rolled back"},
            organization_id=world.sme_a.org_id,
            requested_by="key:1",
        )
        session.rollback()
    # A later job in its own committed transaction runs; the rolled-back one never does.
    later = _enqueue(app, "test.echo", {"n": "later"}, world.sme_a.org_id)
    wait_for_job(client, f"/api/v1/jobs/{later}", world.sme_a.headers)
    time.sleep(0.5)
    assert ran == [("echo", {"n": "later"})]
    with engine.connect() as conn:
        kinds = conn.execute(select(Job.payload)).scalars().all()
    assert kinds == [{"n": "later"}]


def test_a_request_that_fails_after_enqueueing_runs_no_job(
    client: TestClient, app: FastAPI, world: World, engine: Engine
) -> None:
    def failing_request() -> None:
        with app.state.sessionmaker() as session, session.begin():
            jobs.enqueue(session, "test.echo", {"n": "x"}, organization_id=None, requested_by=None)
            raise RuntimeError("the request failed")

    with pytest.raises(RuntimeError):
        failing_request()
    time.sleep(1.0)
    assert ran == []
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM jobs")).scalar() == 0


def test_readyz_reports_the_job_runner(client: TestClient, app: FastAPI) -> None:
    end = time.monotonic() + 30
    while (answer := client.get("/readyz")).status_code != 200:  # the index is still building
        assert time.monotonic() < end, answer.text
        assert "runner:jobs" not in {c["check"] for c in answer.json()["not_ready"]}
        time.sleep(0.2)
    assert "runner:jobs" in answer.json()["checks"]
    app.state.jobs.stop()
    try:
        answer = client.get("/readyz")
        assert answer.status_code == 503
        assert {"check": "runner:jobs", "detail": "not running"} in answer.json()["not_ready"]
    finally:
        app.state.jobs.start()


def test_unknown_kinds_are_refused_at_enqueue(app: FastAPI) -> None:
    with app.state.sessionmaker() as session, pytest.raises(KeyError):
        jobs.enqueue(session, "no.such.kind", {}, organization_id=None, requested_by=None)
