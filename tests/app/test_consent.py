"""Contacts reach another firm only by the firms' own consent (issue 14, finding 2).

The attack: an organizer O1 registers puppet firms, adds another tenant's firm to its own
event, states wishes or records an outcome for it, and reads its contacts through the
puppet's key. Now adding a firm O1 does not manage is an invitation the firm accepts with
its own key, O1 states wishes only for firms it manages, and an outcome O1 records counts
for consent only if O1 manages both firms; a firm's own decline beats any meeting.
The rule lives in one module, :mod:`app.consent`.
"""

import re
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select, update

from app.models import AuditEntry, EventPreference
from tests.app.events.helpers import BASE, accept, add, create_event, open_event, set_status, wish
from tests.app.factories import Actor, World, create_org, org_body
from tests.app.jobs.wait import post_job

NEEDS = "/api/v1/needs"
PROFILES = "/api/v1/profiles"


def _puppet(client: TestClient, organizer: Actor, kind: str) -> Actor:
    """A firm ``organizer`` registers, with a key it issues."""
    org_id = create_org(client, organizer, org_body(kind))
    role = "large_firm" if kind == "large_firm" else "sme"
    response = client.post(
        "/api/v1/keys", json={"organization_id": org_id, "role": role}, headers=organizer.headers
    )
    assert response.status_code == 201, response.text
    key = response.json()["key"]
    return Actor(key, org_id, response.json()["role"])


def _reveals(engine: Engine) -> int:
    with engine.connect() as conn:
        query = select(func.count()).where(AuditEntry.action == "contacts.reveal")
        return int(conn.scalar(query) or 0)


def _contacts(client: TestClient, actor: Actor, event_id: int) -> list[dict[str, Any]]:
    response = client.get(f"{BASE}/{event_id}/contacts", headers=actor.headers)
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


def _put_wish(client: TestClient, actor: Actor, eid: int, source: int, target: int) -> Any:
    body = {"from_participant_id": source, "to_participant_id": target, "wish": "must"}
    return client.put(f"{BASE}/{eid}/preferences", json=body, headers=actor.headers)


def test_an_organizer_cannot_enrol_another_tenants_firm_nor_wish_for_it(
    client: TestClient, world: World, engine: Engine
) -> None:
    o1 = world.other_organizer
    puppet = _puppet(client, o1, "large_firm")
    event = create_event(client, o1)
    eid = event["id"]
    z = add(client, o1, eid, puppet.org_id)
    b = add(client, o1, eid, world.sme_a.org_id)  # sme_a was registered by the organizer
    assert (z["status"], b["status"]) == ("approved", "invited")

    refused = _put_wish(client, o1, eid, b["id"], z["id"])
    assert refused.status_code == 403
    assert refused.json()["errors"][0]["field"] == "body.from_participant_id"
    about_invited = _put_wish(client, o1, eid, z["id"], b["id"])
    assert about_invited.status_code == 422
    approve = client.patch(
        f"{BASE}/{eid}/participants/{b['id']}",
        json={"status": "approved"},
        headers=o1.headers | {"If-Match": f'"{b["version"]}"'},
    )
    assert approve.status_code == 403
    set_status(client, o1, event, "registration")
    assert _contacts(client, puppet, eid) == []
    assert _reveals(engine) == 0


def _candidate(client: TestClient, buyer: Actor, need: int, profile: int) -> dict[str, Any]:
    response = client.get(f"{NEEDS}/{need}/candidates/{profile}", headers=buyer.headers)
    assert response.status_code == 200, response.text
    return dict(response.json())


def _meeting_between(client: TestClient, o1: Actor, eid: int, sme: int) -> int:
    meetings = client.get(f"{BASE}/{eid}/meetings", headers=o1.headers).json()["items"]
    return int(next(m["id"] for m in meetings if m["sme_participant_id"] == sme))


def _outcome(client: TestClient, actor: Actor, eid: int, meeting: int, outcome: str) -> None:
    response = client.put(
        f"{BASE}/{eid}/meetings/{meeting}/outcome", json={"outcome": outcome}, headers=actor.headers
    )
    assert response.status_code == 200, response.text


