"""所需产品 on a need's page: what the firm entered, or else what the service read from its
title and description (the shortlist ranks on that), never a bare "—" for a readable need."""

import re

from fastapi.testclient import TestClient

from tests.app.factories import World
from tests.app.web.helpers import browser


def _products_shown(html: str) -> str:
    found = re.search(r'<dt>所需产品</dt><dd class="products">(.*?)</dd>', html)
    assert found, "no 所需产品 on the page"
    return re.sub(r"<[^>]+>", "", found.group(1))


def test_a_need_posted_in_the_console_shows_its_products(client: TestClient, world: World) -> None:
    firm = browser(client, world.firm_a)
    entered = firm.post(
        "/needs/new", {"title": "采购压力传感器", "products": "压力传感器", "status": "open"}
    )
    assert entered.status_code == 303, entered.text
    assert _products_shown(firm.get(entered.headers["location"]).text) == "压力传感器"
    read = firm.post(
        "/needs/new",
        {"title": "采购压力传感器", "description": "年需求20万只，用于热管理", "status": "open"},
    )
    assert read.status_code == 303, read.text
    need_id = read.headers["location"].split("/")[2]
    api = client.get(f"/api/v1/needs/{need_id}/reading", headers=world.firm_a.headers).json()
    assert [p["text"] for p in api["products"]] == ["压力传感器"]
    shown = _products_shown(firm.get(read.headers["location"]).text)
    assert shown == "压力传感器（从标题和说明读出）"
