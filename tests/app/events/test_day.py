"""The day of a session through the API: nothing left out silently, real scores, agendas with
date, venue and a check-in QR code, check-in and the desk, attendance and who may mark it, the
day's re-plan for standby and walk-in firms, the changed agendas in the outbox."""

import csv
import io
import re
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from app.models import OutboxMessage
from tests.app.events.helpers import BASE, add, new_org, open_event, wish
from tests.app.factories import Actor, World
from tests.app.jobs.wait import post_job


def _items(body: Any) -> list[dict[str, Any]]:
    """A list endpoint's items (a plain list, or a page of them)."""
    return list(body["items"] if isinstance(body, dict) else body)


def _profile(client: TestClient, actor: Actor, org_id: int | None, products: list[str]) -> None:
    body = {"organization_id": org_id, "products": [{"name": p} for p in products]}
    response = client.post("/api/v1/profiles", json=body, headers=actor.headers)
    assert response.status_code == 201, response.text


def _need(client: TestClient, actor: Actor, product: str) -> None:
    body = {"status": "open", "title": f"采购{product}", "products": [product]}
    response = client.post("/api/v1/needs", json=body, headers=actor.headers)
    assert response.status_code == 201, response.text


def _schedule(client: TestClient, actor: Actor, eid: int) -> dict[str, Any]:
    return post_job(client, f"{BASE}/{eid}/schedule", actor.headers)  # a job: 202, then done


def test_every_sme_gets_a_meeting_or_is_listed_with_its_reason_and_free_places(
    client: TestClient, world: World
) -> None:
    """Issue 17: 3 of 8 SMEs had no meeting while 7 table-slots were free, left-out empty."""
    org, admin = world.organizer, world.admin
    _need(client, world.firm_a, "锂电池")
    event = open_event(client, world, slots=4)
    eid = event["id"]
    buyers = [
        add(client, org, eid, world.firm_a.org_id),
        add(client, org, eid, new_org(client, world, "large_firm")),
    ]
    wishing = [add(client, org, eid, new_org(client, world, "sme")) for _ in range(4)]
    for i, s in enumerate(wishing):
        wish(client, org, eid, s["id"], buyers[min(i, 1)]["id"], "would")
    # nobody wishes to meet these; the engine scores them below the unasked-pair threshold
    quiet = []
    for _ in range(3):
        sme = new_org(client, world, "sme")
        _profile(client, admin, sme, ["锂电池隔膜"])
        quiet.append(add(client, org, eid, sme))
    unknown = add(client, org, eid, new_org(client, world, "sme"))  # no profile, no wish

    result = _schedule(client, org, eid)
    met = {m["sme_participant_id"] for m in result["meetings"]}
    assert {s["id"] for s in wishing + quiet} <= met
    assert unknown["id"] not in met
    assert [(u["sme_participant_id"], u["reason"]) for u in result["unmet"]] == [
        (unknown["id"], "no_counterpart")
    ]
    places = result["unmet"][0]["places"]
    taken = {(m["buyer_participant_id"], m["table_number"], m["slot"]) for m in result["meetings"]}
    assert len(places) == 8 - len(result["meetings"])
    assert not {(p["buyer_participant_id"], p["table_number"], p["slot"]) for p in places} & taken

    listed = client.get(f"{BASE}/{eid}/unmet", headers=org.headers)
    assert listed.status_code == 200
    assert _items(listed.json()) == result["unmet"]
    assert client.get(f"{BASE}/{eid}/unmet", headers=world.sme_a.headers).status_code == 403

    filled = client.post(f"{BASE}/{eid}/unmet/fill", json={}, headers=org.headers)
    assert filled.status_code == 200, filled.text
    added = filled.json()["added"]
    assert [m["sme_participant_id"] for m in added] == [unknown["id"]]
    assert (added[0]["buyer_participant_id"], added[0]["table_number"], added[0]["slot"]) == (
        places[0]["buyer_participant_id"],
        places[0]["table_number"],
        places[0]["slot"],
    )
    assert filled.json()["unmet"] == []
    meetings = _items(client.get(f"{BASE}/{eid}/meetings", headers=org.headers).json())
    assert len({(m["sme_participant_id"], m["slot"]) for m in meetings}) == len(meetings)
    assert unknown["id"] in {m["sme_participant_id"] for m in meetings}


