"""A console page ranks as the API does: the same service call, in the same turns
(``Settings.ranking_concurrency``), so pages cannot run rankings beyond the limit."""

from fastapi.testclient import TestClient
from prometheus_client import REGISTRY

from tests.app.factories import World
from tests.app.web.helpers import browser


def _turns_taken() -> float:
    """How many rankings have waited for a turn (the ranking-wait histogram's count)."""
    for metric in REGISTRY.collect():
        for sample in metric.samples:
            if sample.name == "xieshou_ranking_wait_seconds_count":
                return sample.value
    raise AssertionError("no ranking wait histogram")


def test_the_need_page_and_the_opportunities_page_rank_in_turn(
    client: TestClient, world: World
) -> None:
    body = {"organization_id": world.sme_a.org_id, "products": [{"name": "压力传感器"}]}
    made = client.post("/api/v1/profiles", json=body, headers=world.sme_a.headers)
    assert made.is_success, made.text
    profile_id = made.json()["id"]
    firm = browser(client, world.firm_a)
    posted = firm.post(
        "/needs/new", {"title": "采购压力传感器", "products": "压力传感器", "status": "open"}
    )
    assert posted.status_code == 303, posted.text
    need_page = posted.headers["location"]
    need_id = int(need_page.split("/")[2])

    before = _turns_taken()
    page = firm.get(need_page)
    assert page.status_code == 200
    assert _turns_taken() == before + 1
    api = client.get(f"/api/v1/needs/{need_id}/shortlist", headers=world.firm_a.headers)
    assert api.status_code == 200
    assert _turns_taken() == before + 2

    sme = browser(client, world.sme_a)  # its dashboard shows its top opportunities: in turn too
    signed_in = _turns_taken()
    assert signed_in in (before + 2, before + 3)
    assert sme.get(f"/profiles/{profile_id}/opportunities").status_code == 200
    assert _turns_taken() == signed_in + 1
