"""Interest marks over HTTP: who may mark, mutual reveal, idempotence, races, bad input."""

import threading
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from app.models import AuditEntry, Interaction, InterestMark
from tests.app.factories import Actor, World

NEEDS = "/api/v1/needs"
PROFILES = "/api/v1/profiles"


def _profile(client: TestClient, actor: Actor, products: list[str]) -> int:
    body = {"organization_id": actor.org_id, "products": [{"name": p} for p in products]}
    response = client.post(PROFILES, json=body, headers=actor.headers)
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def _need(client: TestClient, actor: Actor, status: str = "open") -> int:
    body = {"title": "采购压力传感器", "products": ["压力传感器"], "status": status}
    response = client.post(NEEDS, json=body, headers=actor.headers)
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


@pytest.fixture
def pairs(client: TestClient, world: World) -> dict[str, int]:
    """Profiles of both SMEs; an open need and a draft of firm A, an open need of firm B."""
    return {
        "profile_a": _profile(client, world.sme_a, ["压力传感器"]),
        "profile_b": _profile(client, world.sme_b, ["MEMS压力传感器"]),
        "need_a": _need(client, world.firm_a),
        "draft_a": _need(client, world.firm_a, status="draft"),
        "need_b": _need(client, world.firm_b),
    }


def buyer_url(need: int, profile: int) -> str:
    return f"{NEEDS}/{need}/candidates/{profile}"


def sme_url(profile: int, need: int) -> str:
    return f"{PROFILES}/{profile}/opportunities/{need}"


def _count(engine: Engine, model: Any, *where: Any) -> int:
    with engine.connect() as conn:
        return int(conn.scalar(select(func.count()).select_from(model).where(*where)) or 0)


# -- who may mark ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("firm_a", 200),
        ("admin", 200),
        ("organizer", 403),  # registered firm A, but does not speak for it
        ("other_organizer", 403),
        ("firm_b", 403),
        ("sme_a", 403),
        ("sme_b", 403),
    ],
)
def test_only_the_needs_firm_or_an_admin_marks_its_candidates(
    client: TestClient, world: World, pairs: dict[str, int], who: str, expected: int
) -> None:
    actor: Actor = getattr(world, who)
    url = buyer_url(pairs["need_a"], pairs["profile_a"])
    put = client.put(f"{url}/interest", json={"value": "interested"}, headers=actor.headers)
    assert put.status_code == expected, put.text
    assert client.get(url, headers=actor.headers).status_code == expected
    listed = client.get(f"{NEEDS}/{pairs['need_a']}/candidates", headers=actor.headers)
    assert listed.status_code == expected
    assert client.delete(f"{url}/interest", headers=actor.headers).status_code == (
        204 if expected == 200 else expected
    )
    if expected != 200:
        assert put.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("sme_a", 200),
        ("admin", 200),
        ("organizer", 403),
        ("sme_b", 403),
        ("firm_a", 403),
        ("firm_b", 403),
    ],
)
def test_only_the_sme_or_an_admin_marks_its_opportunities(
    client: TestClient, world: World, pairs: dict[str, int], who: str, expected: int
) -> None:
    actor: Actor = getattr(world, who)
    url = sme_url(pairs["profile_a"], pairs["need_a"])
    put = client.put(f"{url}/interest", json={"value": "declined"}, headers=actor.headers)
    assert put.status_code == expected, put.text
    assert client.get(url, headers=actor.headers).status_code == expected
    listed = client.get(f"{PROFILES}/{pairs['profile_a']}/interests", headers=actor.headers)
    assert listed.status_code == expected
    assert client.delete(f"{url}/interest", headers=actor.headers).status_code == (
        204 if expected == 200 else expected
    )


def test_without_a_key_every_route_is_401(client: TestClient, pairs: dict[str, int]) -> None:
    url = buyer_url(pairs["need_a"], pairs["profile_a"])
    assert client.put(f"{url}/interest", json={"value": "interested"}).status_code == 401
    assert client.get(url).status_code == 401
    assert client.get(f"{PROFILES}/{pairs['profile_a']}/interests").status_code == 401


