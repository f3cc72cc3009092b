"""Running the scheduler through the API: constraints hold end to end, re-planning keeps
published meetings, participants see only their own agenda, outcomes add up in the report."""

from collections import Counter
from typing import Any

from fastapi.testclient import TestClient

from tests.app.events.helpers import BASE, add, new_org, open_event, wish
from tests.app.factories import World
from tests.app.jobs.wait import post_job, wait_for_job


def _setting(client: TestClient, world: World) -> dict[str, Any]:
    """2 buyers (one with 2 tables), 5 SMEs, 4 slots, blocked slots, caps and a refusal."""
    event = open_event(client, world, slots=4)
    eid = event["id"]
    org = world.organizer
    big = add(client, org, eid, world.firm_a.org_id, tables=2, blocked_slots=[0])
    small = add(client, org, eid, world.firm_b.org_id, max_meetings=2, accept_as=world.firm_b)
    smes = [
        add(client, org, eid, world.sme_a.org_id, blocked_slots=[1, 2]),
        add(client, org, eid, world.sme_b.org_id, max_meetings=1, accept_as=world.sme_b),
        *(add(client, org, eid, new_org(client, world, "sme")) for _ in range(3)),
    ]
    for i, s in enumerate(smes):
        # the organizer states the wishes of the firms it manages; sme_b states its own
        by = world.sme_b if i == 1 else org
        wish(client, by, eid, s["id"], big["id"], "would")
        wish(client, by, eid, s["id"], small["id"], "must")
    wish(client, world.firm_b, eid, small["id"], smes[2]["id"], "no")
    return {"event": event, "buyers": [big, small], "smes": smes}


def _check_constraints(setting: dict[str, Any], meetings: list[dict[str, Any]]) -> None:
    people = {p["id"]: p for p in setting["buyers"] + setting["smes"]}
    assert meetings
    assert len({(m["sme_participant_id"], m["slot"]) for m in meetings}) == len(meetings)
    places = {(m["buyer_participant_id"], m["table_number"], m["slot"]) for m in meetings}
    assert len(places) == len(meetings)
    assert len({(m["buyer_participant_id"], m["sme_participant_id"]) for m in meetings}) == len(
        meetings
    )
    counts: Counter[int] = Counter()
    for m in meetings:
        buyer, sme = people[m["buyer_participant_id"]], people[m["sme_participant_id"]]
        assert 0 <= m["slot"] < 4
        assert 1 <= m["table_number"] <= buyer["tables"]
        assert m["slot"] not in buyer["blocked_slots"]
        assert m["slot"] not in sme["blocked_slots"]
        counts.update([buyer["id"], sme["id"]])
    for pid, n in counts.items():
        cap = people[pid]["max_meetings"]
        assert cap is None or n <= cap
    small, refused = setting["buyers"][1], setting["smes"][2]
    assert (small["id"], refused["id"]) not in {
        (m["buyer_participant_id"], m["sme_participant_id"]) for m in meetings
    }


def test_schedule_respects_constraints_and_explains_left_out_pairs(
    client: TestClient, world: World
) -> None:
    setting = _setting(client, world)
    eid = setting["event"]["id"]
    response = client.post(f"{BASE}/{eid}/schedule", headers=world.organizer.headers)
    assert response.status_code == 202, response.text  # the solve is a background job
    assert response.headers["location"] == f"/api/v1/jobs/{response.json()['id']}"
    job = wait_for_job(client, response, world.organizer.headers)
    assert (job["kind"], job["status"]) == ("events.schedule", "succeeded")
    assert job["organization_id"] == world.organizer.org_id
    result = job["result"]
    assert result["event"]["status"] == "scheduled"
    meetings = result["meetings"]
    _check_constraints(setting, meetings)
    # every SME meets someone (possible here), and every wanted pair is met or explained
    assert {m["sme_participant_id"] for m in meetings} == {s["id"] for s in setting["smes"]}
    met = {(m["buyer_participant_id"], m["sme_participant_id"]) for m in meetings}
    explained = {
        (lo["buyer_participant_id"], lo["sme_participant_id"]) for lo in result["left_out"]
    }
    wanted = {(b["id"], s["id"]) for b in setting["buyers"] for s in setting["smes"]}
    assert met | explained == wanted
    assert not met & explained
    refused = (setting["buyers"][1]["id"], setting["smes"][2]["id"])
    reasons = {
        (lo["buyer_participant_id"], lo["sme_participant_id"]): lo for lo in result["left_out"]
    }
    assert reasons[refused]["reason"] == "forbidden"
    assert reasons[refused]["text_zh"]
    listed = client.get(f"{BASE}/{eid}/meetings", headers=world.organizer.headers).json()["items"]
    assert listed == meetings
    left = client.get(f"{BASE}/{eid}/left-out", headers=world.organizer.headers).json()["items"]
    assert left == result["left_out"]


def test_firms_cannot_schedule_and_see_nothing_before_publishing(
    client: TestClient, world: World
) -> None:
    setting = _setting(client, world)
    eid = setting["event"]["id"]
    for firm in (world.sme_a, world.firm_a):
        assert client.post(f"{BASE}/{eid}/schedule", headers=firm.headers).status_code == 403
        assert client.post(f"{BASE}/{eid}/publish", headers=firm.headers).status_code == 403
    assert client.post(f"{BASE}/{eid}/schedule").status_code == 401
    assert (
        client.get(f"{BASE}/{eid}/meetings", headers=world.organizer.headers).json()["items"] == []
    )
    post_job(client, f"{BASE}/{eid}/schedule", world.organizer.headers)
    assert client.get(f"{BASE}/{eid}/meetings", headers=world.sme_a.headers).json()["items"] == []


