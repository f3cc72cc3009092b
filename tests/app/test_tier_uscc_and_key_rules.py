"""Who sets a firm's tier and USCC, and who revokes which keys (issue 14, finding 10).

A firm's own key could set its own tier (which re-ranks shortlists and weak links) and change
its USCC; an organizer could revoke an admin key attached to its organization. Tier, tier
year and USCC are now set by admins and by the organizer that manages the firm, each change
audited with its old and new value; an organizer revokes only keys below admin.
"""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from app.models import AuditEntry, Role
from tests.app.factories import Actor, World, issue_key, make_uscc

ORGS = "/api/v1/organizations"


def _patch(client: TestClient, actor: Actor, org_id: int | None, body: dict[str, Any]) -> Any:
    path = f"{ORGS}/{org_id}"
    etag = client.get(path, headers=actor.headers).headers["ETag"]
    return client.patch(path, json=body, headers=actor.headers | {"If-Match": etag})


@pytest.mark.parametrize(
    ("field", "value"),
    [("tier", "little_giant"), ("tier_year", 2020), ("uscc", None)],
)
def test_a_firm_cannot_set_its_own_tier_or_uscc(
    client: TestClient, world: World, field: str, value: Any
) -> None:
    value = value if value is not None else make_uscc()
    before = client.get(f"{ORGS}/{world.sme_a.org_id}", headers=world.admin.headers).json()
    response = _patch(client, world.sme_a, world.sme_a.org_id, {field: value})
    assert response.status_code == 403, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert [e["field"] for e in response.json()["errors"]] == [f"body.{field}"]
    after = client.get(f"{ORGS}/{world.sme_a.org_id}", headers=world.admin.headers).json()
    assert after == before


def test_a_large_firm_cannot_change_its_uscc(client: TestClient, world: World) -> None:
    response = _patch(client, world.firm_a, world.firm_a.org_id, {"uscc": make_uscc()})
    assert response.status_code == 403, response.text
    assert response.json()["errors"][0]["field"] == "body.uscc"


def test_a_firm_still_edits_its_other_fields(client: TestClient, world: World) -> None:
    response = _patch(client, world.sme_a, world.sme_a.org_id, {"description": "新的介绍"})
    assert response.status_code == 200, response.text


def test_the_managing_organizer_and_admins_set_tier_and_uscc_audited(
    client: TestClient, world: World, engine: Engine
) -> None:
    old_uscc = client.get(f"{ORGS}/{world.sme_a.org_id}", headers=world.admin.headers).json()[
        "uscc"
    ]
    new_uscc = make_uscc()
    response = _patch(
        client,
        world.organizer,
        world.sme_a.org_id,
        {"tier": "little_giant", "tier_year": 2024, "uscc": new_uscc},
    )
    assert response.status_code == 200, response.text
    assert (response.json()["tier"], response.json()["uscc"]) == ("little_giant", new_uscc)
    response = _patch(client, world.admin, world.sme_b.org_id, {"tier": "innovative"})
    assert response.status_code == 200, response.text
    # an organizer that does not manage the firm may not
    refused = _patch(client, world.other_organizer, world.sme_a.org_id, {"tier": "innovative"})
    assert refused.status_code == 403
    with engine.connect() as conn:
        rows = conn.execute(
            select(AuditEntry.action, AuditEntry.entity_id, AuditEntry.detail)
            .where(AuditEntry.action.in_(["organization.tier.set", "organization.uscc.set"]))
            .order_by(AuditEntry.id)
        ).all()
    assert [(r[0], r[1], r[2]) for r in rows] == [
        (
            "organization.tier.set",
            world.sme_a.org_id,
            {"before": ["specialized", 2023], "after": ["little_giant", 2024]},
        ),
        ("organization.uscc.set", world.sme_a.org_id, {"before": old_uscc, "after": new_uscc}),
        (
            "organization.tier.set",
            world.sme_b.org_id,
            {"before": ["specialized", 2023], "after": ["innovative", 2023]},
        ),
    ]


def _key_id(client: TestClient, actor: Actor, role: str) -> int:
    keys = client.get("/api/v1/keys", headers=actor.headers).json()["items"]
    return int(next(k["id"] for k in keys if k["role"] == role))


def test_an_organizer_cannot_revoke_an_admin_key_of_its_organization(
    client: TestClient, world: World, engine: Engine
) -> None:
    admin_key = issue_key(engine, Role.admin, world.organizer.org_id)
    key_id = _key_id(client, world.organizer, "admin")
    response = client.delete(f"/api/v1/keys/{key_id}", headers=world.organizer.headers)
    assert response.status_code == 403, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {admin_key}"}).is_success
    # an admin may; an organizer still revokes the keys of the firms it manages
    assert client.delete(f"/api/v1/keys/{key_id}", headers=world.admin.headers).status_code == 204
    firm_key = _key_id(client, world.sme_a, "sme")
    response = client.delete(f"/api/v1/keys/{firm_key}", headers=world.organizer.headers)
    assert response.status_code == 204
