"""A session's schedule solve as a job, on the app's real consumer threads."""

from fastapi.testclient import TestClient

from tests.app.events.helpers import add, open_event, wish
from tests.app.factories import World
from tests.app.jobs.wait import job_url, wait_for_job

BASE = "/api/v1/events"


def test_a_schedule_solve_runs_as_a_job_and_its_result_is_the_schedule(
    client: TestClient, world: World
) -> None:
    event = open_event(client, world, slots=2)
    eid, org = event["id"], world.organizer
    buyer = add(client, org, eid, world.firm_a.org_id)
    sme = add(client, org, eid, world.sme_a.org_id)
    wish(client, org, eid, sme["id"], buyer["id"], "must")

    started = client.post(f"{BASE}/{eid}/schedule", headers=org.headers)
    url = job_url(started)
    assert started.json()["kind"] == "events.schedule"
    job = wait_for_job(client, url, org.headers)
    assert job["status"] == "succeeded", job
    assert job["progress"] == {"done": 1, "total": 1, "note": "stored"}
    [meeting] = job["result"]["meetings"]
    assert (meeting["buyer_participant_id"], meeting["sme_participant_id"]) == (
        buyer["id"],
        sme["id"],
    )
    # the plan was stored by the job: the meetings endpoint reads it
    stored = client.get(f"{BASE}/{eid}/meetings", headers=org.headers).json()["items"]
    assert [m["id"] for m in stored] == [meeting["id"]]
    # the session's organizer sees the job; the firms in it do not
    assert client.get(url, headers=world.firm_a.headers).status_code == 404
    assert client.get(url, headers=world.admin.headers).status_code == 200


def test_what_the_solve_would_refuse_is_refused_at_once(client: TestClient, world: World) -> None:
    event = open_event(client, world, slots=2)
    eid = event["id"]
    for actor in (world.sme_a, world.firm_a, world.other_organizer):
        assert client.post(f"{BASE}/{eid}/schedule", headers=actor.headers).status_code == 403
    assert client.post(f"{BASE}/99999/schedule", headers=world.organizer.headers).status_code == 404
    assert client.get("/api/v1/jobs", headers=world.organizer.headers).json()["total"] == 0