def test_rerun_keeps_published_meetings_and_replan_all_may_move_them(
    client: TestClient, world: World
) -> None:
    setting = _setting(client, world)
    eid = setting["event"]["id"]
    headers = world.organizer.headers
    first = post_job(client, f"{BASE}/{eid}/schedule", headers)["meetings"]
    published = client.post(f"{BASE}/{eid}/publish", headers=headers)
    assert published.status_code == 200
    assert published.json()["status"] == "published"

    # a late SME joins, wanting the big buyer; published meetings must not move
    late = add(client, world.organizer, eid, new_org(client, world, "sme"))
    wish(client, world.organizer, eid, late["id"], setting["buyers"][0]["id"], "must")
    second = post_job(client, f"{BASE}/{eid}/schedule", headers)["meetings"]
    key = ("id", "buyer_participant_id", "sme_participant_id", "slot", "table_number")
    kept = [{k: m[k] for k in key} for m in second if m["published"]]
    assert kept == [{k: m[k] for k in key} for m in first]
    assert any(m["sme_participant_id"] == late["id"] for m in second)
    _check_constraints({**setting, "smes": [*setting["smes"], late]}, second)

    replanned = post_job(client, f"{BASE}/{eid}/schedule?replan_all=true", headers)
    again = replanned["meetings"]
    _check_constraints({**setting, "smes": [*setting["smes"], late]}, again)
    # a meeting stays published only where the new plan put it in the same place
    places = {tuple(m[k] for k in key) for m in first}
    assert all(tuple(m[k] for k in key) in places for m in again if m["published"])


def test_participant_sees_only_its_own_published_agenda(client: TestClient, world: World) -> None:
    setting = _setting(client, world)
    eid = setting["event"]["id"]
    headers = world.organizer.headers
    post_job(client, f"{BASE}/{eid}/schedule", headers)
    client.post(f"{BASE}/{eid}/publish", headers=headers)
    mine = setting["smes"][0]["id"]
    other = setting["smes"][1]["id"]

    meetings = client.get(f"{BASE}/{eid}/meetings", headers=world.sme_a.headers).json()["items"]
    assert meetings
    assert {m["sme_participant_id"] for m in meetings} == {mine}

    agenda = client.get(f"{BASE}/{eid}/agenda?format=html", headers=world.sme_a.headers)
    assert agenda.status_code == 200
    assert agenda.headers["content-type"].startswith("text/html")
    for m in meetings:
        assert m["buyer_name"] in agenda.text
    sme_b_name = client.get(f"{BASE}/{eid}/participants", headers=headers).json()["items"][3][
        "organization_name"
    ]
    assert sme_b_name not in agenda.text

    assert (
        client.get(f"{BASE}/{eid}/agenda?participant_id={other}", headers=world.sme_a.headers)
    ).status_code == 403
    outsider = new_org(client, world, "sme")
    assert outsider
    assert (
        client.get(f"{BASE}/{eid}/agenda", headers=world.other_organizer.headers).status_code == 403
    )
    assert client.get(f"{BASE}/{eid}/agenda").status_code == 401
    by_organizer = client.get(f"{BASE}/{eid}/agenda?participant_id={other}", headers=headers)
    assert by_organizer.status_code == 200


def test_outcomes_from_either_side_count_in_the_report(client: TestClient, world: World) -> None:
    setting = _setting(client, world)
    eid = setting["event"]["id"]
    headers = world.organizer.headers
    meetings = post_job(client, f"{BASE}/{eid}/schedule", headers)["meetings"]
    first = next(m for m in meetings if m["sme_participant_id"] == setting["smes"][0]["id"])
    url = f"{BASE}/{eid}/meetings/{first['id']}/outcome"
    unpublished = client.put(url, json={"outcome": "intent"}, headers=headers)
    assert unpublished.status_code == 409
    client.post(f"{BASE}/{eid}/publish", headers=headers)

    assert (
        client.put(url, json={"outcome": "intent"}, headers=world.sme_b.headers).status_code == 403
    )
    bad = client.put(url, json={"outcome": "great"}, headers=world.sme_a.headers)
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "body.outcome"
    by_sme = client.put(url, json={"outcome": "intent"}, headers=world.sme_a.headers)
    assert by_sme.status_code == 200, by_sme.text
    assert by_sme.json()["outcome"] == "intent"
    second = next(m for m in meetings if m["id"] != first["id"])
    signed = client.put(
        f"{BASE}/{eid}/meetings/{second['id']}/outcome", json={"outcome": "signed"}, headers=headers
    )
    assert signed.status_code == 200

    assert client.get(f"{BASE}/{eid}/report", headers=world.sme_a.headers).status_code == 403
    report = client.get(f"{BASE}/{eid}/report", headers=headers).json()
    assert report["meetings"] == len(meetings)
    assert report["published"] == len(meetings)
    assert (report["held"], report["intents"], report["signings"]) == (2, 1, 1)
    assert sum(t["meetings"] for t in report["by_tier"]) == len(meetings)
    assert sum(t["signings"] for t in report["by_tier"]) == 1


def test_deleting_a_scheduled_event_removes_everything_in_it(
    client: TestClient, world: World
) -> None:
    setting = _setting(client, world)
    eid = setting["event"]["id"]
    headers = world.organizer.headers
    post_job(client, f"{BASE}/{eid}/schedule", headers)
    assert client.delete(f"{BASE}/{eid}", headers=world.firm_a.headers).status_code == 403
    assert client.delete(f"{BASE}/{eid}", headers=headers | {"If-Match": '"1"'}).status_code == 412
    assert client.delete(f"{BASE}/{eid}", headers=headers).status_code == 204
    assert client.get(f"{BASE}/{eid}", headers=headers).status_code == 404
    assert client.get(f"{BASE}/{eid}/meetings", headers=headers).status_code == 404
