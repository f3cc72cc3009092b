"""A profile written through one worker shows in shortlists served by another within 2 s."""

import time
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import Engine

from app.models import Role
from tests.app.factories import bearer, issue_key, make_uscc
from tests.app.servers import running_server

FRESHNESS_S = 2.0


@pytest.fixture
def two_workers(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """``xieshou serve --workers 2`` on the test database."""
    # The revocation test polls with a revoked key far faster than failed authentications
    # may come (app.auth.throttle); here it is the 401s that are looked at, not the throttle.
    monkeypatch.setenv("XIESHOU_AUTH_FAILURES_PER_ADDRESS", "10000/minute")
    monkeypatch.setenv("XIESHOU_AUTH_FAILURES_PER_KEY", "10000/minute")
    monkeypatch.setenv("XIESHOU_WORKER_HEADER", "true")  # which worker answered
    with running_server(database_url, workers=2) as base:
        yield base


def _worker_of(response: httpx.Response) -> str:
    return response.headers["X-Xieshou-Worker"]


@pytest.mark.slow
def test_profile_written_through_one_worker_is_shortlisted_by_the_other(
    engine: Engine, two_workers: str
) -> None:
    admin = bearer(issue_key(engine, Role.admin, None))
    with httpx.Client(base_url=two_workers, headers=admin, timeout=10) as client:
        firm = client.post(
            "/api/v1/organizations",
            json={
                "kind": "large_firm",
                "name": "整车厂",
                "uscc": make_uscc(),
                "region_code": "440300",
            },
        ).json()["id"]
        need = client.post(
            "/api/v1/needs",
            json={
                "organization_id": firm,
                "title": "采购谐波减速器",
                "products": ["谐波减速器"],
                "status": "open",
            },
        ).json()["id"]
        sme = client.post(
            "/api/v1/organizations",
            json={"kind": "sme", "name": "减速器厂", "uscc": make_uscc(), "region_code": "440300"},
        ).json()["id"]

    # Fresh connections per request, so the kernel spreads them over both workers.
    def shortlist() -> httpx.Response:
        return httpx.get(f"{two_workers}/api/v1/needs/{need}/shortlist", headers=admin, timeout=10)

    created = httpx.post(
        f"{two_workers}/api/v1/profiles",
        json={"organization_id": sme, "products": [{"name": "谐波减速器", "share": 0.9}]},
        headers=admin,
        timeout=10,
    )
    assert created.status_code == 201, created.text
    written_at, writer = time.monotonic(), _worker_of(created)
    profile_id = created.json()["id"]

    seen_by_other: list[tuple[float, bool]] = []
    while time.monotonic() - written_at < FRESHNESS_S + 3:
        response = shortlist()
        assert response.status_code == 200, response.text
        if _worker_of(response) != writer:
            found = profile_id in {item["profile_id"] for item in response.json()["items"]}
            seen_by_other.append((time.monotonic() - written_at, found))
        time.sleep(0.05)

    assert seen_by_other, "every request went to the writing worker; cannot tell"
    first_found = min((t for t, found in seen_by_other if found), default=None)
    assert first_found is not None, "the other worker never shortlisted the new profile"
    assert first_found <= FRESHNESS_S
    assert all(found for t, found in seen_by_other if t > FRESHNESS_S)


@pytest.mark.slow
def test_a_key_revoked_through_one_worker_is_refused_by_the_other_within_a_second(
    engine: Engine, two_workers: str
) -> None:
    admin = bearer(issue_key(engine, Role.admin, None))
    doomed = bearer(issue_key(engine, Role.admin, None))

    def me() -> httpx.Response:  # a fresh connection each time, so both workers answer
        return httpx.get(f"{two_workers}/api/v1/me", headers=doomed, timeout=10)

    workers: dict[str, int] = {}
    deadline = time.monotonic() + 10
    while len(workers) < 2 and time.monotonic() < deadline:
        response = me()
        assert response.status_code == 200, response.text
        workers[_worker_of(response)] = response.json()["key_id"]
    assert len(workers) == 2, "every request went to one worker; cannot tell"  # both cached it

    revoked = httpx.delete(
        f"{two_workers}/api/v1/keys/{next(iter(workers.values()))}", headers=admin, timeout=10
    )
    assert revoked.status_code == 204
    revoked_at, revoker = time.monotonic(), _worker_of(revoked)

    answers: list[tuple[float, str, int]] = []
    while time.monotonic() - revoked_at < 2.5:
        response = me()
        answers.append((time.monotonic() - revoked_at, _worker_of(response), response.status_code))
        time.sleep(0.02)
    assert all(status == 401 for _t, worker, status in answers if worker == revoker)
    others = [(t, status) for t, worker, status in answers if worker != revoker]
    assert others, "every request went to the revoking worker; cannot tell"
    assert all(status == 401 for t, status in others if t > 1.0)
