"""Readiness that tells the truth: /healthz is alive at once, /readyz only when the worker can
serve, and a shortlist asked for before the index is built is 503 with Retry-After.

Regression: a worker built its whole index before it answered anything (31.6 s at 100,000
profiles on PostgreSQL), so a supervisor's start deadline killed it; /healthz said 200 once it
answered at all, whether or not the background runners were alive.
"""

import logging
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.main import create_app
from app.platform.settings import Settings
from tests.app.factories import World, create_org, org_body
from tests.app.test_database_unavailable import POSTGRES_GONE

#: A liveness bound: how long the index may take to build once let go, on a loaded machine.
BUILD_S = 120.0


@dataclass
class Held:
    """A client of the app on the test database whose index's start-up build waits until the
    test lets it go (``release``): the app started, its index not built, for as long as the
    test needs, however slow the machine."""

    client: TestClient
    release: threading.Event


@pytest.fixture
def need_with_a_supplier(client: TestClient, world: World) -> int:
    """An open need of ``firm_a`` that one SME's profile matches."""
    sme = create_org(client, world.admin, org_body("sme", region_code="440305", name="深圳电源"))
    body = {"organization_id": sme, "products": [{"name": "铅蓄电池"}]}
    assert (
        client.post("/api/v1/profiles", json=body, headers=world.admin.headers).status_code == 201
    )
    need = {"status": "open", "title": "采购铅蓄电池", "products": ["铅蓄电池"]}
    created = client.post("/api/v1/needs", json=need, headers=world.firm_a.headers)
    assert created.status_code == 201, created.text
    return int(created.json()["id"])


@pytest.fixture
def held(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[Held]:
    """The app with its lifespan started and its index's first build held (see :class:`Held`)."""
    app = create_app(settings.model_copy(update={"index_ready_wait_s": 0.3}))
    release = threading.Event()
    index = app.state.matching
    build = index.build

    def held_build(**kwargs: Any) -> None:
        release.wait()
        build(**kwargs)

    monkeypatch.setattr(index, "build", held_build)
    with TestClient(app) as client:
        try:
            yield Held(client, release)
        finally:
            release.set()  # so the app's shutdown can stop its index thread


def test_healthz_answers_at_once_while_the_index_builds_and_readyz_waits_for_it(
    world: World, need_with_a_supplier: int, held: Held
) -> None:
    slow = held.client
    alive = slow.get("/healthz")
    assert alive.status_code == 200

    # the build is held: /readyz says no, however long the requests took
    not_ready = slow.get("/readyz")
    assert not_ready.status_code == 503, not_ready.text
    assert not_ready.headers["content-type"] == "application/problem+json"
    assert int(not_ready.headers["retry-after"]) >= 1
    assert [c["check"] for c in not_ready.json()["not_ready"]] == ["matching_index"]

    # Before the index is built a shortlist is refused (after a bounded wait), never empty.
    early = slow.get(
        f"/api/v1/needs/{need_with_a_supplier}/shortlist", headers=world.firm_a.headers
    )
    assert early.status_code == 503, early.text
    assert int(early.headers["retry-after"]) >= 1
    assert slow.get("/readyz").status_code == 503  # still held

    held.release.set()
    deadline = time.monotonic() + BUILD_S
    while slow.get("/readyz").status_code != 200:
        assert time.monotonic() < deadline, "never ready"
        time.sleep(0.1)
    ready = slow.get("/readyz").json()
    assert "matching_index" in ready["checks"]
    assert "runner:impressions" in ready["checks"]
    shortlist = slow.get(
        f"/api/v1/needs/{need_with_a_supplier}/shortlist", headers=world.firm_a.headers
    )
    assert shortlist.status_code == 200, shortlist.text
    assert len(shortlist.json()["items"]) == 1


def test_readyz_is_503_naming_a_background_runner_that_died(
    app: FastAPI, client: TestClient
) -> None:
    app.state.matching.wait_ready()
    assert client.get("/readyz").status_code == 200
    app.state.key_usage.stop()  # as if its thread had ended
    try:
        response = client.get("/readyz")
        assert response.status_code == 503
        assert [c["check"] for c in response.json()["not_ready"]] == ["runner:key_usage"]
        assert client.get("/healthz").status_code == 200
    finally:
        app.state.key_usage.start()


def test_readyz_is_503_when_the_index_stopped_reading_the_change_log(settings: Settings) -> None:
    max_age_s = 2.0
    app = create_app(settings.model_copy(update={"ready_index_age_s": max_age_s}))
    with TestClient(app) as client:
        app.state.matching.wait_ready()
        # On a busy machine one catch-up can be late; ready means it caught up at least once.
        deadline = time.monotonic() + 30
        while client.get("/readyz").status_code != 200:
            assert time.monotonic() < deadline, client.get("/readyz").json()
            time.sleep(0.1)
        app.state.matching.stop()  # no more catching up: it grows stale
        time.sleep(max_age_s + 0.5)
        response = client.get("/readyz")
        assert response.status_code == 503
        failed = {c["check"] for c in response.json()["not_ready"]}
        assert failed == {"matching_index", "runner:matching_index"}


def test_a_worker_started_with_the_database_down_is_alive_not_ready_and_logs_it_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Its start-up completes (the index build is retried in the background), so a supervisor
    sees a live process; /readyz names the database and the index."""
    caplog.set_level(logging.WARNING, logger="xieshou")
    gone = Settings(database_url=POSTGRES_GONE, environment="test", index_ready_wait_s=0.1)
    with TestClient(create_app(gone)) as client:
        assert client.get("/healthz").status_code == 200
        for _ in range(3):
            response = client.get("/readyz")
            assert response.status_code == 503
            failed = {c["check"] for c in response.json()["not_ready"]}
            assert {"database", "matching_index"} <= failed
            time.sleep(0.3)
    index_lines = [r for r in caplog.records if r.name == "xieshou.matching"]
    assert len(index_lines) == 1, [r.getMessage() for r in index_lines]  # once, not per retry