def test_fill_names_the_bad_field_and_changes_nothing(client: TestClient, world: World) -> None:
    org = world.organizer
    event = open_event(client, world, slots=2)
    eid = event["id"]
    buyer = add(client, org, eid, world.firm_a.org_id)
    sme = add(client, org, eid, world.sme_a.org_id)
    early = client.post(f"{BASE}/{eid}/unmet/fill", json={}, headers=org.headers)
    assert early.status_code == 409
    _schedule(client, org, eid)
    bad = client.post(
        f"{BASE}/{eid}/unmet/fill",
        json={"sme_participant_ids": [sme["id"], buyer["id"]]},
        headers=org.headers,
    )
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "body.sme_participant_ids.1"
    assert _items(client.get(f"{BASE}/{eid}/meetings", headers=org.headers).json()) == []


def test_the_match_list_shows_a_wished_pairs_real_score(client: TestClient, world: World) -> None:
    """Issue 17: the must-wished pair showed 匹配度 0.0 (scored before the SME's profile)."""
    org = world.organizer
    _need(client, world.firm_a, "锂电池")
    event = open_event(client, world, slots=2)
    eid = event["id"]
    buyer = add(client, org, eid, world.firm_a.org_id)
    sme_org = new_org(client, world, "sme", name="隔膜科技有限公司")
    sme = add(client, org, eid, sme_org)
    wish(client, org, eid, sme["id"], buyer["id"], "must")
    _schedule(client, org, eid)
    _profile(client, world.admin, sme_org, ["锂电池隔膜"])
    response = client.get(f"{BASE}/{eid}/exports/matches?format=csv", headers=org.headers)
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    row = next(r for r in rows[1:] if r[1] == "隔膜科技有限公司")
    assert float(row[2]) > 0.1


def _published(client: TestClient, world: World) -> dict[str, Any]:
    """One buyer with 1 table, 3 slots; two SMEs wish it; a standby SME; published."""
    org = world.organizer
    event = open_event(client, world, slots=3)
    eid = event["id"]
    buyer = add(client, org, eid, world.firm_a.org_id)
    smes = [
        add(client, org, eid, world.sme_a.org_id),
        add(client, org, eid, world.sme_b.org_id, accept_as=world.sme_b),
    ]
    for s in smes:
        wish(client, org, eid, buyer["id"], s["id"], "would")
    standby_org = new_org(client, world, "sme", name="候补精密有限公司")
    standby = add(client, org, eid, standby_org, day_status="standby")
    assert standby["status"] == "standby"
    wish(client, org, eid, buyer["id"], standby["id"], "would")
    result = _schedule(client, org, eid)
    # a standby firm is not in the planned schedule
    assert {m["sme_participant_id"] for m in result["meetings"]} == {s["id"] for s in smes}
    assert client.post(f"{BASE}/{eid}/publish", headers=org.headers).status_code == 200
    meetings = _items(client.get(f"{BASE}/{eid}/meetings", headers=org.headers).json())
    return {"eid": eid, "buyer": buyer, "smes": smes, "standby": standby, "meetings": meetings}


def _token(client: TestClient, actor: Actor, eid: int, participant_id: int | None = None) -> str:
    query = f"?participant_id={participant_id}" if participant_id else ""
    page = client.get(f"{BASE}/{eid}/agenda{query}", headers=actor.headers)
    assert page.status_code == 200
    found = re.search(r"签到码：([0-9]+\.[A-Za-z0-9_-]+)", page.text)
    assert found
    return found.group(1)


def test_the_agenda_carries_date_venue_and_a_check_in_qr_code(
    client: TestClient, world: World
) -> None:
    day = _published(client, world)
    eid = day["eid"]
    page = client.get(f"{BASE}/{eid}/agenda", headers=world.sme_a.headers)
    assert page.status_code == 200
    assert "2026年12月10日" in page.text
    assert "深圳会展中心" in page.text
    assert '<svg width="' in page.text
    assert f"/events/{eid}/checkin?t=" not in page.text  # only inside the QR code
    mine = [m for m in day["meetings"] if m["sme_participant_id"] == day["smes"][0]["id"]]
    assert f"第 {mine[0]['slot'] + 1} 轮" in page.text
    assert f"{mine[0]['buyer_name']} 桌{mine[0]['table_number']}" in page.text


def test_check_in_by_qr_token_and_at_the_desk(client: TestClient, world: World) -> None:
    day = _published(client, world)
    eid, org = day["eid"], world.organizer
    token = _token(client, world.sme_a, eid)
    sme_a = day["smes"][0]["id"]
    assert token.startswith(f"{sme_a}.")
    # only the organizer's staff check firms in
    for actor in (world.sme_a, world.other_organizer):
        denied = client.post(f"{BASE}/{eid}/checkin", json={"token": token}, headers=actor.headers)
        assert denied.status_code == 403
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    bad = client.post(f"{BASE}/{eid}/checkin", json={"token": forged}, headers=org.headers)
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "body.token"
    ok = client.post(f"{BASE}/{eid}/checkin", json={"token": token}, headers=org.headers)
    assert ok.status_code == 200, ok.text
    assert ok.json()["presence"] == "checked_in"
    assert ok.json()["checked_in_at"]

    found = client.get(f"{BASE}/{eid}/desk?q=候补", headers=org.headers)
    assert [p["id"] for p in _items(found.json())] == [day["standby"]["id"]]
    assert _items(found.json())[0]["presence"] is None
    sid = day["standby"]["id"]
    marked = client.put(
        f"{BASE}/{eid}/participants/{sid}/presence",
        json={"presence": "checked_in"},
        headers=org.headers,
    )
    assert marked.status_code == 200
    assert marked.json()["presence"] == "checked_in"


