"""Challenges (榜单 / 询价) over HTTP: publishing rules, the recorded click-through, responses
and quotations, revisions kept, withdrawal before the deadline, and who sees what."""

import datetime as dt
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from app.models import AuditEntry, Interaction, OutboxMessage, TermsAcceptance
from app.platform.db import make_sessionmaker
from tests.app.challenges import files
from tests.app.challenges.helpers import (
    CHALLENGES,
    RESPONSES,
    accept,
    challenge_body,
    close,
    fields,
    need,
    profile,
    proposal,
    publish,
    respond,
    third_sme,
)
from tests.app.factories import World


def test_a_challenge_is_published_on_an_open_need_with_weights_adding_to_100(
    client: TestClient, world: World
) -> None:
    need_id = need(client, world.firm_a)
    url = f"/api/v1/needs/{need_id}/challenge"
    bad_weights = challenge_body(criteria=[{"name": "技术方案", "weight": 60}])
    response = client.post(url, json=bad_weights, headers=world.firm_a.headers)
    assert (response.status_code, fields(response.json())) == (422, ["body.criteria"])
    past = challenge_body(response_deadline="2020-01-01T00:00:00Z")
    response = client.post(url, json=past, headers=world.firm_a.headers)
    assert (response.status_code, fields(response.json())) == (422, ["body.response_deadline"])
    inverted = challenge_body(budget_min_wan="300")
    assert client.post(url, json=inverted, headers=world.firm_a.headers).status_code == 422
    invited_firm = challenge_body(access="invited", invited_organization_ids=[world.firm_b.org_id])
    response = client.post(url, json=invited_firm, headers=world.firm_a.headers)
    assert fields(response.json()) == ["body.invited_organization_ids"]
    assert client.post(url, json=challenge_body(), headers=world.sme_a.headers).status_code == 403
    assert client.post(url, json=challenge_body(), headers=world.firm_b.headers).status_code == 403
    assert client.get(CHALLENGES, headers=world.firm_a.headers).json()["total"] == 0

    challenge = publish(client, world.firm_a, need_id)
    assert (challenge["kind"], challenge["kind_zh"], challenge["status"]) == (
        "proposal",
        "揭榜挂帅",
        "open",
    )
    assert challenge["accepting"] is True
    assert challenge["budget_max_wan"] == "200"
    assert [c["weight"] for c in challenge["criteria"]] == [60, 40]
    assert challenge["responses"] == 0
    again = client.post(url, json=challenge_body(), headers=world.firm_a.headers)
    assert (again.status_code, fields(again.json())) == (409, ["path.need_id"])
    draft = need(client, world.firm_a, status="draft")
    response = client.post(
        f"/api/v1/needs/{draft}/challenge", json=challenge_body(), headers=world.firm_a.headers
    )
    assert response.status_code == 409


