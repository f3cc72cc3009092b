"""登录 / 退出, the session cookie, CSRF and revocation."""

import time
from datetime import timedelta
from urllib.parse import unquote

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from app.models import ApiKey, AuditEntry, SupplyNeed
from app.models.base import utcnow
from app.platform.db import make_sessionmaker
from app.web.security import COOKIE, MAX_AGE_S, NotSignedIn, SessionStore
from tests.app.factories import World
from tests.app.servers import running_server
from tests.app.web.helpers import browser, csrf_of, seed, sign_in


def test_sign_in_sets_an_httponly_samesite_cookie_without_the_key(
    client: TestClient, world: World
) -> None:
    response = sign_in(client, world.sme_a.key)
    assert response.status_code == 303
    assert response.headers["location"] == "/"
    set_cookie = next(
        h for h in response.headers.get_list("set-cookie") if h.startswith(f"{COOKIE}=")
    )
    assert "HttpOnly" in set_cookie
    assert "samesite=lax" in set_cookie.lower()
    assert "Secure" not in set_cookie  # plain http here; see the https test
    secret = world.sme_a.key.split("_", 2)[2]
    assert secret not in set_cookie
    page = client.get("/")
    assert page.status_code == 200
    assert "工作台" in page.text
    assert world.sme_a.key not in page.text
    assert secret not in page.text


def test_cookie_is_secure_over_https(app: FastAPI, world: World) -> None:
    with TestClient(app, base_url="https://testserver") as secure:
        response = sign_in(secure, world.admin.key)
    set_cookie = next(
        h for h in response.headers.get_list("set-cookie") if h.startswith(f"{COOKIE}=")
    )
    assert "Secure" in set_cookie


def test_a_bad_key_is_refused_in_chinese_and_gets_no_session(
    client: TestClient, world: World
) -> None:
    response = sign_in(client, world.sme_a.key[:-2] + "xx")
    assert response.status_code == 401
    assert "密钥无效或已被吊销" in response.text
    assert COOKIE not in response.cookies
    assert client.get("/", follow_redirects=False).status_code == 303


def test_pages_without_a_session_go_to_sign_in_and_come_back(
    client: TestClient, world: World
) -> None:
    client.cookies.clear()
    response = client.get("/needs?q=传感器", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login?next=")
    back = sign_in(client, world.firm_a.key, next_url="/needs?q=传感器")
    assert unquote(back.headers["location"]) == "/needs?q=传感器"


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example/", "/\\evil"])
def test_sign_in_never_redirects_off_site(client: TestClient, world: World, target: str) -> None:
    response = sign_in(client, world.firm_a.key, next_url=target)
    assert response.headers["location"] == "/"


def test_sign_in_form_needs_its_csrf_token(client: TestClient, world: World) -> None:
    client.cookies.clear()
    client.get("/login")
    response = client.post(
        "/login", data={"api_key": world.admin.key, "csrf": "forged"}, follow_redirects=False
    )
    assert response.status_code == 403
    assert COOKIE not in response.cookies


def test_a_form_without_the_csrf_token_is_refused_and_changes_nothing(
    client: TestClient, world: World, engine: Engine
) -> None:
    ids = seed(client, world)
    firm = browser(client, world.firm_a)
    page = firm.get(f"/needs/{ids.draft_need}")
    assert "发布需求" in page.text
    for csrf in (False, True):
        data = {"status": "open", "version": "1"}
        if csrf:
            data["csrf"] = "not-the-token"
        response = firm.post(f"/needs/{ids.draft_need}/status", data, csrf=False)
        assert response.status_code == 403
        assert "无权访问" in response.text
    with make_sessionmaker(engine)() as session:
        assert session.get(SupplyNeed, ids.draft_need).status == "draft"  # type: ignore[union-attr]
    assert (
        firm.post(f"/needs/{ids.draft_need}/status", {"status": "open", "version": "1"}).status_code
        == 303
    )
    with make_sessionmaker(engine)() as session:
        assert session.get(SupplyNeed, ids.draft_need).status == "open"  # type: ignore[union-attr]


def test_a_form_posted_from_another_site_is_refused(client: TestClient, world: World) -> None:
    ids = seed(client, world)
    firm = browser(client, world.firm_a)
    firm._use()
    response = client.post(
        f"/needs/{ids.draft_need}/status",
        data={"csrf": firm.csrf, "status": "open", "version": "1"},
        headers={"Origin": "https://evil.example"},
        follow_redirects=False,
    )
    assert response.status_code == 403


def test_a_revoked_key_is_signed_out_of_the_console(client: TestClient, world: World) -> None:
    firm = browser(client, world.firm_a)
    assert firm.get("/").status_code == 200
    key_id = client.get("/api/v1/me", headers=world.firm_a.headers).json()["key_id"]
    revoked = client.delete(f"/api/v1/keys/{key_id}", headers=world.admin.headers)
    assert revoked.status_code == 204
    response = firm.get("/needs")
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login")
    assert sign_in(client, world.firm_a.key).status_code == 401


def test_sign_out_forgets_the_session(client: TestClient, world: World) -> None:
    sme = browser(client, world.sme_a)
    response = sme.post("/logout", {})
    assert response.status_code == 303
    assert response.headers["location"] == "/login"
    cleared = next(h for h in response.headers.get_list("set-cookie") if h.startswith(f"{COOKIE}="))
    assert "Max-Age=0" in cleared
    client.cookies.clear()
    assert client.get("/", follow_redirects=False).status_code == 303


def test_sign_in_is_audited_without_the_key(
    client: TestClient, world: World, engine: Engine
) -> None:
    browser(client, world.sme_a)
    with make_sessionmaker(engine)() as session:
        rows = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "console.sign_in")
        ).all()
    assert [r.actor_organization_id for r in rows] == [world.sme_a.org_id]
    assert world.sme_a.key not in str(rows[0].detail)


