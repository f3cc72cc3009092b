"""Counterparts' contacts: hidden until both said yes or the meeting took place; audited."""

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from app.models import AuditEntry
from tests.app.events.helpers import BASE, add, open_event, wish
from tests.app.factories import Actor, World
from tests.app.jobs.wait import post_job


def _contacts(client: TestClient, actor: Actor, event_id: int) -> list[dict[str, Any]]:
    response = client.get(f"{BASE}/{event_id}/contacts", headers=actor.headers)
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


def _setting(client: TestClient, world: World) -> dict[str, int]:
    event = open_event(client, world, slots=2)
    eid = event["id"]
    org = world.organizer
    return {
        "event": eid,
        "buyer": add(client, org, eid, world.firm_a.org_id)["id"],
        "sme_a": add(client, org, eid, world.sme_a.org_id)["id"],
        "sme_b": add(client, org, eid, world.sme_b.org_id, accept_as=world.sme_b)["id"],
    }


def test_contacts_appear_only_after_both_sides_said_yes(
    client: TestClient, world: World, engine: Engine
) -> None:
    s = _setting(client, world)
    eid, org = s["event"], world.organizer
    wish(client, org, eid, s["sme_a"], s["buyer"], "must")
    assert _contacts(client, world.firm_a, eid) == []
    assert _contacts(client, world.sme_a, eid) == []
    wish(client, org, eid, s["buyer"], s["sme_a"], "would")
    seen = _contacts(client, world.firm_a, eid)
    assert [(c["participant_id"], c["basis"]) for c in seen] == [(s["sme_a"], "mutual_interest")]
    assert seen[0]["contacts"]["phone"] == "0755-12345678"
    back = _contacts(client, world.sme_a, eid)
    assert [c["organization_id"] for c in back] == [world.firm_a.org_id]
    # the other SME said nothing: it sees nobody, and nobody sees it
    assert _contacts(client, world.sme_b, eid) == []
    with engine.connect() as conn:
        reveals = conn.execute(
            select(AuditEntry.actor_organization_id, AuditEntry.detail)
            .where(AuditEntry.action == "contacts.reveal")
            # in the order they were written (no ORDER BY is no order on PostgreSQL)
            .order_by(AuditEntry.id)
        ).all()
    assert [(r[0], r[1]["organizations"]) for r in reveals] == [
        (world.firm_a.org_id, [world.sme_a.org_id]),
        (world.sme_a.org_id, [world.firm_a.org_id]),
    ]
    assert "0755" not in str([r[1] for r in reveals])


def test_a_refusal_keeps_contacts_hidden(client: TestClient, world: World) -> None:
    s = _setting(client, world)
    eid, org = s["event"], world.organizer
    wish(client, org, eid, s["sme_a"], s["buyer"], "must")
    wish(client, org, eid, s["buyer"], s["sme_a"], "no")
    assert _contacts(client, world.sme_a, eid) == []


def test_a_held_meeting_reveals_contacts_but_a_missed_one_does_not(
    client: TestClient, world: World
) -> None:
    s = _setting(client, world)
    eid, org = s["event"], world.organizer
    wish(client, org, eid, s["sme_a"], s["buyer"], "would")
    wish(client, world.sme_b, eid, s["sme_b"], s["buyer"], "would")
    post_job(client, f"{BASE}/{eid}/schedule", org.headers)
    assert client.post(f"{BASE}/{eid}/publish", headers=org.headers).is_success
    meetings = {
        m["sme_participant_id"]: m["id"]
        for m in client.get(f"{BASE}/{eid}/meetings", headers=org.headers).json()["items"]
    }
    for sme, outcome in (("sme_a", "informative"), ("sme_b", "not_held")):
        response = client.put(
            f"{BASE}/{eid}/meetings/{meetings[s[sme]]}/outcome",
            json={"outcome": outcome},
            headers=org.headers,
        )
        assert response.status_code == 200, response.text
    seen = _contacts(client, world.firm_a, eid)
    assert [(c["participant_id"], c["basis"]) for c in seen] == [(s["sme_a"], "meeting_held")]


def test_only_approved_participants_ask(client: TestClient, world: World) -> None:
    s = _setting(client, world)
    response = client.get(f"{BASE}/{s['event']}/contacts", headers=world.firm_b.headers)
    assert response.status_code == 403
    assert response.headers["content-type"].startswith("application/problem+json")