def test_an_sme_responds_only_after_the_recorded_click_through(
    client: TestClient, world: World, engine: Engine
) -> None:
    challenge = publish(client, world.firm_a, need(client, world.firm_a))
    url = f"{CHALLENGES}/{challenge['id']}/responses"
    response = client.post(url, json=proposal(), headers=world.sme_a.headers)
    assert (response.status_code, fields(response.json())) == (409, ["body.terms_version"])
    assert accept(client, world.sme_a, challenge["id"], version=2) == 409
    assert accept(client, world.firm_b, challenge["id"]) == 404  # cannot see it
    assert accept(client, world.firm_a, challenge["id"]) == 403  # the buyer is no SME
    assert accept(client, world.sme_a, challenge["id"]) == 200
    with make_sessionmaker(engine)() as session:
        [row] = session.scalars(select(TermsAcceptance)).all()
        assert (row.organization_id, row.terms_version) == (world.sme_a.org_id, 1)
        assert abs((dt.datetime.now(dt.UTC) - row.accepted_at).total_seconds()) < 60
    read = client.get(f"{CHALLENGES}/{challenge['id']}", headers=world.sme_a.headers).json()
    assert read["terms_accepted_version"] == 1
    assert read["responses"] is None  # counts are for the buyer's side

    quote = {
        "quotation": {
            "unit_price_yuan": "12.5",
            "moq": 100,
            "lead_time_days": 30,
            "valid_until": "2027-06-30",
        }
    }
    wrong = client.post(url, json=quote, headers=world.sme_a.headers)
    assert (wrong.status_code, fields(wrong.json())) == (422, ["body.proposal"])
    empty = client.post(url, json=proposal(summary=""), headers=world.sme_a.headers)
    assert empty.status_code == 422
    created = client.post(url, json=proposal(), headers=world.sme_a.headers)
    assert created.status_code == 201, created.text
    body = created.json()
    assert (body["status"], body["revision"]) == ("submitted", 1)
    assert body["proposal"]["price_max_wan"] == "120"
    twice = client.post(url, json=proposal(), headers=world.sme_a.headers)
    assert twice.status_code == 409
    with make_sessionmaker(engine)() as session:
        kinds = session.scalars(select(Interaction.kind)).all()
        assert "challenge.responded" in kinds
        topics = session.scalars(select(OutboxMessage.topic)).all()
        assert "challenge.response" in topics  # the buyer is told


def test_revisions_are_kept_and_withdrawal_works_only_before_the_deadline(
    client: TestClient, world: World, engine: Engine
) -> None:
    challenge = publish(client, world.firm_a, need(client, world.firm_a))
    mine = respond(client, world.sme_a, challenge["id"])
    url = f"{RESPONSES}/{mine['id']}"
    revised = client.put(
        url, json=proposal(price_max_wan="100") | {"note": "降价"}, headers=world.sme_a.headers
    )
    assert revised.status_code == 200, revised.text
    body = revised.json()
    assert body["revision"] == 2
    assert [r["proposal"]["price_max_wan"] for r in body["revisions"]] == ["120", "100"]
    assert body["revisions"][1]["note"] == "降价"
    assert client.put(url, json=proposal(), headers=world.firm_a.headers).status_code == 403
    assert client.put(url, json=proposal(), headers=world.sme_b.headers).status_code == 404

    withdrawn = client.post(f"{url}/withdrawal", headers=world.sme_a.headers)
    assert withdrawn.json()["status"] == "withdrawn"
    assert client.put(url, json=proposal(), headers=world.sme_a.headers).status_code == 409
    again = client.post(
        f"{CHALLENGES}/{challenge['id']}/responses", json=proposal(), headers=world.sme_a.headers
    )
    assert again.status_code == 201
    assert (again.json()["id"], again.json()["revision"]) == (mine["id"], 3)

    close(engine, challenge["id"])
    late = client.put(url, json=proposal(), headers=world.sme_a.headers)
    assert (late.status_code, fields(late.json())) == (409, ["path.challenge_id"])
    assert client.post(f"{url}/withdrawal", headers=world.sme_a.headers).status_code == 409
    other = client.post(
        f"{CHALLENGES}/{challenge['id']}/terms-acceptance",
        json={"terms_version": 1},
        headers=world.sme_b.headers,
    )
    assert other.status_code == 200
    late_new = client.post(
        f"{CHALLENGES}/{challenge['id']}/responses", json=proposal(), headers=world.sme_b.headers
    )
    assert late_new.status_code == 409


