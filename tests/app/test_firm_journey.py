"""Issue 16's journey: a firm from nothing to a meeting in its phone's calendar, with no key.

Over the API as a client would: the SME signs up, gets the verification e-mail from a real
SMTP server (STARTTLS + AUTH, through a real sender pass), follows its link, is approved by an
organizer of its region, signs in with e-mail and password and from then on acts only with its
user token (``xsu_…``): its profile, its registration for a session, its wish, its calendar
feed. The agenda e-mail's .ics and the feed carry one meeting whose UID stays when the venue
moves while its SEQUENCE rises.
"""

import datetime as dt
import re
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient
from icalendar import Calendar
from pydantic import SecretStr
from sqlalchemy import Engine, func, select

from app.models import ApiKey
from app.notifications.sender import Sender
from app.platform.db import make_sessionmaker
from app.platform.settings import Settings
from tests.app.accounts.helpers import PASSWORD
from tests.app.events.helpers import BASE, add, create_event, open_event, set_status
from tests.app.factories import World, bearer, make_uscc
from tests.app.jobs.wait import post_job
from tests.app.notifications.servers import Mailbox, smtp_server

PUBLIC_URL = "https://xieshou.test"
SME_EMAIL = "wang@jingyan.example.cn"
_LINK = re.compile(r"https?://[^/\s]+(/\S+?\?token=[A-Za-z0-9_\-]+)")


@pytest.fixture
def mail(tmp_path: Path, database_url: str, engine: Engine) -> Iterator[tuple[Sender, Mailbox]]:
    """A real SMTP server demanding STARTTLS and AUTH, and a sender configured for it."""
    with smtp_server(tmp_path) as (url, mailbox):
        settings = Settings(
            database_url=database_url,
            environment="test",
            smtp_url=SecretStr(url),
            public_url=PUBLIC_URL,
        )
        yield Sender(make_sessionmaker(engine), settings), mailbox


def _inbox(mailbox: Mailbox, to: str) -> list[EmailMessage]:
    return [m for m, rcpts in zip(mailbox.messages, mailbox.recipients, strict=True) if to in rcpts]


def _text(mail: EmailMessage) -> str:
    body = mail.get_body(preferencelist=("plain",))
    assert body is not None
    return str(body.get_content())


def _vevent(mail: EmailMessage) -> Any:
    [part] = [p for p in mail.iter_attachments() if p.get_content_type() == "text/calendar"]
    payload = part.get_payload(decode=True)
    assert isinstance(payload, bytes)
    [vevent] = Calendar.from_ical(payload).walk("VEVENT")
    return vevent


def _agenda_mails(mailbox: Mailbox) -> list[EmailMessage]:
    return [m for m in _inbox(mailbox, SME_EMAIL) if any(m.iter_attachments())]