def test_an_outcome_recorded_by_an_organizer_for_a_firm_it_does_not_manage_reveals_nothing(
    client: TestClient, world: World, engine: Engine
) -> None:
    o1, a = world.other_organizer, world.sme_a
    y = _puppet(client, o1, "large_firm")
    profile = client.post(
        PROFILES, json={"products": [{"name": "压力传感器"}]}, headers=a.headers
    ).json()["id"]
    need_body = {"title": "采购压力传感器", "products": ["压力传感器"], "status": "open"}
    need = client.post(NEEDS, json=need_body, headers=y.headers).json()["id"]
    declined = {"value": "declined"}
    url = f"{NEEDS}/{need}/candidates/{profile}/interest"
    assert client.put(url, json=declined, headers=y.headers).status_code == 200
    url = f"{PROFILES}/{profile}/opportunities/{need}/interest"
    assert client.put(url, json=declined, headers=a.headers).status_code == 200

    created = create_event(client, o1, slots=2)
    eid = created["id"]
    set_status(client, o1, created, "registration")
    buyer = add(client, o1, eid, y.org_id)
    invited = add(client, o1, eid, a.org_id)
    # not accepted: A takes no part in the schedule
    post_job(client, f"{BASE}/{eid}/schedule", o1.headers)
    assert client.get(f"{BASE}/{eid}/meetings", headers=o1.headers).json()["items"] == []

    accept(client, a, eid)  # A chose to come
    assert _put_wish(client, o1, eid, buyer["id"], invited["id"]).status_code == 200
    post_job(client, f"{BASE}/{eid}/schedule", o1.headers)
    assert client.post(f"{BASE}/{eid}/publish", headers=o1.headers).status_code == 200
    meeting = _meeting_between(client, o1, eid, invited["id"])
    _outcome(client, o1, eid, meeting, "signed")
    seen = _candidate(client, y, need, profile)
    assert (seen["contacts"], seen["meeting_held"], seen["contacts_basis"]) == (None, False, None)
    assert _contacts(client, y, eid) == []

    # A itself says the meeting was held: it counts, but both declined, and a decline wins
    _outcome(client, a, eid, meeting, "informative")
    seen = _candidate(client, y, need, profile)
    assert (seen["contacts"], seen["meeting_held"]) == (None, True)
    assert _reveals(engine) == 0

    # once neither declines, the meeting both attended (as A recorded it) opens the contacts
    client.delete(f"{NEEDS}/{need}/candidates/{profile}/interest", headers=y.headers)
    client.delete(f"{PROFILES}/{profile}/opportunities/{need}/interest", headers=a.headers)
    seen = _candidate(client, y, need, profile)
    assert seen["contacts_basis"] == "meeting_held"
    assert seen["contacts"]["phone"] == "0755-12345678"


def test_a_firms_own_decline_beats_a_meeting_its_organizer_recorded(
    client: TestClient, world: World
) -> None:
    org = world.organizer  # manages firm_a and sme_a: its outcome counts for both
    profile = client.post(
        PROFILES, json={"products": [{"name": "压力传感器"}]}, headers=world.sme_a.headers
    ).json()["id"]
    need_body = {"title": "采购压力传感器", "products": ["压力传感器"], "status": "open"}
    need = client.post(NEEDS, json=need_body, headers=world.firm_a.headers).json()["id"]
    eid = open_event(client, world, slots=2)["id"]
    buyer = add(client, org, eid, world.firm_a.org_id)
    sme = add(client, org, eid, world.sme_a.org_id)
    wish(client, org, eid, sme["id"], buyer["id"], "would")
    post_job(client, f"{BASE}/{eid}/schedule", org.headers)
    assert client.post(f"{BASE}/{eid}/publish", headers=org.headers).is_success
    _outcome(client, org, eid, _meeting_between(client, org, eid, sme["id"]), "intent")
    assert [c["basis"] for c in _contacts(client, world.firm_a, eid)] == ["meeting_held"]

    url = f"{PROFILES}/{profile}/opportunities/{need}/interest"
    assert client.put(url, json={"value": "declined"}, headers=world.sme_a.headers).is_success
    assert _contacts(client, world.firm_a, eid) == []
    assert _candidate(client, world.firm_a, need, profile)["contacts"] is None