def test_drafts_are_404_to_others_and_not_markable_by_their_firm(
    client: TestClient, world: World, engine: Engine, pairs: dict[str, int]
) -> None:
    draft, profile = pairs["draft_a"], pairs["profile_a"]
    body = {"value": "interested"}
    as_sme = client.put(
        f"{sme_url(profile, draft)}/interest", json=body, headers=world.sme_a.headers
    )
    assert as_sme.status_code == 404
    assert client.get(sme_url(profile, draft), headers=world.sme_a.headers).status_code == 404
    other_firm = client.put(
        f"{buyer_url(draft, profile)}/interest", json=body, headers=world.firm_b.headers
    )
    assert other_firm.status_code == 404
    own = client.put(
        f"{buyer_url(draft, profile)}/interest", json=body, headers=world.firm_a.headers
    )
    assert own.status_code == 409, own.text
    assert _count(engine, InterestMark) == 0


def test_closed_needs_are_not_marked_but_marks_may_be_withdrawn(
    client: TestClient, world: World, engine: Engine, pairs: dict[str, int]
) -> None:
    need, profile = pairs["need_a"], pairs["profile_a"]
    url = f"{buyer_url(need, profile)}/interest"
    assert (
        client.put(url, json={"value": "interested"}, headers=world.firm_a.headers).status_code
        == 200
    )
    read = client.get(f"{NEEDS}/{need}", headers=world.firm_a.headers)
    closed = client.patch(
        f"{NEEDS}/{need}",
        json={"status": "closed"},
        headers=world.firm_a.headers | {"If-Match": read.headers["ETag"]},
    )
    assert closed.status_code == 200
    again = client.put(url, json={"value": "declined"}, headers=world.firm_a.headers)
    assert again.status_code == 409
    assert client.delete(url, headers=world.firm_a.headers).status_code == 204
    assert _count(engine, InterestMark) == 0


def test_unknown_need_or_profile_is_404(
    client: TestClient, world: World, pairs: dict[str, int]
) -> None:
    body = {"value": "interested"}
    headers = world.firm_a.headers
    assert (
        client.put(
            f"{buyer_url(999_999, pairs['profile_a'])}/interest", json=body, headers=headers
        ).status_code
        == 404
    )
    assert (
        client.put(
            f"{buyer_url(pairs['need_a'], 999_999)}/interest", json=body, headers=headers
        ).status_code
        == 404
    )
    assert (
        client.get(f"{PROFILES}/999999/interests", headers=world.sme_a.headers).status_code == 404
    )


# -- mutual interest and the contact reveal ---------------------------------------------------


def test_contacts_are_revealed_only_after_both_said_interested_and_each_reveal_is_audited(
    client: TestClient, world: World, engine: Engine, pairs: dict[str, int]
) -> None:
    need, profile = pairs["need_a"], pairs["profile_a"]
    reveals = AuditEntry.action == "contacts.reveal"
    marked = client.put(
        f"{buyer_url(need, profile)}/interest",
        json={"value": "interested"},
        headers=world.firm_a.headers,
    )
    assert marked.status_code == 200
    before = marked.json()
    assert before["interest"] == {"buyer": "interested", "sme": None}
    assert before["mutual"] is False
    assert before["contacts"] is None
    seen_by_sme = client.get(sme_url(profile, need), headers=world.sme_a.headers).json()
    assert seen_by_sme["interest"]["buyer"] == "interested"
    assert seen_by_sme["contacts"] is None
    assert _count(engine, AuditEntry, reveals) == 0

    answered = client.put(
        f"{sme_url(profile, need)}/interest",
        json={"value": "interested"},
        headers=world.sme_a.headers,
    ).json()
    assert answered["mutual"] is True
    assert answered["counterpart"]["id"] == world.firm_a.org_id
    assert answered["contacts"] == {
        "person": "张三",
        "phone": "0755-12345678",
        "email": "zhang@example.cn",
    }
    after = client.get(buyer_url(need, profile), headers=world.firm_a.headers).json()
    assert after["mutual"] is True
    assert after["counterpart"]["id"] == world.sme_a.org_id
    assert after["contacts"]["email"] == "zhang@example.cn"
    with engine.connect() as conn:
        audited = conn.execute(
            select(AuditEntry.entity_id, AuditEntry.actor_organization_id).where(reveals)
        ).all()
    assert sorted(audited) == sorted(
        [(world.firm_a.org_id, world.sme_a.org_id), (world.sme_a.org_id, world.firm_a.org_id)]
    )

    withdrawn = client.delete(f"{sme_url(profile, need)}/interest", headers=world.sme_a.headers)
    assert withdrawn.status_code == 204
    hidden = client.get(buyer_url(need, profile), headers=world.firm_a.headers).json()
    assert hidden["mutual"] is False
    assert hidden["contacts"] is None
    assert hidden["interest"] == {"buyer": "interested", "sme": None}


