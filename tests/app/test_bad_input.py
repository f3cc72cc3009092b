"""Bad input gets a 4xx problem+json naming the field, and changes nothing."""

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.app.factories import World, make_uscc, org_body


def _counts(client: TestClient, world: World) -> tuple[int, ...]:
    admin = world.admin.headers
    return tuple(
        client.get(path, headers=admin).json()["total"]
        for path in ("/api/v1/organizations", "/api/v1/profiles", "/api/v1/needs")
    )


def _field_names(response: Any) -> set[str]:
    return {e["field"] for e in response.json().get("errors", [])}


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ({"uscc": "91350100M000100Y44"}, "body.uscc"),  # wrong check character
        ({"uscc": "91350100M000100Y4"}, "body.uscc"),  # 17 characters
        ({"uscc": "91350100M0001O0Y43"}, "body.uscc"),  # letter O is not allowed
        ({"region_code": "999999"}, "body.region_code"),
        ({"region_code": "4403"}, "body.region_code"),
        ({"industry_codes": ["9999"]}, "body.industry_codes.0"),
        ({"industry_codes": ["3962", "39x"]}, "body.industry_codes.1"),
        ({"name": "名" * 201}, "body.name"),
        ({"name": ""}, "body.name"),
        ({"description": "长" * 5001}, "body.description"),
        ({"kind": "bank"}, "body.kind"),
        ({"tier": "giant"}, "body.tier"),
        ({"tier_year": "二〇二三"}, "body.tier_year"),
        ({"tier_year": 1999}, "body.tier_year"),
        ({"industry_codes": "3962"}, "body.industry_codes"),
        ({"website": "javascript:alert(1)"}, "body.website"),
        ({"contacts": {"email": "not-an-email"}}, "body.contacts.email"),
        ({"contacts": {"phone": "call me"}}, "body.contacts.phone"),
        ({"unexpected": 1}, "body.unexpected"),
    ],
)
def test_invalid_organization_is_422_naming_the_field(
    client: TestClient, world: World, override: dict[str, Any], field: str
) -> None:
    before = _counts(client, world)
    response = client.post(
        "/api/v1/organizations", json=org_body("sme") | override, headers=world.admin.headers
    )
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert field in _field_names(response)
    assert _counts(client, world) == before


def test_tier_on_a_large_firm_is_refused(client: TestClient, world: World) -> None:
    body = org_body("large_firm", tier="little_giant")
    response = client.post("/api/v1/organizations", json=body, headers=world.admin.headers)
    assert response.status_code == 422
    assert _field_names(response) == {"body.tier"}


def test_full_width_uscc_is_normalised(client: TestClient, world: World) -> None:
    code = make_uscc()
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in code)
    response = client.post(
        "/api/v1/organizations",
        json=org_body("sme", uscc=f" {full_width} "),
        headers=world.admin.headers,
    )
    assert response.status_code == 201, response.text
    assert response.json()["uscc"] == code


def test_duplicate_uscc_is_409_and_adds_nothing(client: TestClient, world: World) -> None:
    body = org_body("sme")
    assert (
        client.post("/api/v1/organizations", json=body, headers=world.admin.headers).status_code
        == 201
    )
    before = _counts(client, world)
    again = client.post(
        "/api/v1/organizations",
        json=org_body("sme", uscc=body["uscc"]),
        headers=world.admin.headers,
    )
    assert again.status_code == 409
    assert body["uscc"] in again.json()["detail"]
    assert _counts(client, world) == before


def test_changing_uscc_to_a_taken_one_is_409(client: TestClient, world: World) -> None:
    taken = client.get(f"/api/v1/organizations/{world.sme_b.org_id}", headers=world.admin.headers)
    path = f"/api/v1/organizations/{world.sme_a.org_id}"
    etag = client.get(path, headers=world.admin.headers).headers["ETag"]
    response = client.patch(
        path,
        json={"uscc": taken.json()["uscc"]},
        headers=world.admin.headers | {"If-Match": etag},
    )
    assert response.status_code == 409


SQLISH = [
    "'; DROP TABLE organizations; --",
    "Robert'); DELETE FROM api_keys WHERE ('1'='1",
    "100% 纯铜_线材 \\ \" ' ` $1",
]


