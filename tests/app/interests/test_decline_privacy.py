"""A decline stays private to the firm that made it (issue 14, finding 5).

An organizer reading a buyer's shortlist saw ``"interest": {"buyer": "declined"}``, and one
managing an SME saw the SME's declines on its opportunities. A decline is shown to the firm
that made it (and to admins, who see everything); organizers, even one that registered the
firm, see only ``interested`` marks, as the other side does.
"""

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.app.factories import Actor, World

NEEDS = "/api/v1/needs"
PROFILES = "/api/v1/profiles"


@pytest.fixture
def declined(client: TestClient, world: World) -> dict[str, int]:
    """firm_a's open need and sme_a's profile (both registered by the organizer); each
    side declined the other."""
    body = {"organization_id": world.sme_a.org_id, "products": [{"name": "压力传感器"}]}
    profile = client.post(PROFILES, json=body, headers=world.sme_a.headers).json()["id"]
    need_body = {"title": "采购压力传感器", "products": ["压力传感器"], "status": "open"}
    need = client.post(NEEDS, json=need_body, headers=world.firm_a.headers).json()["id"]
    mark = {"value": "declined"}
    url = f"{NEEDS}/{need}/candidates/{profile}/interest"
    assert client.put(url, json=mark, headers=world.firm_a.headers).status_code == 200
    url = f"{PROFILES}/{profile}/opportunities/{need}/interest"
    assert client.put(url, json=mark, headers=world.sme_a.headers).status_code == 200
    return {"need": need, "profile": profile}


def _shortlist_mark(client: TestClient, actor: Actor, ids: dict[str, int]) -> dict[str, Any]:
    response = client.get(f"{NEEDS}/{ids['need']}/shortlist", headers=actor.headers)
    assert response.status_code == 200, response.text
    entry = next(e for e in response.json()["items"] if e["profile_id"] == ids["profile"])
    return dict(entry["interest"])


def _opportunity_mark(client: TestClient, actor: Actor, ids: dict[str, int]) -> dict[str, Any]:
    response = client.get(f"{PROFILES}/{ids['profile']}/opportunities", headers=actor.headers)
    assert response.status_code == 200, response.text
    entry = next(e for e in response.json()["items"] if e["need_id"] == ids["need"])
    return dict(entry["interest"])


def test_organizers_do_not_see_a_buyers_declines_on_its_shortlist(
    client: TestClient, world: World, declined: dict[str, int]
) -> None:
    assert _shortlist_mark(client, world.firm_a, declined) == {"buyer": "declined", "sme": None}
    # the organizer registered firm_a (it manages it); the other organizer does not
    for organizer in (world.organizer, world.other_organizer):
        assert _shortlist_mark(client, organizer, declined) == {"buyer": None, "sme": None}
    assert _shortlist_mark(client, world.admin, declined) == {
        "buyer": "declined",
        "sme": "declined",
    }


def test_an_organizer_managing_an_sme_does_not_see_its_declines(
    client: TestClient, world: World, declined: dict[str, int]
) -> None:
    assert _opportunity_mark(client, world.sme_a, declined) == {"buyer": None, "sme": "declined"}
    assert _opportunity_mark(client, world.organizer, declined) == {"buyer": None, "sme": None}


def test_an_interested_mark_is_still_shown_to_organizers(
    client: TestClient, world: World, declined: dict[str, int]
) -> None:
    url = f"{NEEDS}/{declined['need']}/candidates/{declined['profile']}/interest"
    client.put(url, json={"value": "interested"}, headers=world.firm_a.headers)
    assert _shortlist_mark(client, world.organizer, declined) == {
        "buyer": "interested",
        "sme": None,
    }
