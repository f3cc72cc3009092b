"""A product matched through another way of writing it says so in the shortlist's reasons."""

from fastapi.testclient import TestClient

from tests.app.factories import World, create_org, org_body


def test_shortlist_reasons_show_the_typo_correction(client: TestClient, world: World) -> None:
    admin = world.admin
    sme = create_org(client, admin, org_body("sme", region_code="440305", name="深圳电源"))
    body = {"organization_id": sme, "products": [{"name": "铅蓄电池"}]}
    assert client.post("/api/v1/profiles", json=body, headers=admin.headers).status_code == 201
    need = {"status": "open", "title": "采购畜电池", "products": ["畜电池"]}
    created = client.post("/api/v1/needs", json=need, headers=world.firm_a.headers)
    assert created.status_code == 201, created.text
    response = client.get(
        f"/api/v1/needs/{created.json()['id']}/shortlist", headers=world.firm_a.headers
    )
    assert response.status_code == 200, response.text
    (item,) = response.json()["items"]
    assert item["reasons"]["matched_products"] == [
        {"wanted": "畜电池", "offered": "铅蓄电池", "read_as": "畜电池 → 蓄电池 (疑似错字)"}
    ]
