"""Signing in as a person: passwords, one-time codes, resets, throttling, server-side sessions."""

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select, text

from app.models import AuditEntry, Role
from tests.app.accounts.helpers import (
    PASSWORD,
    last_code,
    last_link,
    make_user,
    messages_to,
    token_of,
)
from tests.app.factories import World, bearer
from tests.app.web.helpers import csrf_of

EMAIL = "li@firm.example.cn"


def _token(client: TestClient, email: str = EMAIL, password: str = PASSWORD) -> str:
    signed = client.post("/api/v1/sessions", json={"email": email, "password": password})
    assert signed.status_code == 201, signed.text
    return str(signed.json()["token"])


def test_email_is_case_insensitive_and_a_wrong_password_is_401(
    client: TestClient, engine: Engine, world: World
) -> None:
    make_user(engine, world.sme_a.org_id, Role.sme, EMAIL)
    assert (
        client.get("/api/v1/me", headers=bearer(_token(client, EMAIL.upper()))).status_code == 200
    )
    wrong = client.post("/api/v1/sessions", json={"email": EMAIL, "password": "wrong-password"})
    unknown = client.post("/api/v1/sessions", json={"email": "x@y.cn", "password": PASSWORD})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json()["detail"] == unknown.json()["detail"]


def test_sign_in_is_throttled_per_account(
    app: FastAPI, client: TestClient, engine: Engine, world: World
) -> None:
    make_user(engine, world.sme_a.org_id, Role.sme, EMAIL)
    limit = app.state.auth_throttle.per_key.amount
    for _ in range(limit):
        bad = client.post("/api/v1/sessions", json={"email": EMAIL, "password": "not-it-at-all"})
        assert bad.status_code == 401
    # Past the limit even the right password waits: a guesser learns nothing more.
    refused = client.post("/api/v1/sessions", json={"email": EMAIL, "password": PASSWORD})
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) >= 1


def test_a_disabled_user_cannot_sign_in_and_its_tokens_end(
    client: TestClient, engine: Engine, world: World
) -> None:
    make_user(engine, world.sme_a.org_id, Role.sme, "boss@firm.example.cn")
    member = make_user(
        engine,
        world.sme_a.org_id,
        Role.sme,
        EMAIL,
        org_role=__import__("app.models", fromlist=["OrgRole"]).OrgRole.member,
    )
    token = _token(client)
    owner = _token(client, "boss@firm.example.cn")
    off = client.patch(f"/api/v1/users/{member}", json={"disabled": True}, headers=bearer(owner))
    assert off.status_code == 200
    assert off.json()["disabled"]
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 401
    again = client.post("/api/v1/sessions", json={"email": EMAIL, "password": PASSWORD})
    assert again.status_code == 401
    with engine.connect() as conn:
        actions = [r[0] for r in conn.execute(select(AuditEntry.action))]
    assert "user.disable" in actions


def test_password_reset_ends_every_session_and_the_link_works_once(
    client: TestClient, engine: Engine, world: World
) -> None:
    make_user(engine, world.sme_a.org_id, Role.sme, EMAIL)
    old = _token(client)
    known = client.post("/api/v1/password-resets", json={"email": EMAIL})
    unknown = client.post("/api/v1/password-resets", json={"email": "nobody@example.cn"})
    assert known.status_code == unknown.status_code == 202
    assert known.json() == unknown.json()
    assert messages_to(engine, "nobody@example.cn") == []
    link = last_link(engine, EMAIL, "account.reset")
    token = token_of(link)
    form = client.get(f"/password/reset?token={token}")
    assert form.status_code == 200
    short = client.post("/password/reset", data={"token": token, "password": "short"})
    assert short.status_code == 422
    done = client.post("/password/reset", data={"token": token, "password": "a new secret 42"})
    assert done.status_code == 200, done.text
    assert client.get("/api/v1/me", headers=bearer(old)).status_code == 401
    assert (
        client.post("/password/reset", data={"token": token, "password": "x" * 12}).status_code
        == 410
    )
    assert (
        client.post("/api/v1/sessions", json={"email": EMAIL, "password": PASSWORD}).status_code
        == 401
    )
    _token(client, EMAIL, "a new secret 42")
    with engine.connect() as conn:
        stored = conn.execute(text("SELECT token_hash FROM user_tokens")).scalars().all()
    assert token not in stored


def _login_form(client: TestClient, mode: str) -> str:
    client.cookies.clear()
    page = client.get(f"/login?mode={mode}")
    assert page.status_code == 200
    return csrf_of(page.text)


def test_console_sign_in_with_password_then_sign_out(
    client: TestClient, engine: Engine, world: World
) -> None:
    make_user(engine, world.sme_a.org_id, Role.sme, EMAIL)
    csrf = _login_form(client, "password")
    wrong = client.post(
        "/login", data={"email": EMAIL, "password": "nope-nope", "csrf": csrf, "method": "password"}
    )
    assert wrong.status_code == 401
    assert "邮箱或密码错误" in wrong.text
    csrf = _login_form(client, "password")
    ok = client.post(
        "/login",
        data={"email": EMAIL, "password": PASSWORD, "csrf": csrf, "method": "password"},
        follow_redirects=False,
    )
    assert ok.status_code == 303, ok.text
    home = client.get("/")
    assert home.status_code == 200
    assert "退出" in home.text
    out = client.post("/logout", data={"csrf": csrf_of(home.text)}, follow_redirects=False)
    assert out.status_code == 303
    cookie = ok.cookies.get("xs_console")
    assert cookie
    client.cookies.set("xs_console", cookie)
    assert client.get("/", follow_redirects=False).status_code == 303  # back to 登录


