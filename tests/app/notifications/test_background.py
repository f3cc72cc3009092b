"""The sender running with the app, ``xieshou outbox send``, the digest, the settings page."""

import datetime as dt
import os
import subprocess
import sys
import time
from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from app.main import create_app
from app.migrate import upgrade
from app.models import NotificationRecipient, OutboxMessage, OutboxStatus
from app.models.base import utcnow
from app.notifications import calendars, triggers
from app.notifications.messages import Message
from app.notifications.outbox import enqueue
from app.platform.db import make_sessionmaker, session_scope
from app.platform.settings import Settings
from tests.app.factories import World
from tests.app.web.helpers import browser


def _message(n: int = 0) -> Message:
    return Message(
        topic="import.finished",
        to_email=f"org{n}@example.cn",
        subject="企业导入已完成",
        text="新增 3。",
    )


def _statuses(engine: Engine) -> list[str]:
    with make_sessionmaker(engine)() as session:
        return list(session.scalars(select(OutboxMessage.status).order_by(OutboxMessage.id)))


def test_the_app_starts_a_sender_that_delivers_what_is_queued(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'app.db'}"
    upgrade(url)
    app = create_app(Settings(database_url=url, outbox_sender=True, outbox_interval_s=0.1))
    engine = app.state.engine
    with TestClient(app):
        for session in session_scope(app.state.sessionmaker):
            enqueue(session, _message())
        deadline = time.monotonic() + 60  # liveness only (a loaded machine)
        while _statuses(engine) != ["sent"] and time.monotonic() < deadline:
            time.sleep(0.05)
    assert _statuses(engine) == ["sent"]
    engine.dispose()


def test_tests_run_without_a_background_sender(app: FastAPI) -> None:
    assert app.state.outbox is None


def test_xieshou_outbox_send_makes_one_pass(tmp_path: Path) -> None:
    db = tmp_path / "cli.db"
    url = f"sqlite:///{db}"
    upgrade(url)
    from app.platform.db import make_engine

    engine = make_engine(url)
    for session in session_scope(make_sessionmaker(engine)):
        for n in range(3):
            enqueue(session, _message(n))
    env = os.environ | {"XIESHOU_DATABASE_URL": url}
    done = subprocess.run(
        [sys.executable, "-m", "app.cli", "outbox", "send"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "sent 3 messages" in done.stderr
    assert "org0@example.cn" not in done.stderr
    assert _statuses(engine) == ["sent"] * 3
    engine.dispose()


def test_the_daily_digest_tells_an_sme_of_fitting_new_needs_once_a_day(
    client: TestClient, world: World, engine: Engine, app: FastAPI, settings: Settings
) -> None:
    body = {"organization_id": world.sme_a.org_id, "products": [{"name": "压力传感器"}]}
    assert client.post("/api/v1/profiles", json=body, headers=world.sme_a.headers).is_success
    need = {"title": "采购压力传感器", "products": ["压力传感器"], "status": "open"}
    assert client.post("/api/v1/needs", json=need, headers=world.firm_a.headers).is_success
    sessions = make_sessionmaker(engine)
    index = app.state.matching
    now = utcnow()
    local = now.astimezone(calendars.SESSION_TZ)
    if (local + dt.timedelta(minutes=10)).date() != local.date():
        # Both passes below must fall on one China day (the digest is once per day): near
        # midnight the second one, 5 minutes on, would be tomorrow's (a CI run at 23:58 failed).
        now += dt.timedelta(minutes=15)

    def run(at: dt.datetime) -> int:
        return triggers.run_periodic(sessions, settings, index, now=at, force=True)

    # A pass skips an index still building or catching up (the next pass sends the digest):
    # this one is to find the profile and the need just written.
    index.refresh()
    assert run(now) == 1
    assert run(now + dt.timedelta(minutes=5)) == 0  # once a day
    with sessions() as session:
        [digest] = session.scalars(
            select(OutboxMessage).where(OutboxMessage.topic == "needs.digest")
        ).all()
    assert digest.organization_id == world.sme_a.org_id
    assert "采购压力传感器" in digest.text
    # two days on, the need is no longer new: no digest
    assert run(now + dt.timedelta(days=2)) == 0


def test_the_settings_page_stores_channels_and_issues_a_calendar_url(
    client: TestClient, world: World, engine: Engine
) -> None:
    firm = browser(client, world.sme_a)
    page = firm.get("/notifications")
    assert page.status_code == 200
    assert "zhang@example.cn" in page.text
    saved = firm.post("/notifications", {"interest.mutual:email": "on"})
    assert saved.status_code == 303
    with make_sessionmaker(engine)() as session:
        row = session.scalar(select(NotificationRecipient))
        assert row is not None
        assert row.topics["interest.mutual"] == ["email"]
        assert row.topics["interest.candidate"] == []
    for session in session_scope(make_sessionmaker(engine)):
        off = enqueue(session, Message("interest.candidate", "zhang@example.cn", "s", "t"))
        on = enqueue(session, Message("interest.mutual", "zhang@example.cn", "s", "t"))
    with make_sessionmaker(engine)() as session:
        assert session.get(OutboxMessage, off).status == OutboxStatus.skipped  # type: ignore[union-attr]
        assert session.get(OutboxMessage, on).status == OutboxStatus.pending  # type: ignore[union-attr]

    issued = firm.post("/notifications/calendar", {})
    assert issued.status_code == 200
    assert "/calendar/" in issued.text
    assert firm.post("/notifications", {}, csrf=False).status_code == 403
