"""Invitations to claim a record: one firm or every imported one; claims are single-use,
expire, and need the record's USCC. Users of an organization, and the keys they issue."""

from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select, text, update

from app.models import AuditEntry, Invitation, Organization, OrgRole, Role
from app.models.base import utcnow
from tests.app.accounts.helpers import PASSWORD, last_link, make_user, messages_to, token_of
from tests.app.factories import World, bearer, create_org, org_body

NEW_PASSWORD = "claimed firm 2026"


def _orgs(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(Organization)).scalar_one())


def _actions(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        return [r[0] for r in conn.execute(select(AuditEntry.action).order_by(AuditEntry.id))]


def _claim(client: TestClient, token: str, uscc: str, password: str = NEW_PASSWORD) -> int:
    response = client.post(
        "/claim", data={"token": token, "uscc": uscc, "name": "赵经理", "password": password}
    )
    return int(response.status_code)


def _imported(client: TestClient, world: World, n: int) -> list[dict[str, Any]]:
    bodies = []
    for i in range(n):
        body = org_body("sme", contacts={"person": "联系人", "email": f"firm{i}@import.example.cn"})
        body["id"] = create_org(client, world.organizer, body)
        bodies.append(body)
    return bodies


def test_every_imported_firm_is_invited_once_and_claims_its_record(
    client: TestClient, engine: Engine, world: World
) -> None:
    firms = _imported(client, world, 3)
    sent = client.post("/api/v1/invitations/imported", headers=world.organizer.headers)
    assert sent.json() == {"invited": 5}  # the three, and sme_a and firm_a of the world
    # Again: nobody is invited twice while an invitation is open.
    assert client.post("/api/v1/invitations/imported", headers=world.organizer.headers).json() == {
        "invited": 0
    }
    # Another organizer invites none of them (it manages none).
    assert client.post(
        "/api/v1/invitations/imported", headers=world.other_organizer.headers
    ).json() == {"invited": 0}

    firm = firms[0]
    link = last_link(engine, "firm0@import.example.cn", "account.invitation")
    token = token_of(link)
    page = client.get(f"/claim?token={token}")
    assert page.status_code == 200
    assert firm["name"] in page.text
    before = _orgs(engine)
    assert _claim(client, token, firm["uscc"]) == 200
    assert _orgs(engine) == before  # the record was claimed, not duplicated
    signed = client.post(
        "/api/v1/sessions", json={"email": "firm0@import.example.cn", "password": NEW_PASSWORD}
    )
    assert signed.status_code == 201
    me = client.get("/api/v1/me", headers=bearer(signed.json()["token"])).json()
    assert me["organization_id"] == firm["id"]
    assert me["role"] == "sme"
    # Single use.
    assert _claim(client, token, firm["uscc"]) == 410
    assert "invitation.claim" in _actions(engine)
    # The firm now has a user: a later run leaves it alone.
    with engine.begin() as conn:
        conn.execute(update(Invitation).values(revoked_at=utcnow()))
    assert client.post("/api/v1/invitations/imported", headers=world.organizer.headers).json() == {
        "invited": 4
    }


def test_a_claim_needs_the_records_uscc_and_is_spent_after_five_wrong_ones(
    client: TestClient, engine: Engine, world: World
) -> None:
    firm = _imported(client, world, 1)[0]
    client.post("/api/v1/invitations/imported", headers=world.organizer.headers)
    token = token_of(last_link(engine, "firm0@import.example.cn", "account.invitation"))
    other = org_body("sme")["uscc"]
    for _ in range(5):
        assert _claim(client, token, other) == 422
    assert _claim(client, token, firm["uscc"]) == 410


def test_an_expired_claim_link_is_refused(client: TestClient, engine: Engine, world: World) -> None:
    firm = _imported(client, world, 1)[0]
    client.post("/api/v1/invitations/imported", headers=world.organizer.headers)
    token = token_of(last_link(engine, "firm0@import.example.cn", "account.invitation"))
    with engine.begin() as conn:
        conn.execute(update(Invitation).values(expires_at=utcnow() - timedelta(seconds=1)))
    assert client.get(f"/claim?token={token}").status_code == 410
    assert _claim(client, token, firm["uscc"]) == 410


def test_a_new_invitation_revokes_the_earlier_link(
    client: TestClient, engine: Engine, world: World
) -> None:
    body = {"organization_id": world.sme_a.org_id, "email": "boss@a.example.cn"}
    assert (
        client.post("/api/v1/invitations", json=body, headers=world.organizer.headers).status_code
        == 201
    )
    first = token_of(last_link(engine, "boss@a.example.cn", "account.invitation"))
    client.post("/api/v1/invitations", json=body, headers=world.organizer.headers)
    second = token_of(last_link(engine, "boss@a.example.cn", "account.invitation"))
    assert client.get(f"/claim?token={first}").status_code == 410
    assert client.get(f"/claim?token={second}").status_code == 200
    with engine.connect() as conn:
        stored = conn.execute(text("SELECT token_hash FROM invitations")).scalars().all()
    assert first not in stored
    assert second not in stored


def test_an_owner_manages_users_and_issues_keys_for_its_own_organization_only(
    client: TestClient, engine: Engine, world: World
) -> None:
    make_user(engine, world.sme_a.org_id, Role.sme, "owner@a.example.cn")
    member_id = make_user(
        engine, world.sme_a.org_id, Role.sme, "member@a.example.cn", org_role=OrgRole.member
    )

    def token(email: str) -> dict[str, str]:
        signed = client.post("/api/v1/sessions", json={"email": email, "password": PASSWORD})
        return bearer(signed.json()["token"])

    owner, member = token("owner@a.example.cn"), token("member@a.example.cn")
    own = {"organization_id": world.sme_a.org_id, "role": "sme", "label": "ERP"}
    issued = client.post("/api/v1/keys", json=own, headers=owner)
    assert issued.status_code == 201
    key = issued.json()["key"]
    assert (
        client.get("/api/v1/me", headers=bearer(key)).json()["organization_id"]
        == world.sme_a.org_id
    )
    assert client.post("/api/v1/keys", json=own, headers=member).status_code == 403
    elsewhere = {"organization_id": world.sme_b.org_id, "role": "sme"}
    assert client.post("/api/v1/keys", json=elsewhere, headers=owner).status_code == 403
    assert "key.create" in _actions(engine)

    # Owners change standing; the member cannot; the last owner cannot step down.
    users = client.get(f"/api/v1/organizations/{world.sme_a.org_id}/users", headers=member)
    assert {u["email"] for u in users.json()["items"]} == {
        "owner@a.example.cn",
        "member@a.example.cn",
    }
    refused = client.patch(f"/api/v1/users/{member_id}", json={"org_role": "owner"}, headers=member)
    assert refused.status_code == 403
    owner_id = next(u["id"] for u in users.json()["items"] if u["org_role"] == "owner")
    alone = client.patch(f"/api/v1/users/{owner_id}", json={"org_role": "member"}, headers=owner)
    assert alone.status_code == 409
    promoted = client.patch(f"/api/v1/users/{member_id}", json={"org_role": "owner"}, headers=owner)
    assert promoted.json()["org_role"] == "owner"
    assert "user.role_change" in _actions(engine)
    # Another firm sees nothing of these users.
    other = client.get(
        f"/api/v1/organizations/{world.sme_a.org_id}/users", headers=world.sme_b.headers
    )
    assert other.status_code == 404


def test_a_colleague_claims_with_an_owners_invitation_and_becomes_a_member(
    client: TestClient, engine: Engine, world: World
) -> None:
    make_user(engine, world.firm_a.org_id, Role.large_firm, "owner@f.example.cn")
    signed = client.post(
        "/api/v1/sessions", json={"email": "owner@f.example.cn", "password": PASSWORD}
    )
    owner = bearer(signed.json()["token"])
    sent = client.post(
        "/api/v1/invitations",
        json={"organization_id": world.firm_a.org_id, "email": "colleague@f.example.cn"},
        headers=owner,
    )
    assert sent.status_code == 201
    token = token_of(last_link(engine, "colleague@f.example.cn", "account.invitation"))
    uscc = client.get(
        f"/api/v1/organizations/{world.firm_a.org_id}", headers=world.admin.headers
    ).json()["uscc"]
    assert _claim(client, token, uscc) == 200
    users = client.get(f"/api/v1/organizations/{world.firm_a.org_id}/users", headers=owner).json()[
        "items"
    ]
    assert {u["email"]: u["org_role"] for u in users} == {
        "owner@f.example.cn": "owner",
        "colleague@f.example.cn": "member",
    }
    assert messages_to(engine, "colleague@f.example.cn", "account.invitation")
