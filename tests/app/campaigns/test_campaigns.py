"""Campaigns: who runs them, and a report on a built fixture whose figures are counted by hand;
its XLSX (sheets, headers, 合计 rows, formulas made literal) and CSV; the no-show history; the
weak-link gap closing after a signed deal."""

import csv
import datetime as dt
import io
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import Engine, delete, update

from app.db import make_sessionmaker, session_scope
from app.models import Event, EventMeeting, Placement
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


@pytest.fixture
def built(client: TestClient, world: World, engine: Engine) -> dict[str, Any]:
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


def _report(client: TestClient, world: World, cid: int, **params: str) -> dict[str, Any]:
    r = client.get(f"{CAMPAIGNS}/{cid}/report", params=params, headers=world.organizer.headers)
    assert r.status_code == 200, r.text
    return dict(r.json())


def test_only_its_organizer_and_admins_run_a_campaign(client: TestClient, world: World) -> None:
    campaign = _campaign(client, world)
    url = f"{CAMPAIGNS}/{campaign['id']}"
    assert client.get(url, headers=world.admin.headers).status_code == 200
    assert client.get(url, headers=world.other_organizer.headers).status_code == 404
    assert client.get(f"{url}/report", headers=world.other_organizer.headers).status_code == 404
    for firm in (world.sme_a, world.firm_a):
        assert client.get(url, headers=firm.headers).status_code == 403
        assert client.get(f"{url}/report", headers=firm.headers).status_code == 403
        assert (
            client.post(
                CAMPAIGNS,
                json={"name": "x", "starts_on": "2026-01-01", "ends_on": "2026-02-01"},
                headers=firm.headers,
            ).status_code
            == 403
        )
    assert client.get(CAMPAIGNS, headers=world.other_organizer.headers).json() == []
    other_event = open_event(client, world)  # the organizer's: fine
    assert (
        client.put(f"{url}/events/{other_event['id']}", headers=world.organizer.headers).status_code
        == 200
    )
    theirs = client.post(
        "/api/v1/events",
        json={
            "name": "他人的洽谈会",
            "date": "2026-05-01",
            "slots": [{"start": "09:00", "end": "09:20"}],
            "meeting_minutes": 20,
        },
        headers=world.other_organizer.headers,
    ).json()
    assert (
        client.put(f"{url}/events/{theirs['id']}", headers=world.organizer.headers).status_code
        == 404
    )
    bad = client.post(
        CAMPAIGNS,
        json={"name": "x", "starts_on": "2026-02-01", "ends_on": "2026-01-01"},
        headers=world.organizer.headers,
    )
    assert bad.status_code == 422
    stale = client.patch(
        url, json={"target_firms": 5}, headers=world.organizer.headers | {"If-Match": '"9"'}
    )
    assert stale.status_code == 412
    ok = client.patch(
        url,
        json={"target_firms": 5},
        headers=world.organizer.headers | {"If-Match": f'"{campaign["version"]}"'},
    )
    assert ok.status_code == 200
    assert ok.json()["target_firms"] == 5


def test_the_report_counts_what_the_sessions_did(
    client: TestClient, world: World, built: dict[str, Any]
) -> None:
    m1, _m2, m3 = built["meetings"]
    _sign(client, world, m1, built["battery"], "120")
    open_deal(client, world.firm_a, meeting_id=m3, payment_term_days=90)
    report = _report(client, world, built["campaign"]["id"])
    t = report["totals"]
    assert (t["sessions"], t["sessions_held"]) == (3, 2)
    assert (t["firms"], t["buyers"], t["smes"]) == (5, 1, 4)
    assert (t["meetings_scheduled"], t["meetings_held"], t["no_shows"]) == (3, 2, 1)
    assert t["intents"] == 1  # one pair: firm_a × sme_a (m1 意向, both deals)
    assert (t["deals"], t["signed_deals"], t["signed_amount_wan"]) == (2, 1, "120")
    assert t["payment_terms_over_limit"] == 1
    assert {p["key"]: (p["actual"], p["share"]) for p in report["targets"]} == {
        "sessions": ("2", 0.5),
        "firms": ("5", 0.5),
        "intents": ("1", 0.25),
        "signed_amount_wan": ("120", 0.6),
    }
    stages = {s["stage"]: (s["deals"], s["amount_wan"]) for s in report["deals_by_stage"]}
    assert stages["signed"] == (1, "120")
    assert stages["intent"] == (1, "0")
    tiers = {r["key"]: r for r in report["by_tier"]}
    assert (tiers["specialized"]["meetings"], tiers["specialized"]["held"]) == (2, 2)
    assert (tiers["specialized"]["deals"], tiers["specialized"]["signed_amount_wan"]) == (2, "120")
    assert (tiers["little_giant"]["meetings"], tiers["little_giant"]["no_shows"]) == (1, 1)
    nodes = {r["name"]: r for r in report["by_node"]}
    assert nodes["动力电池"]["signed"] == 1
    assert {f["name"] for f in report["firms_without_meeting"]} == {
        "=HYPERLINK(1)创新乙公司",
        "丙科技公司",
    }
    firms = {(f["kind"], f["tier"]): f["firms"] for f in report["firms"]}
    assert firms == {
        ("large_firm", None): 1,
        ("sme", "specialized"): 1,
        ("sme", "little_giant"): 1,
        ("sme", "innovative"): 1,
        ("sme", None): 1,
    }

    spring = _report(
        client, world, built["campaign"]["id"], **{"from": f"{YEAR}-01-01", "to": f"{YEAR}-03-31"}
    )
    assert (spring["totals"]["sessions_held"], spring["totals"]["meetings_scheduled"]) == (1, 2)
    bad = client.get(
        f"{CAMPAIGNS}/{built['campaign']['id']}/report",
        params={"from": f"{YEAR}-05-01", "to": f"{YEAR}-04-01"},
        headers=world.organizer.headers,
    )
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "query.to"


