"""Deals over HTTP: stages one step at a time, history, If-Match, 账期 flag, who sees what,
mutual interest, follow-ups (待跟进) and meeting ratings."""

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from app.models import AuditEntry, OutboxMessage
from tests.app.deals.helpers import DEALS, age, met, open_deal, patch
from tests.app.factories import World


def _field(body: dict[str, Any]) -> list[str]:
    return [e["field"] for e in body.get("errors", [])]


def test_a_deal_moves_one_stage_at_a_time_and_keeps_its_history(
    client: TestClient, world: World, engine: Engine
) -> None:
    m = met(client, world, engine)
    deal = open_deal(client, world.sme_a, meeting_id=m.meeting_id, title="谐波减速器配套")
    assert (deal["stage"], deal["stage_zh"], deal["event_id"]) == ("intent", "意向", m.event_id)
    assert deal["buyer_organization_id"] == world.firm_a.org_id
    assert [h["to_stage"] for h in deal["history"]] == ["intent"]

    no_version = client.patch(
        f"{DEALS}/{deal['id']}", json={"stage": "sample"}, headers=world.sme_a.headers
    )
    assert no_version.status_code == 428
    status, body = patch(client, world.sme_a, deal, stage="signed", amount_wan="10")
    assert status == 409
    assert _field(body) == ["body.stage"]
    assert (
        client.get(f"{DEALS}/{deal['id']}", headers=world.sme_a.headers).json()["version"]
        == deal["version"]
    )

    status, deal = patch(client, world.firm_a, deal, stage="sample", note="寄样 3 件")
    assert status == 200
    assert deal["stage"] == "sample"
    status, _stale = patch(
        client, world.sme_a, {**deal, "version": deal["version"] - 1}, stage="trial"
    )
    assert status == 412
    status, deal = patch(client, world.sme_a, deal, stage="trial")
    assert status == 200
    status, body = patch(client, world.sme_a, deal, stage="signed")
    assert status == 422
    assert _field(body) == ["body.amount_wan"]
    status, deal = patch(client, world.sme_a, deal, stage="signed", amount_wan="120.5")
    assert status == 200
    assert (deal["stage"], deal["amount_wan"], deal["signed_on"]) == (
        "signed",
        "120.5",
        dt.date.today().isoformat(),
    )
    status, body = patch(client, world.sme_a, deal, stage="intent")
    assert status == 409
    assert _field(body) == ["body.stage"]
    status, body = patch(client, world.sme_a, deal, stage="ended")
    assert status == 422
    assert _field(body) == ["body.end_reason"]
    status, deal = patch(client, world.firm_a, deal, stage="ended", end_reason="价格未谈拢")
    assert status == 200
    assert deal["end_reason"] == "价格未谈拢"
    status, body = patch(client, world.sme_a, deal, stage="supplying")
    assert status == 409
    assert _field(body) == ["body.stage"]

    history = deal["history"]
    assert [(h["from_stage"], h["to_stage"]) for h in history] == [
        (None, "intent"),
        ("intent", "sample"),
        ("sample", "trial"),
        ("trial", "signed"),
        ("signed", "ended"),
    ]
    assert [h["by_organization_id"] for h in history] == [
        world.sme_a.org_id,
        world.firm_a.org_id,
        world.sme_a.org_id,
        world.sme_a.org_id,
        world.firm_a.org_id,
    ]
    assert history[1]["note"] == "寄样 3 件"


