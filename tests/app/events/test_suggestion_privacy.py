"""Suggestions show a participant its own wishes only (issue 14, finding 4).

A participant's suggestions used to carry the other side's wish too, "no" included: a firm
learnt who had refused to meet it. Only the organizer sees both sides' wishes.
"""

from typing import Any

from fastapi.testclient import TestClient

from tests.app.events.helpers import BASE, add, open_event, wish
from tests.app.factories import Actor, World


def _pair(client: TestClient, actor: Actor, event_id: int, buyer: int, sme: int) -> dict[str, Any]:
    response = client.get(f"{BASE}/{event_id}/suggestions", headers=actor.headers)
    assert response.status_code == 200, response.text
    return next(
        p
        for p in response.json()["items"]
        if (p["buyer_participant_id"], p["sme_participant_id"]) == (buyer, sme)
    )


def test_a_participant_sees_its_own_wish_but_not_the_other_sides(
    client: TestClient, world: World
) -> None:
    admin, org = world.admin, world.organizer
    profile = {"organization_id": world.sme_a.org_id, "products": [{"name": "锂电池"}]}
    assert client.post("/api/v1/profiles", json=profile, headers=admin.headers).is_success
    need = {"status": "open", "title": "采购锂电池", "products": ["锂电池"]}
    assert client.post("/api/v1/needs", json=need, headers=world.firm_a.headers).is_success
    eid = open_event(client, world, slots=2)["id"]
    buyer = add(client, org, eid, world.firm_a.org_id)["id"]
    sme = add(client, org, eid, world.sme_a.org_id)["id"]
    wish(client, world.firm_a, eid, buyer, sme, "no")
    wish(client, world.sme_a, eid, sme, buyer, "must")

    as_sme = _pair(client, world.sme_a, eid, buyer, sme)
    assert (as_sme["buyer_wish"], as_sme["sme_wish"]) == (None, "must")
    as_buyer = _pair(client, world.firm_a, eid, buyer, sme)
    assert (as_buyer["buyer_wish"], as_buyer["sme_wish"]) == ("no", None)
    as_organizer = _pair(client, org, eid, buyer, sme)
    assert (as_organizer["buyer_wish"], as_organizer["sme_wish"]) == ("no", "must")
