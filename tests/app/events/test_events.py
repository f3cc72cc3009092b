"""Sessions, participants and wishes: who may do what, and bad input changes nothing."""

import pytest
from fastapi.testclient import TestClient

from tests.app.events.helpers import BASE, add, create_event, event_body, open_event, set_status
from tests.app.factories import World


def _fields(response_json: dict[str, object]) -> list[object]:
    errors = response_json.get("errors") or []
    assert isinstance(errors, list)
    return [e["field"] for e in errors]


def test_organizer_creates_reads_and_updates_own_event(client: TestClient, world: World) -> None:
    event = create_event(client, world.organizer)
    assert event["status"] == "draft"
    assert event["organization_id"] == world.organizer.org_id
    assert event["slots"][0] == {"start": "09:00:00", "end": "09:20:00"}
    url = f"{BASE}/{event['id']}"

    read = client.get(url, headers=world.organizer.headers)
    assert read.status_code == 200
    assert read.headers["ETag"] == '"1"'

    no_if_match = client.patch(url, json={"venue": "新馆"}, headers=world.organizer.headers)
    assert no_if_match.status_code == 428
    stale = client.patch(
        url, json={"venue": "新馆"}, headers=world.organizer.headers | {"If-Match": '"9"'}
    )
    assert stale.status_code == 412

    changed = client.patch(
        url, json={"venue": "新馆"}, headers=world.organizer.headers | {"If-Match": '"1"'}
    )
    assert changed.status_code == 200
    assert changed.json()["venue"] == "新馆"
    assert changed.headers["ETag"] == '"2"'


def test_firms_and_anonymous_cannot_create_events(client: TestClient, world: World) -> None:
    assert client.post(BASE, json=event_body()).status_code == 401
    for firm in (world.sme_a, world.firm_a):
        response = client.post(BASE, json=event_body(), headers=firm.headers)
        assert response.status_code == 403
        assert response.headers["content-type"] == "application/problem+json"
    listed = client.get(BASE, headers=world.admin.headers).json()
    assert listed["total"] == 0


def test_admin_creates_for_an_organizer_only(client: TestClient, world: World) -> None:
    missing = client.post(BASE, json=event_body(), headers=world.admin.headers)
    assert missing.status_code == 422
    assert _fields(missing.json()) == ["body.organization_id"]
    not_organizer = client.post(
        BASE, json=event_body(organization_id=world.firm_a.org_id), headers=world.admin.headers
    )
    assert _fields(not_organizer.json()) == ["body.organization_id"]
    made = create_event(client, world.admin, organization_id=world.organizer.org_id)
    assert made["organization_id"] == world.organizer.org_id


def test_other_organizer_cannot_see_drafts_nor_change_events(
    client: TestClient, world: World
) -> None:
    event = create_event(client, world.organizer)
    url = f"{BASE}/{event['id']}"
    other = world.other_organizer.headers
    assert client.get(url, headers=other).status_code == 404
    assert client.get(url, headers=world.sme_a.headers).status_code == 404
    assert client.get(BASE, headers=other).json()["total"] == 0

    event = set_status(client, world.organizer, event, "registration")
    assert client.get(url, headers=other).status_code == 200
    refused = client.patch(url, json={"name": "改名"}, headers=other | {"If-Match": '"2"'})
    assert refused.status_code == 403
    assert client.delete(url, headers=other).status_code == 403
    assert client.post(f"{url}/schedule", headers=other).status_code == 403
    assert client.get(f"{url}/exports/matches", headers=other).status_code == 403
    assert client.get(f"{url}/participants", headers=other).status_code == 403
    added = client.post(
        f"{url}/participants", json={"organization_id": world.sme_b.org_id}, headers=other
    )
    assert added.status_code == 403
    assert client.get(url, headers=world.organizer.headers).json()["name"] == event["name"]
    assert client.get(f"{url}/participants", headers=world.organizer.headers).json()["items"] == []


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"slots": [{"start": "10:00", "end": "09:00"}]}, "body.slots.0"),
        ({"slots": []}, "body.slots"),
        ({"meeting_minutes": 1}, "body.meeting_minutes"),
        ({"region_code": "999999"}, "body.region_code"),
        ({"name": ""}, "body.name"),
        ({"date": "2026-13-01"}, "body.date"),
    ],
)
def test_bad_event_input_names_the_field(
    client: TestClient, world: World, change: dict[str, object], field: str
) -> None:
    response = client.post(BASE, json=event_body(**change), headers=world.organizer.headers)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert any(str(f).startswith(field) for f in _fields(response.json())), response.json()
    assert client.get(BASE, headers=world.organizer.headers).json()["total"] == 0


