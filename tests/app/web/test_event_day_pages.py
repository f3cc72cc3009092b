"""The console for the day of a session: the draft hint, SMEs without a meeting and 一键补排,
the desk (签到台) with check-in by QR link and by name, attendance, 现场调整."""

import re
from typing import Any

from fastapi.testclient import TestClient

from tests.app.events.helpers import BASE, add, create_event, new_org, open_event, wish
from tests.app.factories import World
from tests.app.jobs.wait import post_job
from tests.app.web.helpers import browser


def _items(body: Any) -> list[dict[str, Any]]:
    """A list endpoint's items (a plain list, or a page of them)."""
    return list(body["items"] if isinstance(body, dict) else body)


def _meetings(client: TestClient, world: World, eid: int) -> list[dict[str, Any]]:
    client.cookies.clear()  # the API, with the organizer's key
    response = client.get(f"{BASE}/{eid}/meetings", headers=world.organizer.headers)
    assert response.status_code == 200, response.text
    return _items(response.json())


def test_scheduling_a_draft_says_what_to_do_and_offers_the_button(
    client: TestClient, world: World
) -> None:
    """Issue 17: scheduling from draft said 409 "open registration first", no hint."""
    event = create_event(client, world.organizer)
    org = browser(client, world.organizer)
    page = org.post(f"/events/{event['id']}/schedule", {})
    assert page.status_code == 409
    # the page says what to do, with a one-click button (not only the status select)
    hint = page.text.split('class="card draft-hint"')[1].split("</div>")[0]
    assert "先<b>开放报名</b>" in hint
    assert re.search(
        r'<button type="submit" name="status" value="registration">开放报名</button>', hint
    )
    opened = org.post(
        f"/events/{event['id']}/status", {"status": "registration", "version": event["version"]}
    )
    assert opened.status_code == 303
    assert 'class="card draft-hint"' not in org.get(f"/events/{event['id']}").text


def test_smes_without_a_meeting_are_listed_and_filled_in_one_action(
    client: TestClient, world: World
) -> None:
    api = world.organizer
    event = open_event(client, world, slots=2)
    eid = event["id"]
    buyer = add(client, api, eid, world.firm_a.org_id)
    wished = add(client, api, eid, world.sme_a.org_id)
    wish(client, api, eid, wished["id"], buyer["id"], "must")
    lonely = add(client, api, eid, new_org(client, world, "sme", name="孤单精工有限公司"))
    post_job(client, f"{BASE}/{eid}/schedule", api.headers)
    org = browser(client, world.organizer)
    page = org.get(f"/events/{eid}")
    section = page.text.split('id="unmet"')[1].split("<h2")[0]
    assert "孤单精工有限公司" in section
    assert "没有表达意愿、也没有匹配的采购方" in section
    assert "一键补排" in section
    filled = org.post(f"/events/{eid}/unmet/fill", {})
    assert filled.status_code == 303
    meetings = _meetings(client, world, eid)
    assert lonely["id"] in {m["sme_participant_id"] for m in meetings}
    after = org.get(f"/events/{eid}").text.split('id="unmet"')[1].split("<h2")[0]
    assert "每家中小企业都有洽谈" in after


def _published_day(client: TestClient, world: World) -> dict[str, Any]:
    api = world.organizer
    event = open_event(client, world, slots=2)
    eid = event["id"]
    buyer = add(client, api, eid, world.firm_a.org_id)
    sme = add(client, api, eid, world.sme_a.org_id)
    wish(client, api, eid, sme["id"], buyer["id"], "must")
    standby = add(
        client,
        api,
        eid,
        new_org(client, world, "sme", name="候补传感有限公司"),
        day_status="standby",
    )
    wish(client, api, eid, standby["id"], buyer["id"], "would")
    post_job(client, f"{BASE}/{eid}/schedule", api.headers)
    client.post(f"{BASE}/{eid}/publish", headers=api.headers)
    return {"eid": eid, "buyer": buyer, "sme": sme, "standby": standby}


