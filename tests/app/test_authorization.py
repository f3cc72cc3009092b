"""Authorization matrix: every endpoint × role × owner/other, and refused writes change nothing.

Each case runs twice: with the actor's API key, and as a person — a user of the same
organization and role, signed in for a bearer token (issue 16). A user acts exactly as its
organization's key would, except where a case says otherwise (``AS_USER``).

The cast (see ``factories.World``): ``organizer`` registered ``sme_a`` and ``firm_a``; the
admin registered ``sme_b`` and ``firm_b`` and both organizers. The records under test belong
to ``sme_a`` (its organization and profile) and ``firm_a`` (its organization and needs).
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.app.accounts.helpers import PASSWORD, make_user
from tests.app.factories import Actor, World, bearer, org_body

ACTORS = (
    "anonymous",
    "admin",
    "organizer",
    "other_organizer",
    "sme_a",
    "sme_b",
    "firm_a",
    "firm_b",
)


@dataclass
class Scene:
    """The world plus one profile and two needs of known owners."""

    world: World
    profile_id: int
    open_need_id: int
    draft_need_id: int
    sme_a_key_id: int

    def actor(self, name: str) -> Actor | None:
        return None if name == "anonymous" else getattr(self.world, name)


def _make_scene(client: TestClient, world: World) -> Scene:
    admin = world.admin.headers
    profile = client.post(
        "/api/v1/profiles",
        json={"organization_id": world.sme_a.org_id, "products": [{"name": "压力传感器"}]},
        headers=admin,
    )
    assert profile.status_code == 201, profile.text
    needs = []
    for status in ("open", "draft"):
        need = client.post(
            "/api/v1/needs",
            json={"organization_id": world.firm_a.org_id, "title": "采购传感器", "status": status},
            headers=admin,
        )
        assert need.status_code == 201, need.text
        needs.append(need.json()["id"])
    keys = client.get("/api/v1/keys", headers=world.sme_a.headers).json()["items"]
    return Scene(world, profile.json()["id"], needs[0], needs[1], keys[0]["id"])


@pytest.fixture
def scene(client: TestClient, world: World) -> Scene:
    return _make_scene(client, world)


Request = Callable[[Scene], tuple[str, str, dict[str, Any] | None]]
MANAGERS_OF_SME_A = {"admin", "organizer", "sme_a"}
MANAGERS_OF_FIRM_A = {"admin", "organizer", "firm_a"}


def expect(allowed: set[str], ok: int, refused: int) -> dict[str, int]:
    """``ok`` for the allowed actors, ``refused`` for the other authenticated ones, 401 anonymous."""
    return {a: 401 if a == "anonymous" else ok if a in allowed else refused for a in ACTORS}


ALL = set(ACTORS) - {"anonymous"}

CASES: dict[str, tuple[Request, dict[str, int]]] = {
    "list organizations": (lambda s: ("GET", "/api/v1/organizations", None), expect(ALL, 200, 0)),
    "read organization": (
        lambda s: ("GET", f"/api/v1/organizations/{s.world.sme_a.org_id}", None),
        expect(ALL, 200, 0),
    ),
    "register a firm": (
        lambda s: ("POST", "/api/v1/organizations", org_body("sme")),
        expect({"admin", "organizer", "other_organizer"}, 201, 403),
    ),
    "register an organizer": (
        lambda s: ("POST", "/api/v1/organizations", org_body("organizer")),
        expect({"admin"}, 201, 403),
    ),
    "update organization": (
        lambda s: ("PATCH", f"/api/v1/organizations/{s.world.sme_a.org_id}", {"name": "新名称"}),
        expect(MANAGERS_OF_SME_A, 200, 403),
    ),
    "delete organization": (
        lambda s: ("DELETE", f"/api/v1/organizations/{s.world.sme_a.org_id}", None),
        expect({"admin", "organizer"}, 204, 403),
    ),
    "create profile": (
        lambda s: ("POST", "/api/v1/profiles", {"organization_id": s.world.sme_b.org_id}),
        expect({"admin", "sme_b"}, 201, 403),
    ),
    "list profiles": (lambda s: ("GET", "/api/v1/profiles", None), expect(ALL, 200, 0)),
    "read profile": (
        lambda s: ("GET", f"/api/v1/profiles/{s.profile_id}", None),
        expect(ALL, 200, 0),
    ),
    "update profile": (
        lambda s: ("PATCH", f"/api/v1/profiles/{s.profile_id}", {"capacity": "年产 1 万件"}),
        expect(MANAGERS_OF_SME_A, 200, 403),
    ),
    "delete profile": (
        lambda s: ("DELETE", f"/api/v1/profiles/{s.profile_id}", None),
        expect(MANAGERS_OF_SME_A, 204, 403),
    ),
    "post need": (
        lambda s: (
            "POST",
            "/api/v1/needs",
            {"organization_id": s.world.firm_a.org_id, "title": "采购电机"},
        ),
        expect(MANAGERS_OF_FIRM_A, 201, 403),
    ),
    "list needs": (lambda s: ("GET", "/api/v1/needs", None), expect(ALL, 200, 0)),
    "read open need": (
        lambda s: ("GET", f"/api/v1/needs/{s.open_need_id}", None),
        expect(ALL, 200, 0),
    ),
    "read draft need": (
        lambda s: ("GET", f"/api/v1/needs/{s.draft_need_id}", None),
        expect(MANAGERS_OF_FIRM_A, 200, 404),
    ),
    "update open need": (
        lambda s: ("PATCH", f"/api/v1/needs/{s.open_need_id}", {"title": "改标题"}),
        expect(MANAGERS_OF_FIRM_A, 200, 403),
    ),
    "update draft need": (
        lambda s: ("PATCH", f"/api/v1/needs/{s.draft_need_id}", {"status": "open"}),
        expect(MANAGERS_OF_FIRM_A, 200, 404),
    ),
    "delete open need": (
        lambda s: ("DELETE", f"/api/v1/needs/{s.open_need_id}", None),
        expect(MANAGERS_OF_FIRM_A, 204, 403),
    ),
    "issue a firm key": (
        lambda s: (
            "POST",
            "/api/v1/keys",
            {"organization_id": s.world.sme_a.org_id, "role": "sme"},
        ),
        expect({"admin", "organizer"}, 201, 403),
    ),
    "list keys": (lambda s: ("GET", "/api/v1/keys", None), expect(ALL, 200, 0)),
    "revoke a firm key": (
        lambda s: ("DELETE", f"/api/v1/keys/{s.sme_a_key_id}", None),
        expect(MANAGERS_OF_SME_A, 204, 404),
    ),
    "who am I": (lambda s: ("GET", "/api/v1/me", None), expect(ALL, 200, 0)),
    "approval queue": (
        lambda s: ("GET", "/api/v1/registrations", None),
        expect({"admin", "organizer", "other_organizer"}, 200, 403),
    ),
    "invite imported firms": (
        lambda s: ("POST", "/api/v1/invitations/imported", None),
        expect({"admin", "organizer", "other_organizer"}, 200, 403),
    ),
    "invite to claim a firm": (
        lambda s: ("POST", "/api/v1/invitations", {"organization_id": s.world.sme_a.org_id}),
        expect(MANAGERS_OF_SME_A, 201, 404),
    ),
    "list invitations": (lambda s: ("GET", "/api/v1/invitations", None), expect(ALL, 200, 0)),
    "users of a firm": (
        lambda s: ("GET", f"/api/v1/organizations/{s.world.sme_a.org_id}/users", None),
        expect(MANAGERS_OF_SME_A, 200, 404),
    ),
}

#: Where a signed-in user (an owner) may do more than its organization's key: issue a key
#: of its own role for its own organization.
AS_USER: dict[str, dict[str, int]] = {
    "issue a firm key": expect({"admin", "organizer", "sme_a"}, 201, 403),
}


def _snapshot(client: TestClient, scene: Scene) -> dict[str, Any]:
    """Everything a refused write might have touched, as the admin sees it."""
    admin = scene.world.admin.headers
    return {
        path: client.get(path, headers=admin, params={"page_size": 100}).json()
        for path in (
            "/api/v1/organizations",
            "/api/v1/profiles",
            "/api/v1/needs",
            "/api/v1/keys",
        )
    }


def _as_user(client: TestClient, engine: Engine, who: Actor) -> dict[str, str]:
    """A user of ``who``'s organization and role, signed in for a bearer token."""
    email = f"{who.role.value}-{who.org_id}@example.cn"
    make_user(engine, who.org_id, who.role, email)
    signed = client.post("/api/v1/sessions", json={"email": email, "password": PASSWORD})
    assert signed.status_code == 201, signed.text
    return bearer(signed.json()["token"])