def test_a_meeting_opens_one_deal_and_only_between_its_firms(
    client: TestClient, world: World, engine: Engine
) -> None:
    m = met(client, world, engine)
    assert (
        client.post(
            DEALS, json={"meeting_id": m.meeting_id}, headers=world.sme_b.headers
        ).status_code
        == 403
    )
    assert (
        client.post(
            DEALS, json={"meeting_id": m.meeting_id}, headers=world.organizer.headers
        ).status_code
        == 403
    )
    missing = client.post(DEALS, json={}, headers=world.sme_a.headers)
    assert missing.status_code == 422
    assert _field(missing.json()) == ["body.meeting_id"]
    bad = client.post(
        DEALS,
        json={"meeting_id": m.meeting_id, "payment_term_days": -1},
        headers=world.sme_a.headers,
    )
    assert bad.status_code == 422
    assert _field(bad.json()) == ["body.payment_term_days"]
    open_deal(client, world.firm_a, meeting_id=m.meeting_id)
    again = client.post(DEALS, json={"meeting_id": m.meeting_id}, headers=world.sme_a.headers)
    assert again.status_code == 409


@pytest.fixture
def limit_90(app: FastAPI) -> Iterator[None]:
    """The app configured with XIESHOU_PAYMENT_TERM_LIMIT_DAYS=90."""
    before = app.state.settings
    app.state.settings = before.model_copy(update={"payment_term_limit_days": 90})
    yield
    app.state.settings = before


def test_a_payment_term_over_60_days_is_flagged_to_the_sme(
    client: TestClient, world: World, engine: Engine
) -> None:
    m = met(client, world, engine)
    deal = open_deal(client, world.firm_a, meeting_id=m.meeting_id, payment_term_days=60)
    assert (deal["payment_term_over_limit"], deal["payment_term_limit_days"]) == (False, 60)
    status, deal = patch(client, world.firm_a, deal, payment_term_days=61)
    assert status == 200
    assert deal["payment_term_over_limit"] is True
    seen_by_sme = client.get(f"{DEALS}/{deal['id']}", headers=world.sme_a.headers).json()
    assert seen_by_sme["payment_term_over_limit"] is True
    with engine.connect() as conn:
        flagged = (
            conn.execute(
                select(AuditEntry.entity_id).where(
                    AuditEntry.action == "deal.payment_term_over_limit"
                )
            )
            .scalars()
            .all()
        )
        notes = conn.execute(select(OutboxMessage.organization_id, OutboxMessage.topic)).all()
    assert flagged == [deal["id"]]
    assert (world.sme_a.org_id, "deal.payment_term") in [tuple(n) for n in notes]


def test_the_payment_term_limit_is_a_setting(
    client: TestClient, world: World, engine: Engine, limit_90: None
) -> None:
    m = met(client, world, engine)
    deal = open_deal(client, world.firm_a, meeting_id=m.meeting_id, payment_term_days=61)
    assert (deal["payment_term_over_limit"], deal["payment_term_limit_days"]) == (False, 90)
    _status, deal = patch(client, world.firm_a, deal, payment_term_days=91)
    assert deal["payment_term_over_limit"] is True


def test_only_the_two_firms_the_organizer_and_admins_see_a_deal(
    client: TestClient, world: World, engine: Engine
) -> None:
    m = met(client, world, engine)
    deal = open_deal(client, world.sme_a, meeting_id=m.meeting_id)
    url = f"{DEALS}/{deal['id']}"
    for reader in (world.sme_a, world.firm_a, world.organizer, world.admin):
        assert client.get(url, headers=reader.headers).status_code == 200
        listed = client.get(DEALS, headers=reader.headers).json()
        assert [d["id"] for d in listed["items"]] == [deal["id"]]
    for outsider in (world.sme_b, world.firm_b, world.other_organizer):
        assert client.get(url, headers=outsider.headers).status_code == 404
        assert client.get(DEALS, headers=outsider.headers).json()["total"] == 0
        status, _ = patch(client, outsider, deal, title="改")
        assert status == 404
    status, _ = patch(client, world.organizer, deal, title="改")
    assert status == 403
    assert client.get(url).status_code == 401
    status, changed = patch(client, world.admin, deal, title="平台更正")
    assert status == 200
    assert changed["title"] == "平台更正"


