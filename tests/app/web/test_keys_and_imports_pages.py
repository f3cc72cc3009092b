"""API 密钥 and 导入 pages: they call the same services as the API and keep its rules."""

import io
import re
import time

import httpx
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import Engine, select

from app.models import ApiKey, Organization
from app.platform.db import make_sessionmaker
from tests.app.factories import World, bearer, make_uscc
from tests.app.web.helpers import Browser, browser

HEADER = "企业名称,统一社会信用代码,企业类型,行政区划代码"


def _issued_secret(html: str) -> str:
    found = re.search(r'<code class="secret">([^<]+)</code>', html)
    assert found, "no key shown"
    return found.group(1)


def test_an_admin_lists_issues_and_revokes_keys(client: TestClient, world: World) -> None:
    admin = browser(client, world.admin)
    page = admin.get("/keys")
    assert page.status_code == 200
    assert 'href="/keys"' in page.text  # in the navigation
    org_name = client.get(
        f"/api/v1/organizations/{world.sme_a.org_id}", headers=world.admin.headers
    ).json()["name"]
    assert org_name in page.text  # keys are listed with their organization's name
    found = admin.get("/keys?find=" + org_name)
    assert f'name="organization_id" value="{world.sme_a.org_id}"' in found.text

    issued = admin.post(
        "/keys", {"role": "sme", "organization_id": str(world.sme_a.org_id), "label": "采购接口"}
    )
    assert issued.status_code == 200, issued.text
    secret = _issued_secret(issued.text)
    assert f"企业：{org_name}" in issued.text
    assert "no-store" in issued.headers["cache-control"]
    me = client.get("/api/v1/me", headers=bearer(secret))
    assert me.status_code == 200
    assert me.json()["organization_id"] == world.sme_a.org_id
    listing = admin.get("/keys")
    assert secret not in listing.text  # shown once
    prefix = next(
        k
        for k in client.get("/api/v1/keys", headers=world.admin.headers).json()["items"]
        if k["label"] == "采购接口"
    )
    assert f"<code>{prefix['prefix']}</code>" in listing.text

    revoked = admin.post(f"/keys/{prefix['id']}/revoke", {})
    assert revoked.status_code == 303
    assert client.get("/api/v1/me", headers=bearer(secret)).status_code == 401
    assert "已吊销" in admin.get("/keys").text


def test_the_key_rules_of_the_api_hold_on_the_page(
    client: TestClient, world: World, engine: Engine
) -> None:
    organizer = browser(client, world.organizer)
    refused = organizer.post("/keys", {"role": "admin", "label": "x"})
    assert refused.status_code in (403, 422)
    assert '<code class="secret">' not in refused.text
    # A firm the organizer did not register: refused as over the API.
    other = organizer.post(
        "/keys", {"role": "large_firm", "organization_id": str(world.firm_b.org_id)}
    )
    api = client.post(
        "/api/v1/keys",
        json={"role": "large_firm", "organization_id": world.firm_b.org_id},
        headers=world.organizer.headers,
    )
    assert other.status_code == api.status_code
    with make_sessionmaker(engine)() as session:
        admin_key = session.scalars(select(ApiKey).where(ApiKey.organization_id.is_(None))).first()
        assert admin_key is not None
        admin_key_id = admin_key.id
    assert organizer.post(f"/keys/{admin_key_id}/revoke", {}).status_code == 404
    assert "/keys" not in re.sub(
        r"<main>.*", "", browser(client, world.sme_a).get("/").text, flags=re.S
    )


def _upload(user: Browser, text: str, mode: str, kind: str = "firms") -> httpx.Response:
    user._use()
    response: httpx.Response = user.client.post(
        "/imports",
        data={"csrf": user.csrf, "kind": kind, "mode": mode},
        files={"file": ("firms.csv", text.encode("utf-8"), "text/csv")},
        follow_redirects=False,
    )
    return response


def _finished(user: Browser, started: httpx.Response) -> httpx.Response:
    """The page of the import job an upload started (303 to it), once the job has ended:
    the page stops refreshing itself then."""
    assert started.status_code == 303, started.text
    url = started.headers["location"]
    assert url.startswith("/jobs/")
    deadline = time.monotonic() + 60
    while True:
        page = user.get(url)
        assert page.status_code == 200, page.text
        if 'http-equiv="refresh"' not in page.text:
            return page
        assert time.monotonic() < deadline, page.text
        time.sleep(0.1)


def _count(engine: Engine, uscc: str) -> int:
    with make_sessionmaker(engine)() as session:
        return len(session.scalars(select(Organization).where(Organization.uscc == uscc)).all())


def test_an_organizer_imports_firms_from_the_page(
    client: TestClient, world: World, engine: Engine
) -> None:
    organizer = browser(client, world.organizer)
    form = organizer.get("/imports")
    assert form.status_code == 200
    assert 'type="file"' in form.text
    good, bad = make_uscc(), "91440300MA5FXXXX0X"
    text = f"{HEADER}\n甲有限公司,{good},中小企业,440300\n乙有限公司,{bad},中小企业,440300\n"

    checked = _finished(organizer, _upload(organizer, text, "dry_run"))
    assert "已完成" in checked.text
    assert "试运行" in checked.text
    assert "统一社会信用代码" in checked.text  # the bad row's column, by its Chinese header
    assert _count(engine, good) == 0

    whole = _finished(organizer, _upload(organizer, text, "all"))
    assert "失败" in whole.text
    assert "整个文件都没有导入" in whole.text
    assert _count(engine, good) == 0

    part = _finished(organizer, _upload(organizer, text, "partial"))
    assert "已导入正确的行" in part.text
    assert _count(engine, good) == 1
    listing = organizer.get("/jobs")
    assert listing.text.count('href="/jobs/') == 3  # the three imports, as jobs
    with make_sessionmaker(engine)() as session:
        org = session.scalars(select(Organization).where(Organization.uscc == good)).one()
        assert org.registered_by_id == world.organizer.org_id  # as over the API

    organizer._use()
    started = organizer.client.post(
        "/imports",
        data={"csrf": organizer.csrf, "kind": "firms", "mode": "partial"},
        files={"file": ("firms.pdf", b"%PDF-1.4 not a table", "application/pdf")},
        follow_redirects=False,
    )
    unreadable = _finished(organizer, started)
    assert "失败" in unreadable.text
    assert "无法完成" in unreadable.text

    template = organizer.get("/imports/templates/firms.xlsx")
    assert template.status_code == 200
    sheet = load_workbook(io.BytesIO(template.content)).worksheets[0]
    assert "企业名称" in [c.value for c in sheet[1]]

    firm = browser(client, world.firm_a)
    assert firm.get("/imports").status_code == 403
    assert _upload(firm, text, "partial").status_code == 403
    organizer.get("/imports")  # the organizer's cookie again
    no_csrf = organizer.client.post(
        "/imports",
        data={"kind": "firms", "mode": "partial"},
        files={"file": ("firms.csv", text.encode(), "text/csv")},
    )
    assert no_csrf.status_code == 403