#: (actor, credential): every actor with its key, and every one but the anonymous as a user.
CREDENTIALS = [(a, "key") for a in ACTORS] + [(a, "user") for a in ACTORS if a != "anonymous"]


@pytest.mark.parametrize(("actor", "credential"), CREDENTIALS)
@pytest.mark.parametrize("case", sorted(CASES))
def test_authorization_matrix(
    client: TestClient, engine: Engine, scene: Scene, case: str, actor: str, credential: str
) -> None:
    make_request, expected = CASES[case]
    if credential == "user":
        expected = AS_USER.get(case, expected)
    method, path, body = make_request(scene)
    who = scene.actor(actor)
    headers = dict(who.headers) if who else {}
    if who and credential == "user":
        headers = _as_user(client, engine, who)
    if method in ("PATCH", "DELETE"):
        etag = client.get(path, headers=scene.world.admin.headers).headers.get("ETag")
        if etag:
            headers["If-Match"] = etag
    before = _snapshot(client, scene) if method != "GET" else None

    response = client.request(method, path, json=body, headers=headers)

    assert response.status_code == expected[actor], response.text
    if response.status_code >= 400:
        assert response.headers["content-type"].startswith("application/problem+json")
        if before is not None:
            assert _snapshot(client, scene) == before, "a refused write changed something"


