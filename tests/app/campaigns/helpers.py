"""The campaign fixture whose report figures are counted by hand (see test_campaigns)."""

import datetime as dt
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine, delete, update

from app.models import Event, Placement
from app.platform.db import make_sessionmaker, session_scope
from tests.app.chains.helpers import make_chain, node_id
from tests.app.deals.helpers import meeting, open_deal, patch
from tests.app.events.helpers import add, open_event
from tests.app.factories import World, create_org, org_body

CAMPAIGNS = "/api/v1/campaigns"
TODAY = dt.date.today()
YEAR = TODAY.year


def _status(engine: Engine, event_id: int, status: str) -> None:
    for session in session_scope(make_sessionmaker(engine)):
        session.execute(update(Event).where(Event.id == event_id).values(status=status))


def _campaign(client: TestClient, world: World, **body: Any) -> dict[str, Any]:
    payload = {
        "name": f"{YEAR} 年广东省百场万企",
        "region_code": "440000",
        "starts_on": f"{YEAR}-01-01",
        "ends_on": f"{YEAR}-12-31",
        "target_sessions": 4,
        "target_firms": 10,
        "target_intents": 4,
        "target_signed_wan": "200",
    } | body
    r = client.post(CAMPAIGNS, json=payload, headers=world.organizer.headers)
    assert r.status_code == 201, r.text
    return dict(r.json())


def _on_node(engine: Engine, need_id: int, chain_id: int, node: int) -> None:
    """The need placed by an operator on ``node`` only."""
    for session in session_scope(make_sessionmaker(engine)):
        session.execute(delete(Placement).where(Placement.need_id == need_id))
        session.add(
            Placement(
                chain_id=chain_id, node_id=node, need_id=need_id, confidence=1.0, source="operator"
            )
        )


def build(client: TestClient, world: World, engine: Engine) -> dict[str, Any]:
    """Four sessions (two held in the period, one not held, one before it), five firms,
    three meetings (意向, 未举行, 交流了解), two deals (one signed for 120 万元 on 动力电池,
    one with a 90-day 账期), one open need on 动力电池 in 广东."""
    org = world.organizer
    chain = make_chain(client, world.admin)
    battery = node_id(chain, "动力电池")
    sme_x = create_org(client, org, org_body("sme", tier="little_giant", name="小巨人甲有限公司"))
    sme_y = create_org(
        client,
        org,
        org_body("sme", tier="innovative", region_code="440100", name="=HYPERLINK(1)创新乙公司"),
    )
    sme_z = create_org(client, org, org_body("sme", tier=None, tier_year=None, name="丙科技公司"))
    e1 = open_event(client, world, date=f"{YEAR}-03-01")["id"]
    e2 = open_event(client, world, date=f"{YEAR}-06-01")["id"]
    e3 = open_event(client, world, date=f"{YEAR}-09-01")["id"]
    e4 = open_event(client, world, date=f"{YEAR - 1}-11-01")["id"]
    p: dict[str, int] = {}
    for ev, firms in (
        (e1, {"a": world.firm_a.org_id, "sa": world.sme_a.org_id, "x": sme_x, "y": sme_y}),
        (e2, {"a": world.firm_a.org_id, "sa": world.sme_a.org_id, "z": sme_z}),
        (e4, {"a": world.firm_a.org_id, "sa": world.sme_a.org_id}),
    ):
        for key, org_id in firms.items():
            p[f"{ev}{key}"] = add(client, org, ev, org_id)["id"]
    m1 = meeting(engine, e1, p[f"{e1}a"], p[f"{e1}sa"], slot=0, outcome="intent")
    m2 = meeting(engine, e1, p[f"{e1}a"], p[f"{e1}x"], slot=1, outcome="not_held")
    m3 = meeting(engine, e2, p[f"{e2}a"], p[f"{e2}sa"], slot=0, outcome="informative")
    meeting(engine, e4, p[f"{e4}a"], p[f"{e4}sa"], slot=0, outcome="signed")
    for ev, status in ((e1, "published"), (e2, "closed"), (e4, "published")):
        _status(engine, ev, status)
    campaign = _campaign(client, world, chain_id=chain["id"])
    for ev in (e1, e2, e3, e4):
        r = client.put(f"{CAMPAIGNS}/{campaign['id']}/events/{ev}", headers=org.headers)
        assert r.status_code == 200, r.text
    need = client.post(
        "/api/v1/needs",
        json={"title": "采购动力电池", "products": ["动力电池"], "status": "open"},
        headers=world.firm_a.headers,
    )
    assert need.status_code == 201, need.text
    _on_node(engine, need.json()["id"], chain["id"], battery)
    return {
        "campaign": campaign,
        "chain": chain,
        "battery": battery,
        "events": (e1, e2, e3, e4),
        "meetings": (m1, m2, m3),
        "smes": {"x": sme_x, "y": sme_y, "z": sme_z},
    }


def _sign(
    client: TestClient, world: World, meeting_id: int, node: int, amount: str
) -> dict[str, Any]:
    deal = open_deal(client, world.sme_a, meeting_id=meeting_id, node_id=node)
    for stage in ("sample", "trial"):
        status, deal = patch(client, world.sme_a, deal, stage=stage)
        assert status == 200
    status, deal = patch(client, world.firm_a, deal, stage="signed", amount_wan=amount)
    assert status == 200, deal
    return deal
