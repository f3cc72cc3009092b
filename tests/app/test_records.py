"""Create, read, update, delete and list organizations, profiles and needs."""

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.app.factories import World, create_org, org_body


def _patch(client: TestClient, path: str, body: dict[str, Any], headers: dict[str, str]) -> Any:
    etag = client.get(path, headers=headers).headers["ETag"]
    return client.patch(path, json=body, headers=headers | {"If-Match": etag})


def test_organization_round_trip(client: TestClient, world: World) -> None:
    body = org_body("sme", industry_codes=["3962", "C", "39", "3962"])
    created = client.post("/api/v1/organizations", json=body, headers=world.organizer.headers)
    assert created.status_code == 201
    org = created.json()
    assert created.headers["Location"] == f"/api/v1/organizations/{org['id']}"
    assert created.headers["ETag"] == '"1"'
    assert org["industry_codes"] == ["3962", "C", "39"]  # duplicates dropped, order kept
    assert org["region_name"] == "深圳市"
    assert org["registered_by_id"] == world.organizer.org_id
    assert org["contacts"]["email"] == "zhang@example.cn"

    path = created.headers["Location"]
    changed = _patch(client, path, {"industry_codes": ["3982"]}, world.organizer.headers)
    assert changed.status_code == 200
    assert changed.json()["industry_codes"] == ["3982"]
    assert changed.json()["version"] == 2, "changing only industry codes still moves the version"
    assert changed.json()["name"] == body["name"]

    cleared = _patch(client, path, {"tier": None}, world.organizer.headers)
    assert cleared.json()["tier"] is None
    assert cleared.json()["tier_year"] is None

    assert client.delete(path, headers=world.organizer.headers).status_code == 204
    assert client.get(path, headers=world.admin.headers).status_code == 404


def test_deleting_a_firm_deletes_its_profile_and_needs(client: TestClient, world: World) -> None:
    profile = client.post("/api/v1/profiles", json={}, headers=world.sme_a.headers)
    need = client.post("/api/v1/needs", json={"title": "采购"}, headers=world.firm_a.headers)
    for org in (world.sme_a, world.firm_a):
        assert (
            client.delete(
                f"/api/v1/organizations/{org.org_id}", headers=world.admin.headers
            ).status_code
            == 204
        )
    assert client.get(profile.headers["Location"], headers=world.admin.headers).status_code == 404
    assert client.get(need.headers["Location"], headers=world.admin.headers).status_code == 404
    assert client.get("/api/v1/me", headers=world.sme_a.headers).status_code == 401


def test_profile_round_trip(client: TestClient, world: World) -> None:
    body = {
        "products": [{"name": "车规级压力传感器", "share": 0.6}, {"name": "MEMS 芯片"}],
        "technologies": ["MEMS 工艺"],
        "certifications": [
            {"standard": "IATF 16949", "number": "0123", "valid_until": "2027-06-30"}
        ],
        "regions_served": ["440000", "310000"],
        "capacity": "年产 200 万只",
    }
    created = client.post("/api/v1/profiles", json=body, headers=world.sme_a.headers)
    assert created.status_code == 201, created.text
    profile = created.json()
    assert profile["organization"]["id"] == world.sme_a.org_id
    assert profile["organization"]["tier"] == "specialized"
    assert profile["certifications"][0]["valid_until"] == "2027-06-30"
    assert profile["products"][1] == {"name": "MEMS 芯片", "share": None}

    path = created.headers["Location"]
    changed = _patch(client, path, {"products": [{"name": "温度传感器"}]}, world.sme_a.headers)
    assert changed.status_code == 200
    assert [p["name"] for p in changed.json()["products"]] == ["温度传感器"]
    assert changed.json()["technologies"] == ["MEMS 工艺"], "absent fields stay"
    assert _patch(client, path, {"products": None}, world.sme_a.headers).status_code == 422


def test_need_status_moves_forward_only(client: TestClient, world: World) -> None:
    created = client.post(
        "/api/v1/needs", json={"title": "采购伺服电机"}, headers=world.firm_a.headers
    )
    assert created.json()["status"] == "draft"
    path = created.headers["Location"]
    headers = world.firm_a.headers
    assert _patch(client, path, {"status": "open"}, headers).json()["status"] == "open"
    assert _patch(client, path, {"status": "draft"}, headers).status_code == 409
    assert _patch(client, path, {"status": "closed"}, headers).json()["status"] == "closed"
    refused = _patch(client, path, {"status": "open"}, headers)
    assert refused.status_code == 409
    assert client.get(path, headers=headers).json()["status"] == "closed"


def test_need_fields_round_trip(client: TestClient, world: World) -> None:
    body = {
        "kind": "chain_gap",
        "title": "寻找车规级 MCU 国产替代",
        "products": ["车规级MCU"],
        "application": "新能源汽车车身控制",
        "quantity": 200000,
        "quantity_unit": "颗/年",
        "required_certifications": ["AEC-Q100"],
        "preferred_regions": ["440300"],
        "deadline": "2027-03-31",
        "status": "open",
    }
    created = client.post("/api/v1/needs", json=body, headers=world.firm_a.headers)
    assert created.status_code == 201, created.text
    need = created.json()
    for field, value in body.items():
        assert need[field] == value, field
    assert need["organization"]["id"] == world.firm_a.org_id
    cleared = _patch(client, created.headers["Location"], {"deadline": None}, world.firm_a.headers)
    assert cleared.json()["deadline"] is None


