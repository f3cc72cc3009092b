"""Training the re-ranker and rebuilding the matching index as jobs, on the app's consumer."""

from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.platform import jobs
from tests.app.factories import World
from tests.app.jobs.wait import wait_for_job


def _enqueue(app: FastAPI, kind: str, payload: dict[str, object]) -> str:
    with app.state.sessionmaker() as session:
        job = jobs.enqueue(session, kind, payload, organization_id=None, requested_by="cli")
        session.commit()
        return f"/api/v1/jobs/{job.id}"


def test_an_index_rebuild_runs_as_a_job(client: TestClient, app: FastAPI, world: World) -> None:
    job = wait_for_job(client, _enqueue(app, "matches.rebuild", {}), world.admin.headers)
    assert job["status"] == "succeeded", job
    assert set(job["result"]) == {"profiles", "open_needs"}
    assert job["progress"] == {"done": 2, "total": 2, "note": "done"}
    # a job nobody's organization owns: only admins see it
    assert client.get(job["url"], headers=world.organizer.headers).status_code == 404


def test_training_runs_as_a_job_and_says_why_it_skipped(
    client: TestClient, app: FastAPI, world: World
) -> None:
    url = _enqueue(app, "learning.train", {"min_interactions": 5})
    job = wait_for_job(client, url, world.admin.headers)
    assert job["status"] == "succeeded", job
    assert job["result"]["status"] == "skipped"
    assert "fewer than 5" in job["result"]["reason"]