def test_console_sign_in_with_a_one_time_code(
    client: TestClient, engine: Engine, world: World
) -> None:
    make_user(engine, world.sme_a.org_id, Role.sme, EMAIL)
    csrf = _login_form(client, "code")
    for address in (EMAIL, "nobody@example.cn"):
        sent = client.post("/login/code", data={"email": address, "csrf": csrf})
        csrf = csrf_of(sent.text)  # every sign-in page gives a fresh form token
        assert sent.status_code == 200
        assert "如果该邮箱已注册" in sent.text
    assert messages_to(engine, "nobody@example.cn") == []
    code = last_code(engine, EMAIL)
    wrong = "000000" if code != "000000" else "111111"
    bad = client.post("/login/code/verify", data={"email": EMAIL, "code": wrong, "csrf": csrf})
    assert bad.status_code == 401
    csrf = csrf_of(bad.text)
    ok = client.post(
        "/login/code/verify",
        data={"email": EMAIL, "code": code, "csrf": csrf},
        follow_redirects=False,
    )
    assert ok.status_code == 303
    # Used once: the same code does not sign in again.
    csrf = _login_form(client, "code")
    again = client.post("/login/code/verify", data={"email": EMAIL, "code": code, "csrf": csrf})
    assert again.status_code == 401


def test_a_code_is_spent_after_five_wrong_tries(
    client: TestClient, engine: Engine, world: World
) -> None:
    make_user(engine, world.sme_a.org_id, Role.sme, EMAIL)
    csrf = _login_form(client, "code")
    csrf = csrf_of(client.post("/login/code", data={"email": EMAIL, "csrf": csrf}).text)
    code = last_code(engine, EMAIL)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        page = client.post("/login/code/verify", data={"email": EMAIL, "code": wrong, "csrf": csrf})
        assert page.status_code == 401
        csrf = csrf_of(page.text)
    late = client.post("/login/code/verify", data={"email": EMAIL, "code": code, "csrf": csrf})
    assert late.status_code == 401


def test_a_code_goes_to_the_phone_when_asked(
    client: TestClient, engine: Engine, world: World
) -> None:
    make_user(engine, world.sme_a.org_id, Role.sme, EMAIL)
    with engine.begin() as conn:
        conn.execute(text("UPDATE users SET phone = '13800138000'"))
    csrf = _login_form(client, "code")
    client.post("/login/code", data={"email": EMAIL, "csrf": csrf, "by_sms": "1"})
    with engine.connect() as conn:
        row = conn.execute(
            text(
                "SELECT to_email, to_phone, text FROM notification_outbox WHERE topic = 'account.code'"
            )
        ).one()
    assert row.to_email is None
    assert row.to_phone == "13800138000"
    assert "验证码" in row.text


def test_the_api_key_sign_in_still_works(client: TestClient, world: World) -> None:
    csrf = _login_form(client, "key")
    ok = client.post(
        "/login", data={"api_key": world.sme_a.key, "csrf": csrf}, follow_redirects=False
    )
    assert ok.status_code == 303


def test_links_in_messages_use_the_public_url_not_the_requests_host(
    app: FastAPI, client: TestClient, engine: Engine, world: World
) -> None:
    make_user(engine, world.sme_a.org_id, Role.sme, EMAIL)
    client.post("/api/v1/password-resets", json={"email": EMAIL}, headers={"Host": "evil.example"})
    link = last_link(engine, EMAIL, "account.reset")
    assert link.startswith(app.state.settings.public_url.rstrip("/") + "/password/reset?token=")
    assert "evil.example" not in link


def test_signing_out_everywhere_ends_every_token_and_console_sign_in(
    client: TestClient, engine: Engine, world: World
) -> None:
    make_user(engine, world.sme_a.org_id, Role.sme, EMAIL)
    phone, laptop = _token(client), _token(client)
    csrf = _login_form(client, "password")
    console = client.post(
        "/login",
        data={"email": EMAIL, "password": PASSWORD, "csrf": csrf},
        follow_redirects=False,
    )
    cookie = console.cookies.get("xs_console")
    assert cookie
    assert client.delete("/api/v1/sessions", headers=bearer(phone)).status_code == 204
    assert client.get("/api/v1/me", headers=bearer(laptop)).status_code == 401
    client.cookies.clear()
    client.cookies.set("xs_console", cookie)
    assert client.get("/", follow_redirects=False).status_code == 303  # to 登录
    # An API key is revoked, not signed out.
    assert client.delete("/api/v1/sessions", headers=world.sme_a.headers).status_code == 403