def test_smes_cannot_post_needs_for_themselves(client: TestClient, world: World) -> None:
    response = client.post("/api/v1/needs", json={"title": "x"}, headers=world.sme_a.headers)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "body.organization_id"


@pytest.fixture
def catalog(client: TestClient, world: World) -> dict[str, int]:
    """Firms in three regions with different industries and tiers."""
    admin = world.admin
    return {
        "sz_sensor": create_org(
            client,
            admin,
            org_body("sme", region_code="440305", industry_codes=["3983"], tier="little_giant"),
        ),
        "gz_motor": create_org(
            client,
            admin,
            org_body(
                "sme",
                region_code="440100",
                industry_codes=["3811"],
                tier="innovative",
                tier_year=None,
            ),
        ),
        "bj_software": create_org(
            client,
            admin,
            org_body(
                "sme",
                region_code="110108",
                industry_codes=["6513"],
                tier="specialized",
                name="北京算法软件有限公司",
            ),
        ),
    }


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"region": "44"}, {"sz_sensor", "gz_motor"}),
        ({"region": "440000"}, {"sz_sensor", "gz_motor"}),
        ({"region": "440300"}, {"sz_sensor"}),
        ({"region": "4401"}, {"gz_motor"}),
        ({"region": "110108"}, {"bj_software"}),
        ({"industry": "39"}, {"sz_sensor"}),
        ({"industry": "38"}, {"gz_motor"}),
        ({"tier": "little_giant"}, {"sz_sensor"}),
        ({"q": "算法"}, {"bj_software"}),
        ({"region": "44", "tier": "innovative"}, {"gz_motor"}),
    ],
)
def test_organization_filters(
    client: TestClient,
    world: World,
    catalog: dict[str, int],
    params: dict[str, str],
    expected: set[str],
) -> None:
    response = client.get(
        "/api/v1/organizations", params=params | {"kind": "sme"}, headers=world.firm_b.headers
    )
    assert response.status_code == 200
    found = {item["id"] for item in response.json()["items"]} - {
        world.sme_a.org_id,
        world.sme_b.org_id,
    }
    assert found == {catalog[name] for name in expected}


def test_bad_region_filter_is_422(client: TestClient, world: World) -> None:
    response = client.get(
        "/api/v1/organizations", params={"region": "44x"}, headers=world.admin.headers
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "query.region"


def test_pagination_is_stable_and_counts_all(client: TestClient, world: World) -> None:
    for _ in range(7):
        create_org(client, world.admin, org_body("large_firm"))
    seen: list[int] = []
    for page in (1, 2, 3, 4):
        body = client.get(
            "/api/v1/organizations",
            params={"kind": "large_firm", "page": page, "page_size": 3},
            headers=world.admin.headers,
        ).json()
        assert body["total"] == 9
        seen += [item["id"] for item in body["items"]]
    assert seen == sorted(seen)
    assert len(set(seen)) == 9


def test_profile_and_need_filters(client: TestClient, world: World) -> None:
    client.post(
        "/api/v1/profiles", json={"products": [{"name": "谐波减速器"}]}, headers=world.sme_a.headers
    )
    client.post(
        "/api/v1/profiles", json={"products": [{"name": "锂电池隔膜"}]}, headers=world.sme_b.headers
    )
    found = client.get(
        "/api/v1/profiles", params={"q": "减速器"}, headers=world.firm_a.headers
    ).json()
    assert [p["organization"]["id"] for p in found["items"]] == [world.sme_a.org_id]

    client.post(
        "/api/v1/needs", json={"title": "采购隔膜", "status": "open"}, headers=world.firm_a.headers
    )
    client.post(
        "/api/v1/needs",
        json={"title": "采购电机", "status": "open", "kind": "chain_gap"},
        headers=world.firm_b.headers,
    )
    by_kind = client.get(
        "/api/v1/needs", params={"kind": "chain_gap"}, headers=world.sme_a.headers
    ).json()
    assert [n["title"] for n in by_kind["items"]] == ["采购电机"]
    by_text = client.get(
        "/api/v1/needs", params={"q": "隔膜", "status": "open"}, headers=world.sme_a.headers
    ).json()
    assert [n["title"] for n in by_text["items"]] == ["采购隔膜"]


def test_changes_are_audited_without_contact_values(
    client: TestClient, world: World, engine: Any
) -> None:
    from sqlalchemy import select

    from app.models import AuditEntry
    from app.platform.db import make_sessionmaker

    path = f"/api/v1/organizations/{world.sme_a.org_id}"
    _patch(client, path, {"contacts": {"phone": "13800000000"}}, world.sme_a.headers)
    with make_sessionmaker(engine)() as session:
        entries = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "organization.update")
        ).all()
    assert len(entries) == 1
    assert entries[0].entity_id == world.sme_a.org_id
    assert entries[0].detail == {"fields": ["contacts"]}
    assert "13800000000" not in str(entries[0].detail)