def test_a_firm_marks_only_its_own_meetings_and_staff_mark_any(
    client: TestClient, world: World
) -> None:
    day = _published(client, world)
    eid = day["eid"]
    by_sme = {m["sme_participant_id"]: m for m in day["meetings"]}
    a_meeting = by_sme[day["smes"][0]["id"]]
    b_meeting = by_sme[day["smes"][1]["id"]]

    def mark(actor: Actor, meeting: dict[str, Any], value: str | None) -> Any:
        url = f"{BASE}/{eid}/meetings/{meeting['id']}/attendance"
        return client.put(url, json={"attendance": value}, headers=actor.headers)

    assert mark(world.sme_b, a_meeting, "both_present").status_code == 403
    assert mark(world.other_organizer, a_meeting, "both_present").status_code == 403
    assert mark(world.firm_b, a_meeting, "both_present").status_code == 403
    own = mark(world.sme_a, a_meeting, "both_present")
    assert own.status_code == 200
    assert own.json()["attendance"] == "both_present"
    assert mark(world.firm_a, b_meeting, "sme_absent").json()["attendance"] == "sme_absent"
    assert mark(world.organizer, a_meeting, None).json()["attendance"] is None
    bad = mark(world.organizer, a_meeting, "nobody")
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "body.attendance"
    # the no-show made sme_b absent: it never checked in
    people = _items(
        client.get(f"{BASE}/{eid}/participants", headers=world.organizer.headers).json()
    )
    assert {p["id"]: p["presence"] for p in people}[day["smes"][1]["id"]] == "absent"


def test_replan_gives_the_no_shows_table_to_a_standby_firm_and_tells_the_firms(
    client: TestClient, world: World, engine: Engine
) -> None:
    day = _published(client, world)
    eid, org = day["eid"], world.organizer
    absent, present = day["smes"][1], day["smes"][0]
    sid = day["standby"]["id"]
    url = f"{BASE}/{eid}/participants"
    client.put(f"{url}/{absent['id']}/presence", json={"presence": "absent"}, headers=org.headers)
    client.put(f"{url}/{sid}/presence", json={"presence": "checked_in"}, headers=org.headers)
    walk_in = add(client, org, eid, new_org(client, world, "sme"), day_status="walk_in")
    assert walk_in["presence"] == "checked_in"
    wish(client, org, eid, walk_in["id"], day["buyer"]["id"], "would")
    before = {m["id"]: m for m in day["meetings"]}
    gone = next(m for m in day["meetings"] if m["sme_participant_id"] == absent["id"])

    with Session(engine) as s:
        last_before = s.scalar(select(func.max(OutboxMessage.id))) or 0
    standby_org_id = day["standby"]["organization_id"]
    denied = client.post(f"{BASE}/{eid}/replan", json={}, headers=world.sme_a.headers)
    assert denied.status_code == 403
    bad = client.post(f"{BASE}/{eid}/replan", json={"from_slot": 3}, headers=org.headers)
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "body.from_slot"
    response = client.post(f"{BASE}/{eid}/replan", json={"from_slot": 0}, headers=org.headers)
    assert response.status_code == 200, response.text
    result = response.json()
    assert [m["id"] for m in result["freed"]] == [gone["id"]]
    assert result["freed"][0]["attendance"] == "sme_absent"
    added = {m["sme_participant_id"] for m in result["added"]}
    assert added == {sid, walk_in["id"]}  # 3 slots: present SME, standby, walk-in
    assert absent["id"] not in added

    after = _items(client.get(f"{BASE}/{eid}/meetings", headers=org.headers).json())
    kept = [m for m in after if m["id"] in before and m["id"] != gone["id"]]
    assert kept == [before[m["id"]] for m in kept]  # untouched
    assert all(m["published"] for m in after)
    attending = [m for m in after if m["attendance"] in (None, "both_present")]
    assert len({m["slot"] for m in attending}) == len(attending)  # one table: one a slot
    assert len({m["sme_participant_id"] for m in after}) == len(after)  # no pair twice
    # the changed agendas went out (after the re-plan): to the firms whose meetings changed
    with Session(engine) as s:
        rows = s.execute(
            select(OutboxMessage.organization_id, OutboxMessage.topic).where(
                OutboxMessage.id > last_before
            )
        ).all()
    told = {org_id for org_id, _ in rows}
    assert {topic for _, topic in rows} <= {"event.agenda_changed", "event.agenda_published"}
    assert world.firm_a.org_id in told
    assert standby_org_id in told
    assert world.sme_b.org_id not in told
    assert present["organization_id"] not in told
    assert result["notified"] == len(rows) >= 3