def test_overlapping_slots_are_refused(client: TestClient, world: World) -> None:
    slots = [{"start": "09:00", "end": "09:30"}, {"start": "09:20", "end": "09:50"}]
    english = world.organizer.headers | {"Accept-Language": "en"}
    response = client.post(BASE, json=event_body(slots=slots), headers=english)
    assert response.status_code == 422
    assert _fields(response.json()) == ["body"]
    assert "slot 1" in response.text


def test_bad_participant_input_names_the_field_and_adds_nobody(
    client: TestClient, world: World
) -> None:
    event = open_event(client, world, slots=3)
    url = f"{BASE}/{event['id']}/participants"
    headers = world.organizer.headers
    cases = [
        ({"organization_id": world.firm_a.org_id, "blocked_slots": [0, 3]}, "body.blocked_slots.1"),
        ({"organization_id": world.sme_a.org_id, "tables": 2}, "body.tables"),
        ({"organization_id": world.organizer.org_id}, "body.organization_id"),
        ({"organization_id": 999_999}, "body.organization_id"),
        ({"organization_id": world.firm_a.org_id, "tables": 0}, "body.tables"),
        ({"organization_id": world.firm_a.org_id, "max_meetings": -1}, "body.max_meetings"),
    ]
    for body, field in cases:
        response = client.post(url, json=body, headers=headers)
        assert response.status_code == 422, body
        assert _fields(response.json()) == [field], response.json()
    assert client.get(url, headers=headers).json()["items"] == []


def test_adding_a_firm_twice_conflicts(client: TestClient, world: World) -> None:
    event = open_event(client, world)
    add(client, world.organizer, event["id"], world.firm_a.org_id)
    again = client.post(
        f"{BASE}/{event['id']}/participants",
        json={"organization_id": world.firm_a.org_id},
        headers=world.organizer.headers,
    )
    assert again.status_code == 409


def test_firm_registers_itself_pending_and_the_organizer_approves(
    client: TestClient, world: World
) -> None:
    event = create_event(client, world.organizer)
    url = f"{BASE}/{event['id']}/participants"
    assert client.post(url, json={}, headers=world.sme_b.headers).status_code == 404  # draft
    set_status(client, world.organizer, event, "registration")
    other = client.post(
        url, json={"organization_id": world.sme_a.org_id}, headers=world.sme_b.headers
    )
    assert other.status_code == 403
    mine = client.post(url, json={"blocked_slots": [1]}, headers=world.sme_b.headers)
    assert mine.status_code == 201, mine.text
    assert mine.json()["status"] == "pending"
    assert mine.json()["side"] == "sme"
    # a pending participant does not see the others
    assert client.get(url, headers=world.sme_b.headers).status_code == 403

    pid = mine.json()["id"]
    refused = client.patch(
        f"{url}/{pid}",
        json={"status": "approved"},
        headers=world.sme_b.headers | {"If-Match": '"1"'},
    )
    assert refused.status_code == 403
    approved = client.patch(
        f"{url}/{pid}",
        json={"status": "approved"},
        headers=world.organizer.headers | {"If-Match": '"1"'},
    )
    assert approved.status_code == 200
    assert approved.json()["status"] == "approved"
    assert [p["id"] for p in client.get(url, headers=world.sme_b.headers).json()["items"]] == [pid]