def test_a_mutual_interest_opens_a_deal_on_the_needs_chain_node(
    client: TestClient, world: World
) -> None:
    profile = client.post(
        "/api/v1/profiles",
        json={"organization_id": world.sme_b.org_id, "products": [{"name": "压力传感器"}]},
        headers=world.sme_b.headers,
    ).json()["id"]
    need = client.post(
        "/api/v1/needs",
        json={"title": "采购压力传感器", "products": ["压力传感器"], "status": "open"},
        headers=world.firm_b.headers,
    ).json()["id"]
    body = {"need_id": need, "profile_id": profile}
    early = client.post(DEALS, json=body, headers=world.firm_b.headers)
    assert early.status_code == 409
    assert _field(early.json()) == ["body.need_id"]
    buyer = f"/api/v1/needs/{need}/candidates/{profile}/interest"
    sme = f"/api/v1/profiles/{profile}/opportunities/{need}/interest"
    assert (
        client.put(buyer, json={"value": "interested"}, headers=world.firm_b.headers).status_code
        == 200
    )
    assert (
        client.put(sme, json={"value": "interested"}, headers=world.sme_b.headers).status_code
        == 200
    )
    assert client.post(DEALS, json=body, headers=world.sme_a.headers).status_code == 403
    deal = open_deal(client, world.firm_b, **body)
    assert (deal["need_id"], deal["sme_organization_id"], deal["event_id"]) == (
        need,
        world.sme_b.org_id,
        None,
    )
    assert client.get(f"{DEALS}/{deal['id']}", headers=world.organizer.headers).status_code == 404


def test_an_idle_deal_is_due_a_follow_up_at_30_and_90_days(
    client: TestClient, world: World, engine: Engine
) -> None:
    m = met(client, world, engine)
    deal = open_deal(client, world.sme_a, meeting_id=m.meeting_id)
    assert deal["follow_up_due"] is None
    assert client.get(f"{DEALS}/follow-ups", headers=world.sme_a.headers).json()["items"] == []
    age(engine, deal["id"], 30)
    due = client.get(f"{DEALS}/follow-ups", headers=world.sme_a.headers).json()["items"]
    assert [(d["id"], d["follow_up_due"]) for d in due] == [(deal["id"], 30)]
    assert (
        client.get(f"{DEALS}?follow_up=true", headers=world.organizer.headers).json()["total"] == 1
    )
    assert client.get(f"{DEALS}/follow-ups", headers=world.sme_b.headers).json()["items"] == []
    age(engine, deal["id"], 90)
    due = client.get(f"{DEALS}/follow-ups", headers=world.firm_a.headers).json()["items"]
    assert [d["follow_up_due"] for d in due] == [90]
    fresh = client.get(f"{DEALS}/{deal['id']}", headers=world.sme_a.headers).json()
    status, moved = patch(client, world.sme_a, fresh, stage="sample")
    assert status == 200
    assert moved["follow_up_due"] is None


def test_ratings_are_private_to_the_organizer(
    client: TestClient, world: World, engine: Engine
) -> None:
    m = met(client, world, engine)
    url = f"/api/v1/meetings/{m.meeting_id}/rating"
    put = client.put(
        url, json={"useful": True, "comment": "对方技术扎实"}, headers=world.sme_a.headers
    )
    assert put.status_code == 200, put.text
    assert client.put(url, json={"useful": False}, headers=world.firm_a.headers).status_code == 200
    assert client.put(url, json={"useful": True}, headers=world.sme_b.headers).status_code == 404
    bad = client.put(url, json={"useful": "maybe"}, headers=world.sme_a.headers)
    assert bad.status_code == 422
    assert _field(bad.json()) == ["body.useful"]
    own = client.get(url, headers=world.firm_a.headers).json()
    assert (own["organization_id"], own["useful"], own["comment"]) == (
        world.firm_a.org_id,
        False,
        "",
    )
    assert client.get(url, headers=world.sme_b.headers).status_code == 404
    listing = f"/api/v1/events/{m.event_id}/ratings"
    rows = client.get(listing, headers=world.organizer.headers).json()["items"]
    assert {(r["organization_id"], r["useful"], r["comment"]) for r in rows} == {
        (world.sme_a.org_id, True, "对方技术扎实"),
        (world.firm_a.org_id, False, ""),
    }
    for outsider in (world.sme_a, world.firm_a, world.other_organizer):
        assert client.get(listing, headers=outsider.headers).status_code in (403, 404)