def test_a_fresh_plan_is_refused_once_attendance_is_marked(
    client: TestClient, world: World
) -> None:
    day = _published(client, world)
    eid, org = day["eid"], world.organizer
    meeting = day["meetings"][0]
    url = f"{BASE}/{eid}/meetings/{meeting['id']}/attendance"
    assert client.put(url, json={"attendance": "both_present"}, headers=org.headers).is_success
    refused = client.post(f"{BASE}/{eid}/schedule", headers=org.headers)
    assert refused.status_code == 409
    after = _items(client.get(f"{BASE}/{eid}/meetings", headers=org.headers).json())
    assert after == _items(client.get(f"{BASE}/{eid}/meetings", headers=org.headers).json())
    assert {m["id"] for m in after} == {m["id"] for m in day["meetings"]}


def test_the_report_counts_held_meetings_and_no_shows_from_attendance(
    client: TestClient, world: World
) -> None:
    day = _published(client, world)
    eid, org = day["eid"], world.organizer
    by_sme = {m["sme_participant_id"]: m for m in day["meetings"]}
    for sme, value in zip(day["smes"], ("both_present", "sme_absent"), strict=True):
        url = f"{BASE}/{eid}/meetings/{by_sme[sme['id']]['id']}/attendance"
        assert client.put(url, json={"attendance": value}, headers=org.headers).is_success
    report = client.get(f"{BASE}/{eid}/report", headers=org.headers).json()
    assert (report["meetings"], report["held"], report["no_shows"]) == (2, 1, 1)


def test_a_table_a_no_show_frees_goes_to_the_sme_left_without_one(
    client: TestClient, world: World
) -> None:
    org = world.organizer
    event = open_event(client, world, slots=1)
    eid = event["id"]
    buyer = add(client, org, eid, world.firm_a.org_id)
    first = add(client, org, eid, world.sme_a.org_id)
    second = add(client, org, eid, new_org(client, world, "sme"))
    wish(client, org, eid, first["id"], buyer["id"], "must")
    wish(client, org, eid, second["id"], buyer["id"], "would")
    result = _schedule(client, org, eid)
    assert [lo["sme_participant_id"] for lo in result["left_out"]] == [second["id"]]
    assert [(u["sme_participant_id"], u["reason"], u["places"]) for u in result["unmet"]] == [
        (second["id"], "wanted_full", [])
    ]
    client.post(f"{BASE}/{eid}/publish", headers=org.headers)
    meeting = result["meetings"][0]
    url = f"{BASE}/{eid}/meetings/{meeting['id']}/attendance"
    assert client.put(url, json={"attendance": "sme_absent"}, headers=org.headers).is_success
    filled = client.post(f"{BASE}/{eid}/unmet/fill", json={}, headers=org.headers).json()
    assert [(m["sme_participant_id"], m["published"]) for m in filled["added"]] == [
        (second["id"], True)
    ]
    assert _items(client.get(f"{BASE}/{eid}/left-out", headers=org.headers).json()) == []
    # the no-show's row stays for the record; marking it held again would double-book
    back = client.put(url, json={"attendance": "both_present"}, headers=org.headers)
    assert back.status_code == 409


def test_a_walk_in_firm_takes_part_like_an_approved_one(client: TestClient, world: World) -> None:
    org = world.organizer
    event = open_event(client, world, slots=2)
    eid = event["id"]
    buyer = add(client, org, eid, world.firm_a.org_id)
    walk_in = add(client, org, eid, world.sme_a.org_id, day_status="walk_in")
    assert (walk_in["status"], walk_in["presence"]) == ("walk_in", "checked_in")
    # the firm itself sees the participants and states its wish
    seen = _items(client.get(f"{BASE}/{eid}/participants", headers=world.sme_a.headers).json())
    assert {p["id"] for p in seen} == {buyer["id"], walk_in["id"]}
    wish(client, world.sme_a, eid, walk_in["id"], buyer["id"], "must")
    # only the organizer adds standby and walk-in firms
    own = client.post(
        f"{BASE}/{eid}/participants", json={"day_status": "walk_in"}, headers=world.sme_b.headers
    )
    assert own.status_code == 403
