"""The desk (签到台) on a 390 px phone in headless Chromium: the QR link checks a firm in, a
name search marks another absent, 现场调整 gives its table to a standby firm; the page never
scrolls sideways. Fixtures and the skip/fail rule as in ``test_browser.py``."""

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.app.events.helpers import BASE, add, new_org, wish
from tests.app.factories import World
from tests.app.jobs.wait import post_job
from tests.app.web.helpers import Seeded
from tests.app.web.test_browser import chromium, live  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _sign_in(page: Any, base: str, key: str) -> None:
    """The console's API-key sign-in (the login page's key mode)."""
    page.goto(f"{base}/login?mode=key")
    page.fill("#api_key", key)
    page.click("form:has(#api_key) button[type=submit]")
    page.wait_for_url(f"{base}/")


def _items(body: Any) -> list[dict[str, Any]]:
    return list(body["items"] if isinstance(body, dict) else body)


def test_the_desk_on_a_phone_checks_in_marks_absent_and_replans(
    chromium: Any,  # noqa: F811
    live: tuple[str, Seeded],  # noqa: F811
    world: World,
    client: TestClient,
) -> None:
    base, ids = live
    org = world.organizer
    eid = ids.event
    standby = add(
        client,
        org,
        eid,
        new_org(client, world, "sme", name="候补微电机有限公司"),
        day_status="standby",
    )
    wish(client, org, eid, ids.buyer, standby["id"], "would")
    post_job(client, f"{BASE}/{eid}/schedule", org.headers)
    assert client.post(f"{BASE}/{eid}/publish", headers=org.headers).status_code == 200
    agenda = client.get(
        f"{BASE}/{eid}/agenda?participant_id={standby['id']}", headers=org.headers
    ).text
    token = re.search(r"签到码：([0-9.A-Za-z_-]+)", agenda)
    assert token

    context = chromium.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, locale="zh-CN"
    )
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    try:
        _sign_in(page, base, org.key)
        # the phone's camera opened the QR code's link
        page.goto(f"{base}/events/{eid}/checkin?t={token.group(1)}")
        assert "候补微电机有限公司" in page.inner_text(".desk-scan")
        page.click("button:has-text('确认签到')")
        page.wait_for_url(re.compile(r".*/desk\?done=checkin.*"))
        assert "已签到" in page.inner_text("main")
        # by name at the desk: the planned SME did not come
        page.fill("input[name=q]", "")
        page.click(".desk-search button")
        sme_a_name = client.get(f"/api/v1/organizations/{world.sme_a.org_id}", headers=org.headers)
        name = sme_a_name.json()["name"]
        page.fill("input[name=q]", name[:4])
        page.click(".desk-search button")
        row = page.locator("ul.desk-list").first.locator(".desk-firm", has_text=name)
        row.locator("button[name=presence][value=absent]").click()
        page.wait_for_url(re.compile(r".*done=presence.*"))
        widths = page.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        assert widths[0] <= widths[1], widths
        # buttons are big enough to tap
        box = page.locator("button:has-text('现场调整')").bounding_box()
        assert box
        assert box["height"] >= 36
        page.click("button:has-text('现场调整')")
        page.wait_for_url(re.compile(r".*done=replan.*"))
        assert "现场调整完成" in page.inner_text("main")
    finally:
        context.close()
    meetings = _items(client.get(f"{BASE}/{eid}/meetings", headers=org.headers).json())
    assert standby["id"] in {m["sme_participant_id"] for m in meetings}
    gone = [m for m in meetings if m["sme_participant_id"] == ids.sme_a]
    assert [m["attendance"] for m in gone] == ["sme_absent"]