def test_the_invited_firm_accepts_or_declines_with_its_own_key(
    client: TestClient, world: World
) -> None:
    org = world.organizer
    eid = open_event(client, world)["id"]
    invited = add(client, org, eid, world.sme_b.org_id)
    assert invited["status"] == "invited"
    again = client.post(f"{BASE}/{eid}/participants", json={}, headers=world.sme_b.headers)
    assert again.status_code == 409
    assert "invitation/accept" in again.json()["detail"]
    for stranger in (world.sme_a, world.organizer, world.admin):
        response = client.post(f"{BASE}/{eid}/invitation/accept", headers=stranger.headers)
        assert response.status_code in (404, 409), stranger
    assert (
        client.post(f"{BASE}/{eid}/invitation/maybe", headers=world.sme_b.headers).status_code
        == 422
    )

    declined = client.post(f"{BASE}/{eid}/invitation/decline", headers=world.sme_b.headers)
    assert declined.status_code == 200, declined.text
    assert declined.json()["status"] == "rejected"
    approve = client.patch(
        f"{BASE}/{eid}/participants/{invited['id']}",
        json={"status": "approved"},
        headers=org.headers | {"If-Match": f'"{declined.json()["version"]}"'},
    )
    assert approve.status_code == 403
    reinvite = client.patch(
        f"{BASE}/{eid}/participants/{invited['id']}",
        json={"status": "invited"},
        headers=org.headers | {"If-Match": f'"{declined.json()["version"]}"'},
    )
    assert reinvite.status_code == 422

    other = add(client, org, eid, world.firm_b.org_id)
    accepted = accept(client, world.firm_b, eid)
    assert accepted["id"] == other["id"]
    twice = client.post(f"{BASE}/{eid}/invitation/accept", headers=world.firm_b.headers)
    assert twice.status_code == 409


def test_wishes_from_before_authors_were_recorded_count_for_nothing(
    client: TestClient, world: World, engine: Engine
) -> None:
    org = world.organizer
    eid = open_event(client, world)["id"]
    buyer = add(client, org, eid, world.firm_a.org_id)
    sme = add(client, org, eid, world.sme_a.org_id)
    wish(client, world.firm_a, eid, buyer["id"], sme["id"], "must")
    wish(client, world.sme_a, eid, sme["id"], buyer["id"], "would")
    assert [c["basis"] for c in _contacts(client, world.firm_a, eid)] == ["mutual_interest"]
    with engine.begin() as conn:
        conn.execute(
            update(EventPreference).values(entered_by_role=None, entered_by_organization_id=None)
        )
    assert _contacts(client, world.firm_a, eid) == []


def test_organizers_and_other_firms_never_get_a_reveal(client: TestClient, world: World) -> None:
    eid = open_event(client, world)["id"]
    response = client.get(f"{BASE}/{eid}/contacts", headers=world.organizer.headers)
    assert response.status_code == 403
    assert client.get(f"{BASE}/{eid}/contacts", headers=world.firm_b.headers).status_code == 403


APP = Path(__file__).resolve().parents[2] / "app"
_READS_CONTACTS = re.compile(r"\.contact_(person|phone|email)\b|[^a-zA-Z]Contacts\(")


@pytest.mark.parametrize(
    "path", sorted(APP.rglob("*.py")), ids=lambda p: p.relative_to(APP).as_posix()
)
def test_only_the_consent_module_puts_contacts_in_a_response(path: Path) -> None:
    """Reading a firm's contact columns, or building ``Contacts``, happens in app/consent.py
    only, so that no page or endpoint can reveal contacts past the one rule."""
    if path == APP / "consent.py":
        return
    found = [
        line
        for line in path.read_text(encoding="utf-8").splitlines()
        if _READS_CONTACTS.search(line) and not line.lstrip().startswith("class ")
    ]
    assert found == []
