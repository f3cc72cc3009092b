"""Following an e-mail's unsubscribe link, private calendar feeds, and who reads the outbox."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from icalendar import Calendar
from pydantic import SecretStr
from sqlalchemy import Engine, select

from app.models import OutboxMessage, OutboxStatus
from app.notifications.messages import Message
from app.notifications.outbox import enqueue
from app.notifications.sender import Sender
from app.platform.db import make_sessionmaker, session_scope
from app.platform.settings import Settings
from tests.app.events.helpers import BASE, add, open_event, wish
from tests.app.factories import World
from tests.app.jobs.wait import post_job
from tests.app.notifications.servers import Mailbox, smtp_server
from tests.app.web.helpers import browser


@pytest.fixture
def smtp(tmp_path: Path) -> Iterator[tuple[str, Mailbox]]:
    with smtp_server(tmp_path) as server:
        yield server


def _queue(engine: Engine, message: Message) -> int:
    for session in session_scope(make_sessionmaker(engine)):
        row_id = enqueue(session, message)
    return row_id


def _row(engine: Engine, row_id: int) -> OutboxMessage:
    with make_sessionmaker(engine)() as session:
        row = session.get(OutboxMessage, row_id)
        assert row is not None
        return row


def _notice(to: str = "buyer@example.cn", **overrides: object) -> Message:
    fields: dict[str, object] = {
        "topic": "interest.candidate",
        "to_email": to,
        "subject": "新的意向供应商",
        "text": "有企业对您的需求有意向。",
    }
    return Message(**(fields | overrides))  # type: ignore[arg-type]


def test_the_emails_one_click_unsubscribe_link_works_without_signing_in(
    client: TestClient, engine: Engine, database_url: str, smtp: tuple[str, Mailbox]
) -> None:
    url, mailbox = smtp
    settings = Settings(
        database_url=database_url,
        environment="test",
        smtp_url=SecretStr(url),
        public_url="https://xieshou.test",
    )
    sender = Sender(make_sessionmaker(engine), settings)
    _queue(engine, _notice())
    assert sender.send_pass() == 1
    [mail] = mailbox.messages
    link = mail["List-Unsubscribe"].strip("<>")
    path = link.removeprefix("https://xieshou.test")

    # a link checker's GET only shows the question
    page = client.get(path)
    assert page.status_code == 200
    assert "确认退订" in page.text
    assert _row(engine, _queue(engine, _notice(text="第二条"))).status == OutboxStatus.pending

    # the mail app's one-click POST (RFC 8058)
    done = client.post(path, content=b"List-Unsubscribe=One-Click")
    assert done.status_code == 200
    assert "已退订" in done.text
    after = _queue(engine, _notice(text="第三条"))
    assert _row(engine, after).status == OutboxStatus.skipped
    # the link stops its own topic; others still come
    mutual = _queue(engine, _notice(topic="interest.mutual"))
    assert _row(engine, mutual).status == OutboxStatus.pending
    # account messages still go out
    assert _row(engine, _queue(engine, _notice(topic="account.reset"))).status == "pending"

    # a forged or altered link does nothing
    assert client.post(path[:-3] + "abc").status_code == 404
    other = _queue(engine, _notice(to="other@example.cn"))
    assert _row(engine, other).status == OutboxStatus.pending


def test_a_firms_calendar_feed_lists_its_meetings_and_stops_when_revoked(
    client: TestClient, world: World, engine: Engine
) -> None:
    event = open_event(client, world, slots=2)
    eid = event["id"]
    buyer = add(client, world.organizer, eid, world.firm_a.org_id)
    sme = add(client, world.organizer, eid, world.sme_a.org_id)
    wish(client, world.organizer, eid, sme["id"], buyer["id"], "must")
    post_job(client, f"{BASE}/{eid}/schedule", world.organizer.headers)
    client.post(f"{BASE}/{eid}/publish", headers=world.organizer.headers)

    feed_api = f"/api/v1/organizations/{world.sme_a.org_id}/calendar-feed"
    assert client.post(feed_api, headers=world.firm_b.headers).status_code == 403
    issued = client.post(feed_api, headers=world.sme_a.headers)
    assert issued.status_code == 201, issued.text
    feed_url = issued.json()["url"]
    token = feed_url.rsplit("/", 1)[1].removesuffix(".ics")
    with make_sessionmaker(engine)() as session:
        from app.models import CalendarFeed

        stored = session.scalars(select(CalendarFeed.token_hash)).all()
    assert token not in stored  # only its hash is kept

    feed = client.get(f"/calendar/{token}.ics")
    assert feed.status_code == 200
    assert feed.headers["content-type"].startswith("text/calendar")
    [vevent] = Calendar.from_ical(feed.text).walk("VEVENT")
    assert str(vevent["UID"]).startswith(f"meeting-{eid}-")
    assert "METHOD" not in Calendar.from_ical(feed.text)

    # re-issued: the old URL stops, the new one works; revoked: nothing works
    again = client.post(feed_api, headers=world.sme_a.headers).json()["url"]
    assert client.get(f"/calendar/{token}.ics").status_code == 404
    new_token = again.rsplit("/", 1)[1].removesuffix(".ics")
    assert client.get(f"/calendar/{new_token}.ics").status_code == 200
    assert client.delete(feed_api, headers=world.sme_a.headers).status_code == 204
    assert client.get(f"/calendar/{new_token}.ics").status_code == 404


def test_the_outbox_view_admin_sees_all_a_firm_its_own(
    client: TestClient, world: World, engine: Engine
) -> None:
    mine = _queue(engine, _notice(organization_id=world.firm_a.org_id, subject="给A"))
    theirs = _queue(engine, _notice(organization_id=world.firm_b.org_id, subject="给B"))

    def ids(actor_headers: dict[str, str]) -> set[int]:
        response = client.get("/api/v1/outbox", headers=actor_headers)
        assert response.status_code == 200, response.text
        return {row["id"] for row in response.json()["items"]}

    assert ids(world.admin.headers) == {mine, theirs}
    assert ids(world.firm_a.headers) == {mine}
    assert ids(world.firm_b.headers) == {theirs}
    assert client.get("/api/v1/outbox").status_code == 401

    page = browser(client, world.firm_a).get("/outbox")
    assert page.status_code == 200
    assert "给A" in page.text
    assert "给B" not in page.text
    assert "未配置邮件服务器" in page.text
