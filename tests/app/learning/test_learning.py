"""Learning from outcomes: capture by real requests, train/promote/reject, rollback, workers."""

import os
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, insert, select

from app.learning import registry, training
from app.models import Impression, Interaction, ModelStatus, ModelVersion
from app.platform.db import make_sessionmaker, session_scope
from matching.rerank import FEATURE_NAMES, PairwiseReranker
from tests.app.events.helpers import BASE as EVENTS
from tests.app.events.helpers import add, open_event, wish
from tests.app.factories import Actor, World, create_org, org_body
from tests.app.jobs.wait import post_job

TIER = FEATURE_NAMES.index("tier")


def _profile(client: TestClient, actor: Actor, org_id: int | None, **body: Any) -> int:
    response = client.post(
        "/api/v1/profiles", json={"organization_id": org_id, **body}, headers=actor.headers
    )
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def _need(client: TestClient, actor: Actor, **body: Any) -> int:
    body = {"title": "采购压力传感器", "products": ["压力传感器"], "status": "open"} | body
    response = client.post("/api/v1/needs", json=body, headers=actor.headers)
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def _rows(engine: Engine, *columns: Any) -> list[Any]:
    with engine.connect() as conn:
        return list(conn.execute(select(*columns)).all())


@pytest.fixture
def market(client: TestClient, world: World) -> dict[str, Any]:
    """Five sensor makers (two holding a valid IATF 16949) and firm A's open need."""
    profiles = []
    for i in range(5):
        org = create_org(client, world.admin, org_body("sme", name=f"传感{i}有限公司"))
        certs = [{"standard": "IATF 16949", "valid_until": "2030-01-01"}] if i < 2 else []
        profiles.append(
            _profile(
                client,
                world.admin,
                org,
                products=[{"name": "压力传感器" if i % 2 else "MEMS压力传感器"}],
                certifications=certs,
            )
        )
    return {"profiles": profiles, "need": _need(client, world.firm_a)}


def _shortlist(client: TestClient, actor: Actor, need_id: int) -> list[dict[str, Any]]:
    """GET a shortlist, then write the buffered impressions (the background writer's job)."""
    response = client.get(f"/api/v1/needs/{need_id}/shortlist", headers=actor.headers)
    assert response.status_code == 200, response.text
    _flush(client)
    return list(response.json()["items"])


def _flush(client: TestClient) -> None:
    app = client.app
    assert isinstance(app, FastAPI)
    app.state.impressions.flush()


# -- capture ---------------------------------------------------------------------------------


def test_impressions_wait_in_memory_and_are_written_when_the_log_stops(
    client: TestClient, world: World, engine: Engine, market: dict[str, Any]
) -> None:
    app = client.app
    assert isinstance(app, FastAPI)
    log = app.state.impressions
    log.stop()  # no background writes during the test
    try:
        response = client.get(
            f"/api/v1/needs/{market['need']}/shortlist", headers=world.firm_a.headers
        )
        assert response.status_code == 200
        assert _rows(engine, Impression.id) == []  # the request itself wrote nothing
        admin_view = client.get(
            f"/api/v1/needs/{market['need']}/shortlist", headers=world.admin.headers
        )
        assert admin_view.status_code == 200  # an admin looking is not the buyer choosing
    finally:
        log.stop()  # writes what is buffered
        log.start()
    assert len(_rows(engine, Impression.id)) == len(response.json()["items"])