def test_contacts_only_for_those_who_manage_the_firm(client: TestClient, scene: Scene) -> None:
    path = f"/api/v1/organizations/{scene.world.sme_a.org_id}"
    seen = {
        name: client.get(path, headers=scene.actor(name).headers).json()["contacts"]  # type: ignore[union-attr]
        for name in ACTORS
        if name != "anonymous"
    }
    for name, contacts in seen.items():
        if name in MANAGERS_OF_SME_A:
            assert contacts is not None, name
            assert contacts["phone"] == "0755-12345678", name
        else:
            assert contacts is None, name
    listing = client.get("/api/v1/organizations", headers=scene.world.firm_b.headers).json()
    assert all(
        item["contacts"] is None
        for item in listing["items"]
        if item["id"] != scene.world.firm_b.org_id
    )


def test_drafts_of_others_are_not_listed(client: TestClient, scene: Scene) -> None:
    def listed(actor: Actor) -> set[int]:
        items = client.get("/api/v1/needs", headers=actor.headers).json()["items"]
        return {item["id"] for item in items}

    assert listed(scene.world.firm_a) == {scene.open_need_id, scene.draft_need_id}
    assert listed(scene.world.organizer) == {scene.open_need_id, scene.draft_need_id}
    assert listed(scene.world.firm_b) == {scene.open_need_id}
    assert listed(scene.world.other_organizer) == {scene.open_need_id}


def test_keys_are_listed_only_for_the_callers_organization(
    client: TestClient, scene: Scene
) -> None:
    mine = client.get("/api/v1/keys", headers=scene.world.sme_b.headers).json()["items"]
    assert {k["organization_id"] for k in mine} == {scene.world.sme_b.org_id}
    assert all("key" not in k and "secret_hash" not in k for k in mine)
    everyone = client.get("/api/v1/keys", headers=scene.world.admin.headers).json()["items"]
    assert len(everyone) == 7


def test_revoked_key_is_refused(client: TestClient, scene: Scene) -> None:
    headers = scene.world.sme_a.headers
    assert client.delete(f"/api/v1/keys/{scene.sme_a_key_id}", headers=headers).status_code == 204
    response = client.get("/api/v1/me", headers=headers)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    "header",
    [
        "",
        "Bearer",
        "Bearer ",
        "Basic dXNlcjpwYXNz",
        "Bearer xs_nothex_abc",
        "Bearer xs_0123456789ab_wrong",
    ],
)
def test_malformed_or_unknown_credentials_are_401(
    client: TestClient, world: World, header: str
) -> None:
    response = client.get("/api/v1/me", headers={"Authorization": header} if header else {})
    assert response.status_code == 401
    assert response.json()["status"] == 401


def test_a_key_guessed_from_a_known_prefix_is_refused(client: TestClient, world: World) -> None:
    prefix = world.sme_a.key.split("_")[1]
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer xs_{prefix}_guess"})
    assert response.status_code == 401
