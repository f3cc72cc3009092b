"""The web console (中文): server-rendered pages on the same app and services as the API."""

import logging
import secrets
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from app.web import accounts, auth, chains, dashboard, events, interests, needs, profiles, regions
from app.web import campaigns as campaign_pages
from app.web import challenges as challenge_pages
from app.web import deals as deal_pages
from app.web import imports as import_pages
from app.web import jobs as job_pages
from app.web import keys as key_pages
from app.web import notifications as notification_pages
from app.web.security import SessionStore

log = logging.getLogger("xieshou")


def mount(app: FastAPI) -> None:
    """Serve the console at ``/`` and its stylesheet and script at ``/static``."""
    secret = app.state.settings.session_secret
    if secret is None:
        # One process only: `xieshou serve` gives its workers a shared secret itself.
        log.info("XIESHOU_SESSION_SECRET unset: console forms need a reload after a restart")
        key = secrets.token_bytes(32)
    else:
        key = secret.get_secret_value().encode("utf-8")
    app.state.console_sessions = SessionStore(key)
    for module in (auth, accounts, dashboard, needs, profiles, interests, events, chains, regions):
        app.include_router(module.router)
    app.include_router(key_pages.router)
    app.include_router(import_pages.router)
    app.include_router(job_pages.router)
    app.include_router(deal_pages.router)
    app.include_router(challenge_pages.router)
    app.include_router(campaign_pages.router)
    app.include_router(notification_pages.router)
    app.include_router(notification_pages.public)
    static = Path(__file__).parent / "static"
    app.mount("/static", StaticFiles(directory=static), name="console-static")