def test_a_shortlist_served_to_its_firm_is_logged_in_one_batch_with_positions(
    client: TestClient, world: World, engine: Engine, market: dict[str, Any]
) -> None:
    items = _shortlist(client, world.firm_a, market["need"])
    assert len(items) == 5
    rows = _rows(
        engine,
        Impression.batch,
        Impression.need_id,
        Impression.profile_id,
        Impression.position,
        Impression.features,
        Impression.model_version_id,
        Impression.explored,
    )
    assert len({r.batch for r in rows}) == 1
    assert [(r.position, r.profile_id) for r in sorted(rows, key=lambda r: r.position)] == [
        (i["rank"], i["profile_id"]) for i in items
    ]
    assert {r.need_id for r in rows} == {market["need"]}
    assert all(len(r.features) == len(FEATURE_NAMES) for r in rows)
    assert all(r.model_version_id is None and not r.explored for r in rows)
    by_profile = {r.profile_id: r.features[0] for r in rows}
    assert all(abs(by_profile[i["profile_id"]] - i["score"]) < 1e-3 for i in items)

    _shortlist(client, world.organizer, market["need"])  # organizers' views are not the firm's
    draft = _need(client, world.firm_a, status="draft")
    _shortlist(client, world.firm_a, draft)  # previews of drafts are not logged
    assert len(_rows(engine, Impression.id)) == 5


def test_marks_and_meeting_outcomes_become_interactions(
    client: TestClient, world: World, engine: Engine
) -> None:
    profile = _profile(client, world.sme_a, world.sme_a.org_id, products=[{"name": "伺服电机"}])
    need = _need(client, world.firm_a, title="采购伺服电机", products=["伺服电机"])
    url = f"/api/v1/profiles/{profile}/opportunities/{need}"
    client.put(f"{url}/interest", json={"value": "interested"}, headers=world.sme_a.headers)
    assert client.get(url, headers=world.sme_a.headers).json()["contacts"] is None

    event = open_event(client, world, slots=2)
    eid, org = event["id"], world.organizer
    buyer = add(client, org, eid, world.firm_a.org_id)
    sme = add(client, org, eid, world.sme_a.org_id)
    wish(client, org, eid, sme["id"], buyer["id"], "must")
    (meeting,) = post_job(client, f"{EVENTS}/{eid}/schedule", org.headers)["meetings"]
    client.post(f"{EVENTS}/{eid}/publish", headers=org.headers)
    done = client.put(
        f"{EVENTS}/{eid}/meetings/{meeting['id']}/outcome",
        json={"outcome": "intent"},
        headers=world.firm_a.headers,
    )
    assert done.status_code == 200, done.text

    rows = _rows(
        engine,
        Interaction.kind,
        Interaction.need_id,
        Interaction.profile_id,
        Interaction.buyer_organization_id,
        Interaction.sme_organization_id,
        Interaction.meeting_id,
    )
    assert sorted(rows) == sorted(
        [
            ("sme.interested", need, profile, world.firm_a.org_id, world.sme_a.org_id, None),
            (
                "meeting.intent",
                None,
                profile,
                world.firm_a.org_id,
                world.sme_a.org_id,
                meeting["id"],
            ),
        ]
    )
    view = client.get(url, headers=world.sme_a.headers).json()
    assert view["meeting_held"] is True
    assert view["mutual"] is False
    assert view["contacts"]["person"] == "张三", "a held meeting reveals contacts too"


# -- training --------------------------------------------------------------------------------


def _log(engine: Engine, *, needs: int, size: int, liked: str, seed: int, start: int = 0) -> None:
    """Shortlists of ``size`` for ``needs`` needs, one a day, and the buyer's marks.

    ``liked="tier"``: buyers want 小巨人 whatever the engine score (a model can learn it).
    ``liked="engine"``: buyers take the engine's top 2 (nothing to learn beyond the engine).
    """
    rng = np.random.default_rng(seed)
    base = datetime(2026, 1, 1, tzinfo=UTC)
    impressions, interactions = [], []
    for n in range(start, start + needs):
        for position in range(1, size + 1):
            x = rng.random(len(FEATURE_NAMES))
            x[0] = 1.0 - position / (size + 1)
            x[TIER] = float(rng.random() < 0.3)
            profile = 1000 * n + position
            impressions.append(
                {
                    "shown_at": base + timedelta(days=n),
                    "batch": f"b{n}",
                    "need_id": n,
                    "profile_id": profile,
                    "position": position,
                    "score": float(x[0]),
                    "features": x.tolist(),
                    "model_version_id": None,
                    "explored": False,
                }
            )
            good = x[TIER] == 1.0 if liked == "tier" else position <= 2
            if good:
                interactions.append(
                    {"kind": "buyer.interested", "need_id": n, "profile_id": profile}
                )
            elif position == size:
                interactions.append({"kind": "buyer.declined", "need_id": n, "profile_id": profile})
    with engine.begin() as conn:
        conn.execute(insert(Impression), impressions)
        conn.execute(insert(Interaction), interactions)