def test_tampered_expired_and_foreign_cookies_do_not_hold(world: World, engine: Engine) -> None:
    store = SessionStore(b"k" * 32)
    with make_sessionmaker(engine)() as session:
        row = session.scalars(select(ApiKey).order_by(ApiKey.id)).first()
        assert row is not None
        now = utcnow()
        good = store.open(session, row, now=now)
        assert store.resume(session, good, now=now).principal.key_id == row.id
        for bad in (good[::-1], good[:-1], "v1.x.y", "", "x" * 4096):
            with pytest.raises(NotSignedIn):
                store.resume(session, bad, now=now)
        with pytest.raises(NotSignedIn):
            store.resume(session, good, now=now + timedelta(seconds=MAX_AGE_S))
        # Each sign-in gets its own CSRF token, and another server secret makes other tokens.
        again = store.open(session, row, now=now)
        assert (
            store.resume(session, again, now=now).csrf != store.resume(session, good, now=now).csrf
        )
        assert SessionStore(b"z" * 32).resume(session, good, now=now).csrf != store.csrf_for(good)
        session.rollback()


def test_login_page_carries_a_fresh_token(client: TestClient) -> None:
    client.cookies.clear()
    first, second = client.get("/login"), client.get("/login")
    assert csrf_of(first.text) != csrf_of(second.text)


@pytest.mark.slow
def test_a_console_session_holds_on_every_worker_of_xieshou_serve(
    world: World, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # `xieshou serve` gives its workers one session secret, so any worker accepts the cookie.
    monkeypatch.setenv("XIESHOU_WORKER_HEADER", "true")  # which worker answered
    with running_server(database_url, workers=2) as base:
        with httpx.Client(base_url=base, timeout=10) as browser_like:
            form = browser_like.get("/login")
            signed = browser_like.post(
                "/login",
                data={"api_key": world.sme_a.key, "csrf": csrf_of(form.text)},
                follow_redirects=False,
            )
            assert signed.status_code == 303
            cookie = signed.cookies[COOKIE]
        workers: set[str] = set()
        deadline = time.monotonic() + 20
        while len(workers) < 2 and time.monotonic() < deadline:
            # A new connection each time, so the kernel spreads them over both workers.
            page = httpx.get(f"{base}/", cookies={COOKIE: cookie}, timeout=10)
            assert page.status_code == 200, page.status_code
            assert "工作台" in page.text
            workers.add(page.headers["X-Xieshou-Worker"])
        assert len(workers) == 2, "every request went to one worker; cannot tell"
