"""Chain discovery over HTTP: a large firm's products, their inputs, the SMEs that make them."""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from app.models import Role
from matching.upstream import UpstreamPredictor
from tests.app.factories import Actor, World, create_org, issue_key, org_body

# 轮胎 is a node of the shipped chain map; 天然橡胶 and 橡胶 are among its inputs.
BUYER_PRODUCTS = [{"name": "全钢子午线轮胎", "share": 0.7}, {"name": "轮胎", "share": 0.2}]


def _profile(client: TestClient, actor: Actor, org_id: int, products: list[str]) -> int:
    body = {"organization_id": org_id, "products": [{"name": p} for p in products]}
    response = client.post("/api/v1/profiles", json=body, headers=actor.headers)
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def _sme(client: TestClient, actor: Actor, products: list[str], **extra: Any) -> int:
    org = create_org(client, actor, org_body("sme", **extra))
    return _profile(client, actor, org, products)


def _upstream(client: TestClient, actor: Actor, org_id: int | None, **params: Any) -> Any:
    response = client.get(
        f"/api/v1/organizations/{org_id}/upstream-suppliers", params=params, headers=actor.headers
    )
    assert response.status_code == 200, response.text
    return response.json()


@pytest.fixture
def tyre_maker(client: TestClient, world: World, engine: Engine) -> Actor:
    """A large firm making tyres, registered by ``world.organizer``, with its own key."""
    org = create_org(
        client, world.organizer, org_body("large_firm", name="轮胎集团", products=BUYER_PRODUCTS)
    )
    return Actor(issue_key(engine, Role.large_firm, org), org, Role.large_firm)


@pytest.fixture
def market(client: TestClient, world: World) -> dict[str, int]:
    admin = world.admin
    return {
        "rubber": _sme(client, admin, ["天然橡胶", "乳胶制品"], region_code="440305"),
        "motor": _sme(client, admin, ["伺服电机", "步进电机"]),
        "cord": _sme(client, admin, ["合成橡胶"], region_code="110108", tier="little_giant"),
    }


def test_the_maker_of_an_input_ranks_with_truthful_reasons(
    client: TestClient, world: World, tyre_maker: Actor, market: dict[str, int]
) -> None:
    body = _upstream(client, tyre_maker, tyre_maker.org_id)
    assert body["products"] == ["全钢子午线轮胎", "轮胎"]
    assert body["inputs"], "the predicted inputs are shown"
    ranked = [item["profile_id"] for item in body["items"]]
    assert ranked[0] == market["rubber"]
    assert market["motor"] not in ranked

    predictor = UpstreamPredictor().fit()
    known_inputs = {i.input for i in predictor.predict_inputs(BUYER_PRODUCTS)}
    for item in body["items"]:
        assert "contacts" not in item["organization"]
        paths = item["reasons"]["supply_paths"]
        assert paths, "every result says how it connects to the buyer"
        for path in paths:
            assert path["buyer_product"] in body["products"]
            assert path["input"] in known_inputs
            assert path["supplier_product"] in item["products"]
            assert (
                path["input"] in path["supplier_product"]
                or path["supplier_product"] in path["input"]
            )
            assert path["input"] in predictor.inputs_[predictor.products_.index(path["via"])]


def test_filters_region_tier_limit_and_min_score(
    client: TestClient, world: World, tyre_maker: Actor, market: dict[str, int]
) -> None:
    assert {
        i["profile_id"]
        for i in _upstream(client, tyre_maker, tyre_maker.org_id, region="11")["items"]
    } == {market["cord"]}
    by_tier = _upstream(client, tyre_maker, tyre_maker.org_id, tier="little_giant")["items"]
    assert {i["profile_id"] for i in by_tier} == {market["cord"]}
    assert len(_upstream(client, tyre_maker, tyre_maker.org_id, limit=1)["items"]) == 1
    items = _upstream(client, tyre_maker, tyre_maker.org_id)["items"]
    cut = items[0]["score"]
    high = _upstream(client, tyre_maker, tyre_maker.org_id, min_score=cut)["items"]
    assert high
    assert all(i["score"] >= cut for i in high)


def test_a_new_sme_making_an_input_shows_up_and_a_deleted_one_goes(
    client: TestClient, world: World, tyre_maker: Actor, market: dict[str, int]
) -> None:
    before = {i["profile_id"] for i in _upstream(client, tyre_maker, tyre_maker.org_id)["items"]}
    new = _sme(client, world.admin, ["丁苯橡胶(SBR)"])
    assert new not in before
    after = _upstream(client, tyre_maker, tyre_maker.org_id)["items"]
    entry = next(i for i in after if i["profile_id"] == new)
    assert entry["reasons"]["supply_paths"][0]["supplier_product"] == "丁苯橡胶(SBR)"

    response = client.delete(f"/api/v1/profiles/{market['rubber']}", headers=world.admin.headers)
    assert response.status_code == 204
    gone = {i["profile_id"] for i in _upstream(client, tyre_maker, tyre_maker.org_id)["items"]}
    assert market["rubber"] not in gone


