"""``/redoc``: ReDoc from files shipped in the package, under its own policy (issue 19)."""

import hashlib
import re
from pathlib import Path

from fastapi.testclient import TestClient

STATIC = Path(__file__).parents[2] / "app" / "swagger" / "static"


def test_redoc_loads_from_this_server_only(client: TestClient) -> None:
    page = client.get("/redoc")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    links = re.findall(r'(?:src|href|spec-url)="([^"]+)"', page.text)
    assert sorted(links) == [
        "/docs/static/favicon-32x32.png",
        "/docs/static/redoc.standalone.js",
        "/openapi.json",
    ]
    assert "://" not in page.text  # no Google Fonts, no CDN
    bundle = client.get("/docs/static/redoc.standalone.js")
    assert bundle.status_code == 200
    assert len(bundle.content) == (STATIC / "redoc.standalone.js").stat().st_size > 1_000_000


def test_redoc_policy_allows_its_worker_and_nothing_from_elsewhere(client: TestClient) -> None:
    policy = client.get("/redoc").headers["content-security-policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["default-src"] == "'none'"
    assert directives["script-src"].strip() == "'self'"  # the page has no inline script
    assert directives["worker-src"] == "blob:"
    assert directives["connect-src"] == "'self'"
    assert directives["img-src"] == "'self' data:"
    assert "unsafe-eval" not in policy


def test_redoc_is_shipped_with_its_license_and_provenance() -> None:
    provenance = (STATIC / "PROVENANCE.md").read_text(encoding="utf-8")
    for name in ("redoc.standalone.js", "redoc.standalone.js.LICENSE.txt", "REDOC-LICENSE"):
        data = (STATIC / name).read_bytes()
        assert hashlib.sha256(data).hexdigest() in provenance, name
        assert f"{len(data):,}" in provenance, name
    assert "MIT License" in (STATIC / "REDOC-LICENSE").read_text(encoding="utf-8")
