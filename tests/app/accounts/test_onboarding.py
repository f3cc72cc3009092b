"""A firm from nothing to signed in: sign-up, e-mail verification, approval, sign-in (API)."""

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select, text

from app.models import AuditEntry, Organization, Role, User
from tests.app.accounts.helpers import PASSWORD, last_link, make_user, messages_to, token_of
from tests.app.factories import World, bearer, create_org, issue_key, make_uscc, org_body


def signup_body(**overrides: Any) -> dict[str, Any]:
    return {
        "kind": "sme",
        "name": "深圳市精研传感科技有限公司",
        "uscc": make_uscc("440305"),
        "region_code": "440305",
        "person": "王经理",
        "email": "wang@jingyan.example.cn",
        "phone": "13800138000",
        "password": PASSWORD,
    } | overrides


def _verify(client: TestClient, engine: Engine, email: str) -> None:
    link = last_link(engine, email, "account.verify")
    assert "/verify?token=" in link
    page = client.post("/verify", data={"token": token_of(link)})
    assert page.status_code == 200, page.text
    assert "邮箱已验证" in page.text


def _count(engine: Engine, model: type) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(model)).scalar_one())


def test_a_firm_signs_up_verifies_is_approved_and_signs_in(
    client: TestClient, engine: Engine, world: World
) -> None:
    make_user(engine, world.organizer.org_id, Role.organizer, "staff@bureau.example.cn")
    make_user(engine, world.other_organizer.org_id, Role.organizer, "staff@other.example.cn")
    body = signup_body()
    answer = client.post("/api/v1/sign-ups", json=body)
    assert answer.status_code == 202, answer.text
    # Not in the approval queue until the e-mail is verified; nothing created yet.
    assert (
        client.get("/api/v1/registrations", headers=world.organizer.headers).json()["items"] == []
    )
    orgs_before = _count(engine, Organization)
    _verify(client, engine, body["email"])

    queue = client.get("/api/v1/registrations", headers=world.organizer.headers).json()["items"]
    assert [r["uscc"] for r in queue] == [body["uscc"]]
    # The organizers' people of the region are told (both organizers are at 440300).
    told = messages_to(engine, "staff@bureau.example.cn", "account.approval")
    assert body["name"] in told[-1].subject
    assert messages_to(engine, "staff@other.example.cn", "account.approval")
    # Signing in before approval is refused, and says why only to the right password.
    waiting = client.post("/api/v1/sessions", json={"email": body["email"], "password": PASSWORD})
    assert waiting.status_code == 403
    wrong = client.post("/api/v1/sessions", json={"email": body["email"], "password": "nope-nope"})
    assert wrong.status_code == 401

    approved = client.post(
        f"/api/v1/registrations/{queue[0]['id']}/approve", headers=world.organizer.headers
    )
    assert approved.status_code == 200, approved.text
    user = approved.json()
    assert user["org_role"] == "owner"
    assert user["role"] == "sme"
    assert user["email_verified"]
    assert _count(engine, Organization) == orgs_before + 1
    assert messages_to(engine, body["email"], "account.approval")

    signed = client.post("/api/v1/sessions", json={"email": body["email"], "password": PASSWORD})
    assert signed.status_code == 201, signed.text
    token = signed.json()["token"]
    assert token.startswith("xsu_")
    me = client.get("/api/v1/me", headers=bearer(token)).json()
    assert me["user_id"] == user["id"]
    assert me["key_id"] is None
    org_id = me["organization_id"]
    # The organizer that approved it manages the new firm (registered_by).
    org = client.get(f"/api/v1/organizations/{org_id}", headers=world.organizer.headers).json()
    assert org["registered_by_id"] == world.organizer.org_id
    assert org["contacts"]["email"] == body["email"]
    # The firm acts with its user token: it writes its own profile.
    profile = client.post(
        "/api/v1/profiles",
        json={"organization_id": org_id, "products": [{"name": "MEMS 压力传感器"}]},
        headers=bearer(token),
    )
    assert profile.status_code == 201, profile.text

    # Signing out ends the token on the server.
    assert client.delete("/api/v1/sessions/current", headers=bearer(token)).status_code == 204
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 401

    with engine.connect() as conn:
        actions = {
            row.action: row for row in conn.execute(select(AuditEntry.action, AuditEntry.entity_id))
        }
    assert "registration.approve" in actions


def test_an_organizer_of_another_region_does_not_see_or_approve_the_firm(
    client: TestClient, engine: Engine, world: World
) -> None:
    beijing = create_org(
        client, world.admin, org_body("organizer", region_code="110000", uscc=make_uscc("110000"))
    )
    far = bearer(issue_key(engine, Role.organizer, beijing))
    body = signup_body()
    client.post("/api/v1/sign-ups", json=body)
    _verify(client, engine, body["email"])
    assert client.get("/api/v1/registrations", headers=far).json()["items"] == []
    row_id = client.get("/api/v1/registrations", headers=world.admin.headers).json()["items"][0][
        "id"
    ]
    assert client.post(f"/api/v1/registrations/{row_id}/approve", headers=far).status_code == 404
    for firm in (world.sme_a, world.firm_a):
        refused = client.post(f"/api/v1/registrations/{row_id}/approve", headers=firm.headers)
        assert refused.status_code == 404
        assert client.get("/api/v1/registrations", headers=firm.headers).status_code == 403
    # An admin approves any region.
    ok = client.post(f"/api/v1/registrations/{row_id}/approve", headers=world.admin.headers)
    assert ok.status_code == 200
    again = client.post(f"/api/v1/registrations/{row_id}/approve", headers=world.admin.headers)
    assert again.status_code == 409