def _train(engine: Engine, **options: Any) -> training.TrainReport:
    for session in session_scope(make_sessionmaker(engine)):
        report = training.train(session, **options)
    return report


def test_training_on_a_learnable_preference_promotes_the_model(engine: Engine) -> None:
    _log(engine, needs=40, size=10, liked="tier", seed=1)
    report = _train(engine, min_interactions=20)
    assert report.status == "promoted", report.reason
    ndcg = report.metrics["ndcg@10"]
    assert ndcg["candidate"] > ndcg["current"]
    assert report.metrics["current"] == "engine"
    assert report.metrics["test_needs"] == 10
    with make_sessionmaker(engine)() as session:
        active = registry.load_active(session)
        assert active is not None
        version_id, model = active
        assert version_id == report.version_id
        assert int(np.argmax(model.coef_)) == TIER


def test_a_model_no_better_than_the_engine_is_stored_but_not_promoted(engine: Engine) -> None:
    _log(engine, needs=40, size=10, liked="engine", seed=2)
    report = _train(engine, min_interactions=20)
    assert report.status == "rejected", report.reason
    assert report.metrics["ndcg@10"]["candidate"] <= report.metrics["ndcg@10"]["current"]
    assert _rows(engine, ModelVersion.status) == [(ModelStatus.rejected.value,)]


def test_a_model_no_better_than_the_active_one_is_not_promoted(engine: Engine) -> None:
    _log(engine, needs=40, size=10, liked="tier", seed=3)
    first = _train(engine, min_interactions=20)
    assert first.status == "promoted"
    again = _train(engine, min_interactions=20, min_gain=0.01)
    assert again.status == "rejected"
    assert again.metrics["current"] == f"version {first.version_id}"
    with make_sessionmaker(engine)() as session:
        assert registry.active(session).id == first.version_id  # type: ignore[union-attr]


def test_too_few_responses_trains_nothing(engine: Engine) -> None:
    _log(engine, needs=3, size=5, liked="tier", seed=4)
    report = _train(engine, min_interactions=1000)
    assert report.status == "skipped"
    assert _rows(engine, ModelVersion.id) == []


def _xieshou(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args],
        capture_output=True,
        text=True,
        env=os.environ | {"XIESHOU_DATABASE_URL": database_url},
        timeout=120,
        check=False,
    )


def test_cli_train_list_and_rollback_one_version_at_a_time(
    engine: Engine, database_url: str
) -> None:
    import json

    _log(engine, needs=40, size=10, liked="tier", seed=5)
    trained = _xieshou(database_url, "train", "--min-interactions", "20")
    assert trained.returncode == 0, trained.stderr
    first = json.loads(trained.stdout)
    assert first["status"] == "promoted"
    assert "fitted on 30 needs" in trained.stderr
    model = PairwiseReranker.from_dict(_rows(engine, ModelVersion.artifact)[0][0])
    for session in session_scope(make_sessionmaker(engine)):
        second = registry.store(session, model.to_dict(), {"note": "second"}, promote=True)
        second_id = second.id
    listed = [
        json.loads(line) for line in _xieshou(database_url, "model", "list").stdout.splitlines()
    ]
    assert [(v["id"], v["status"]) for v in listed] == [
        (second_id, "active"),
        (first["version"], "retired"),
    ]
    back = _xieshou(database_url, "model", "rollback")
    assert json.loads(back.stdout) == {"rolled_back": second_id, "active": first["version"]}
    back = _xieshou(database_url, "model", "rollback")
    assert json.loads(back.stdout) == {"rolled_back": first["version"], "active": None}
    nothing = _xieshou(database_url, "model", "rollback")
    assert nothing.returncode == 1
    assert "no active model" in nothing.stderr
    bad = _xieshou(database_url, "train", "--test-fraction", "2")
    assert bad.returncode == 2


