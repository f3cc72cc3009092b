"""Each cause queues its notices in its own transaction, to the firms concerned."""

import datetime as dt
from typing import Any

from fastapi.testclient import TestClient
from icalendar import Calendar
from sqlalchemy import Engine, select

from app.models import Event, Organization, OutboxMessage
from app.notifications import triggers
from app.platform.db import make_sessionmaker, session_scope
from app.platform.settings import Settings
from tests.app.events.helpers import BASE, add, open_event, wish
from tests.app.factories import World
from tests.app.jobs.wait import post_job, run_job, wait_for_job

NEEDS = "/api/v1/needs"
PROFILES = "/api/v1/profiles"


def _outbox(engine: Engine, topic: str | None = None) -> list[OutboxMessage]:
    with make_sessionmaker(engine)() as session:
        statement = select(OutboxMessage).order_by(OutboxMessage.id)
        if topic:
            statement = statement.where(OutboxMessage.topic == topic)
        return list(session.scalars(statement))


def _calendar(row: OutboxMessage) -> Calendar:
    assert row.ics is not None
    return Calendar.from_ical(row.ics)


def _vevents(row: OutboxMessage) -> list[Any]:
    return list(_calendar(row).walk("VEVENT"))


def test_interest_tells_the_buyer_then_both_firms_once_mutual(
    client: TestClient, world: World, engine: Engine
) -> None:
    body = {"organization_id": world.sme_a.org_id, "products": [{"name": "压力传感器"}]}
    profile = client.post(PROFILES, json=body, headers=world.sme_a.headers).json()["id"]
    need_body = {"title": "采购压力传感器", "products": ["压力传感器"], "status": "open"}
    need = client.post(NEEDS, json=need_body, headers=world.firm_a.headers).json()["id"]

    said = client.put(
        f"{PROFILES}/{profile}/opportunities/{need}/interest",
        json={"value": "interested"},
        headers=world.sme_a.headers,
    )
    assert said.status_code == 200, said.text
    [candidate] = _outbox(engine, "interest.candidate")
    assert candidate.organization_id == world.firm_a.org_id
    assert "采购压力传感器" in candidate.text
    assert _outbox(engine, "interest.mutual") == []

    answered = client.put(
        f"{NEEDS}/{need}/candidates/{profile}/interest",
        json={"value": "interested"},
        headers=world.firm_a.headers,
    )
    assert answered.status_code == 200, answered.text
    mutual = _outbox(engine, "interest.mutual")
    assert {m.organization_id for m in mutual} == {world.firm_a.org_id, world.sme_a.org_id}
    assert all(m.to_email == "zhang@example.cn" for m in mutual)


def test_an_invited_firm_is_told(client: TestClient, world: World, engine: Engine) -> None:
    event = open_event(client, world)
    # firm_b was registered by the admin: the organizer only invites it
    invited = add(client, world.organizer, event["id"], world.firm_b.org_id)
    assert invited["status"] == "invited"
    [notice] = _outbox(engine, "event.invitation")
    assert notice.organization_id == world.firm_b.org_id
    assert event["name"] in notice.subject
    # a firm the organizer manages is added, not invited: no invitation
    add(client, world.organizer, event["id"], world.firm_a.org_id)
    assert len(_outbox(engine, "event.invitation")) == 1


def _scheduled(client: TestClient, world: World) -> dict[str, Any]:
    event = open_event(client, world, slots=2)
    buyer = add(client, world.organizer, event["id"], world.firm_a.org_id)
    sme = add(client, world.organizer, event["id"], world.sme_a.org_id)
    wish(client, world.organizer, event["id"], sme["id"], buyer["id"], "must")
    done = post_job(client, f"{BASE}/{event['id']}/schedule", world.organizer.headers)
    assert len(done["meetings"]) == 1
    return {"event": done["event"], "buyer": buyer, "sme": sme}


