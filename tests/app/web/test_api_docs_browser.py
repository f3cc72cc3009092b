"""``/redoc`` renders in headless Chromium with every other host blocked (issue 19).

The Swagger UI twin of this test is in ``test_browser.py``; this one has its own small browser
fixture so the two files can change independently.
"""

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.app.servers import serving_in_thread

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    """A headless Chromium driven by Playwright (skipped without it, except on CI)."""
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: CI must run the browser tests")
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        try:
            yield browser
        finally:
            browser.close()


def _refused_logo(message: str) -> bool:
    """ReDoc's "API docs by Redocly" logo, from Redocly's CDN, refused by the page's policy."""
    return "cdn.redoc.ly" in message and "Content Security Policy" in message


def test_redoc_renders_offline_in_chinese_under_its_policy(
    chromium: Any, client: TestClient, app: FastAPI
) -> None:
    with serving_in_thread(app) as base:
        context = chromium.new_context()
        page = context.new_page()
        problems: list[str] = []
        elsewhere: list[str] = []
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: problems.append(str(e)))

        def only_this_server(route: Any) -> None:
            if route.request.url.startswith((base, "blob:", "data:")):
                route.continue_()
            else:
                elsewhere.append(route.request.url)
                route.abort()

        context.route("**/*", only_this_server)
        try:
            page.goto(f"{base}/redoc")
            page.wait_for_selector("text=创建洽谈会", state="attached", timeout=30_000)
            text = page.inner_text("body")
            assert "需求的候选中小企业" in text
            assert "Accept-Language" in text  # the API's description, in Chinese
        finally:
            context.close()
    assert [p for p in problems if not _refused_logo(p)] == []
    assert elsewhere == []
