"""Suggested pairs from the matching engine, and match scores in the schedule's values."""

import csv
import io
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.app.events.helpers import BASE, add, new_org, open_event, wish
from tests.app.factories import Actor, World
from tests.app.jobs.wait import post_job


def _profile(client: TestClient, actor: Actor, org_id: int | None, products: list[str]) -> None:
    body = {"organization_id": org_id, "products": [{"name": p} for p in products]}
    response = client.post("/api/v1/profiles", json=body, headers=actor.headers)
    assert response.status_code == 201, response.text


def _need(client: TestClient, actor: Actor, product: str) -> int:
    body = {"status": "open", "title": f"采购{product}", "products": [product]}
    response = client.post("/api/v1/needs", json=body, headers=actor.headers)
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


@pytest.fixture
def session_with_matches(client: TestClient, world: World) -> dict[str, Any]:
    """Battery buyer (firm_a) and sensor buyer (firm_b); a battery, a sensor, an unrelated SME.

    The battery maker also makes sensors, worse than the sensor maker's: firm_b ranks it
    second, but it ranks firm_b first among buyers only if nothing better is there.
    """
    admin, org = world.admin, world.organizer
    _profile(client, admin, world.sme_a.org_id, ["锂电池", "温度传感器"])
    _profile(client, admin, world.sme_b.org_id, ["压力传感器"])
    other = new_org(client, world, "sme")
    _profile(client, admin, other, ["办公家具"])
    battery = _need(client, world.firm_a, "锂电池")
    _need(client, world.firm_b, "压力传感器")
    event = open_event(client, world, slots=3)
    eid = event["id"]
    people = {
        "firm_a": add(client, org, eid, world.firm_a.org_id),
        "firm_b": add(client, org, eid, world.firm_b.org_id, accept_as=world.firm_b),
        "sme_a": add(client, org, eid, world.sme_a.org_id),
        "sme_b": add(client, org, eid, world.sme_b.org_id, accept_as=world.sme_b),
        "other": add(client, org, eid, other),
    }
    return {"event": event, "people": {k: v["id"] for k, v in people.items()}, "need": battery}


def _suggestions(client: TestClient, actor: Actor, event_id: int) -> dict[str, Any]:
    response = client.get(f"{BASE}/{event_id}/suggestions", headers=actor.headers)
    assert response.status_code == 200, response.text
    return dict(response.json())


def test_organizer_sees_pairs_both_sides_rank_high_first(
    client: TestClient, world: World, session_with_matches: dict[str, Any]
) -> None:
    ids = session_with_matches["people"]
    got = _suggestions(client, world.organizer, session_with_matches["event"]["id"])
    pairs = [(p["buyer_participant_id"], p["sme_participant_id"]) for p in got["items"]]
    assert pairs[:2] == [(ids["firm_a"], ids["sme_a"]), (ids["firm_b"], ids["sme_b"])]
    assert all(ids["other"] not in pair for pair in pairs)
    first = got["items"][0]
    assert (first["buyer_rank"], first["sme_rank"]) == (1, 1)
    assert first["need"] == {"id": session_with_matches["need"], "title": "采购锂电池"}
    assert {"wanted": "锂电池", "offered": "锂电池", "read_as": None} in first["matched_products"]
    assert 0 < first["score"] <= 1
    assert got["total"] == len(got["items"])


def test_a_participant_sees_only_its_own_pairs_and_outsiders_none(
    client: TestClient, world: World, session_with_matches: dict[str, Any]
) -> None:
    ids = session_with_matches["people"]
    eid = session_with_matches["event"]["id"]
    mine = _suggestions(client, world.sme_b, eid)["items"]
    assert mine
    assert all(p["sme_participant_id"] == ids["sme_b"] for p in mine)
    outsider = client.get(f"{BASE}/{eid}/suggestions", headers=world.other_organizer.headers)
    assert outsider.status_code == 403
    assert outsider.headers["content-type"].startswith("application/problem+json")


def test_suggestions_show_stated_wishes(
    client: TestClient, world: World, session_with_matches: dict[str, Any]
) -> None:
    ids = session_with_matches["people"]
    eid = session_with_matches["event"]["id"]
    wish(client, world.organizer, eid, ids["sme_a"], ids["firm_a"], "must")
    pair = next(
        p
        for p in _suggestions(client, world.organizer, eid)["items"]
        if (p["buyer_participant_id"], p["sme_participant_id"]) == (ids["firm_a"], ids["sme_a"])
    )
    assert (pair["buyer_wish"], pair["sme_wish"]) == (None, "must")


def test_schedule_values_pairs_by_match_score(
    client: TestClient, world: World, session_with_matches: dict[str, Any]
) -> None:
    ids = session_with_matches["people"]
    eid = session_with_matches["event"]["id"]
    # both SMEs would meet both buyers; the stored scores are the engine's, not a constant
    for sme in ("sme_a", "sme_b", "other"):
        for buyer in ("firm_a", "firm_b"):
            # sme_b was registered by the admin: it states its own wishes
            by = world.sme_b if sme == "sme_b" else world.organizer
            wish(client, by, eid, ids[sme], ids[buyer], "would")
    post_job(client, f"{BASE}/{eid}/schedule", world.organizer.headers)
    scores = {
        (m["buyer_participant_id"], m["sme_participant_id"]): m["score"]
        for m in client.get(f"{BASE}/{eid}/meetings", headers=world.organizer.headers).json()[
            "items"
        ]
    }
    assert scores[(ids["firm_a"], ids["sme_a"])] > 0.5
    assert scores[(ids["firm_b"], ids["sme_b"])] > 0.5
    # the engine does not match them: no score, rather than a score of 0.0
    assert scores.get((ids["firm_a"], ids["other"])) is None


def test_match_list_export_gives_the_engines_reasons(
    client: TestClient, world: World, session_with_matches: dict[str, Any]
) -> None:
    ids = session_with_matches["people"]
    eid = session_with_matches["event"]["id"]
    wish(client, world.organizer, eid, ids["sme_a"], ids["firm_a"], "would")
    wish(client, world.organizer, eid, ids["other"], ids["firm_a"], "would")
    post_job(client, f"{BASE}/{eid}/schedule", world.organizer.headers)
    response = client.get(
        f"{BASE}/{eid}/exports/matches?format=csv", headers=world.organizer.headers
    )
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    header = rows[0]
    need, matched = header.index("对接需求"), header.index("匹配产品（需求→供给）")
    names = {p["id"]: p["organization_name"] for p in _participants(client, world, eid)}
    by_pair = {(r[0], r[1]): r for r in rows[1:]}
    battery = by_pair[(names[ids["firm_a"]], names[ids["sme_a"]])]
    assert battery[need] == "采购锂电池"
    assert "锂电池→锂电池" in battery[matched]
    unrelated = by_pair[(names[ids["firm_a"]], names[ids["other"]])]
    assert (unrelated[need], unrelated[matched]) == ("", "")


def _participants(client: TestClient, world: World, event_id: int) -> list[dict[str, Any]]:
    response = client.get(f"{BASE}/{event_id}/participants", headers=world.organizer.headers)
    assert response.status_code == 200
    return list(response.json()["items"])
