"""``/docs`` (Swagger UI) and ``/redoc`` (ReDoc) from files shipped in this package, offline.

FastAPI's own pages load Swagger UI and ReDoc from a CDN, and are blank without network. Here
the pages load ``/docs/static/…`` (see ``static/PROVENANCE.md``) under a policy that lets them
run only those files and their inline start-up script (by hash), and talk only to this origin.
"""

import base64
import hashlib
import re
from pathlib import Path

from fastapi import FastAPI
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

DOCS_PATH = "/docs"
REDOC_PATH = "/redoc"
STATIC = Path(__file__).parent / "static"
_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)


def _policy(page: str, *, workers: bool = False) -> str:
    hashes = " ".join(
        f"'sha256-{base64.b64encode(hashlib.sha256(s.encode()).digest()).decode()}'"
        for s in _INLINE_SCRIPT.findall(page)
    )
    # ReDoc runs its search index in a Web Worker it builds from a blob: URL.
    worker = " worker-src blob:;" if workers else ""
    return (
        f"default-src 'none'; script-src 'self' {hashes}; style-src 'self' 'unsafe-inline'; "
        f"img-src 'self' data:; connect-src 'self';{worker} frame-ancestors 'none'; "
        "base-uri 'none'; form-action 'none'"
    )


def _page(html: str, *, workers: bool = False) -> HTMLResponse:
    return HTMLResponse(
        html,
        headers={
            "Content-Security-Policy": _policy(html, workers=workers),
            "Cache-Control": "no-cache",
            "Referrer-Policy": "no-referrer",
        },
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
    return _page(bytes(page.body).decode("utf-8"))


def redoc_page(app: FastAPI) -> HTMLResponse:
    """The ReDoc page for ``app``'s OpenAPI document, with its security policy.

    No Google Fonts (the page talks to this origin only): ReDoc falls back to system fonts.
    Its "API docs by Redocly" logo points at Redocly's CDN; the policy refuses it and the
    link shows as text.
    """
    assert app.openapi_url is not None
    page = get_redoc_html(
        openapi_url=app.openapi_url,
        title=f"{app.title} — API（ReDoc）",
        redoc_js_url=f"{DOCS_PATH}/static/redoc.standalone.js",
        redoc_favicon_url=f"{DOCS_PATH}/static/favicon-32x32.png",
        with_google_fonts=False,
    )
    html = bytes(page.body).decode("utf-8").replace("<html>", '<html lang="zh-CN">', 1)
    return _page(html, workers=True)


def install(app: FastAPI) -> None:
    """Serve ``/docs``, ``/redoc`` and their bundled assets (create the app with
    ``docs_url=None, redoc_url=None``)."""

    @app.get(DOCS_PATH, include_in_schema=False)
    def swagger_ui() -> HTMLResponse:
        return docs_page(app)

    @app.get(REDOC_PATH, include_in_schema=False)
    def redoc() -> HTMLResponse:
        return redoc_page(app)

    app.mount(f"{DOCS_PATH}/static", StaticFiles(directory=STATIC), name="docs-static")
