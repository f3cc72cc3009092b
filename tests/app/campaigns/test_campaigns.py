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
from sqlalchemy import Engine, update

from app.models import EventMeeting
from app.platform.db import make_sessionmaker, session_scope
from tests.app.campaigns.helpers import CAMPAIGNS, TODAY, YEAR, _campaign, _sign, build
from tests.app.deals.helpers import open_deal
from tests.app.events.helpers import open_event
from tests.app.factories import World


@pytest.fixture
def built(client: TestClient, world: World, engine: Engine) -> dict[str, Any]:
    """See :func:`tests.app.campaigns.helpers.build`."""
    return build(client, world, engine)


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
    assert client.get(CAMPAIGNS, headers=world.other_organizer.headers).json()["items"] == []
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
    listed = client.get(url, params={"sort": "-no_shows"}, headers=world.organizer.headers)
    firms = listed.json()["items"]
    assert (firms[0]["organization_id"], firms[0]["no_shows"]) == (built["smes"]["x"], 1)
    assert all(f["no_shows"] == 0 for f in firms[1:])
    kept = client.get(
        url, params={"max_no_shows": 0, "kind": "sme"}, headers=world.organizer.headers
    ).json()["items"]
    assert built["smes"]["x"] not in {f["organization_id"] for f in kept}
    assert {f["kind"] for f in kept} == {"sme"}
    assert client.get(url, headers=world.other_organizer.headers).status_code == 404
