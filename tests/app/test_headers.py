"""Security headers: nosniff and a policy everywhere, sandboxed HTML exports, HSTS over https,
proxy headers believed only when configured, and ``/docs`` from files in the package.

Regression (issue 14, finding 11): API and export responses had neither nosniff nor a CSP, an
HTML export was served inline with no policy, nothing sent HSTS, and ``/docs`` loaded Swagger
UI from a CDN (a blank page offline).
"""

import base64
import hashlib
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.headers import DATA_POLICY, SANDBOX_POLICY
from app.main import create_app
from app.platform.settings import Settings
from app.web.security import COOKIE, LOGIN_CSRF_COOKIE
from tests.app.events.helpers import add, open_event
from tests.app.factories import World, bearer
from tests.app.servers import running_server
from tests.app.web.helpers import csrf_of

STATIC = Path(__file__).parents[2] / "app" / "swagger" / "static"


def _one(response: httpx.Response, name: str) -> str:
    values = response.headers.get_list(name)
    assert len(values) == 1, (name, values)
    return values[0]


def test_api_answers_carry_nosniff_and_a_policy_that_allows_nothing(
    client: TestClient, world: World
) -> None:
    for response in (
        client.get("/api/v1/me", headers=world.sme_a.headers),
        client.get("/api/v1/me"),  # 401
        client.get("/api/v1/me", headers=bearer("xs_0123456789ab_wrong")),
        client.get("/api/v1/nowhere", headers=world.sme_a.headers),  # 404
        client.get("/openapi.json"),
        client.get("/healthz"),
    ):
        assert _one(response, "X-Content-Type-Options") == "nosniff", response.url
        assert _one(response, "Content-Security-Policy") == DATA_POLICY, response.url
        assert "Strict-Transport-Security" not in response.headers  # plain http


def test_an_html_export_is_sandboxed_and_other_exports_allow_nothing(
    client: TestClient, world: World
) -> None:
    event = open_event(client, world)
    buyer = add(client, world.organizer, event["id"], world.firm_a.org_id)
    base = f"/api/v1/events/{event['id']}"
    headers = world.organizer.headers
    pages = [
        client.get(f"{base}/exports/matches?format=html", headers=headers),
        client.get(f"{base}/agenda?participant_id={buyer['id']}&format=html", headers=headers),
    ]
    for page in pages:
        assert page.status_code == 200, page.text
        assert page.headers["content-type"].startswith("text/html")
        policy = _one(page, "Content-Security-Policy")
        assert policy == SANDBOX_POLICY
        assert policy.startswith("sandbox;")
        assert "script-src" not in policy  # default-src 'none' covers scripts
        assert _one(page, "X-Content-Type-Options") == "nosniff"
    for fmt in ("csv", "xlsx"):
        file = client.get(f"{base}/exports/matches?format={fmt}", headers=headers)
        assert file.status_code == 200
        assert file.headers["content-disposition"].startswith("attachment")
        assert _one(file, "Content-Security-Policy") == DATA_POLICY


def test_console_pages_keep_their_own_policy(client: TestClient, world: World) -> None:
    client.cookies.clear()
    page = client.get("/login")
    policy = _one(page, "Content-Security-Policy")
    assert "script-src 'self'" in policy
    assert "sandbox" not in policy
    assert _one(page, "X-Content-Type-Options") == "nosniff"
    assert _one(client.get("/static/console.css"), "X-Content-Type-Options") == "nosniff"


def test_hsts_only_over_https(app: FastAPI, world: World) -> None:
    with TestClient(app, base_url="https://testserver") as secure:
        for response in (secure.get("/healthz"), secure.get("/login"), secure.get("/docs")):
            assert _one(response, "Strict-Transport-Security") == "max-age=31536000"


def test_forwarded_proto_is_ignored_unless_a_proxy_is_trusted(
    client: TestClient, world: World
) -> None:
    claims = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.5"}
    response = client.get("/healthz", headers=claims)
    assert "Strict-Transport-Security" not in response.headers
    client.cookies.clear()
    form = client.get("/login", headers=claims)
    signed = client.post(
        "/login",
        data={"api_key": world.sme_a.key, "csrf": csrf_of(form.text)},
        headers=claims,
        follow_redirects=False,
    )
    cookie = next(h for h in signed.headers.get_list("set-cookie") if h.startswith(COOKIE))
    assert "Secure" not in cookie


@pytest.fixture
def behind_proxy(settings: Settings) -> Iterator[TestClient]:
    """The app configured to believe the proxy it is reached through (``testclient``)."""
    app = create_app(settings.model_copy(update={"forwarded_allow_ips": "testclient"}))
    with TestClient(app) as client:
        yield client


