"""Console sessions are kept server-side: 退出, key revocation and expiry end them for good.

Regression (issue 14, finding 8): the cookie replayed after ``POST /logout`` kept working
for 12 hours, because the session was only a signed cookie.
"""

import hashlib
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import Engine, select, text, update

from app.models import AuditEntry, ConsoleSession
from app.models.base import utcnow
from app.platform.db import make_sessionmaker
from app.web.security import COOKIE
from tests.app.factories import World
from tests.app.web.helpers import browser


def _rows(engine: Engine) -> list[ConsoleSession]:
    with make_sessionmaker(engine)() as session:
        return list(session.scalars(select(ConsoleSession).order_by(ConsoleSession.id)))


def test_a_cookie_replayed_after_sign_out_is_refused(client: TestClient, world: World) -> None:
    sme = browser(client, world.sme_a)
    assert sme.post("/logout", {}).status_code == 303
    replayed = sme.get("/")  # the old cookie, sent again
    assert replayed.status_code == 303
    assert replayed.headers["location"].startswith("/login")
    assert sme.get("/needs").status_code == 303
    assert sme.post("/logout", {}).status_code == 303  # signing out twice is harmless


def test_sign_out_ends_only_that_browser_s_session(client: TestClient, world: World) -> None:
    phone = browser(client, world.firm_a)
    laptop = browser(client, world.firm_a)
    assert phone.cookie != laptop.cookie
    assert phone.post("/logout", {}).status_code == 303
    assert phone.get("/").status_code == 303
    assert laptop.get("/").status_code == 200


def test_only_a_hash_of_the_session_token_is_stored(
    client: TestClient, world: World, engine: Engine
) -> None:
    sme = browser(client, world.sme_a)
    [row] = _rows(engine)
    assert row.token_hash == hashlib.sha256(sme.cookie.encode()).hexdigest()
    with engine.connect() as conn:
        stored = " ".join(
            str(v) for r in conn.execute(text("SELECT * FROM console_sessions")) for v in r
        )
    assert sme.cookie not in stored
    assert row.revoked_at is None
    assert row.created_at <= row.last_seen_at < row.expires_at
    assert row.expires_at - row.created_at == timedelta(hours=12)


def test_sign_out_revokes_the_row_and_is_audited(
    client: TestClient, world: World, engine: Engine
) -> None:
    sme = browser(client, world.sme_a)
    sme.post("/logout", {})
    [row] = _rows(engine)
    assert row.revoked_at is not None
    with make_sessionmaker(engine)() as session:
        actions = session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions[-1] == "console.sign_out"


def test_sign_out_needs_the_csrf_token(client: TestClient, world: World) -> None:
    sme = browser(client, world.sme_a)
    assert sme.post("/logout", {}, csrf=False).status_code == 403
    assert sme.get("/").status_code == 200  # a forged sign-out ends nothing


def test_revoking_the_key_revokes_its_sessions_and_no_other(
    client: TestClient, world: World, engine: Engine
) -> None:
    firm = browser(client, world.firm_a)
    sme = browser(client, world.sme_a)
    key_id = client.get("/api/v1/me", headers=world.firm_a.headers).json()["key_id"]
    client.cookies.clear()
    assert client.delete(f"/api/v1/keys/{key_id}", headers=world.admin.headers).status_code == 204
    by_key = {r.api_key_id: r for r in _rows(engine)}
    assert by_key[key_id].revoked_at is not None
    assert sum(r.revoked_at is None for r in by_key.values()) == 1
    assert firm.get("/").status_code == 303
    assert sme.get("/").status_code == 200


def test_an_expired_session_goes_to_sign_in(
    client: TestClient, world: World, engine: Engine
) -> None:
    sme = browser(client, world.sme_a)
    with engine.begin() as conn:
        conn.execute(update(ConsoleSession).values(expires_at=utcnow() - timedelta(seconds=1)))
    response = sme.get("/needs")
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login")
    cleared = next(h for h in response.headers.get_list("set-cookie") if h.startswith(f"{COOKIE}="))
    assert "Max-Age=0" in cleared


def test_an_unknown_or_malformed_cookie_goes_to_sign_in(client: TestClient, world: World) -> None:
    sme = browser(client, world.sme_a)
    for forged in (sme.cookie[:-1] + ("A" if sme.cookie[-1] != "A" else "B"), "", "v1.1.2.3.4"):
        client.cookies.clear()
        client.cookies.set(COOKIE, forged)
        assert client.get("/", follow_redirects=False).status_code == 303


def test_signing_in_clears_out_expired_sessions(
    client: TestClient, world: World, engine: Engine
) -> None:
    browser(client, world.sme_a)
    with engine.begin() as conn:
        conn.execute(update(ConsoleSession).values(expires_at=utcnow() - timedelta(seconds=1)))
    browser(client, world.sme_a)
    rows = _rows(engine)
    assert len(rows) == 1
    assert rows[0].expires_at > utcnow()


def test_page_views_write_nothing_and_form_posts_note_the_session_seen(
    client: TestClient, world: World, engine: Engine
) -> None:
    # Reads stay reads (issue 14, finding 7): a page view must not update last_seen_at.
    sme = browser(client, world.sme_a)
    long_ago = utcnow() - timedelta(hours=1)
    with engine.begin() as conn:
        conn.execute(update(ConsoleSession).values(last_seen_at=long_ago))
    assert sme.get("/").status_code == 200
    assert sme.get("/needs").status_code == 200
    [row] = _rows(engine)
    assert row.last_seen_at == long_ago
    assert sme.post("/logout", {}).status_code == 303  # a form post: it writes anyway
    [row] = _rows(engine)
    assert row.last_seen_at > long_ago + timedelta(minutes=59)
