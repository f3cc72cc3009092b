"""The matching index's reads by organization hold up when an import changes ~100,000 firms."""

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from app.matches.loading import ids_of_organizations
from app.platform.db import make_sessionmaker
from tests.app.factories import World, create_org, org_body


def test_profiles_and_needs_of_more_firms_than_one_query_may_name(
    client: TestClient, world: World, engine: Engine
) -> None:
    """An import of firms logs every firm it wrote; the index then reads the profiles and
    needs of all of them. 70,000 ids are past PostgreSQL's 65,535 parameters (and SQLite's
    32,766 in its default build), so they are read in parts, and nothing may be lost between
    parts."""
    admin = world.admin
    sme = create_org(client, admin, org_body("sme"))
    profile = client.post(
        "/api/v1/profiles",
        json={"organization_id": sme, "products": [{"name": "精密齿轮"}]},
        headers=admin.headers,
    )
    assert profile.status_code == 201, profile.text
    buyer = world.firm_a
    need = client.post(
        "/api/v1/needs",
        json={"organization_id": buyer.org_id, "title": "采购精密齿轮", "products": ["精密齿轮"]},
        headers=buyer.headers,
    )
    assert need.status_code == 201, need.text
    assert buyer.org_id is not None
    firms = set(range(10**6, 10**6 + 70_000)) | {sme, buyer.org_id}  # mostly ids no firm has
    with make_sessionmaker(engine)() as session:
        profiles, needs = ids_of_organizations(session, firms)
    assert profiles == {profile.json()["id"]}
    assert need.json()["id"] in needs