def test_a_trusted_proxy_s_scheme_and_client_are_believed(
    behind_proxy: TestClient, world: World
) -> None:
    claims = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.5"}
    assert "Strict-Transport-Security" in behind_proxy.get("/healthz", headers=claims).headers
    assert "Strict-Transport-Security" not in behind_proxy.get("/healthz").headers
    form = behind_proxy.get("/login", headers=claims)
    # The form's cookie is Secure now, so this http client would not send it back by itself.
    assert "Secure" in _one(form, "set-cookie")
    token = form.cookies[LOGIN_CSRF_COOKIE]
    signed = behind_proxy.post(
        "/login",
        data={"api_key": world.sme_a.key, "csrf": csrf_of(form.text)},
        headers=claims | {"Cookie": f"{LOGIN_CSRF_COOKIE}={token}"},
        follow_redirects=False,
    )
    assert signed.status_code == 303
    cookie = next(h for h in signed.headers.get_list("set-cookie") if h.startswith(COOKIE))
    assert "Secure" in cookie
    # Failed keys count against the client the proxy names, not against the proxy.
    for i in range(30):
        behind_proxy.get("/api/v1/me", headers=claims | bearer(f"xs_{i:012x}_wrong"))
    assert behind_proxy.get("/api/v1/me", headers=claims | world.sme_a.headers).status_code == 429
    other = {"X-Forwarded-For": "198.51.100.7"}
    assert (
        behind_proxy.get("/api/v1/me", headers=other | bearer("xs_ba9876543210_x")).status_code
        == 401
    )


@pytest.mark.slow
def test_xieshou_serve_ignores_forwarded_proto_by_default(world: World, database_url: str) -> None:
    # uvicorn's own default believes X-Forwarded-* from 127.0.0.1, i.e. from any local process.
    claims = {"X-Forwarded-Proto": "https"}
    # a generous timeout: one answer of a loaded machine took over 10 s
    with running_server(database_url) as base, httpx.Client(base_url=base, timeout=60) as http:
        assert "Strict-Transport-Security" not in http.get("/healthz", headers=claims).headers
        form = http.get("/login", headers=claims)
        signed = http.post(
            "/login",
            data={"api_key": world.sme_a.key, "csrf": csrf_of(form.text)},
            headers=claims,
            follow_redirects=False,
        )
        assert signed.status_code == 303
        cookie = next(h for h in signed.headers.get_list("set-cookie") if h.startswith(COOKIE))
        assert "Secure" not in cookie


def test_docs_load_swagger_ui_from_this_server_only(client: TestClient) -> None:
    page = client.get("/docs")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    links = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert sorted(links) == [
        "/docs/static/favicon-32x32.png",
        "/docs/static/swagger-ui-bundle.js",
        "/docs/static/swagger-ui.css",
    ]
    assert "://" not in page.text
    for link, size in (
        ("/docs/static/swagger-ui-bundle.js", (STATIC / "swagger-ui-bundle.js").stat().st_size),
        ("/docs/static/swagger-ui.css", (STATIC / "swagger-ui.css").stat().st_size),
    ):
        asset = client.get(link)
        assert asset.status_code == 200
        assert len(asset.content) == size > 100_000
        assert _one(asset, "X-Content-Type-Options") == "nosniff"
    assert (
        client.get("/docs/static/swagger-ui-bundle.js")
        .headers["content-type"]
        .startswith(("text/javascript", "application/javascript"))
    )


def test_docs_policy_runs_only_its_own_scripts(client: TestClient) -> None:
    page = client.get("/docs")
    policy = _one(page, "Content-Security-Policy")
    [inline] = re.findall(r"<script>(.*?)</script>", page.text, re.DOTALL)
    digest = base64.b64encode(hashlib.sha256(inline.encode()).digest()).decode()
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["script-src"] == f"'self' 'sha256-{digest}'"
    assert directives["default-src"] == "'none'"
    assert directives["connect-src"] == "'self'"
    assert "unsafe-eval" not in policy


def test_swagger_ui_is_shipped_with_its_license_and_provenance() -> None:
    provenance = (STATIC / "PROVENANCE.md").read_text(encoding="utf-8")
    for name in ("swagger-ui-bundle.js", "swagger-ui.css", "favicon-32x32.png", "LICENSE"):
        data = (STATIC / name).read_bytes()
        assert hashlib.sha256(data).hexdigest() in provenance, name
        assert f"{len(data):,}" in provenance, name
    assert "Apache License" in (STATIC / "LICENSE").read_text(encoding="utf-8")
