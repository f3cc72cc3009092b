"""End to end in headless Chromium: sign in, open a shortlist, run a schedule, download the
XLSX agenda and read it back; then an SME on a phone screen, without JavaScript.

Uses Debian's ``/usr/bin/chromium`` through Playwright. Without it these tests are skipped
on a developer's machine and FAIL on CI (``CI`` set), so a CI without the browser is red.
"""

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from tests.app.factories import World
from tests.app.jobs.wait import post_job
from tests.app.servers import serving_in_thread
from tests.app.web.helpers import Seeded, seed

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{reason}: CI must run the browser tests (.ci/run installs chromium)")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    """A headless Chromium driven by Playwright."""
    if not CHROMIUM.exists():
        _unavailable(f"{CHROMIUM} is missing (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed (pip install -e '.[test]')")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def live(client: TestClient, world: World, app: FastAPI) -> Iterator[tuple[str, Seeded]]:
    """The app served over real HTTP (uvicorn on a free port) with the seeded world."""
    ids = seed(client, world)
    with serving_in_thread(app) as base:
        yield base, ids


def _sign_in(page: Any, base: str, key: str) -> None:
    page.goto(f"{base}/")
    assert page.url.startswith(f"{base}/login")
    page.click("text=API 密钥登录")  # people sign in by e-mail; machines and admins by key
    page.fill("#api_key", key)
    page.click("form:has(#api_key) button[type=submit]")
    page.wait_for_url(f"{base}/")
    assert "工作台" in page.inner_text("h1")


def test_organizer_opens_a_shortlist_runs_the_schedule_and_reads_the_xlsx_agenda(
    chromium: Any, live: tuple[str, Seeded], world: World, client: TestClient, tmp_path: Path
) -> None:
    base, ids = live
    names = {
        p["id"]: p["organization_name"]
        for p in client.get(
            f"/api/v1/events/{ids.event}/participants", headers=world.organizer.headers
        ).json()["items"]
    }
    context = chromium.new_context(
        viewport={"width": 1280, "height": 800}, accept_downloads=True, locale="zh-CN"
    )
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    try:
        _sign_in(page, base, world.organizer.key)
        cookie = next(c for c in context.cookies() if c["name"] == "xs_console")
        assert cookie["httpOnly"]
        assert cookie["sameSite"] == "Lax"
        assert world.organizer.key not in cookie["value"]

        page.click("a:has-text('采购谐波减速器')")
        page.wait_for_url(f"{base}/needs/{ids.need}")
        rows = page.locator("table.shortlist tbody tr")
        assert rows.count() == 2
        first = rows.nth(0).inner_text()
        assert names[ids.sme_a] in first
        assert "谐波减速器" in first

        page.click("header nav a:has-text('洽谈会')")
        page.click("a:has-text('新能源汽车产业链百场万企对接会')")
        page.wait_for_url(f"{base}/events/{ids.event}")
        page.click("#run-schedule button[type=submit]")
        page.wait_for_url(f"{base}/events/{ids.event}?done=scheduled#grid")
        assert "排程已完成" in page.inner_text("p.notice")
        grid = page.inner_text("table.grid")
        assert names[ids.sme_a] in grid
        assert names[ids.sme_b] in grid

        page.click("button:has-text('发布日程')")  # confirms the dialog
        page.wait_for_url(f"{base}/events/{ids.event}?done=published#grid")

        link = page.locator(
            f"a[href='/events/{ids.event}/agenda?participant_id={ids.buyer}&format=xlsx']"
        )
        with page.expect_download() as info:
            link.click()
        download = info.value
        assert download.suggested_filename.endswith(".xlsx")
        target = tmp_path / "agenda.xlsx"
        download.save_as(target)
    finally:
        context.close()

    sheet = load_workbook(target).active
    assert sheet is not None
    rows_read = list(sheet.iter_rows(values_only=True))
    header = list(rows_read[0])
    # An agenda says when and where (issue 17): date, venue, round, time, table, counterpart.
    assert header[:8] == ["参会企业", "日期", "地点", "轮次", "时间", "洽谈桌", "桌号", "洽谈对象"]
    met = {row[header.index("洽谈对象")] for row in rows_read[1:]}
    assert met == {names[ids.sme_a], names[ids.sme_b]}
    assert {row[0] for row in rows_read[1:]} == {names[ids.buyer]}
    meetings = client.get(
        f"/api/v1/events/{ids.event}/meetings", headers=world.organizer.headers
    ).json()["items"]
    assert len(rows_read) - 1 == len(meetings) == 2
    assert all(m["published"] for m in meetings)


def test_an_sme_on_a_phone_without_javascript_reads_its_opportunities_and_agenda(
    chromium: Any, live: tuple[str, Seeded], world: World, client: TestClient
) -> None:
    base, ids = live
    post_job(client, f"/api/v1/events/{ids.event}/schedule", world.organizer.headers)
    assert (
        client.post(
            f"/api/v1/events/{ids.event}/publish", headers=world.organizer.headers
        ).status_code
        == 200
    )
    context = chromium.new_context(
        viewport={"width": 375, "height": 740}, java_script_enabled=False, is_mobile=True
    )
    page = context.new_page()
    try:
        _sign_in(page, base, world.sme_a.key)
        page.click("header nav a:has-text('商机')")
        assert "采购谐波减速器" in page.inner_text("table.opportunities")
        page.goto(f"{base}/events/{ids.event}")
        assert "我的日程" in page.inner_text("main")
        # Wide tables scroll inside their box; the page itself never scrolls sideways.
        widths = page.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        # Against the screen's 375 px: a phone browser widens clientWidth to a page that
        # overflows, so comparing the two would pass an overflowing page.
        assert widths[0] <= 375, widths
        assert widths[1] <= 375, widths
    finally:
        context.close()


def test_api_docs_render_offline_under_their_policy(
    chromium: Any, client: TestClient, app: FastAPI
) -> None:
    # /docs loads Swagger UI from this server only (app.swagger): it renders with every other
    # host unreachable, and its Content-Security-Policy blocks nothing it needs.
    with serving_in_thread(app) as base:
        context = chromium.new_context()
        page = context.new_page()
        problems: list[str] = []
        elsewhere: list[str] = []
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: problems.append(str(e)))

        def only_this_server(route: Any) -> None:
            if route.request.url.startswith(base):
                route.continue_()
            else:
                elsewhere.append(route.request.url)
                route.abort()

        context.route("**/*", only_this_server)
        try:
            page.goto(f"{base}/docs")
            page.wait_for_selector(".opblock", timeout=30_000)
            # A document this size is virtualized: operations render as they scroll into view.
            seen: set[str] = set()
            for _ in range(200):
                summaries = page.locator(".opblock-summary").all_inner_texts()
                seen.update(summaries)
                if len(seen) > 40:
                    break
                page.mouse.wheel(0, 1500)
                page.wait_for_timeout(50)
            assert len(seen) > 40
            page.mouse.wheel(0, -1_000_000)
            assert "Xieshou" in page.inner_text(".information-container")
            page.locator(".opblock-summary").first.click()
            page.wait_for_selector(".opblock-body", timeout=10_000)
        finally:
            context.close()
    assert problems == []
    assert elsewhere == []