def test_agenda_published_changed_and_cancelled_carry_ics_with_stable_uid_and_rising_sequence(
    client: TestClient, world: World, engine: Engine
) -> None:
    setting = _scheduled(client, world)
    eid = setting["event"]["id"]
    assert _outbox(engine) == []  # nothing published yet
    assert client.post(f"{BASE}/{eid}/publish", headers=world.organizer.headers).status_code == 200

    published = _outbox(engine, "event.agenda_published")
    assert {m.organization_id for m in published} == {world.firm_a.org_id, world.sme_a.org_id}
    with make_sessionmaker(engine)() as session:
        names: dict[int | None, str] = {o.id: o.name for o in session.scalars(select(Organization))}
    for message in published:  # each firm reads whom it meets
        other = world.sme_a if message.organization_id == world.firm_a.org_id else world.firm_a
        assert f"与{names[other.org_id]}" in message.text
    first = _calendar(published[0])
    assert first["METHOD"] == "REQUEST"
    [vevent] = _vevents(published[0])
    uid = str(vevent["UID"])
    assert uid.startswith(f"meeting-{eid}-")
    assert uid.endswith("@127.0.0.1")
    assert int(vevent["SEQUENCE"]) == 0
    slot = setting["event"]["slots"][0]
    start = dt.datetime.fromisoformat(f"2026-12-10T{slot['start']}:00+08:00")
    assert vevent.decoded("DTSTART") in (start, start + dt.timedelta(minutes=30))
    assert "深圳会展中心" in str(vevent["LOCATION"])
    # publishing again changes nothing and queues nothing
    client.post(f"{BASE}/{eid}/publish", headers=world.organizer.headers)
    assert len(_outbox(engine)) == 2

    # the venue moves: the same UID, SEQUENCE 1
    current = client.get(f"{BASE}/{eid}", headers=world.organizer.headers).json()
    moved = client.patch(
        f"{BASE}/{eid}",
        json={"venue": "深圳国际会展中心 3号馆"},
        headers=world.organizer.headers | {"If-Match": f'"{current["version"]}"'},
    )
    assert moved.status_code == 200, moved.text
    changed = _outbox(engine, "event.agenda_changed")
    assert len(changed) == 2
    [again] = _vevents(changed[0])
    assert str(again["UID"]) == uid
    assert int(again["SEQUENCE"]) == 1
    assert "3号馆" in str(again["LOCATION"])
    assert "3号馆" in changed[0].text

    # the event is deleted: METHOD:CANCEL, same UID, SEQUENCE 2
    current = client.get(f"{BASE}/{eid}", headers=world.organizer.headers).json()
    gone = client.delete(
        f"{BASE}/{eid}", headers=world.organizer.headers | {"If-Match": f'"{current["version"]}"'}
    )
    assert gone.status_code == 204, gone.text
    cancelled = _outbox(engine, "event.agenda_cancelled")
    assert {m.organization_id for m in cancelled} == {world.firm_a.org_id, world.sme_a.org_id}
    assert _calendar(cancelled[0])["METHOD"] == "CANCEL"
    [last] = _vevents(cancelled[0])
    assert str(last["UID"]) == uid
    assert int(last["SEQUENCE"]) == 2
    assert str(last["STATUS"]) == "CANCELLED"


