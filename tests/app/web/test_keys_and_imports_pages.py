"""API 密钥 and 导入 pages: they call the same services as the API and keep its rules."""

import io
import re

import httpx
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import Engine, select

from app.db import make_sessionmaker
from app.models import ApiKey, Organization
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

    checked = _upload(organizer, text, "dry_run")
    assert checked.status_code == 200
    assert "试运行" in checked.text
    assert "统一社会信用代码" in checked.text  # the bad row's column, by its Chinese header
    assert _count(engine, good) == 0

    whole = _upload(organizer, text, "all")
    assert whole.status_code == 422
    assert "整个文件都没有导入" in whole.text
    assert _count(engine, good) == 0

    part = _upload(organizer, text, "partial")
    assert part.status_code == 200
    assert _count(engine, good) == 1
    with make_sessionmaker(engine)() as session:
        org = session.scalars(select(Organization).where(Organization.uscc == good)).one()
        assert org.registered_by_id == world.organizer.org_id  # as over the API

    organizer._use()
    unreadable = organizer.client.post(
        "/imports",
        data={"csrf": organizer.csrf, "kind": "firms", "mode": "partial"},
        files={"file": ("firms.pdf", b"%PDF-1.4 not a table", "application/pdf")},
    )
    assert unreadable.status_code == 422
    assert "无法读取文件 firms.pdf" in unreadable.text
    assert 'type="file"' in unreadable.text  # the form again, to choose another file

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
