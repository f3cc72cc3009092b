"""``GET /me`` leads each caller to its own records; an SME finds its profile id (issue 19)."""

from fastapi.testclient import TestClient

from tests.app.factories import World

PROFILE = {"products": [{"name": "伺服电机", "share": 0.6}], "description": "伺服电机及驱动器"}


def _profile(client: TestClient, world: World) -> int:
    response = client.post("/api/v1/profiles", json=PROFILE, headers=world.sme_a.headers)
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def test_an_sme_finds_its_profile_from_me(client: TestClient, world: World) -> None:
    before = client.get("/api/v1/me", headers=world.sme_a.headers).json()
    assert before["profile_id"] is None
    assert before["organization_url"] == f"/api/v1/organizations/{world.sme_a.org_id}"
    profile_id = _profile(client, world)
    me = client.get("/api/v1/me", headers=world.sme_a.headers).json()
    assert me["profile_id"] == profile_id
    assert client.get(me["profile_url"], headers=world.sme_a.headers).json()["id"] == profile_id
    assert me["needs"] is None
    assert me["managed_firms"] is None


def test_a_large_firm_gets_the_count_and_link_of_its_needs(
    client: TestClient, world: World
) -> None:
    for title in ("采购伺服电机", "采购锂电池隔膜"):
        posted = client.post("/api/v1/needs", json={"title": title}, headers=world.firm_a.headers)
        assert posted.status_code == 201, posted.text
    client.post("/api/v1/needs", json={"title": "采购减速器"}, headers=world.firm_b.headers)
    me = client.get("/api/v1/me", headers=world.firm_a.headers).json()
    assert me["needs"]["count"] == 2
    listed = client.get(me["needs"]["url"], headers=world.firm_a.headers).json()
    assert sorted(n["title"] for n in listed["items"]) == ["采购伺服电机", "采购锂电池隔膜"]
    assert me["profile_id"] is None


def test_an_organizer_gets_the_firms_it_manages(client: TestClient, world: World) -> None:
    me = client.get("/api/v1/me", headers=world.organizer.headers).json()
    assert me["managed_firms"]["count"] == 2  # sme_a and firm_a
    listed = client.get(me["managed_firms"]["url"], headers=world.organizer.headers).json()
    assert {o["id"] for o in listed["items"]} == {world.sme_a.org_id, world.firm_a.org_id}
    assert listed["total"] == 2


def test_an_admin_has_no_organization_links(client: TestClient, world: World) -> None:
    me = client.get("/api/v1/me", headers=world.admin.headers).json()
    assert me["role"] == "admin"
    assert me["organization_id"] is None
    assert me["organization_url"] is None
    assert me["profile_id"] is None
    assert me["needs"] is None
    assert me["managed_firms"] is None


def test_profiles_filter_by_organization_and_the_organization_links_its_profile(
    client: TestClient, world: World
) -> None:
    profile_id = _profile(client, world)
    other = client.post(
        "/api/v1/profiles",
        json={"products": [{"name": "锂电池隔膜", "share": 1.0}]},
        headers=world.sme_b.headers,
    )
    assert other.status_code == 201
    found = client.get(
        "/api/v1/profiles",
        params={"organization_id": world.sme_a.org_id},
        headers=world.firm_a.headers,
    ).json()
    assert [p["id"] for p in found["items"]] == [profile_id]
    assert found["total"] == 1
    org = f"/api/v1/organizations/{world.sme_a.org_id}"
    assert client.get(org, headers=world.sme_a.headers).json()["profile_id"] == profile_id
    firm = f"/api/v1/organizations/{world.firm_a.org_id}"
    assert client.get(firm, headers=world.firm_a.headers).json()["profile_id"] is None
    listed = client.get(
        "/api/v1/organizations", params={"kind": "sme"}, headers=world.admin.headers
    ).json()
    by_id = {o["id"]: o["profile_id"] for o in listed["items"]}
    assert by_id[world.sme_a.org_id] == profile_id
    assert by_id[world.sme_b.org_id] == other.json()["id"]
