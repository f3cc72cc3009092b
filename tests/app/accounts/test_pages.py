"""The console's account pages: sign-up, 入驻审核, 邀请企业, 用户, API 密钥."""

import re

from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from app.models import ApiKey, OrgRole, Registration, Role
from app.web.security import COOKIE, LOGIN_CSRF_COOKIE
from tests.app.accounts.helpers import PASSWORD, last_link, make_user, token_of
from tests.app.factories import World, make_uscc
from tests.app.web.helpers import Browser, browser, csrf_of


def user_browser(client: TestClient, email: str, password: str = PASSWORD) -> Browser:
    """A person signed in to the console by e-mail and password."""
    client.cookies.clear()
    form = client.get("/login")
    signed = client.post(
        "/login",
        data={"email": email, "password": password, "csrf": csrf_of(form.text)},
        follow_redirects=False,
    )
    assert signed.status_code == 303, signed.text
    cookie = signed.cookies.get(COOKIE) or client.cookies.get(COOKIE)
    assert cookie
    client.cookies.clear()
    client.cookies.set(COOKIE, cookie)
    page = client.get("/")
    client.cookies.delete(LOGIN_CSRF_COOKIE)
    return Browser(client, cookie, csrf_of(page.text))


def _form(**overrides: str) -> dict[str, str]:
    return {
        "kind": "large_firm",
        "name": "东莞市链主装备集团有限公司",
        "uscc": make_uscc("441900"),
        "region_code": "441900",
        "person": "周总",
        "email": "zhou@lianzhu.example.cn",
        "password": "lianzhu-2026",
    } | overrides


def _registrations(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(Registration)).scalar_one())


def test_the_sign_up_form_names_the_bad_field_and_keeps_nothing(
    client: TestClient, engine: Engine
) -> None:
    assert client.get("/signup").status_code == 200
    good = _form()["uscc"]
    bad = client.post("/signup", data=_form(uscc=good[:-1] + ("0" if good[-1] != "0" else "1")))
    assert bad.status_code == 422
    assert re.search(r'id="uscc"[^>]*aria-invalid="true"', bad.text)
    assert "统一社会信用代码无效" in bad.text
    assert 'value="lianzhu-2026"' not in bad.text  # the password is not echoed back
    assert _registrations(engine) == 0
    ok = client.post("/signup", data=_form())
    assert ok.status_code == 200
    assert "请查收验证邮件" in ok.text
    assert _registrations(engine) == 1


def test_an_organizer_approves_in_the_console_and_a_firm_cannot(
    client: TestClient, engine: Engine, world: World
) -> None:
    client.post("/signup", data=_form(region_code="440305", uscc=make_uscc("440305")))
    token = token_of(last_link(engine, "zhou@lianzhu.example.cn", "account.verify"))
    client.post("/verify", data={"token": token})
    organizer = browser(client, world.organizer)
    queue = organizer.get("/approvals")
    assert queue.status_code == 200
    assert "东莞市链主装备集团有限公司" in queue.text
    row_id = int(re.search(r"/approvals/(\d+)/approve", queue.text).group(1))  # type: ignore[union-attr]

    firm = browser(client, world.sme_a)
    assert firm.get("/approvals").status_code == 403
    assert firm.post(f"/approvals/{row_id}/approve", {}).status_code == 404
    # Without the session's CSRF token nothing happens.
    assert organizer.post(f"/approvals/{row_id}/approve", {}, csrf=False).status_code == 403
    done = organizer.post(f"/approvals/{row_id}/approve", {})
    assert done.status_code == 303
    assert "没有等待审核的企业" in organizer.get("/approvals").text
    person = user_browser(client, "zhou@lianzhu.example.cn", "lianzhu-2026")
    home = person.get("/")
    assert "东莞市链主装备集团有限公司" in home.text


def test_invitations_page_for_organizers_only(client: TestClient, world: World) -> None:
    organizer = browser(client, world.organizer)
    page = organizer.get("/invitations")
    assert page.status_code == 200
    sent = organizer.post("/invitations/imported", {})
    assert sent.status_code == 303
    assert sent.headers["location"] == "/invitations?invited=2"  # sme_a and firm_a
    assert "已发出 2 份邀请" in organizer.get("/invitations?invited=2").text
    firm = browser(client, world.sme_a)
    assert firm.get("/invitations").status_code == 403
    assert firm.post("/invitations/imported", {}).status_code == 403


def test_an_owner_issues_a_key_shown_once_and_a_member_cannot(
    client: TestClient, engine: Engine, world: World
) -> None:
    make_user(engine, world.sme_a.org_id, Role.sme, "owner@a.example.cn")
    make_user(engine, world.sme_a.org_id, Role.sme, "member@a.example.cn", org_role=OrgRole.member)
    owner = user_browser(client, "owner@a.example.cn")
    issued = owner.post("/account/keys", {"label": "ERP 对接"})
    assert issued.status_code == 200
    key = re.search(r'id="new-key">(xs_[^<]+)<', issued.text).group(1)  # type: ignore[union-attr]
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {key}"}).status_code == 200
    assert key not in owner.get("/account/keys").text  # shown once
    users = owner.get("/account/users")
    assert "member@a.example.cn" in users.text
    assert "设为管理员" in users.text

    member = user_browser(client, "member@a.example.cn")
    with engine.connect() as conn:
        before = conn.execute(select(func.count()).select_from(ApiKey)).scalar_one()
    assert member.post("/account/keys", {"label": "x"}).status_code == 403
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(ApiKey)).scalar_one() == before
    assert "设为管理员" not in member.get("/account/users").text
