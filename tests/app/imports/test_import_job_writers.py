"""Writers through the API while an all-or-nothing import job runs (issue 15).

The job runs on the app's own consumer against the test database (a SQLite file, or
PostgreSQL with ``XIESHOU_TEST_DATABASE_URL``); nothing is mocked.
"""

import time
from datetime import UTC, datetime

from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from app.imports.service import CHECKED
from app.models import Organization
from tests.app.factories import World, make_uscc
from tests.app.jobs.wait import wait_for_job

HEADER = "企业名称,统一社会信用代码,企业类型,行政区划代码"
#: Enough rows that the check pass outlasts an edit's three requests with room to spare
#: on a loaded machine (12,000 were checked before the edit was answered, 2 runs in 3).
ROWS = 40_000


def _firms_csv(rows: int) -> bytes:
    lines = [HEADER] + [f"企业{i}有限公司,{make_uscc()},中小企业,440300" for i in range(rows)]
    return ("\n".join(lines) + "\n").encode()


def _organizations(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.scalar(select(func.count()).select_from(Organization)) or 0)


def test_a_profile_edit_goes_through_while_an_import_job_checks_its_rows(
    client: TestClient, world: World, engine: Engine
) -> None:
    sme = world.sme_a
    created = client.post(
        "/api/v1/profiles",
        json={"organization_id": sme.org_id, "products": [{"name": "压力传感器"}]},
        headers=sme.headers,
    )
    assert created.status_code == 201, created.text
    profile_url = f"/api/v1/profiles/{created.json()['id']}"
    before = _organizations(engine)

    started = client.post(
        "/api/v1/imports/firms",
        files={"file": ("firms.csv", _firms_csv(ROWS), "text/csv")},
        headers=world.admin.headers,
    )
    assert started.status_code == 202, started.text
    job_url = started.headers["location"]
    end = time.monotonic() + 120
    while True:  # until the job is checking the rows (SQLite) or writing them (PostgreSQL)
        job = client.get(job_url, headers=world.admin.headers).json()
        assert job["status"] in ("queued", "running"), job
        if job["progress"]["done"]:
            break
        assert time.monotonic() < end, job
        time.sleep(0.02)
    two_passes = job["progress"]["note"] == CHECKED

    etag = client.get(profile_url, headers=sme.headers).headers["etag"]
    edited = client.patch(
        profile_url,
        json={"capacity": "年产 80 万只"},
        headers={**sme.headers, "If-Match": etag},
    )
    assert edited.status_code == 200, edited.text
    edited_at = datetime.now(UTC)
    if two_passes:
        during = client.get(job_url, headers=world.admin.headers).json()
        assert during["progress"]["note"] == CHECKED, (
            "the edit was answered only once the rows were checked",
            during,
        )

    done = wait_for_job(client, started, world.admin.headers, timeout_s=180)
    assert done["status"] == "succeeded", done
    finished = datetime.fromisoformat(done["finished_at"])
    assert finished > edited_at, "the edit was answered while the import ran"
    assert (done["result"]["created"], done["result"]["written"]) == (ROWS, True)
    assert done["progress"] == {"done": ROWS, "total": ROWS, "note": "rows imported"}
    assert _organizations(engine) == before + ROWS, "the import landed whole"
    assert client.get(profile_url, headers=sme.headers).json()["capacity"] == "年产 80 万只"