def test_the_desk_checks_in_by_qr_link_and_by_name_and_replans(
    client: TestClient, world: World
) -> None:
    day = _published_day(client, world)
    eid = day["eid"]
    agenda = client.get(
        f"{BASE}/{eid}/agenda?participant_id={day['standby']['id']}",
        headers=world.organizer.headers,
    )
    token = re.search(r"签到码：([0-9.A-Za-z_-]+)", agenda.text)
    assert token
    org = browser(client, world.organizer)
    scanned = org.get(f"/events/{eid}/checkin?t={token.group(1)}")
    assert scanned.status_code == 200
    assert "候补传感有限公司" in scanned.text
    assert "确认签到" in scanned.text
    confirmed = org.post(f"/events/{eid}/checkin", {"token": token.group(1)})
    assert confirmed.status_code == 303
    assert confirmed.headers["location"].startswith(f"/events/{eid}/desk?done=checkin")
    # by name: mark the planned SME absent
    desk = org.get(f"/events/{eid}/desk?q=")
    assert desk.status_code == 200
    assert "已签到 1 / 3 家" in desk.text
    absent = org.post(f"/events/{eid}/desk/presence/{day['sme']['id']}", {"presence": "absent"})
    assert absent.status_code == 303
    replanned = org.post(f"/events/{eid}/replan", {"from_slot": "0"})
    assert replanned.status_code == 303, replanned.text
    meetings = _meetings(client, world, eid)
    by_sme = {m["sme_participant_id"]: m for m in meetings}
    assert by_sme[day["sme"]["id"]]["attendance"] == "sme_absent"
    assert day["standby"]["id"] in by_sme
    # the firm marks its own meeting's attendance from its agenda on the session page
    firm = browser(client, world.firm_a)
    mid = by_sme[day["standby"]["id"]]["id"]
    marked = firm.post(f"/events/{eid}/meetings/{mid}/attendance", {"attendance": "both_present"})
    assert marked.status_code == 303
    after = {m["id"]: m for m in _meetings(client, world, eid)}
    assert after[mid]["attendance"] == "both_present"
    # the desk is the organizer's: a firm gets 403
    assert firm.get(f"/events/{eid}/desk").status_code == 403


def test_the_organizer_gives_a_meeting_an_online_room(client: TestClient, world: World) -> None:
    day = _published_day(client, world)
    eid = day["eid"]
    mid = _meetings(client, world, eid)[0]["id"]
    org = browser(client, world.organizer)
    bad = org.post(f"/events/{eid}/meetings/{mid}/room", {"room_url": "javascript:alert(1)"})
    assert bad.status_code == 422
    saved = org.post(
        f"/events/{eid}/meetings/{mid}/room", {"room_url": "https://meeting.example/r/123"}
    )
    assert saved.status_code == 303
    assert _meetings(client, world, eid)[0]["room_url"] == "https://meeting.example/r/123"
    firm = browser(client, world.sme_a)
    assert "https://meeting.example/r/123" in firm.get(f"/events/{eid}").text
    assert firm.post(f"/events/{eid}/meetings/{mid}/room", {"room_url": ""}).status_code == 403


def test_the_invitation_search_shows_each_firms_past_no_shows(
    client: TestClient, world: World
) -> None:
    """Issue 17: a no-show history per firm feeds the next invitation list."""
    api = world.organizer
    past = open_event(client, world, slots=2, date="2026-11-01")
    eid = past["id"]
    buyer = add(client, api, eid, world.firm_a.org_id)
    sme = add(client, api, eid, world.sme_a.org_id)
    wish(client, api, eid, sme["id"], buyer["id"], "must")
    post_job(client, f"{BASE}/{eid}/schedule", api.headers)
    assert client.post(f"{BASE}/{eid}/publish", headers=api.headers).status_code == 200
    (meeting,) = _meetings(client, world, eid)
    marked = client.put(
        f"{BASE}/{eid}/meetings/{meeting['id']}/attendance",
        json={"attendance": "sme_absent"},
        headers=api.headers,
    )
    assert marked.status_code == 200, marked.text

    def no_shows_on(event_id: int, name: str) -> str:
        page = browser(client, world.organizer).get(f"/events/{event_id}", params={"find": name})
        found = page.text.split("<h2>添加参会企业</h2>")[1]
        row = found.split(name + "</td>")[1].split("</tr>")[0]
        return row.split('class="no-shows">')[1].split("<")[0]

    sme_name = client.get(
        f"/api/v1/organizations/{world.sme_a.org_id}", headers=api.headers
    ).json()["name"]
    buyer_name = client.get(
        f"/api/v1/organizations/{world.firm_a.org_id}", headers=api.headers
    ).json()["name"]
    client.cookies.clear()
    later = create_event(client, api)
    assert no_shows_on(later["id"], sme_name) == "1"
    assert no_shows_on(later["id"], buyer_name) == "0"
    # The session it missed is not "earlier" than itself.
    assert no_shows_on(eid, sme_name) == "0"