def test_reminders_a_day_and_15_minutes_before_each_once(
    client: TestClient, world: World, engine: Engine, settings: Settings
) -> None:
    setting = _scheduled(client, world)
    eid = setting["event"]["id"]
    client.post(f"{BASE}/{eid}/publish", headers=world.organizer.headers)
    sessions = make_sessionmaker(engine)
    with sessions() as session:
        event = session.get(Event, eid)
        assert event is not None
        from app.models import MeetingCalendarEntry

        [entry] = session.scalars(select(MeetingCalendarEntry)).all()
        start = entry.starts_at

    def run(at: dt.datetime) -> int:
        return triggers.run_periodic(sessions, settings, None, now=at, force=True)

    assert run(start - dt.timedelta(days=2)) == 0
    assert run(start - dt.timedelta(hours=20)) == 2  # both firms, the day before
    assert run(start - dt.timedelta(hours=19)) == 0  # queued once
    assert run(start - dt.timedelta(minutes=14)) == 2
    assert run(start - dt.timedelta(minutes=5)) == 0
    assert run(start + dt.timedelta(minutes=1)) == 0  # it has begun
    reminders = _outbox(engine, "event.reminder")
    assert len(reminders) == 4
    assert sum("明天" in r.subject for r in reminders) == 2
    assert sum("15分钟后" in r.subject for r in reminders) == 2


def test_an_import_by_a_firm_tells_it_the_counts(
    client: TestClient, world: World, engine: Engine
) -> None:
    from tests.app.factories import make_uscc

    csv = (
        "企业名称,统一社会信用代码,企业类型,行政区划代码\n"
        f"导入测试精密科技有限公司,{make_uscc()},中小企业,440300\n"
    ).encode()
    response = client.post(
        "/api/v1/imports/firms",
        files={"file": ("firms.csv", csv, "text/csv")},
        headers=world.organizer.headers,
    )
    run_job(client, response, world.organizer.headers)  # the import is a job (202)
    notices = _outbox(engine, "import.finished")
    assert [n.organization_id for n in notices] == [world.organizer.org_id]
    assert notices[0].subject == "企业导入已完成"
    assert "新增 1" in notices[0].text


def test_an_import_that_wrote_nothing_says_so_not_new_rows(
    client: TestClient, world: World, engine: Engine
) -> None:
    # Regression: an all-or-nothing import with a bad row was announced as "新增 N".
    from tests.app.factories import make_uscc

    csv = (
        "企业名称,统一社会信用代码,企业类型,行政区划代码\n"
        f"导入测试精密科技有限公司,{make_uscc()},中小企业,440300\n"
        "导入测试坏行有限公司,123,中小企业,440300\n"
    ).encode()
    response = client.post(
        "/api/v1/imports/firms",
        files={"file": ("firms.csv", csv, "text/csv")},
        headers=world.organizer.headers,
    )
    job = wait_for_job(client, response, world.organizer.headers)  # the import is a job (202)
    assert job["status"] == "failed", job
    notices = _outbox(engine, "import.finished")
    assert [n.subject for n in notices] == ["企业导入未写入"]
    assert "新增" not in notices[0].text
    assert "有误 1 行" in notices[0].text


def test_a_firms_verified_users_get_its_notices_too(
    client: TestClient, world: World, engine: Engine
) -> None:
    from app.models.base import utcnow
    from app.models.user import User

    now = utcnow()
    firm = world.firm_b.org_id
    for session in session_scope(make_sessionmaker(engine)):
        session.add_all(
            [
                User(
                    organization_id=firm,
                    email="li@firm-b.cn",
                    role="large_firm",
                    email_verified_at=now,
                ),
                User(organization_id=firm, email="new@firm-b.cn", role="large_firm"),
                User(
                    organization_id=firm,
                    email="gone@firm-b.cn",
                    role="large_firm",
                    email_verified_at=now,
                    disabled_at=now,
                ),
                # the contact's own address, as a user: one message, not two
                User(
                    organization_id=firm,
                    email="zhang@example.cn",
                    role="large_firm",
                    email_verified_at=now,
                ),
            ]
        )
    event = open_event(client, world)
    add(client, world.organizer, event["id"], firm)
    notices = _outbox(engine, "event.invitation")
    assert sorted(n.to_email or "" for n in notices) == ["li@firm-b.cn", "zhang@example.cn"]
    assert {n.organization_id for n in notices} == {firm}
    li = next(n for n in notices if n.to_email == "li@firm-b.cn")
    assert li.user_id is not None