def test_a_supply_need_takes_quotations(client: TestClient, world: World) -> None:
    need_id = need(
        client, world.firm_a, kind="supply", title="采购压力传感器", products=["压力传感器"]
    )
    challenge = publish(client, world.firm_a, need_id, criteria=[])
    assert (challenge["kind"], challenge["kind_zh"]) == ("quotation", "询价")
    quote = {
        "quotation": {
            "unit_price_yuan": "12.50",
            "price_unit": "只",
            "moq": 1000,
            "lead_time_days": 21,
            "valid_until": "2027-06-30",
            "payment_term_days": 60,
            "delivery_terms": "到厂价含税",
        }
    }
    body = respond(client, world.sme_a, challenge["id"], quote)
    assert body["quotation"]["unit_price_yuan"] == "12.50"
    assert body["quotation"]["moq"] == 1000
    bad = {"quotation": quote["quotation"] | {"moq": 0}}
    assert accept(client, world.sme_b, challenge["id"]) == 200
    response = client.post(
        f"{CHALLENGES}/{challenge['id']}/responses", json=bad, headers=world.sme_b.headers
    )
    assert (response.status_code, fields(response.json())) == (422, ["body.quotation.moq"])


# -- who sees what --------------------------------------------------------------------------


@pytest.fixture
def filed(client: TestClient, world: World) -> dict[str, Any]:
    """firm_a's challenge (firm_a registered by the organizer) with sme_a's response."""
    challenge = publish(client, world.firm_a, need(client, world.firm_a))
    response = respond(client, world.sme_a, challenge["id"])
    return {"challenge": challenge, "response": response}


@pytest.mark.parametrize(
    ("who", "challenge", "response", "listed", "comparison"),
    [
        ("admin", 200, 200, 1, 200),
        ("firm_a", 200, 200, 1, 200),  # the buyer
        ("organizer", 200, 200, 1, 200),  # manages the buyer
        ("sme_a", 200, 200, 1, 403),  # the responder: its own only
        ("sme_b", 200, 404, 0, 403),  # another SME sees the open challenge, never a response
        ("firm_b", 404, 404, 0, 404),  # another large firm
        ("other_organizer", 404, 404, 0, 404),  # does not manage the buyer
    ],
)
def test_responses_are_seen_by_the_sme_the_buyer_and_its_organizer_only(
    client: TestClient,
    world: World,
    filed: dict[str, Any],
    who: str,
    challenge: int,
    response: int,
    listed: int,
    comparison: int,
) -> None:
    actor = getattr(world, who)
    cid, rid = filed["challenge"]["id"], filed["response"]["id"]
    assert client.get(f"{CHALLENGES}/{cid}", headers=actor.headers).status_code == challenge
    assert client.get(f"{RESPONSES}/{rid}", headers=actor.headers).status_code == response
    answer = client.get(f"{CHALLENGES}/{cid}/responses", headers=actor.headers)
    if challenge == 200:
        assert answer.json()["total"] == listed
    else:
        assert answer.status_code == 404
    assert client.get(f"{CHALLENGES}/{cid}/comparison", headers=actor.headers).status_code == (
        comparison
    )
    for path in ("scores", "clarifications"):
        got = client.get(f"{RESPONSES}/{rid}/{path}", headers=actor.headers).status_code
        if response == 404:
            assert got == 404
    # writes by the buyer's side only (the organizer reads)
    scored = client.put(
        f"{RESPONSES}/{rid}/scores",
        json={"scores": [{"criterion": 0, "score": 80}]},
        headers=actor.headers,
    ).status_code
    assert scored == {"admin": 200, "firm_a": 200}.get(who, 403 if response == 200 else 404)


