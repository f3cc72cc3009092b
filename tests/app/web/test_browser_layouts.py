"""Every console page at 1280 px and at 390 px (a phone) in headless Chromium: the page never
scrolls sideways (a wide table scrolls inside its own box), its main buttons are on screen,
and the pages added for issue 19 work end to end: the region picker, API 密钥, 导入.

Same browser and fixtures as ``test_browser.py`` (skipped without Chromium, failing on CI).
"""

from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.app.chains.helpers import make_chain
from tests.app.factories import Actor, World, bearer, make_uscc
from tests.app.servers import serving_in_thread
from tests.app.web.helpers import Seeded, seed
from tests.app.web.test_browser import chromium  # noqa: F401 (the shared browser fixture)

pytestmark = [pytest.mark.browser, pytest.mark.slow]
WIDTHS = {1280: 800, 390: 844}

#: Buttons outside a scrolling box that are off screen, and the page's overflow.
_LAYOUT = """(vw) => {
  const off = [...document.querySelectorAll('main button, main input, main select')]
    .filter(e => e.offsetParent !== null && !e.closest('.table-wrap'))
    .filter(e => { const r = e.getBoundingClientRect(); return r.left < -1 || r.right > vw + 1; })
    .map(e => e.name || e.textContent.trim());
  return {scroll: document.scrollingElement.scrollWidth, width: window.innerWidth, off: off};
}"""


@pytest.fixture
def site(client: TestClient, world: World, app: FastAPI) -> Iterator[tuple[str, Seeded, int]]:
    """The seeded world with a chain (for the weak links), served over real HTTP."""
    ids = seed(client, world)
    # Six stages: its picture is wider than the page (1,440 px), as the demo's chains are.
    stages = ["正极材料", "电芯", "电池模组", "电池包", "电驱系统", "整车"]
    chain = make_chain(
        client,
        world.admin,
        nodes=[(name, i, [name]) for i, name in enumerate(stages)],
        edges=list(pairwise(stages)),
    )
    with serving_in_thread(app) as base:
        yield base, ids, int(chain["id"])


def _page(browser: Any, width: int) -> Any:
    context = browser.new_context(
        viewport={"width": width, "height": WIDTHS[width]}, is_mobile=width < 600, locale="zh-CN"
    )
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    return page


def _sign_in(page: Any, base: str, actor: Actor) -> None:
    page.goto(f"{base}/login?mode=key")  # the API-key form (the only one before accounts)
    page.fill("#api_key", actor.key)
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{base}/")


def _fits(page: Any, path: str, width: int) -> None:
    # Against the screen's width, not innerWidth: a phone browser widens its layout viewport
    # (zooms out) to a page that overflows, and innerWidth grows with it.
    layout = page.evaluate(_LAYOUT, width)
    assert layout["scroll"] <= width, (path, layout)
    assert layout["width"] <= width, (path, layout)
    assert layout["off"] == [], (path, layout)


@pytest.mark.parametrize("width", sorted(WIDTHS))
def test_every_console_page_fits_the_screen(
    chromium: Any,  # noqa: F811
    site: tuple[str, Seeded, int],
    world: World,
    width: int,
) -> None:
    base, ids, chain = site
    pages = [
        (
            world.organizer,
            [
                "/",
                "/needs",
                "/needs?q=&status=&kind=&region=&mine=&page=1",
                "/needs?page=abc",  # an error page, with the navigation
                f"/needs/{ids.need}",
                "/needs/new",
                "/events",
                f"/events/{ids.event}",
                "/events/new",
                "/chains",
                f"/chains/{chain}",
                "/keys",
                "/imports",
                f"/profiles/{ids.profile_a}/opportunities",
            ],
        ),
        (world.firm_a, ["/", f"/needs/{ids.need}", f"/events/{ids.event}"]),
        (world.sme_a, ["/", "/opportunities", "/profile", f"/events/{ids.event}"]),
    ]
    for actor, paths in pages:
        page = _page(chromium, width)
        try:
            _sign_in(page, base, actor)
            for path in paths:
                response = page.goto(f"{base}{path}")
                assert response is not None
                assert response.status == (422 if "page=abc" in path else 200), path
                _fits(page, path, width)
                assert page.locator("header nav a:has-text('需求')").is_visible(), path
                if actor is world.firm_a and path == f"/needs/{ids.need}":
                    # The buyer's interest buttons: on screen and big enough to tap.
                    buttons = page.locator("table.shortlist button:visible")
                    assert buttons.count() >= 2
                    for i in range(buttons.count()):
                        box = buttons.nth(i).bounding_box()
                        assert box is not None
                        assert box["x"] >= 0
                        assert box["x"] + box["width"] <= width, box
                        assert box["height"] >= 30, box
                if path == f"/chains/{chain}" and width == 1280:
                    # The heat map fits its box: nothing of it is cut off.
                    img = page.locator(".weak-links img").bounding_box()
                    wrap = page.locator(".weak-links").bounding_box()
                    assert img is not None
                    assert wrap is not None
                    assert img["x"] + img["width"] <= wrap["x"] + wrap["width"] + 1
        finally:
            page.context.close()


def test_the_region_picker_narrows_by_province_and_offers_districts(
    chromium: Any,  # noqa: F811
    site: tuple[str, Seeded, int],
    world: World,
) -> None:
    base, _ids, _chain = site
    page = _page(chromium, 1280)
    try:
        _sign_in(page, base, world.organizer)
        page.goto(f"{base}/events/new")
        picker = page.locator(".region-picker")
        picker.locator("select[aria-label='省份']").select_option("广东省")
        shown = page.eval_on_selector_all(
            "#region_code optgroup", "gs => gs.filter(g => !g.hidden).map(g => g.label)"
        )
        assert shown == ["广东省"]
        page.select_option("#region_code", "440300")
        districts = picker.locator("select[aria-label='区县']")
        districts.locator("option[value='440305']").wait_for(state="attached")
        districts.select_option("440305")
        assert page.input_value("#region_code") == "440305"
    finally:
        page.context.close()


def test_keys_and_imports_on_a_phone(
    chromium: Any,  # noqa: F811
    site: tuple[str, Seeded, int],
    world: World,
    client: TestClient,
    tmp_path: Path,
) -> None:
    base, _ids, _chain = site
    name = client.get(
        f"/api/v1/organizations/{world.firm_a.org_id}", headers=world.admin.headers
    ).json()["name"]
    page = _page(chromium, 390)
    try:
        _sign_in(page, base, world.admin)
        page.click("header nav a:has-text('API 密钥')")
        page.fill("input[name=find]", name)
        page.click("button:has-text('查找')")
        page.click("form.issue-for button:has-text('签发')")
        secret = page.inner_text("code.secret").strip()
        _fits(page, "/keys (issued)", 390)
        assert client.get("/api/v1/me", headers=bearer(secret)).status_code == 200

        csv_file = tmp_path / "firms.csv"
        csv_file.write_text(
            f"企业名称,统一社会信用代码,企业类型,行政区划代码\n丙有限公司,{make_uscc()},中小企业,440300\n",
            encoding="utf-8",
        )
        page.click("header nav a:has-text('导入')")
        page.set_input_files("input[type=file]", str(csv_file))
        page.check("input[name=mode][value=dry_run]")
        page.click("main form button[type=submit]")
        assert "试运行" in page.inner_text("section.report")
        _fits(page, "/imports (report)", 390)
    finally:
        page.context.close()