def test_a_verification_link_works_once(client: TestClient, engine: Engine) -> None:
    body = signup_body()
    client.post("/api/v1/sign-ups", json=body)
    token = token_of(last_link(engine, body["email"], "account.verify"))
    assert client.post("/verify", data={"token": token}).status_code == 200
    assert client.post("/verify", data={"token": token}).status_code == 410
    assert client.post("/verify", data={"token": "x" * 43}).status_code == 410


def test_sign_up_refuses_a_bad_uscc_naming_the_field(client: TestClient, engine: Engine) -> None:
    valid = make_uscc("440305")
    wrong_check = valid[:-1] + ("0" if valid[-1] != "0" else "1")
    answer = client.post("/api/v1/sign-ups", json=signup_body(uscc=wrong_check))
    assert answer.status_code == 422
    assert any(e["field"].endswith("uscc") for e in answer.json()["errors"])
    short = client.post("/api/v1/sign-ups", json=signup_body(password="short"))
    assert short.status_code == 422
    assert any(e["field"].endswith("password") for e in short.json()["errors"])
    assert messages_to(engine, signup_body()["email"]) == []


def test_sign_up_answers_the_same_for_a_known_email(
    client: TestClient, engine: Engine, world: World
) -> None:
    body = signup_body()
    client.post("/api/v1/sign-ups", json=body)
    _verify(client, engine, body["email"])
    row_id = client.get("/api/v1/registrations", headers=world.admin.headers).json()["items"][0][
        "id"
    ]
    client.post(f"/api/v1/registrations/{row_id}/approve", headers=world.admin.headers)

    known = client.post("/api/v1/sign-ups", json=signup_body(email=body["email"]))
    unknown = client.post("/api/v1/sign-ups", json=signup_body(email="new@example.cn"))
    assert known.status_code == unknown.status_code == 202
    assert known.json() == unknown.json()
    # What differs goes only to the mailbox: the known address is told it has an account.
    told = messages_to(engine, body["email"], "account.verify")[-1]
    assert "已有账户" in told.text
    assert "token=" not in told.text
    assert _count(engine, User) == 1


def test_secrets_are_stored_hashed(client: TestClient, engine: Engine, world: World) -> None:
    body = signup_body()
    client.post("/api/v1/sign-ups", json=body)
    token = token_of(last_link(engine, body["email"], "account.verify"))
    with engine.connect() as conn:
        stored = conn.execute(text("SELECT password_hash, verify_hash FROM registrations")).one()
    assert stored.password_hash.startswith("$argon2id$")
    assert PASSWORD not in stored.password_hash
    assert stored.verify_hash != token
    assert len(stored.verify_hash) == 64
    client.post("/verify", data={"token": token})
    row_id = client.get("/api/v1/registrations", headers=world.admin.headers).json()["items"][0][
        "id"
    ]
    client.post(f"/api/v1/registrations/{row_id}/approve", headers=world.admin.headers)
    signed = client.post("/api/v1/sessions", json={"email": body["email"], "password": PASSWORD})
    bearer_token = signed.json()["token"]
    with engine.connect() as conn:
        hashes = [r[0] for r in conn.execute(text("SELECT token_hash FROM console_sessions"))]
        users = [r[0] for r in conn.execute(text("SELECT password_hash FROM users"))]
    assert bearer_token not in hashes
    assert all(len(h) == 64 for h in hashes)
    assert users[0].startswith("$argon2id$")


def test_an_existing_record_is_claimed_by_approval_of_its_organizer_only(
    client: TestClient, engine: Engine, world: World
) -> None:
    imported = org_body("sme", region_code="440305", uscc=make_uscc("440305"))
    org_id = create_org(client, world.organizer, imported)
    body = signup_body(uscc=imported["uscc"], name=imported["name"])
    client.post("/api/v1/sign-ups", json=body)
    _verify(client, engine, body["email"])
    queue = client.get("/api/v1/registrations", headers=world.other_organizer.headers).json()[
        "items"
    ]
    assert queue[0]["existing_record_id"] == org_id
    # Another organizer of the region does not manage the record: no claim, no duplicate.
    other = client.post(
        f"/api/v1/registrations/{queue[0]['id']}/approve", headers=world.other_organizer.headers
    )
    assert other.status_code == 409
    orgs = _count(engine, Organization)
    ok = client.post(
        f"/api/v1/registrations/{queue[0]['id']}/approve", headers=world.organizer.headers
    )
    assert ok.status_code == 200, ok.text
    assert ok.json()["organization_id"] == org_id
    assert _count(engine, Organization) == orgs