def test_wishes_firm_sets_its_own_organizer_those_it_manages(
    client: TestClient, world: World
) -> None:
    event = open_event(client, world)
    eid = event["id"]
    buyer = add(client, world.organizer, eid, world.firm_a.org_id)
    sme = add(client, world.organizer, eid, world.sme_a.org_id)
    other_sme = add(client, world.organizer, eid, world.sme_b.org_id, accept_as=world.sme_b)
    url = f"{BASE}/{eid}/preferences"

    own = client.put(
        url, json={"to_participant_id": buyer["id"], "wish": "must"}, headers=world.sme_a.headers
    )
    assert own.status_code == 200, own.text
    assert own.json() == {
        "from_participant_id": sme["id"],
        "to_participant_id": buyer["id"],
        "wish": "must",
    }
    for_other = client.put(
        url,
        json={
            "from_participant_id": other_sme["id"],
            "to_participant_id": buyer["id"],
            "wish": "no",
        },
        headers=world.sme_a.headers,
    )
    assert for_other.status_code == 403
    same_side = client.put(
        url,
        json={"to_participant_id": other_sme["id"], "wish": "would"},
        headers=world.sme_a.headers,
    )
    assert same_side.status_code == 422
    assert _fields(same_side.json()) == ["body.to_participant_id"]
    bad_wish = client.put(
        url, json={"to_participant_id": buyer["id"], "wish": "maybe"}, headers=world.sme_a.headers
    )
    assert bad_wish.status_code == 422
    assert _fields(bad_wish.json()) == ["body.wish"]
    outsider = client.put(
        url, json={"to_participant_id": buyer["id"], "wish": "must"}, headers=world.firm_b.headers
    )
    assert outsider.status_code == 403

    by_organizer = client.put(
        url,
        json={
            "from_participant_id": buyer["id"],
            "to_participant_id": other_sme["id"],
            "wish": "no",
        },
        headers=world.organizer.headers,
    )
    assert by_organizer.status_code == 200
    # the organizer did not register sme_b: it does not state sme_b's wishes
    for_unmanaged = client.put(
        url,
        json={
            "from_participant_id": other_sme["id"],
            "to_participant_id": buyer["id"],
            "wish": "must",
        },
        headers=world.organizer.headers,
    )
    assert for_unmanaged.status_code == 403
    assert _fields(for_unmanaged.json()) == ["body.from_participant_id"]
    assert client.get(url, headers=world.organizer.headers).json()["total"] == 2
    assert client.get(url, headers=world.sme_a.headers).json()["items"] == [own.json()]

    cleared = client.put(
        url, json={"to_participant_id": buyer["id"], "wish": None}, headers=world.sme_a.headers
    )
    assert cleared.status_code == 200
    assert client.get(url, headers=world.sme_a.headers).json()["items"] == []


def test_slots_cannot_shrink_below_blocked_slots(client: TestClient, world: World) -> None:
    event = open_event(client, world, slots=4)
    add(client, world.organizer, event["id"], world.firm_a.org_id, blocked_slots=[3])
    response = client.patch(
        f"{BASE}/{event['id']}",
        json={"slots": [{"start": "09:00", "end": "09:20"}]},
        headers=world.organizer.headers | {"If-Match": f'"{event["version"]}"'},
    )
    assert response.status_code == 422
    assert _fields(response.json()) == ["body.slots"]
    assert (
        len(client.get(f"{BASE}/{event['id']}", headers=world.organizer.headers).json()["slots"])
        == 4
    )


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [("09:00:00", "09:00:30", "end"), ("09:00+08:00", "09:20", "start")],
    ids=["seconds", "time-zone"],
)
def test_a_slot_time_is_to_the_minute_without_a_time_zone(
    client: TestClient, world: World, start: str, end: str, field: str
) -> None:
    # 09:00:00–09:00:30 was stored as 09:00–09:00 and every read of the session was a 500.
    body = event_body(slots=[{"start": start, "end": end}])
    response = client.post(BASE, json=body, headers=world.organizer.headers)
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["field"] == f"body.slots.0.{field}"
    whole = event_body(slots=[{"start": "09:00:00", "end": "09:20:00"}])
    created = client.post(BASE, json=whole, headers=world.organizer.headers)
    assert created.status_code == 201, created.text
    assert created.json()["slots"] == [{"start": "09:00:00", "end": "09:20:00"}]
