"""Builders for deal tests: a session of the world's organizer with meetings put in place."""

from dataclasses import dataclass
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine, update

from app.models import Deal, EventMeeting
from app.platform.db import make_sessionmaker, session_scope
from tests.app.events.helpers import add, open_event
from tests.app.factories import Actor, World

DEALS = "/api/v1/deals"


@dataclass
class Met:
    """A session where firm_a met sme_a (published), and its ids."""

    event_id: int
    buyer_pid: int
    sme_pid: int
    meeting_id: int


def meeting(
    engine: Engine,
    event_id: int,
    buyer_pid: int,
    sme_pid: int,
    *,
    slot: int = 0,
    table: int = 1,
    published: bool = True,
    **fields: Any,
) -> int:
    """Put a meeting in place directly (the scheduler is tested elsewhere); its id."""
    for session in session_scope(make_sessionmaker(engine)):
        row = EventMeeting(
            event_id=event_id,
            buyer_participant_id=buyer_pid,
            sme_participant_id=sme_pid,
            slot=slot,
            table_number=table,
            score=0.5,
            value=1.0,
            published=published,
            **fields,
        )
        session.add(row)
        session.flush()
        meeting_id = row.id
    return meeting_id


def met(client: TestClient, world: World, engine: Engine, **event: Any) -> Met:
    """firm_a and sme_a (both managed by the organizer) at one of its sessions, met once."""
    ev = open_event(client, world, **event)
    buyer = add(client, world.organizer, ev["id"], world.firm_a.org_id)
    sme = add(client, world.organizer, ev["id"], world.sme_a.org_id)
    mid = meeting(engine, ev["id"], buyer["id"], sme["id"])
    return Met(ev["id"], buyer["id"], sme["id"], mid)


def open_deal(client: TestClient, actor: Actor, **body: Any) -> dict[str, Any]:
    """POST a deal; its JSON."""
    response = client.post(DEALS, json=body, headers=actor.headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


def patch(
    client: TestClient, actor: Actor, deal: dict[str, Any], **body: Any
) -> tuple[int, dict[str, Any]]:
    """PATCH a deal with the version read in ``deal``; (status, JSON)."""
    response = client.patch(
        f"{DEALS}/{deal['id']}",
        json=body,
        headers=actor.headers | {"If-Match": f'"{deal["version"]}"'},
    )
    return response.status_code, dict(response.json())


def age(engine: Engine, deal_id: int, days: int) -> None:
    """Pretend the deal's stage last changed ``days`` ago."""
    import datetime as dt

    for session in session_scope(make_sessionmaker(engine)):
        at = dt.datetime.now(dt.UTC) - dt.timedelta(days=days)
        session.execute(update(Deal).where(Deal.id == deal_id).values(stage_changed_at=at))