def test_a_decline_stays_private_to_whoever_declined(
    client: TestClient, world: World, pairs: dict[str, int]
) -> None:
    need, profile = pairs["need_a"], pairs["profile_b"]
    declined = client.put(
        f"{sme_url(profile, need)}/interest",
        json={"value": "declined"},
        headers=world.sme_b.headers,
    )
    assert declined.json()["interest"] == {"buyer": None, "sme": "declined"}
    firm_view = client.get(buyer_url(need, profile), headers=world.firm_a.headers).json()
    assert firm_view["interest"] == {"buyer": None, "sme": None}
    listed = client.get(f"{NEEDS}/{need}/candidates", headers=world.firm_a.headers).json()
    assert listed["items"] == []


def test_put_is_idempotent_and_changes_are_logged_once(
    client: TestClient, world: World, engine: Engine, pairs: dict[str, int]
) -> None:
    url = f"{buyer_url(pairs['need_a'], pairs['profile_a'])}/interest"
    for _ in range(3):
        response = client.put(url, json={"value": "interested"}, headers=world.firm_a.headers)
        assert response.status_code == 200
    assert _count(engine, InterestMark) == 1
    assert _count(engine, AuditEntry, AuditEntry.action == "interest.set") == 1
    assert _count(engine, Interaction, Interaction.kind == "buyer.interested") == 1
    changed = client.put(url, json={"value": "declined"}, headers=world.firm_a.headers)
    assert changed.json()["interest"]["buyer"] == "declined"
    assert _count(engine, InterestMark) == 1
    assert _count(engine, Interaction) == 2
    for _ in range(2):
        assert client.delete(url, headers=world.firm_a.headers).status_code == 204
    assert _count(engine, InterestMark) == 0
    assert _count(engine, Interaction, Interaction.kind == "buyer.withdrawn") == 1


def test_lists_for_the_firm_and_the_sme(
    client: TestClient, world: World, pairs: dict[str, int]
) -> None:
    need = pairs["need_a"]
    firm, sme_a, sme_b = world.firm_a.headers, world.sme_a.headers, world.sme_b.headers
    body = {"value": "interested"}
    client.put(f"{buyer_url(need, pairs['profile_a'])}/interest", json=body, headers=firm)
    client.put(
        f"{buyer_url(need, pairs['profile_b'])}/interest", json={"value": "declined"}, headers=firm
    )
    client.put(f"{sme_url(pairs['profile_a'], need)}/interest", json=body, headers=sme_a)
    client.put(f"{sme_url(pairs['profile_b'], pairs['need_b'])}/interest", json=body, headers=sme_b)

    def ids(params: dict[str, Any]) -> list[int]:
        got = client.get(f"{NEEDS}/{need}/candidates", params=params, headers=firm)
        assert got.status_code == 200, got.text
        return [item["profile_id"] for item in got.json()["items"]]

    assert ids({}) == sorted([pairs["profile_a"], pairs["profile_b"]])
    assert ids({"interest": "interested"}) == [pairs["profile_a"]]
    assert ids({"interest": "declined"}) == [pairs["profile_b"]]
    assert ids({"mutual": "true"}) == [pairs["profile_a"]]
    mine = client.get(f"{PROFILES}/{pairs['profile_b']}/interests", headers=sme_b).json()
    # profile B: firm A declined it (private to firm A), B said interested in need B
    assert [(i["need_id"], i["interest"]) for i in mine["items"]] == [
        (pairs["need_b"], {"buyer": None, "sme": "interested"})
    ]
    bad = client.get(f"{NEEDS}/{need}/candidates", params={"interest": "maybe"}, headers=firm)
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "query.interest"