def test_a_firm_goes_from_nothing_to_a_meeting_in_its_calendar_without_a_key(
    client: TestClient, world: World, engine: Engine, mail: tuple[Sender, Mailbox]
) -> None:
    sender, mailbox = mail
    organizer = world.organizer.headers  # the organizer may use its key; the SME never gets one

    # 1. The SME signs up: nothing exists yet but the verification e-mail.
    uscc = make_uscc("440305")
    signup = client.post(
        "/api/v1/sign-ups",
        json={
            "kind": "sme",
            "name": "深圳市精研传感科技有限公司",
            "uscc": uscc,
            "region_code": "440305",
            "person": "王经理",
            "email": SME_EMAIL,
            "password": PASSWORD,
        },
    )
    assert signup.status_code == 202, signup.text
    assert sender.send_pass() >= 1
    [verification] = _inbox(mailbox, SME_EMAIL)
    found = _LINK.search(_text(verification))
    assert found, _text(verification)
    path = found.group(1)
    assert path.startswith("/verify?token=")

    # 2. It follows the link: the page asks, the button confirms.
    assert client.get(path).status_code == 200
    verified = client.post("/verify", data={"token": path.rsplit("token=", 1)[1]})
    assert verified.status_code == 200, verified.text
    assert "邮箱已验证" in verified.text

    # 3. An organizer of its region approves it.
    queue = client.get("/api/v1/registrations", headers=organizer).json()["items"]
    [registration] = [r for r in queue if r["uscc"] == uscc]
    approved = client.post(f"/api/v1/registrations/{registration['id']}/approve", headers=organizer)
    assert approved.status_code == 200, approved.text

    # 4. It signs in with e-mail and password: a user token, no key.
    signed = client.post("/api/v1/sessions", json={"email": SME_EMAIL, "password": PASSWORD})
    assert signed.status_code == 201, signed.text
    token = signed.json()["token"]
    assert token.startswith("xsu_")
    sme = bearer(token)
    me = client.get("/api/v1/me", headers=sme).json()
    assert me["key_id"] is None
    sme_org = me["organization_id"]

    # 5. It posts its capability profile with that token.
    profile = client.post(
        "/api/v1/profiles",
        json={"organization_id": sme_org, "products": [{"name": "MEMS 压力传感器"}]},
        headers=sme,
    )
    assert profile.status_code == 201, profile.text

    # 6. A large firm's need exists; the organizer opens a session with that firm in it.
    need = client.post(
        "/api/v1/needs",
        json={"title": "采购压力传感器", "products": ["压力传感器"], "status": "open"},
        headers=world.firm_a.headers,
    )
    assert need.status_code == 201, need.text
    event = open_event(client, world, slots=2)
    eid = event["id"]
    buyer = add(client, world.organizer, eid, world.firm_a.org_id)

    # 7. The SME registers itself (pending) and the organizer approves the registration.
    registered = client.post(f"{BASE}/{eid}/participants", json={}, headers=sme)
    assert registered.status_code == 201, registered.text
    participant = registered.json()
    assert participant["status"] == "pending"
    approved_p = client.patch(
        f"{BASE}/{eid}/participants/{participant['id']}",
        json={"status": "approved"},
        headers=organizer | {"If-Match": registered.headers["ETag"]},
    )
    assert approved_p.status_code == 200, approved_p.text
    assert approved_p.json()["status"] == "approved"

    # 8. It states its wish with its own token.
    wished = client.put(
        f"{BASE}/{eid}/preferences",
        json={
            "from_participant_id": participant["id"],
            "to_participant_id": buyer["id"],
            "wish": "must",
        },
        headers=sme,
    )
    assert wished.status_code == 200, wished.text

    # 9. The organizer schedules and publishes; the agenda e-mail arrives with an .ics.
    scheduled = post_job(client, f"{BASE}/{eid}/schedule", organizer)  # a job: 202, then done
    [meeting] = scheduled["meetings"]
    assert meeting["sme_participant_id"] == participant["id"]
    published = client.post(f"{BASE}/{eid}/publish", headers=organizer)
    assert published.status_code == 200, published.text
    assert sender.send_pass() >= 1
    [agenda] = _agenda_mails(mailbox)
    assert "深圳会展中心" in _text(agenda)
    first = _vevent(agenda)
    uid = str(first["UID"])
    assert uid.startswith(f"meeting-{eid}-")
    assert int(first["SEQUENCE"]) == 0
    start = dt.datetime.fromisoformat(f"2026-12-10T{meeting['start']}+08:00")
    assert first.decoded("DTSTART") == start
    assert first.decoded("DTEND") == start + dt.timedelta(minutes=20)
    assert "深圳会展中心" in str(first["LOCATION"])

    # The SME sees the same meeting in its own agenda, with its token.
    mine = client.get(f"{BASE}/{eid}/meetings", headers=sme)
    assert mine.status_code == 200, mine.text
    assert [m["id"] for m in mine.json()["items"]] == [meeting["id"]]

    # 10. It issues itself a calendar feed; the feed (no auth) carries the same UID.
    issued = client.post(f"/api/v1/organizations/{sme_org}/calendar-feed", headers=sme)
    assert issued.status_code == 201, issued.text
    feed_path = urlsplit(issued.json()["url"]).path
    assert feed_path.startswith("/calendar/")
    feed = client.get(feed_path)
    assert feed.status_code == 200
    [in_feed] = Calendar.from_ical(feed.text).walk("VEVENT")
    assert str(in_feed["UID"]) == uid
    assert in_feed.decoded("DTSTART") == start

    # 11. The organizer moves the venue: a new agenda e-mail, same UID, higher SEQUENCE.
    current = client.get(f"{BASE}/{eid}", headers=organizer).json()
    moved = client.patch(
        f"{BASE}/{eid}",
        json={"venue": "深圳国际会展中心 3号馆"},
        headers=organizer | {"If-Match": f'"{current["version"]}"'},
    )
    assert moved.status_code == 200, moved.text
    assert sender.send_pass() >= 1
    agendas = _agenda_mails(mailbox)
    assert len(agendas) == 2
    changed = _vevent(agendas[-1])
    assert str(changed["UID"]) == uid
    assert int(changed["SEQUENCE"]) > int(first["SEQUENCE"])
    assert "3号馆" in str(changed["LOCATION"])
    assert changed.decoded("DTSTART") == start
    refreshed = client.get(feed_path)
    [again] = Calendar.from_ical(refreshed.text).walk("VEVENT")
    assert str(again["UID"]) == uid
    assert "3号馆" in str(again["LOCATION"])

    # 12. Another organizer (which does not manage the SME) invites it to its session: the
    # invitation e-mail arrives and the SME accepts with its own token (app/consent.py).
    other = create_event(client, world.other_organizer)
    other = set_status(client, world.other_organizer, other, "registration")
    invited = add(client, world.other_organizer, other["id"], sme_org)
    assert invited["status"] == "invited"
    assert sender.send_pass() >= 1
    assert any(other["name"] in str(m["Subject"]) for m in _inbox(mailbox, SME_EMAIL))
    accepted = client.post(f"{BASE}/{other['id']}/invitation/accept", headers=sme)
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["status"] == "approved"

    # Without SMTP the same messages are read in the outbox view; the SME reads its own.
    outbox = client.get("/api/v1/outbox", headers=sme)
    assert outbox.status_code == 200, outbox.text
    topics = {row["topic"] for row in outbox.json()["items"]}
    assert {"event.agenda_published", "event.agenda_changed", "event.invitation"} <= topics
    assert all(row["status"] == "sent" for row in outbox.json()["items"])

    # No key was ever issued to the SME.
    with engine.connect() as conn:
        keys = conn.scalar(
            select(func.count()).select_from(ApiKey).where(ApiKey.organization_id == sme_org)
        )
    assert keys == 0
