"""Builders for event tests: sessions, participants and wishes made through the API."""

from typing import Any

from fastapi.testclient import TestClient

from tests.app.factories import Actor, World, create_org, org_body

BASE = "/api/v1/events"


def event_body(**overrides: Any) -> dict[str, Any]:
    """A valid session with ``slots`` slots of 20 minutes."""
    slots = overrides.pop("slots", 4)
    if isinstance(slots, list):
        return _base(slots) | overrides
    return (
        _base(
            [
                {
                    "start": f"{9 + i // 2:02d}:{(i % 2) * 30:02d}",
                    "end": f"{9 + i // 2:02d}:{(i % 2) * 30 + 20:02d}",
                }
                for i in range(slots)
            ]
        )
        | overrides
    )


def _base(slots: list[dict[str, str]]) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": "新能源汽车产业链百场万企对接会",
        "focus": "新能源汽车",
        "region_code": "440300",
        "venue": "深圳会展中心",
        "date": "2026-12-10",
        "slots": slots,
        "meeting_minutes": 20,
    }
    return body


def create_event(client: TestClient, actor: Actor, **overrides: Any) -> dict[str, Any]:
    """Create a session and return its JSON."""
    response = client.post(BASE, json=event_body(**overrides), headers=actor.headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


def set_status(
    client: TestClient, actor: Actor, event: dict[str, Any], status: str
) -> dict[str, Any]:
    """Move the event's status with a PATCH (If-Match from ``event``)."""
    response = client.patch(
        f"{BASE}/{event['id']}",
        json={"status": status},
        headers=actor.headers | {"If-Match": f'"{event["version"]}"'},
    )
    assert response.status_code == 200, response.text
    return dict(response.json())


def add(
    client: TestClient,
    actor: Actor,
    event_id: int,
    org_id: int | None,
    *,
    accept_as: Actor | None = None,
    **fields: Any,
) -> dict[str, Any]:
    """Add a participant and return its JSON.

    A firm the organizer does not manage is only invited: give ``accept_as`` (the firm's
    own actor) to accept the invitation, and the approved participant is returned.
    """
    response = client.post(
        f"{BASE}/{event_id}/participants",
        json={"organization_id": org_id, **fields},
        headers=actor.headers,
    )
    assert response.status_code == 201, response.text
    if accept_as is not None and response.json()["status"] == "invited":
        return accept(client, accept_as, event_id)
    return dict(response.json())


def accept(client: TestClient, firm: Actor, event_id: int) -> dict[str, Any]:
    """The firm accepts its invitation with its own key; its participant JSON."""
    response = client.post(f"{BASE}/{event_id}/invitation/accept", headers=firm.headers)
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "approved"
    return dict(response.json())


def wish(
    client: TestClient, actor: Actor, event_id: int, source: int, target: int, value: str
) -> None:
    """Set ``source``'s wish about ``target`` as ``actor`` (the firm, or its organizer)."""
    response = client.put(
        f"{BASE}/{event_id}/preferences",
        json={"from_participant_id": source, "to_participant_id": target, "wish": value},
        headers=actor.headers,
    )
    assert response.status_code == 200, response.text


def new_org(client: TestClient, world: World, kind: str, **overrides: Any) -> int:
    """Another firm, registered by the world's organizer (which therefore manages it)."""
    return create_org(client, world.organizer, org_body(kind, **overrides))


def open_event(client: TestClient, world: World, **overrides: Any) -> dict[str, Any]:
    """A session of the world's organizer, open for registration."""
    event = create_event(client, world.organizer, **overrides)
    return set_status(client, world.organizer, event, "registration")
