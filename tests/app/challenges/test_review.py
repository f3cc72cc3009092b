"""Review and selection: scores per criterion by the buyer's reviewers, the comparison table
(weighted totals, quotes side by side, XLSX), threaded clarifications, selection after the
deadline → deals at 意向, every responder told, strong signals in the learning log."""

import io
from typing import Any

from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import Engine, select

from app.models import Deal, Interaction, OutboxMessage
from app.platform.db import make_sessionmaker
from tests.app.challenges.helpers import (
    CHALLENGES,
    RESPONSES,
    close,
    fields,
    need,
    profile,
    proposal,
    publish,
    respond,
    third_sme,
)
from tests.app.factories import Actor, World


def scores(client: TestClient, actor: Actor, response_id: int, *marks: int) -> int:
    body = {"scores": [{"criterion": i, "score": s} for i, s in enumerate(marks)]}
    answer = client.put(f"{RESPONSES}/{response_id}/scores", json=body, headers=actor.headers)
    return int(answer.status_code)


def test_the_comparison_weighs_the_reviewers_means_and_exports_to_xlsx(
    client: TestClient, world: World, engine: Engine
) -> None:
    sme_c = third_sme(client, world, engine)
    challenge = publish(client, world.firm_a, need(client, world.firm_a))
    cid = challenge["id"]
    a = respond(client, world.sme_a, cid, proposal(price_min_wan="80", price_max_wan="120"))
    b = respond(client, world.sme_b, cid, proposal(price_min_wan="60", price_max_wan="90"))
    c = respond(client, sme_c, cid)
    # two reviewers of the buyer: its key and the admin; criteria weigh 60 / 40
    assert scores(client, world.firm_a, a["id"], 90, 50) == 200
    assert scores(client, world.admin, a["id"], 70, 50) == 200  # means 80, 50 → 68
    assert scores(client, world.firm_a, b["id"], 60, 90) == 200  # 72
    assert scores(client, world.firm_a, b["id"], 60, 95) == 200  # re-scored: 74
    bad = client.put(
        f"{RESPONSES}/{c['id']}/scores",
        json={"scores": [{"criterion": 5, "score": 10}]},
        headers=world.firm_a.headers,
    )
    assert (bad.status_code, fields(bad.json())) == (422, ["body.scores.0.criterion"])
    over = client.put(
        f"{RESPONSES}/{c['id']}/scores",
        json={"scores": [{"criterion": 0, "score": 101}]},
        headers=world.firm_a.headers,
    )
    assert over.status_code == 422
    assert scores(client, world.organizer, a["id"], 10, 10) == 403  # the organizer reads
    assert (
        client.get(f"{RESPONSES}/{a['id']}/scores", headers=world.sme_a.headers).status_code == 403
    )

    table = client.get(f"{CHALLENGES}/{cid}/comparison", headers=world.firm_a.headers).json()
    rows = {r["response_id"]: r for r in table["rows"]}
    assert [r["response_id"] for r in table["rows"]] == [b["id"], a["id"], c["id"]]
    assert rows[a["id"]]["criterion_scores"] == [80.0, 50.0]
    assert (rows[a["id"]]["weighted_total"], rows[a["id"]]["reviewers"]) == (68.0, 2)
    assert rows[b["id"]]["weighted_total"] == 74.0
    assert rows[c["id"]]["weighted_total"] is None
    assert (rows[b["id"]]["price_min_wan"], rows[b["id"]]["price_max_wan"]) == ("60", "90")

    xlsx = client.get(f"{CHALLENGES}/{cid}/comparison.xlsx", headers=world.organizer.headers)
    assert xlsx.status_code == 200
    assert "filename*=UTF-8''" in xlsx.headers["content-disposition"]
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][:7] == (
        "响应编号",
        "企业",
        "状态",
        "入围",
        "技术方案（60%）",
        "报价（40%）",
        "加权总分",
    )
    assert [v[0] for v in values[1:]] == [b["id"], a["id"], c["id"]]
    assert values[1][6] == 74
    assert (
        client.get(f"{CHALLENGES}/{cid}/comparison.xlsx", headers=world.sme_a.headers).status_code
        == 403
    )


def test_quotes_are_compared_side_by_side_cheapest_first(
    client: TestClient, world: World, engine: Engine
) -> None:
    sme_c = third_sme(client, world, engine)
    need_id = need(client, world.firm_a, kind="supply", title="采购压力传感器")
    cid = publish(client, world.firm_a, need_id, criteria=[])["id"]
    for actor, price, lead in (
        (world.sme_a, "15", 30),
        (world.sme_b, "12.5", 45),
        (sme_c, "13", 20),
    ):
        quote = {
            "unit_price_yuan": price,
            "moq": 500,
            "lead_time_days": lead,
            "valid_until": "2027-06-30",
            "payment_term_days": 60,
            "delivery_terms": "到厂含税",
        }
        respond(client, actor, cid, {"quotation": quote})
    table = client.get(f"{CHALLENGES}/{cid}/comparison", headers=world.firm_a.headers).json()
    assert [(r["unit_price_yuan"], r["lead_time_days"]) for r in table["rows"]] == [
        ("12.5", 45),
        ("13", 20),
        ("15", 30),
    ]
    assert {r["delivery_terms"] for r in table["rows"]} == {"到厂含税"}


