"""``/docs``: Swagger UI from files shipped in this package, so it works offline.

FastAPI's own page loads Swagger UI from a CDN, and is blank without network. Here the page
loads ``/docs/static/…`` (see ``static/PROVENANCE.md``) under a policy that lets it run only
those files and its one inline start-up script (by hash), and talk only to this origin.
"""

import base64
import hashlib
import re
from pathlib import Path

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

DOCS_PATH = "/docs"
STATIC = Path(__file__).parent / "static"
_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)


def _policy(page: str) -> str:
    hashes = " ".join(
        f"'sha256-{base64.b64encode(hashlib.sha256(s.encode()).digest()).decode()}'"
        for s in _INLINE_SCRIPT.findall(page)
    )
    return (
        f"default-src 'none'; script-src 'self' {hashes}; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
        "form-action 'none'"
    )


def docs_page(app: FastAPI) -> HTMLResponse:
    """The Swagger UI page for ``app``'s OpenAPI document, with its security policy."""
    assert app.openapi_url is not None
    page = get_swagger_ui_html(
        openapi_url=app.openapi_url,
        title=f"{app.title} — API",
        swagger_js_url=f"{DOCS_PATH}/static/swagger-ui-bundle.js",
        swagger_css_url=f"{DOCS_PATH}/static/swagger-ui.css",
        swagger_favicon_url=f"{DOCS_PATH}/static/favicon-32x32.png",
        # No badge from the public validator: the page talks to this origin only.
        swagger_ui_parameters={"validatorUrl": None},
    )
    html = bytes(page.body).decode("utf-8")
    return HTMLResponse(
        html,
        headers={
            "Content-Security-Policy": _policy(html),
            "Cache-Control": "no-cache",
            "Referrer-Policy": "no-referrer",
        },
    )


def install(app: FastAPI) -> None:
    """Serve ``/docs`` and its bundled assets (create the app with ``docs_url=None``)."""

    @app.get(DOCS_PATH, include_in_schema=False)
    def swagger_ui() -> HTMLResponse:
        return docs_page(app)

    app.mount(f"{DOCS_PATH}/static", StaticFiles(directory=STATIC), name="docs-static")