def test_the_weak_link_gap_closes_after_a_signed_deal(
    client: TestClient, world: World, built: dict[str, Any]
) -> None:
    chain_url = f"/api/v1/chains/{built['chain']['id']}/weak-links"

    def battery_cell() -> dict[str, Any]:
        cells = client.get(chain_url, headers=world.organizer.headers).json()["cells"]
        return next(
            c for c in cells if c["node_id"] == built["battery"] and c["region_code"] == "440000"
        )

    before = battery_cell()
    assert (before["demand"], before["supply_weighted"], before["gap_score"]) == (1, 0.0, 1.0)
    _sign(client, world, built["meetings"][0], built["battery"], "120")
    after = battery_cell()
    assert (after["supply_contracted"], after["supply_weighted"]) == (1, 3.0)
    assert after["gap_score"] == 0.25  # 1/(1+3) · ln 2 / ln 2

    gaps = {g["node_name"]: g for g in _report(client, world, built["campaign"]["id"])["gaps"]}
    g = gaps["动力电池"]
    assert (g["gap_before"], g["gap_after"], g["closed"]) == (1.0, 0.25, True)
    assert (g["contracted_before"], g["contracted_after"]) == (0, 1)
    before_today = _report(
        client,
        world,
        built["campaign"]["id"],
        **{"from": str(TODAY - dt.timedelta(days=10)), "to": str(TODAY - dt.timedelta(days=1))},
    )
    g = next(g for g in before_today["gaps"] if g["node_name"] == "动力电池")
    assert (g["gap_before"], g["gap_after"], g["closed"]) == (1.0, 1.0, False)


def test_the_xlsx_has_a_sheet_per_breakdown_with_totals(
    client: TestClient, world: World, built: dict[str, Any]
) -> None:
    _sign(client, world, built["meetings"][0], built["battery"], "120.5")
    url = f"{CAMPAIGNS}/{built['campaign']['id']}/report"
    r = client.get(url, params={"format": "xlsx"}, headers=world.organizer.headers)
    assert r.status_code == 200
    assert "filename*=UTF-8''" in r.headers["content-disposition"]
    book = load_workbook(io.BytesIO(r.content))
    assert book.sheetnames == [
        "总览",
        "参会企业",
        "交易阶段",
        "按产业链环节",
        "按地区",
        "按企业层级",
        "未获洽谈企业",
        "薄弱环节变化",
    ]
    tiers = [list(row) for row in book["按企业层级"].iter_rows(min_row=3, values_only=True)]
    assert tiers[0] == [
        "企业层级",
        "洽谈场次（安排）",
        "实际洽谈",
        "爽约",
        "达成意向（对）",
        "交易",
        "签约",
        "签约金额（万元）",
    ]
    assert tiers[-1] == ["合计", 3, 2, 1, 1, 1, 1, 120.5]
    left_out = [list(row) for row in book["未获洽谈企业"].iter_rows(min_row=4, values_only=True)]
    names = {row[0] for row in left_out}
    assert "'=HYPERLINK(1)创新乙公司" in names
    assert left_out[-1][0] == "合计"
    assert book["总览"]["A1"].value.startswith(f"{YEAR} 年广东省百场万企")
    assert book["总览"].freeze_panes == "A4"

    c = client.get(url, params={"format": "csv", "sheet": "tiers"}, headers=world.organizer.headers)
    assert c.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(c.content.decode("utf-8-sig"))))
    assert rows[0][0] == "企业层级"
    assert rows[-1] == ["合计", "3", "2", "1", "1", "1", "1", "120.5"]
    assert (
        client.get(
            url, params={"format": "csv", "sheet": "nope"}, headers=world.organizer.headers
        ).status_code
        == 422
    )


def test_the_no_show_history_sorts_and_filters_the_next_invitation_list(
    client: TestClient, world: World, engine: Engine, built: dict[str, Any]
) -> None:
    _m1, m2, _m3 = built["meetings"]
    for session in session_scope(make_sessionmaker(engine)):
        session.execute(
            update(EventMeeting).where(EventMeeting.id == m2).values(attendance="sme_absent")
        )
    url = f"{CAMPAIGNS}/{built['campaign']['id']}/firms"
    firms = client.get(url, params={"sort": "-no_shows"}, headers=world.organizer.headers).json()
    assert (firms[0]["organization_id"], firms[0]["no_shows"]) == (built["smes"]["x"], 1)
    assert all(f["no_shows"] == 0 for f in firms[1:])
    kept = client.get(
        url, params={"max_no_shows": 0, "kind": "sme"}, headers=world.organizer.headers
    ).json()
    assert built["smes"]["x"] not in {f["organization_id"] for f in kept}
    assert {f["kind"] for f in kept} == {"sme"}
    assert client.get(url, headers=world.other_organizer.headers).status_code == 404