WRITES = ("revise", "withdraw", "attach", "shortlist", "ask", "download")


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        # revise, withdraw, attach (the SME's own); shortlist, ask (the buyer's); download
        ("admin", (200, 200, 201, 200, 201, 200)),
        ("firm_a", (403, 403, 403, 200, 201, 200)),
        ("organizer", (403, 403, 403, 403, 403, 200)),
        ("sme_a", (200, 200, 201, 403, 201, 200)),
        ("sme_b", (404, 404, 404, 404, 404, 404)),
        ("firm_b", (404, 404, 404, 404, 404, 404)),
        ("other_organizer", (404, 404, 404, 404, 404, 404)),
    ],
)
def test_every_write_on_a_response_is_for_its_own_side_only(
    client: TestClient,
    world: World,
    filed: dict[str, Any],
    who: str,
    expected: tuple[int, ...],
) -> None:
    rid = filed["response"]["id"]
    upload = client.post(
        f"{RESPONSES}/{rid}/attachments",
        files={"file": ("方案.pdf", files.pdf(), "application/pdf")},
        headers=world.sme_a.headers,
    )
    assert upload.status_code == 201
    actor = getattr(world, who)
    got = {
        "revise": client.put(f"{RESPONSES}/{rid}", json=proposal(), headers=actor.headers),
        "attach": client.post(
            f"{RESPONSES}/{rid}/attachments",
            files={"file": ("附件.pdf", files.pdf(), "application/pdf")},
            headers=actor.headers,
        ),
        "shortlist": client.put(
            f"{RESPONSES}/{rid}/shortlist", json={"shortlisted": True}, headers=actor.headers
        ),
        "ask": client.post(
            f"{RESPONSES}/{rid}/clarifications", json={"body": "请说明"}, headers=actor.headers
        ),
        "download": client.get(upload.json()["url"], headers=actor.headers),
        "withdraw": client.post(f"{RESPONSES}/{rid}/withdrawal", headers=actor.headers),
    }
    assert tuple(got[w].status_code for w in WRITES) == expected


def test_an_invited_challenge_is_seen_and_answered_by_the_invited_only(
    client: TestClient, world: World, engine: Engine
) -> None:
    sme_c = third_sme(client, world, engine)
    challenge = publish(
        client,
        world.firm_a,
        need(client, world.firm_a),
        access="invited",
        invited_organization_ids=[world.sme_a.org_id, sme_c.org_id],
    )
    assert challenge["invited_organization_ids"] == sorted(
        [world.sme_a.org_id or 0, sme_c.org_id or 0]
    )
    cid = challenge["id"]
    assert client.get(f"{CHALLENGES}/{cid}", headers=world.sme_b.headers).status_code == 404
    assert client.get(CHALLENGES, headers=world.sme_b.headers).json()["total"] == 0
    seen = client.get(f"{CHALLENGES}/{cid}", headers=sme_c.headers).json()
    assert seen["invited_organization_ids"] is None  # the list is the buyer's
    respond(client, sme_c, cid)
    with make_sessionmaker(engine)() as session:
        told = set(
            session.scalars(
                select(OutboxMessage.organization_id).where(
                    OutboxMessage.topic == "challenge.published"
                )
            )
        )
        audited = session.scalars(select(AuditEntry.action)).all()
    assert "challenge.publish" in audited
    assert told <= {world.sme_a.org_id, sme_c.org_id}


def test_a_published_challenge_is_pushed_to_the_fitting_smes(
    client: TestClient, world: World, engine: Engine, app: FastAPI
) -> None:
    profile(client, world.sme_a, ["谐波减速器", "精密齿轮"])
    profile(client, world.sme_b, ["注塑模具"])
    need_id = need(client, world.firm_a)
    # The tests empty the tables, so change-log ids start again below what the shared app's
    # index has read; build it afresh (a real database never goes back).
    app.state.matching.build()
    publish(client, world.firm_a, need_id)
    with make_sessionmaker(engine)() as session:
        rows = session.scalars(
            select(OutboxMessage).where(OutboxMessage.topic == "challenge.published")
        ).all()
    told = {r.organization_id for r in rows}
    assert world.sme_a.org_id in told
    assert world.sme_b.org_id not in told
    assert any("谐波减速器寿命攻关" in r.subject for r in rows)


def test_a_deadline_given_in_beijing_time_is_kept_as_the_same_instant(
    client: TestClient, world: World
) -> None:
    """Regression: SQLite kept the wall time of a +08:00 deadline and dropped the offset."""
    body = publish(
        client,
        world.firm_a,
        need(client, world.firm_a),
        response_deadline="2099-01-01T09:00:00+08:00",
    )
    assert body["response_deadline"] in ("2099-01-01T01:00:00Z", "2099-01-01T01:00:00+00:00")