def test_shortlists_and_opportunities_carry_the_marks(
    client: TestClient, world: World, pairs: dict[str, int]
) -> None:
    need, profile = pairs["need_a"], pairs["profile_a"]
    client.put(
        f"{buyer_url(need, profile)}/interest",
        json={"value": "declined"},
        headers=world.firm_a.headers,
    )
    client.put(
        f"{sme_url(profile, need)}/interest",
        json={"value": "interested"},
        headers=world.sme_a.headers,
    )
    shortlist = client.get(f"{NEEDS}/{need}/shortlist", headers=world.firm_a.headers).json()
    marks = {item["profile_id"]: item["interest"] for item in shortlist["items"]}
    assert marks[profile] == {"buyer": "declined", "sme": "interested"}
    assert marks[pairs["profile_b"]] == {"buyer": None, "sme": None}
    feed = client.get(f"{PROFILES}/{profile}/opportunities", headers=world.sme_a.headers).json()
    by_need = {item["need_id"]: item["interest"] for item in feed["items"]}
    assert by_need[need] == {"buyer": None, "sme": "interested"}  # the firm's decline is private


def test_a_changed_or_withdrawn_mark_shows_in_the_next_shortlist(
    client: TestClient, world: World, pairs: dict[str, int]
) -> None:
    need, profile = pairs["need_a"], pairs["profile_a"]
    url = f"{buyer_url(need, profile)}/interest"

    def mark_shown() -> Any:
        got = client.get(f"{NEEDS}/{need}/shortlist", headers=world.firm_a.headers).json()
        return {item["profile_id"]: item["interest"] for item in got["items"]}[profile]["buyer"]

    assert mark_shown() is None
    for value in ("interested", "declined"):
        assert client.put(url, json={"value": value}, headers=world.firm_a.headers).is_success
        assert mark_shown() == value
    assert client.delete(url, headers=world.firm_a.headers).status_code == 204
    assert mark_shown() is None


# -- bad input, races -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [{"value": "maybe"}, {}, {"value": None}, {"value": "interested", "extra": 1}, [1]],
)
def test_bad_values_are_422_naming_the_field_and_change_nothing(
    client: TestClient, world: World, engine: Engine, pairs: dict[str, int], body: Any
) -> None:
    url = f"{buyer_url(pairs['need_a'], pairs['profile_a'])}/interest"
    response = client.put(url, json=body, headers=world.firm_a.headers)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    fields = [e["field"] for e in response.json()["errors"]]
    assert any(f.startswith("body") for f in fields), fields
    if isinstance(body, dict) and "extra" not in body:
        assert fields == ["body.value"]
    assert _count(engine, InterestMark) == 0
    assert _count(engine, AuditEntry, AuditEntry.action.startswith("interest.")) == 0


def _together(calls: list[Callable[[], httpx.Response]]) -> list[httpx.Response]:
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(i: int) -> None:
        barrier.wait()
        results[i] = calls[i]()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


@pytest.mark.parametrize("values", [("interested", "interested"), ("interested", "declined")])
def test_concurrent_puts_make_one_row_and_lose_nothing(
    app: FastAPI,
    world: World,
    engine: Engine,
    pairs: dict[str, int],
    values: tuple[str, str],
) -> None:
    url = f"{buyer_url(pairs['need_a'], pairs['profile_a'])}/interest"
    headers = world.firm_a.headers
    # Clients of the app the ``world`` fixture's client started (not context managers: each
    # would start the app's background threads again, and leave them running).
    first, second = TestClient(app), TestClient(app)
    responses = _together(
        [
            lambda: first.put(url, json={"value": values[0]}, headers=headers),
            lambda: second.put(url, json={"value": values[1]}, headers=headers),
        ]
    )
    assert [r.status_code for r in responses] == [200, 200], [r.text for r in responses]
    with engine.connect() as conn:
        stored = conn.execute(select(InterestMark.side, InterestMark.value)).all()
    assert len(stored) == 1
    assert stored[0][0] == "buyer"
    assert stored[0][1] in values
