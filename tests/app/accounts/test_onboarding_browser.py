"""End to end in headless Chromium, on a phone screen: a firm signs up, receives its
verification e-mail from a real SMTP server (STARTTLS, AUTH), follows its link, an organizer of
its region approves it, and the firm signs in — nobody issues anyone a key."""

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import Engine

from app.models import Role
from app.notifications.sender import Sender
from app.platform.settings import Settings
from tests.app.accounts.helpers import PASSWORD, make_user
from tests.app.factories import World, make_uscc
from tests.app.notifications.servers import Mailbox, smtp_server
from tests.app.servers import serving_in_thread
from tests.app.web.test_browser import chromium  # noqa: F401 (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

FIRM_EMAIL = "chen@weichuang.example.cn"
FIRM_PASSWORD = "weichuang 2026!"
ORGANIZER_EMAIL = "staff@bureau.example.cn"


@pytest.fixture
def live(
    client: TestClient, world: World, app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    """The app over real HTTP (uvicorn on a free port); links in messages point to it."""
    with serving_in_thread(app) as base:
        monkeypatch.setattr(app.state.settings, "public_url", base)
        yield base


@pytest.fixture
def smtp(tmp_path: Path) -> Iterator[tuple[str, Mailbox]]:
    with smtp_server(tmp_path) as server:
        yield server


def _deliver(app: FastAPI, database_url: str, smtp_url: str) -> None:
    """One pass of the outbox sender, as the background worker would make."""
    settings = Settings(database_url=database_url, environment="test", smtp_url=SecretStr(smtp_url))
    Sender(app.state.sessionmaker, settings).send_pass()


def _received_link(mailbox: Mailbox, to: str) -> str:
    for mail in reversed(mailbox.messages):
        if to in str(mail["To"]):
            body = mail.get_body(preferencelist=("plain",))
            assert body is not None
            found = re.search(r"https?://\S+?\?token=[A-Za-z0-9_\-]+", body.get_content())
            assert found, body.get_content()
            return found.group(0)
    raise AssertionError(f"no mail to {to}")


def _phone(browser: Any) -> Any:
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, locale="zh-CN"
    )
    return context.new_page()


def _sign_in(page: Any, base: str, email: str, password: str) -> None:
    page.goto(f"{base}/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("form:has(#password) button[type=submit]")
    page.wait_for_url(f"{base}/")


def test_a_firm_goes_from_nothing_to_signed_in_without_a_key(
    chromium: Any,  # noqa: F811
    live: str,
    smtp: tuple[str, Mailbox],
    app: FastAPI,
    database_url: str,
    world: World,
    engine: Engine,
) -> None:
    base = live
    smtp_url, mailbox = smtp
    make_user(engine, world.organizer.org_id, Role.organizer, ORGANIZER_EMAIL)
    firm = _phone(chromium)
    firm.goto(f"{base}/login")
    firm.click("text=企业注册入驻")
    firm.wait_for_url(f"{base}/signup")
    firm.select_option("#kind", "sme")
    firm.fill("#name", "深圳市微创精密部件有限公司")
    firm.fill("#uscc", make_uscc("440305"))
    picker = firm.locator(".region-picker")  # province, then city, then district
    picker.locator("select[aria-label='省份']").select_option("广东省")
    firm.select_option("#region_code", "440300")
    districts = picker.locator("select[aria-label='区县']")
    districts.locator("option[value='440305']").wait_for(state="attached")
    districts.select_option("440305")
    firm.fill("#person", "陈经理")
    firm.fill("#email", FIRM_EMAIL)
    firm.fill("#password", FIRM_PASSWORD)
    firm.click("form button[type=submit]")
    assert "请查收验证邮件" in firm.inner_text("h1")

    # The e-mail, queued in the sign-up's own transaction, sent by the outbox's sender.
    _deliver(app, database_url, smtp_url)
    link = _received_link(mailbox, FIRM_EMAIL)
    assert link.startswith(f"{base}/verify?token=")
    firm.goto(link)
    firm.click("button:has-text('确认验证')")
    assert "邮箱已验证" in firm.inner_text("h1")

    # Not yet: the organizer has not approved it.
    firm.goto(f"{base}/login")
    firm.fill("#email", FIRM_EMAIL)
    firm.fill("#password", FIRM_PASSWORD)
    firm.click("form:has(#password) button[type=submit]")
    assert "等待组织方审核" in firm.inner_text("main")

    organizer = chromium.new_context(locale="zh-CN").new_page()
    _sign_in(organizer, base, ORGANIZER_EMAIL, PASSWORD)
    organizer.click("header nav a:has-text('入驻审核')")
    organizer.wait_for_url(f"{base}/approvals")
    row = organizer.locator("tr:has-text('深圳市微创精密部件有限公司')")
    row.locator("button:has-text('通过')").click()
    organizer.wait_for_url(f"{base}/approvals?done=approved")
    assert "没有等待审核的企业" in organizer.inner_text("main")

    _sign_in(firm, base, FIRM_EMAIL, FIRM_PASSWORD)
    assert "工作台" in firm.inner_text("h1")
    assert "深圳市微创精密部件有限公司" in firm.inner_text("header")
    cookie = next(c for c in firm.context.cookies() if c["name"] == "xs_console")
    assert cookie["httpOnly"]
    # It can act: its own profile page opens.
    firm.click("header nav a:has-text('能力画像')")
    assert firm.url.startswith(f"{base}/profile")
