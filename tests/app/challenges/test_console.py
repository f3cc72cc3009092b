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


def test_the_buyer_invites_from_the_needs_shortlist(
    client: TestClient, world: World, app: FastAPI
) -> None:
    profile(client, world.sme_a, ["谐波减速器"])
    profile(client, world.sme_b, ["谐波减速器", "精密齿轮"])
    need_id = need(client, world.firm_a)
    app.state.matching.build()  # the tests restart ids below what the shared index has read
    buyer = browser(client, world.firm_a)
    form = buyer.get(f"/needs/{need_id}/challenge")
    assert f'name="invite" value="{world.sme_a.org_id}"' in form.text
    assert f'name="invite" value="{world.sme_b.org_id}"' in form.text
    posted = buyer.post(
        f"/needs/{need_id}/challenge",
        {
            "response_deadline": "2099-01-01T09:00",
            "criteria": "技术方案：60\n报价：40",
            "access": "invited",
            "invite": [str(world.sme_b.org_id)],
        },
    )
    assert posted.status_code == 303, posted.text
    challenge_id = int(posted.headers["location"].split("/challenges/")[1].split("?")[0])
    read = client.get(f"/api/v1/challenges/{challenge_id}", headers=world.firm_a.headers).json()
    assert (read["access"], read["invited_organization_ids"]) == ("invited", [world.sme_b.org_id])
    assert read["response_deadline"].startswith("2099-01-01T01:00")  # 北京时间 09:00
    assert (
        client.get(f"/api/v1/challenges/{challenge_id}", headers=world.sme_a.headers).status_code
        == 404
    )