def test_changing_the_firms_products_changes_the_ranking(
    client: TestClient, world: World, tyre_maker: Actor, market: dict[str, int]
) -> None:
    path = f"/api/v1/organizations/{tyre_maker.org_id}"
    etag = client.get(path, headers=tyre_maker.headers).headers["ETag"]
    response = client.patch(
        path,
        json={"products": [{"name": "数控机床"}]},
        headers=tyre_maker.headers | {"If-Match": etag},
    )
    assert response.status_code == 200, response.text
    assert response.json()["products"] == [{"name": "数控机床", "share": None}]
    ranked = {i["profile_id"] for i in _upstream(client, tyre_maker, tyre_maker.org_id)["items"]}
    assert market["rubber"] not in ranked


def test_a_firm_without_products_gets_an_empty_ranking(
    client: TestClient, world: World, market: dict[str, int]
) -> None:
    body = _upstream(client, world.firm_a, world.firm_a.org_id)
    assert body == {
        "organization_id": world.firm_a.org_id,
        "products": [],
        "inputs": [],
        "items": [],
    }


@pytest.mark.parametrize(
    ("actor", "status"),
    [
        ("tyre_maker", 200),
        ("organizer", 200),
        ("other_organizer", 200),
        ("admin", 200),
        ("firm_b", 403),
        ("sme_a", 403),
    ],
)
def test_who_may_see_upstream_suppliers(
    client: TestClient, world: World, tyre_maker: Actor, actor: str, status: int
) -> None:
    who = tyre_maker if actor == "tyre_maker" else getattr(world, actor)
    response = client.get(
        f"/api/v1/organizations/{tyre_maker.org_id}/upstream-suppliers", headers=who.headers
    )
    assert response.status_code == status


def test_unknown_organization_is_404(client: TestClient, world: World) -> None:
    response = client.get(
        "/api/v1/organizations/999999/upstream-suppliers", headers=world.admin.headers
    )
    assert response.status_code == 404


def test_an_sme_or_organizer_is_not_a_buyer(client: TestClient, world: World) -> None:
    for org in (world.sme_a.org_id, world.organizer.org_id):
        response = client.get(
            f"/api/v1/organizations/{org}/upstream-suppliers", headers=world.admin.headers
        )
        assert response.status_code == 422
        assert response.headers["content-type"].startswith("application/problem+json")
        assert response.json()["errors"][0]["field"] == "path.organization_id"


def test_bad_limit_is_422(client: TestClient, world: World, tyre_maker: Actor) -> None:
    response = client.get(
        f"/api/v1/organizations/{tyre_maker.org_id}/upstream-suppliers",
        params={"limit": 500},
        headers=tyre_maker.headers,
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "query.limit"


def test_products_are_validated_and_only_for_large_firms(client: TestClient, world: World) -> None:
    too_long = org_body("large_firm", products=[{"name": "x" * 101}])
    response = client.post("/api/v1/organizations", json=too_long, headers=world.admin.headers)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"].startswith("body.products")
    bad_share = org_body("large_firm", products=[{"name": "轮胎", "share": 1.5}])
    response = client.post("/api/v1/organizations", json=bad_share, headers=world.admin.headers)
    assert response.status_code == 422
    sme = org_body("sme", products=[{"name": "轮胎"}])
    response = client.post("/api/v1/organizations", json=sme, headers=world.admin.headers)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "body.products"
    listed = client.get(
        "/api/v1/organizations", params={"kind": "sme"}, headers=world.admin.headers
    ).json()["items"]
    assert all(o["products"] == [] for o in listed)
    assert not any(o["name"] == sme["name"] for o in listed), "nothing was created"


def test_products_round_trip_in_order_without_duplicates(client: TestClient, world: World) -> None:
    body = org_body(
        "large_firm",
        products=[
            {"name": "轮胎", "share": 0.6},
            {"name": "钢帘线"},
            {"name": "轮胎", "share": 0.1},
        ],
    )
    org = create_org(client, world.admin, body)
    read = client.get(f"/api/v1/organizations/{org}", headers=world.admin.headers).json()
    assert read["products"] == [{"name": "轮胎", "share": 0.6}, {"name": "钢帘线", "share": None}]


def test_an_sme_cannot_be_given_products_by_update(client: TestClient, world: World) -> None:
    path = f"/api/v1/organizations/{world.sme_a.org_id}"
    before = client.get(path, headers=world.admin.headers)
    response = client.patch(
        path,
        json={"products": [{"name": "轮胎"}]},
        headers=world.admin.headers | {"If-Match": before.headers["ETag"]},
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "body.products"
    after = client.get(path, headers=world.admin.headers)
    assert after.json()["products"] == []
    assert after.headers["ETag"] == before.headers["ETag"]