# -- serving with a learned model ------------------------------------------------------------


def _last_model_used(engine: Engine) -> int | None:
    with engine.connect() as conn:
        return conn.scalar(
            select(Impression.model_version_id).order_by(Impression.id.desc()).limit(1)
        )


def _promote_tier_lover(engine: Engine) -> int:
    rng = np.random.default_rng(7)
    x = rng.random((200, len(FEATURE_NAMES)))
    y = (x[:, TIER] > 0.5).astype(float)
    model = PairwiseReranker().fit(x, y, np.repeat(np.arange(20), 10))
    for session in session_scope(make_sessionmaker(engine)):
        version = registry.store(session, model.to_dict(), {}, promote=True)
        version_id = version.id
    return version_id


def test_workers_pick_up_a_promoted_model_and_hard_filters_still_hold(
    client: TestClient, world: World, engine: Engine, market: dict[str, Any]
) -> None:
    version_id = _promote_tier_lover(engine)
    strict = _need(client, world.firm_a, required_certifications=["IATF 16949"])
    deadline = time.monotonic() + 60  # liveness: the switch comes within the freshness bound
    while True:
        items = _shortlist(client, world.firm_a, strict)
        if _last_model_used(engine) == version_id or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert _last_model_used(engine) == version_id, "the worker switched to the promoted model"
    served = client.get(f"/api/v1/needs/{strict}/shortlist", headers=world.firm_a.headers).json()
    assert served["model_version"] == version_id
    assert {i["profile_id"] for i in items} == set(market["profiles"][:2])
    assert all(i["reasons"]["certifications_met"] == ["IATF 16949"] for i in items)

    for session in session_scope(make_sessionmaker(engine)):
        registry.rollback(session)
    deadline = time.monotonic() + 60  # liveness: the switch comes within the freshness bound
    while time.monotonic() < deadline:
        _shortlist(client, world.firm_a, market["need"])
        if _last_model_used(engine) is None:
            break
        time.sleep(0.1)
    assert _last_model_used(engine) is None, "back to the engine"


def test_logging_impressions_can_be_switched_off(
    world: World, engine: Engine, database_url: str, market: dict[str, Any]
) -> None:
    from app.main import create_app
    from app.platform.settings import Settings

    quiet = create_app(Settings(database_url=database_url, log_impressions=False))
    try:
        with TestClient(quiet) as client:
            assert len(_shortlist(client, world.firm_a, market["need"])) == 5
    finally:
        quiet.state.engine.dispose()
    assert _rows(engine, Impression.id) == []


def test_a_gain_from_a_few_lucky_needs_does_not_promote() -> None:
    from app.learning.training import Comparison, gain_lower_bound
    from matching.rerank import PairwiseReranker

    # 40 held-out needs: three much better, the rest slightly worse; the mean gain is positive
    current = np.full(40, 0.7)
    lucky = np.concatenate([[1.0, 1.0, 1.0], np.full(37, 0.69)])
    assert lucky.mean() - current.mean() > 0.005
    bound = gain_lower_bound(lucky, current)
    assert bound < 0
    compared = Comparison(
        PairwiseReranker(), float(lucky.mean()), float(current.mean()), 100, [], bound
    )
    assert not compared.better(0.005)
    # a broad gain of the same size is promoted
    broad = np.full(40, 0.71)
    steady = Comparison(
        PairwiseReranker(),
        float(broad.mean()),
        float(current.mean()),
        100,
        [],
        gain_lower_bound(broad, current),
    )
    assert steady.better(0.005)
