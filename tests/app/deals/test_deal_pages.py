"""Console pages for deals and campaigns: a firm records a deal from its meeting and moves it,
the SME sees the 账期 warning, an outsider gets 404, the organizer reads the report's charts
and downloads it."""

import io
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import Engine

from tests.app.campaigns.helpers import build
from tests.app.factories import World
from tests.app.web.helpers import browser


@pytest.fixture
def built(client: TestClient, world: World, engine: Engine) -> dict[str, Any]:
    """See :func:`tests.app.campaigns.helpers.build`."""
    return build(client, world, engine)


def test_an_sme_records_a_deal_from_its_meeting_and_sees_the_payment_term_flag(
    client: TestClient, world: World, built: dict[str, Any]
) -> None:
    m1 = built["meetings"][0]
    sme = browser(client, world.sme_a)
    page = sme.get("/deals")
    assert page.status_code == 200
    assert f'<option value="{m1}">' in page.text
    bad = sme.post("/deals", {"meeting_id": str(m1), "payment_term_days": "-5"})
    assert bad.status_code == 422
    made = sme.post(
        "/deals", {"meeting_id": str(m1), "title": "电芯配套", "payment_term_days": "75"}
    )
    assert made.status_code == 303, made.text
    url = made.headers["location"].split("?")[0]
    shown = sme.get(url)
    assert "电芯配套" in shown.text
    assert 'id="payment-term-warning"' in shown.text
    version = re.search(r'name="version" value="(\d+)"', shown.text)
    assert version
    moved = sme.post(url, {"version": version.group(1), "stage": "sample", "note": "已寄样"})
    assert moved.status_code == 303
    assert "送样/验厂" in sme.get(url).text
    stale = sme.post(url, {"version": version.group(1), "stage": "trial"})
    assert stale.status_code == 412
    assert browser(client, world.sme_b).get(url).status_code == 404
    organizer = browser(client, world.organizer)
    assert "电芯配套" in organizer.get(url).text
    assert 'id="deal-step"' not in organizer.get(url).text


def test_the_organizer_reads_the_campaign_charts_and_downloads_the_report(
    client: TestClient, world: World, built: dict[str, Any]
) -> None:
    organizer = browser(client, world.organizer)
    cid = built["campaign"]["id"]
    page = organizer.get(f"/campaigns/{cid}")
    assert page.status_code == 200, page.text
    for key in ("targets", "meetings", "stages", "tiers", "gaps"):
        assert f'id="chart-{key}"' in page.text
    assert page.text.count("<svg") >= 5
    assert "丙科技公司（中小企业；参会 1 场，历史爽约 0 次）" in page.text
    xlsx = organizer.get(f"/campaigns/{cid}/report.xlsx")
    assert xlsx.status_code == 200
    assert "总览" in load_workbook(io.BytesIO(xlsx.content)).sheetnames
    assert browser(client, world.sme_a).get(f"/campaigns/{cid}").status_code == 403
    assert browser(client, world.other_organizer).get(f"/campaigns/{cid}").status_code == 404


def test_firms_rate_their_meetings_and_only_the_organizer_reads_the_ratings(
    client: TestClient, world: World, built: dict[str, Any]
) -> None:
    m1 = built["meetings"][0]
    sme = browser(client, world.sme_a)
    assert f'id="rate-{m1}"' in sme.get("/deals").text
    rated = sme.post(f"/meetings/{m1}/rating", {"useful": "yes", "comment": "对方需求明确"})
    assert rated.status_code == 303, rated.text
    assert "已评价：有帮助" in sme.get("/deals").text
    outsider = browser(client, world.sme_b)
    assert f'id="rate-{m1}"' not in outsider.get("/deals").text
    assert outsider.post(f"/meetings/{m1}/rating", {"useful": "no"}).status_code == 404
    firm = browser(client, world.firm_a)
    assert "对方需求明确" not in firm.get("/deals").text
    page = browser(client, world.organizer).get(f"/campaigns/{built['campaign']['id']}")
    assert "对方需求明确" in page.text
