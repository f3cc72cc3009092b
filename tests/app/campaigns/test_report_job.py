"""The campaign report as a background job: 202 and a job whose result is the report."""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.app.campaigns.helpers import CAMPAIGNS, _sign, build
from tests.app.factories import World
from tests.app.jobs.wait import wait_for_job


@pytest.fixture
def built(client: TestClient, world: World, engine: Engine) -> dict[str, Any]:
    """See :func:`tests.app.campaigns.helpers.build`."""
    return build(client, world, engine)


def test_the_report_job_answers_what_the_report_answers(
    client: TestClient, world: World, built: dict[str, Any]
) -> None:
    m1, _m2, _m3 = built["meetings"]
    _sign(client, world, m1, built["battery"], "120")
    url = f"{CAMPAIGNS}/{built['campaign']['id']}/report"
    started = client.post(f"{url}/jobs", headers=world.organizer.headers)
    job = wait_for_job(client, started, world.organizer.headers)
    assert job["kind"] == "campaigns.report"
    assert job["status"] == "succeeded", job
    direct = client.get(url, headers=world.organizer.headers)
    assert direct.status_code == 200
    assert job["result"] == direct.json()
    assert job["result"]["totals"]["signed_amount_wan"] == "120"


def test_a_period_is_passed_on_and_a_bad_one_fails_the_job(
    client: TestClient, world: World, built: dict[str, Any]
) -> None:
    url = f"{CAMPAIGNS}/{built['campaign']['id']}/report"
    period = {"from": "2026-01-01", "to": "2026-01-31"}
    started = client.post(f"{url}/jobs", params=period, headers=world.organizer.headers)
    job = wait_for_job(client, started, world.organizer.headers)
    direct = client.get(url, params=period, headers=world.organizer.headers).json()
    assert job["result"] == direct
    assert job["result"]["period_from"] == "2026-01-01"

    backwards = {"from": "2026-06-01", "to": "2026-01-01"}
    started = client.post(f"{url}/jobs", params=backwards, headers=world.organizer.headers)
    failed = wait_for_job(client, started, world.organizer.headers)
    assert failed["status"] == "failed"
    assert failed["result"]["problem"]["status"] == 422


def test_only_its_organizer_and_admins_start_it(
    client: TestClient, world: World, built: dict[str, Any]
) -> None:
    url = f"{CAMPAIGNS}/{built['campaign']['id']}/report/jobs"
    assert client.post(url, headers=world.other_organizer.headers).status_code == 404
    assert client.post(url, headers=world.admin.headers).status_code == 202