def test_the_periodic_pass_prompts_both_firms_once(
    client: TestClient, world: World, engine: Engine
) -> None:
    from app.deals.notices import follow_up_pass
    from app.platform.db import make_sessionmaker, session_scope

    m = met(client, world, engine)
    deal = open_deal(client, world.sme_a, meeting_id=m.meeting_id)
    age(engine, deal["id"], 31)
    today = dt.date.today()
    for _ in range(2):
        for session in session_scope(make_sessionmaker(engine)):
            assert follow_up_pass(session, today) == 1
    with engine.connect() as conn:
        rows = (
            conn.execute(
                select(OutboxMessage.organization_id).where(OutboxMessage.topic == "deal.follow_up")
            )
            .scalars()
            .all()
        )
    assert sorted(r or 0 for r in rows) == sorted(
        [world.sme_a.org_id or 0, world.firm_a.org_id or 0]
    )


def test_the_command_line_runs_the_follow_up_pass(
    client: TestClient,
    world: World,
    engine: Engine,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from app.platform.settings import get_settings
    from tests.app.cli_in_process import run_cli

    m = met(client, world, engine)
    deal = open_deal(client, world.sme_a, meeting_id=m.meeting_id)
    age(engine, deal["id"], 95)
    monkeypatch.setenv("XIESHOU_DATABASE_URL", database_url)
    get_settings.cache_clear()
    try:
        assert run_cli(["deals", "follow-ups"]) == 0
    finally:
        get_settings.cache_clear()
    assert "1 笔交易" in capsys.readouterr().out
    with engine.connect() as conn:
        texts = (
            conn.execute(
                select(OutboxMessage.subject).where(OutboxMessage.topic == "deal.follow_up")
            )
            .scalars()
            .all()
        )
    assert len(texts) == 2
    assert all("90 天未更新" in t for t in texts)


def test_deal_and_campaign_errors_are_chinese_by_default_and_english_on_request(
    client: TestClient, world: World
) -> None:
    english = {"Accept-Language": "en"}
    for url, actor in (
        (f"{DEALS}/424242", world.firm_a),
        ("/api/v1/campaigns/424242", world.organizer),
        ("/api/v1/meetings/424242/rating", world.firm_a),
    ):
        zh = client.get(url, headers=actor.headers)
        en = client.get(url, headers=actor.headers | english)
        assert zh.status_code == en.status_code == 404, url
        assert re.search(r"[\u4e00-\u9fff]", zh.json()["detail"]), url
        assert en.json()["detail"].isascii(), url
        assert "424242" in zh.json()["detail"]


def test_the_senders_periodic_pass_prompts_idle_deals_without_a_cron(
    client: TestClient, world: World, engine: Engine
) -> None:
    """The follow-ups go out from the workers' periodic pass (as reminders do), not only from
    ``xieshou deals follow-ups`` run by a cron nobody set up."""
    from app.notifications.triggers import run_periodic
    from app.platform.db import make_sessionmaker
    from app.platform.settings import Settings

    m = met(client, world, engine)
    deal = open_deal(client, world.sme_a, meeting_id=m.meeting_id)
    age(engine, deal["id"], 31)
    sessions = make_sessionmaker(engine)
    for _ in range(2):
        run_periodic(sessions, Settings(), None, force=True)
    with engine.connect() as conn:
        prompted = conn.execute(
            select(OutboxMessage.organization_id).where(OutboxMessage.topic == "deal.follow_up")
        ).scalars()
        assert sorted(r or 0 for r in prompted) == sorted(
            [world.sme_a.org_id or 0, world.firm_a.org_id or 0]
        )