def test_clarifications_thread_between_the_buyer_and_the_responder_only(
    client: TestClient, world: World, engine: Engine
) -> None:
    cid = publish(client, world.firm_a, need(client, world.firm_a))["id"]
    a = respond(client, world.sme_a, cid)
    url = f"{RESPONSES}/{a['id']}/clarifications"
    asked = client.post(url, json={"body": "寿命试验按什么标准？"}, headers=world.firm_a.headers)
    assert asked.status_code == 201
    question = asked.json()
    assert question["author_side"] == "buyer"
    answer = client.post(
        url,
        json={"body": "按 GB/T 35089", "parent_id": question["id"]},
        headers=world.sme_a.headers,
    )
    assert answer.status_code == 201
    assert (answer.json()["author_side"], answer.json()["parent_id"]) == ("sme", question["id"])
    assert (
        client.post(url, json={"body": "我也想问"}, headers=world.sme_b.headers).status_code == 404
    )
    assert (
        client.post(url, json={"body": "代问"}, headers=world.organizer.headers).status_code == 403
    )
    b = respond(client, world.sme_b, cid)
    stray = client.post(
        f"{RESPONSES}/{b['id']}/clarifications",
        json={"body": "串线", "parent_id": question["id"]},
        headers=world.firm_a.headers,
    )
    assert (stray.status_code, fields(stray.json())) == (422, ["body.parent_id"])
    thread = client.get(url, headers=world.organizer.headers).json()["items"]
    assert [m["body"] for m in thread] == ["寿命试验按什么标准？", "按 GB/T 35089"]
    with make_sessionmaker(engine)() as session:
        told = session.scalars(
            select(OutboxMessage.organization_id).where(
                OutboxMessage.topic == "challenge.clarification"
            )
        ).all()
    assert sorted(o or 0 for o in told) == sorted(
        [world.sme_a.org_id or 0, world.firm_a.org_id or 0]
    )


def test_selection_opens_deals_at_intent_and_tells_every_responder(
    client: TestClient, world: World, engine: Engine
) -> None:
    sme_c = third_sme(client, world, engine)
    for actor in (world.sme_a, world.sme_b, sme_c):
        profile(client, actor, ["谐波减速器"])
    cid = publish(client, world.firm_a, need(client, world.firm_a))["id"]
    a = respond(client, world.sme_a, cid)
    b = respond(client, world.sme_b, cid)
    c = respond(client, sme_c, cid)
    url = f"{CHALLENGES}/{cid}/selection"
    early = client.post(url, json={"response_ids": [a["id"]]}, headers=world.firm_a.headers)
    assert (early.status_code, fields(early.json())) == (409, ["path.challenge_id"])
    close(engine, cid)
    assert (
        client.post(
            url, json={"response_ids": [a["id"]]}, headers=world.organizer.headers
        ).status_code
        == 403
    )
    assert (
        client.post(url, json={"response_ids": [a["id"]]}, headers=world.sme_a.headers).status_code
        == 403
    )
    stranger = client.post(url, json={"response_ids": [999]}, headers=world.firm_a.headers)
    assert (stranger.status_code, fields(stranger.json())) == (422, ["body.response_ids.0"])
    shortlisted = client.put(
        f"{RESPONSES}/{a['id']}/shortlist", json={"shortlisted": True}, headers=world.firm_a.headers
    )
    assert shortlisted.json()["shortlisted"] is True

    chosen = client.post(
        url,
        json={"response_ids": [a["id"], c["id"]], "note": "请于两周内联系"},
        headers=world.firm_a.headers,
    )
    assert chosen.status_code == 200, chosen.text
    body: dict[str, Any] = chosen.json()
    assert (body["challenge"]["status"], body["challenge"]["status_zh"]) == ("decided", "已遴选")
    assert {r["id"] for r in body["selected"]} == {a["id"], c["id"]}
    assert body["not_selected"] == [b["id"]]
    again = client.post(url, json={"response_ids": [b["id"]]}, headers=world.firm_a.headers)
    assert again.status_code == 409

    with make_sessionmaker(engine)() as session:
        deals = session.scalars(select(Deal).order_by(Deal.id)).all()
        assert [(d.sme_organization_id, d.stage) for d in deals] == [
            (world.sme_a.org_id, "intent"),
            (sme_c.org_id, "intent"),
        ]
        results = session.execute(
            select(OutboxMessage.organization_id, OutboxMessage.subject, OutboxMessage.text).where(
                OutboxMessage.topic == "challenge.result"
            )
        ).all()
        signals = session.scalars(
            select(Interaction.kind).where(Interaction.kind.like("challenge.%"))
        ).all()
    by_org = {org: (subject, text) for org, subject, text in results}
    assert set(by_org) == {world.sme_a.org_id, world.sme_b.org_id, sme_c.org_id}
    assert "入选" in by_org[world.sme_a.org_id][0]
    assert "请于两周内联系" in by_org[world.sme_a.org_id][1]
    assert "感谢您参与" in by_org[world.sme_b.org_id][1]
    assert "未能入选" in by_org[world.sme_b.org_id][1]
    assert sorted(signals) == sorted(["challenge.responded"] * 3 + ["challenge.selected"] * 2)
    # the deal is the SME's too, at 意向, and the selected response names it
    deal = client.get(f"/api/v1/deals/{deals[0].id}", headers=world.sme_a.headers).json()
    assert (deal["stage_zh"], deal["need_id"]) == ("意向", deals[0].need_id)
    read = client.get(f"{RESPONSES}/{a['id']}", headers=world.sme_a.headers).json()
    assert (read["status"], read["status_zh"], read["deal_id"]) == ("selected", "入选", deals[0].id)
    assert read["shortlisted"] is None  # the shortlist is the buyer's
    lost = client.get(f"{RESPONSES}/{b['id']}", headers=world.sme_b.headers).json()
    assert lost["status_zh"] == "未入选"
