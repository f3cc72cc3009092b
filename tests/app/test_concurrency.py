"""Concurrent writers lose nothing: stale updates are refused, duplicate inserts are 409."""

import threading
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from app.auth.principal import Principal
from app.errors import PreconditionFailed
from app.models import Role
from app.platform.db import flush, make_sessionmaker
from app.profiles import service as profiles
from app.profiles.schemas import ProfileUpdate
from tests.app.factories import World, org_body


def _together(calls: list[Callable[[], httpx.Response]]) -> list[httpx.Response]:
    """Run the calls in threads released at the same moment."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(i: int) -> None:
        barrier.wait()
        results[i] = calls[i]()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


@pytest.fixture
def profile(client: TestClient, world: World) -> tuple[str, str]:
    created = client.post(
        "/api/v1/profiles", json={"products": [{"name": "伺服电机"}]}, headers=world.sme_a.headers
    )
    assert created.status_code == 201
    return created.headers["Location"], created.headers["ETag"]


@pytest.mark.parametrize("attempt", range(3))
def test_two_clients_updating_one_profile_one_wins_the_other_is_told(
    app: Any, world: World, profile: tuple[str, str], attempt: int
) -> None:
    path, etag = profile
    headers = world.sme_a.headers | {"If-Match": etag}
    # Two more clients of the app the ``client`` fixture started (a client used as a context
    # manager would start the app's background threads again, and leave them running).
    first, second = TestClient(app), TestClient(app)
    responses = _together(
        [
            lambda: first.patch(path, json={"capacity": "甲: 年产 1 万台"}, headers=headers),
            lambda: second.patch(path, json={"capacity": "乙: 年产 2 万台"}, headers=headers),
        ]
    )
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200, 412], [r.text for r in responses]
    winner = next(r for r in responses if r.status_code == 200)
    loser = next(r for r in responses if r.status_code == 412)
    assert loser.headers["content-type"] == "application/problem+json"
    stored = first.get(path, headers=world.sme_a.headers)
    assert stored.json()["capacity"] == winner.json()["capacity"]
    assert stored.json()["version"] == 2
    assert stored.headers["ETag"] == winner.headers["ETag"] == '"2"'


def test_stale_write_lost_between_read_and_flush_is_refused(
    engine: Engine, world: World, profile: tuple[str, str]
) -> None:
    """The version check in SQL catches a race the in-memory check cannot see."""
    path, _ = profile
    profile_id = int(path.rsplit("/", 1)[1])
    caller = Principal(key_id=0, role=Role.admin, organization_id=None)
    factory = make_sessionmaker(engine)
    with factory() as slow, factory() as fast:
        held = profiles.get(slow, profile_id)  # the slow writer has read version 1 …
        assert held.version == 1
        profiles.update(fast, caller, profile_id, ProfileUpdate(capacity="快"), 1)
        fast.commit()  # … and meanwhile the fast one wrote version 2
        held.capacity = "慢"
        with pytest.raises(PreconditionFailed):
            flush(slow, "profile")  # UPDATE … WHERE version = 1 matches no row
        slow.rollback()
    with factory() as check:
        stored = profiles.get(check, profile_id)
        assert (stored.capacity, stored.version) == ("快", 2)


def test_update_without_if_match_is_428(
    client: TestClient, world: World, profile: tuple[str, str]
) -> None:
    path, _ = profile
    response = client.patch(path, json={"capacity": "x"}, headers=world.sme_a.headers)
    assert response.status_code == 428
    assert client.get(path, headers=world.sme_a.headers).json()["capacity"] is None


def test_update_with_an_old_etag_is_412_and_changes_nothing(
    client: TestClient, world: World, profile: tuple[str, str]
) -> None:
    path, etag = profile
    headers = world.sme_a.headers
    assert (
        client.patch(path, json={"capacity": "a"}, headers=headers | {"If-Match": etag}).status_code
        == 200
    )
    stale = client.patch(path, json={"capacity": "b"}, headers=headers | {"If-Match": etag})
    assert stale.status_code == 412
    assert stale.headers["ETag"] == '"2"'
    assert client.get(path, headers=headers).json()["capacity"] == "a"


def test_malformed_if_match_is_422_naming_the_header(
    client: TestClient, world: World, profile: tuple[str, str]
) -> None:
    path, _ = profile
    response = client.patch(
        path, json={"capacity": "a"}, headers=world.sme_a.headers | {"If-Match": "v1"}
    )
    assert response.status_code == 422  # was 400, which the OpenAPI document did not list
    assert [e["field"] for e in response.json()["errors"]] == ["header.If-Match"]


def test_concurrent_registrations_with_one_uscc_create_one_firm(app: Any, world: World) -> None:
    body = org_body("sme")
    # Clients of the app the ``world`` fixture's client started (not context managers: each
    # would start the app's background threads again, and leave them running).
    a, b, c = TestClient(app), TestClient(app), TestClient(app)
    responses = _together(
        [
            lambda client=client: client.post(  # type: ignore[misc]
                "/api/v1/organizations", json=body, headers=world.admin.headers
            )
            for client in (a, b, c)
        ]
    )
    assert sorted(r.status_code for r in responses) == [201, 409, 409], [r.text for r in responses]
    found = a.get("/api/v1/organizations", params={"q": body["name"]}, headers=world.admin.headers)
    assert found.json()["total"] == 1
