"""Shortlists and opportunity feeds over HTTP: ranking, reasons, filters, who may see them."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import anyio
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.main import create_app
from app.matches import service
from app.platform.settings import Settings
from tests.app.factories import Actor, World, create_org, org_body


def _profile(
    client: TestClient, actor: Actor, org_id: int, products: list[str], **extra: Any
) -> int:
    body = {"organization_id": org_id, "products": [{"name": p} for p in products], **extra}
    response = client.post("/api/v1/profiles", json=body, headers=actor.headers)
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def _need(client: TestClient, actor: Actor, **body: Any) -> int:
    response = client.post("/api/v1/needs", json={"status": "open", **body}, headers=actor.headers)
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def _shortlist(client: TestClient, actor: Actor, need_id: int, **params: Any) -> Any:
    response = client.get(
        f"/api/v1/needs/{need_id}/shortlist", params=params, headers=actor.headers
    )
    assert response.status_code == 200, response.text
    return response.json()["items"]


@pytest.fixture
def market(client: TestClient, world: World) -> dict[str, int]:
    """Three SMEs (a sensor maker in Shenzhen, one in Beijing, a motor maker) and a need."""
    admin = world.admin
    sz = create_org(
        client, admin, org_body("sme", region_code="440305", tier="little_giant", name="深圳传感")
    )
    bj = create_org(
        client, admin, org_body("sme", region_code="110108", tier="specialized", name="北京传感")
    )
    motor = create_org(
        client, admin, org_body("sme", region_code="440305", tier="little_giant", name="深圳电机")
    )
    ids = {
        "sz": _profile(
            client,
            admin,
            sz,
            ["MEMS压力传感器", "温度传感器"],
            certifications=[{"standard": "IATF 16949", "valid_until": "2030-01-01"}],
        ),
        "bj": _profile(
            client,
            admin,
            bj,
            ["压力传感器"],
            certifications=[{"standard": "IATF 16949", "valid_until": "2020-01-01"}],
        ),
        "motor": _profile(client, admin, motor, ["伺服电机", "步进电机"]),
    }
    ids["need"] = _need(
        client,
        world.firm_a,
        title="采购压力传感器",
        products=["压力传感器"],
        application="新能源汽车热管理",
    )
    return ids


def test_the_supplier_of_the_wanted_product_ranks_first_with_reasons(
    client: TestClient, world: World, market: dict[str, int]
) -> None:
    items = _shortlist(client, world.firm_a, market["need"])
    ranked = [item["profile_id"] for item in items]
    assert ranked[:2] == [market["sz"], market["bj"]] or ranked[:2] == [market["bj"], market["sz"]]
    assert market["motor"] not in ranked[:2]
    top = items[0]
    assert top["rank"] == 1
    assert top["reasons"]["matched_products"], "a checkable product match"
    assert top["reasons"]["matched_products"][0]["offered"] in top["products"]
    assert "contacts" not in top["organization"]


def test_a_required_certification_filters_out_expired_holders(
    client: TestClient, world: World, market: dict[str, int]
) -> None:
    need = _need(
        client,
        world.firm_a,
        title="采购车规压力传感器",
        products=["压力传感器"],
        required_certifications=["IATF 16949"],
    )
    items = _shortlist(client, world.firm_a, need)
    assert [item["profile_id"] for item in items] == [market["sz"]]
    assert items[0]["reasons"]["certifications_met"] == ["IATF 16949"]


def test_filters_region_tier_and_min_score(
    client: TestClient, world: World, market: dict[str, int]
) -> None:
    by_region = _shortlist(client, world.firm_a, market["need"], region="11")
    assert {i["profile_id"] for i in by_region} == {market["bj"]}
    by_tier = _shortlist(client, world.firm_a, market["need"], tier="specialized")
    assert {i["profile_id"] for i in by_tier} == {market["bj"]}
    everyone = _shortlist(client, world.firm_a, market["need"])
    cut = everyone[0]["score"]
    assert all(
        i["score"] >= cut for i in _shortlist(client, world.firm_a, market["need"], min_score=cut)
    )
    assert len(_shortlist(client, world.firm_a, market["need"], limit=1)) == 1


def test_deleted_profiles_never_appear(
    client: TestClient, world: World, market: dict[str, int]
) -> None:
    path = f"/api/v1/profiles/{market['sz']}"
    assert client.delete(path, headers=world.admin.headers).status_code == 204
    assert market["sz"] not in {
        i["profile_id"] for i in _shortlist(client, world.firm_a, market["need"])
    }


def test_profile_changes_show_at_once(
    client: TestClient, world: World, market: dict[str, int]
) -> None:
    path = f"/api/v1/profiles/{market['motor']}"
    etag = client.get(path, headers=world.admin.headers).headers["ETag"]
    changed = client.patch(
        path,
        json={"products": [{"name": "压力传感器"}]},
        headers=world.admin.headers | {"If-Match": etag},
    )
    assert changed.status_code == 200
    assert market["motor"] in {
        i["profile_id"] for i in _shortlist(client, world.firm_a, market["need"])[:3]
    }


def test_opportunities_rank_open_needs_and_hide_closed_ones(
    client: TestClient, world: World, market: dict[str, int]
) -> None:
    other = _need(client, world.firm_b, title="采购伺服电机", products=["伺服电机"])
    path = f"/api/v1/profiles/{market['motor']}/opportunities"
    admin = world.admin.headers
    items = client.get(path, headers=admin).json()["items"]
    assert items[0]["need_id"] == other
    assert items[0]["reasons"]["matched_products"]

    etag = client.get(f"/api/v1/needs/{other}", headers=admin).headers["ETag"]
    closed = client.patch(
        f"/api/v1/needs/{other}", json={"status": "closed"}, headers=admin | {"If-Match": etag}
    )
    assert closed.status_code == 200
    assert other not in {i["need_id"] for i in client.get(path, headers=admin).json()["items"]}


def test_draft_needs_are_not_opportunities(
    client: TestClient, world: World, market: dict[str, int]
) -> None:
    response = client.post(
        "/api/v1/needs",
        json={"title": "采购伺服电机", "products": ["伺服电机"]},
        headers=world.firm_b.headers,
    )
    draft = response.json()["id"]
    items = client.get(
        f"/api/v1/profiles/{market['motor']}/opportunities", headers=world.admin.headers
    ).json()["items"]
    assert draft not in {i["need_id"] for i in items}


@pytest.mark.parametrize(
    ("actor", "status"),
    [
        ("firm_a", 200),
        ("organizer", 200),
        ("other_organizer", 200),
        ("admin", 200),
        ("firm_b", 403),
        ("sme_a", 403),
    ],
)
def test_who_may_see_a_shortlist(
    client: TestClient, world: World, market: dict[str, int], actor: str, status: int
) -> None:
    response = client.get(
        f"/api/v1/needs/{market['need']}/shortlist", headers=getattr(world, actor).headers
    )
    assert response.status_code == status


@pytest.mark.parametrize(
    ("actor", "status"),
    [("sme_a", 200), ("organizer", 200), ("admin", 200), ("sme_b", 403), ("firm_a", 403)],
)
def test_who_may_see_opportunities(
    client: TestClient, world: World, actor: str, status: int
) -> None:
    profile = client.post(
        "/api/v1/profiles", json={"products": [{"name": "电机"}]}, headers=world.sme_a.headers
    )
    path = f"/api/v1/profiles/{profile.json()['id']}/opportunities"
    assert client.get(path, headers=getattr(world, actor).headers).status_code == status


def test_bad_limit_is_422(client: TestClient, world: World, market: dict[str, int]) -> None:
    response = client.get(
        f"/api/v1/needs/{market['need']}/shortlist",
        params={"limit": 0},
        headers=world.firm_a.headers,
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "query.limit"


@pytest.mark.parametrize("turns", [1, 3])
def test_rankings_take_turns_at_most_ranking_concurrency_at_once(
    app: FastAPI,
    client: TestClient,
    world: World,
    market: dict[str, int],
    monkeypatch: pytest.MonkeyPatch,
    turns: int,
) -> None:
    running, peak, lock = [0], [0], threading.Lock()
    rank = service.shortlist

    def slow_shortlist(*args: Any, **kwargs: Any) -> Any:
        with lock:
            running[0] += 1
            peak[0] = max(peak[0], running[0])
        time.sleep(0.05)
        try:
            return rank(*args, **kwargs)
        finally:
            with lock:
                running[0] -= 1

    monkeypatch.setattr(service, "shortlist", slow_shortlist)
    monkeypatch.setattr(app.state, "ranking_turns", anyio.CapacityLimiter(turns))
    with ThreadPoolExecutor(6) as pool:
        answers = list(
            pool.map(lambda _i: _shortlist(client, world.firm_a, market["need"]), range(6))
        )
    assert all(answers)
    assert peak[0] == turns


def test_the_default_minimum_score_is_a_setting(
    client: TestClient, world: World, market: dict[str, int], settings: Settings
) -> None:
    scores = [item["score"] for item in _shortlist(client, world.firm_a, market["need"])]
    assert scores
    assert min(scores) >= settings.min_score
    cut = (max(scores) + min(scores)) / 2
    strict = create_app(settings.model_copy(update={"min_score": cut}))
    with TestClient(strict) as other:
        kept = [item["score"] for item in _shortlist(other, world.firm_a, market["need"])]
        assert kept == [s for s in scores if s >= cut]
        assert len(kept) < len(scores)
        # a request's own min_score still wins
        everything = _shortlist(other, world.firm_a, market["need"], min_score=0)
        assert len(everything) >= len(scores)