@pytest.mark.parametrize("text", SQLISH)
def test_sql_looking_text_is_stored_verbatim(client: TestClient, world: World, text: str) -> None:
    body = org_body("sme", name=text, description=text)
    created = client.post("/api/v1/organizations", json=body, headers=world.admin.headers)
    assert created.status_code == 201, created.text
    read = client.get(f"/api/v1/organizations/{created.json()['id']}", headers=world.admin.headers)
    assert read.json()["name"] == text
    assert read.json()["description"] == text
    found = client.get("/api/v1/organizations", params={"q": text}, headers=world.admin.headers)
    assert [item["id"] for item in found.json()["items"]] == [created.json()["id"]]
    assert client.get("/api/v1/keys", headers=world.admin.headers).status_code == 200


def test_like_wildcards_in_search_are_literal(client: TestClient, world: World) -> None:
    response = client.get("/api/v1/organizations", params={"q": "%"}, headers=world.admin.headers)
    assert response.status_code == 200
    assert response.json()["total"] == 0


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"products": [{"name": "x" * 101}]}, "body.products.0.name"),
        ({"products": [{"name": "电机", "share": 1.5}]}, "body.products.0.share"),
        ({"products": "电机"}, "body.products"),
        (
            {"certifications": [{"standard": "ISO 9001", "valid_until": "明年"}]},
            "body.certifications.0.valid_until",
        ),
        ({"regions_served": ["000000"]}, "body.regions_served.0"),
        ({"technologies": ["t"] * 101}, "body.technologies"),
    ],
)
def test_invalid_profile_is_422(
    client: TestClient, world: World, body: dict[str, Any], field: str
) -> None:
    before = _counts(client, world)
    response = client.post("/api/v1/profiles", json=body, headers=world.sme_a.headers)
    assert response.status_code == 422, response.text
    assert field in _field_names(response)
    assert _counts(client, world) == before


def test_profile_for_a_large_firm_is_refused(client: TestClient, world: World) -> None:
    response = client.post(
        "/api/v1/profiles",
        json={"organization_id": world.firm_a.org_id},
        headers=world.admin.headers,
    )
    assert response.status_code == 422
    assert _field_names(response) == {"body.organization_id"}


def test_second_profile_for_an_sme_is_409(client: TestClient, world: World) -> None:
    assert client.post("/api/v1/profiles", json={}, headers=world.sme_a.headers).status_code == 201
    assert client.post("/api/v1/profiles", json={}, headers=world.sme_a.headers).status_code == 409


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "body.title"),
        ({"title": "x", "quantity": -1}, "body.quantity"),
        ({"title": "x", "deadline": "2026-02-30"}, "body.deadline"),
        ({"title": "x", "preferred_regions": ["12345"]}, "body.preferred_regions.0"),
        ({"title": "x", "status": "closed"}, "body.status"),
        ({"title": "x", "kind": "buy"}, "body.kind"),
        ({"title": "x", "application": "用" * 501}, "body.application"),
    ],
)
def test_invalid_need_is_422(
    client: TestClient, world: World, body: dict[str, Any], field: str
) -> None:
    before = _counts(client, world)
    response = client.post("/api/v1/needs", json=body, headers=world.firm_a.headers)
    assert response.status_code == 422, response.text
    assert field in _field_names(response)
    assert _counts(client, world) == before


def test_malformed_json_is_422(client: TestClient, world: World) -> None:
    response = client.post(
        "/api/v1/organizations",
        content=b'{"kind": "sme", ',
        headers=world.admin.headers | {"Content-Type": "application/json"},
    )
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"


def test_huge_body_is_413_and_adds_nothing(client: TestClient, world: World) -> None:
    before = _counts(client, world)
    body = org_body("sme", description="大" * 100_000)
    response = client.post("/api/v1/organizations", json=body, headers=world.admin.headers)
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"
    assert _counts(client, world) == before


def test_huge_chunked_body_is_413(client: TestClient, world: World) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"kind": "sme", "description": "'
        for _ in range(100):
            yield b"x" * 1000
        yield b'"}'

    response = client.post(
        "/api/v1/organizations",
        content=chunks(),
        headers=world.admin.headers | {"Content-Type": "application/json"},
    )
    assert response.status_code == 413


def test_page_size_over_the_limit_is_422(client: TestClient, world: World) -> None:
    response = client.get(
        "/api/v1/organizations", params={"page_size": 1000}, headers=world.admin.headers
    )
    assert response.status_code == 422
    assert _field_names(response) == {"query.page_size"}


def test_unknown_route_is_problem_json(client: TestClient, world: World) -> None:
    response = client.get("/api/v1/nothing", headers=world.admin.headers)
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
