"""Console pages: the 商机 feed links a need's open challenge; pages show each side what the
API lets it see."""

from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.app.challenges.helpers import need, profile, publish, respond
from tests.app.factories import World
from tests.app.web.helpers import browser


def test_the_opportunity_feed_links_an_open_challenge(
    client: TestClient, world: World, app: FastAPI
) -> None:
    profile_id = profile(client, world.sme_a, ["谐波减速器"])
    need_id = need(client, world.firm_a)
    app.state.matching.build()  # the tests restart ids below what the shared index has read
    sme = browser(client, world.sme_a)
    before = sme.get(f"/profiles/{profile_id}/opportunities")
    assert before.status_code == 200
    assert f"/needs/{need_id}" in before.text
    assert "去揭榜" not in before.text
    challenge = publish(client, world.firm_a, need_id)
    after = sme.get(f"/profiles/{profile_id}/opportunities")
    assert f'href="/challenges/{challenge["id"]}"' in after.text


def test_each_side_sees_its_own_page(client: TestClient, world: World) -> None:
    challenge = publish(client, world.firm_a, need(client, world.firm_a))
    mine = respond(client, world.sme_a, challenge["id"])
    buyer = browser(client, world.firm_a).get(f"/challenges/{challenge['id']}")
    assert 'table class="comparison"' in buyer.text
    assert f'data-response="{mine["id"]}"' in buyer.text
    organizer = browser(client, world.organizer).get(f"/challenges/{challenge['id']}")
    assert 'table class="comparison"' in organizer.text
    assert "/shortlist" not in organizer.text  # the organizer reads; the buyer decides
    assert f'action="/responses/{mine["id"]}/shortlist"' in buyer.text
    sme_a = browser(client, world.sme_a).get(f"/challenges/{challenge['id']}")
    assert 'id="mine"' in sme_a.text
    assert 'table class="comparison"' not in sme_a.text
    sme_b = browser(client, world.sme_b)
    page = sme_b.get(f"/challenges/{challenge['id']}")
    assert 'id="terms"' in page.text
    assert mine["proposal"]["summary"] not in page.text
    assert sme_b.get(f"/responses/{mine['id']}").status_code == 404
