"""Placements kept on writes, operator overrides, the weak-link report and the event report."""

import io
import json
import math
import xml.etree.ElementTree as ET

from fastapi.testclient import TestClient
from openpyxl import load_workbook

from tests.app.chains.helpers import BASE, make_chain, need, node_id, placements, profile
from tests.app.events.helpers import BASE as EVENTS
from tests.app.events.helpers import add, new_org, open_event, wish
from tests.app.factories import World
from tests.app.jobs.wait import post_job


def _where(items: list[dict[str, object]], subject: str, sid: int) -> dict[object, object]:
    return {
        p["node_id"]: p["source"]
        for p in items
        if p["subject"] == subject and p["subject_id"] == sid
    }


def test_profiles_and_needs_are_placed_when_written(client: TestClient, world: World) -> None:
    chain = make_chain(client, world.admin)
    cid = chain["id"]
    sep, cathode = node_id(chain, "隔膜"), node_id(chain, "正极材料")
    pid = profile(client, world.sme_a, "湿法锂电池隔膜")
    # What the need is for (正极材料 production) is not what it wants (隔膜).
    nid = need(client, world.firm_a, ["隔膜"], application="三元正极材料")
    items = placements(client, world.admin, cid)
    assert _where(items, "profile", pid) == {sep: "model"}
    assert _where(items, "need", nid) == {sep: "model"}
    assert all(0 <= p["confidence"] <= 1 for p in items)
    only_sep = placements(client, world.organizer, cid, node=sep)
    assert {p["node_id"] for p in only_sep} == {sep}
    assert placements(client, world.admin, cid, node=cathode) == []

    version = client.get(f"/api/v1/profiles/{pid}", headers=world.sme_a.headers).headers["ETag"]
    moved = client.patch(
        f"/api/v1/profiles/{pid}",
        json={"products": [{"name": "磷酸铁锂"}]},
        headers=world.sme_a.headers | {"If-Match": version},
    )
    assert moved.status_code == 200, moved.text
    assert _where(placements(client, world.admin, cid), "profile", pid) == {cathode: "model"}


def test_an_operator_override_survives_profile_updates(client: TestClient, world: World) -> None:
    chain = make_chain(client, world.admin)
    cid = chain["id"]
    sep, battery = node_id(chain, "隔膜"), node_id(chain, "动力电池")
    pid = profile(client, world.sme_a, "锂电池隔膜")
    body = {"subject": "profile", "subject_id": pid, "nodes": [{"node_id": battery}]}
    assert (
        client.put(
            f"{BASE}/{cid}/placements", json=body, headers=world.organizer.headers
        ).status_code
        == 403
    )
    r = client.put(f"{BASE}/{cid}/placements", json=body, headers=world.admin.headers)
    assert r.status_code == 200, r.text
    assert [(p["node_id"], p["source"], p["reviewed"], p["confidence"]) for p in r.json()] == [
        (battery, "operator", True, 1.0)
    ]
    for products in (["湿法隔膜"], ["锂电池隔膜", "陶瓷隔膜"]):
        etag = client.get(f"/api/v1/profiles/{pid}", headers=world.sme_a.headers).headers["ETag"]
        client.patch(
            f"/api/v1/profiles/{pid}",
            json={"products": [{"name": p} for p in products]},
            headers=world.sme_a.headers | {"If-Match": etag},
        )
        assert _where(placements(client, world.admin, cid), "profile", pid) == {battery: "operator"}
    rebuilt = client.post(f"{BASE}/place", headers=world.admin.headers)
    assert rebuilt.status_code == 200
    assert _where(placements(client, world.admin, cid), "profile", pid) == {battery: "operator"}

    off = client.put(
        f"{BASE}/{cid}/placements",
        json={"subject": "profile", "subject_id": pid, "nodes": []},
        headers=world.admin.headers,
    )
    assert [p["node_id"] for p in off.json()] == [None]
    client.post(f"{BASE}/place", headers=world.admin.headers)
    assert _where(placements(client, world.admin, cid), "profile", pid) == {None: "operator"}
    assert sep


def test_bad_overrides_are_refused_and_change_nothing(client: TestClient, world: World) -> None:
    chain = make_chain(client, world.admin)
    other = make_chain(client, world.admin, "光伏", [("硅片", 0, ["单晶硅片"])], [])
    cid = chain["id"]
    pid = profile(client, world.sme_a, "锂电池隔膜")
    before = placements(client, world.admin, cid)
    cases = [
        (
            {
                "subject": "profile",
                "subject_id": pid,
                "nodes": [{"node_id": node_id(other, "硅片")}],
            },
            "body.nodes.0.node_id",
        ),
        ({"subject": "profile", "subject_id": 999999, "nodes": []}, "body.subject_id"),
        ({"subject": "firm", "subject_id": pid, "nodes": []}, "body.subject"),
        (
            {
                "subject": "profile",
                "subject_id": pid,
                "nodes": [{"node_id": node_id(chain, "隔膜"), "confidence": 2}],
            },
            "body.nodes.0.confidence",
        ),
    ]
    for body, field in cases:
        r = client.put(f"{BASE}/{cid}/placements", json=body, headers=world.admin.headers)
        assert r.status_code == 422, body
        assert r.json()["errors"][0]["field"] == field
    assert placements(client, world.admin, cid) == before
    assert (
        client.get(f"{BASE}/{cid}/placements?node=999999", headers=world.admin.headers).status_code
        == 422
    )
    assert client.get(f"{BASE}/{cid}/placements", headers=world.sme_a.headers).status_code == 403


def test_a_reviewed_model_placement_is_kept(client: TestClient, world: World) -> None:
    chain = make_chain(client, world.admin)
    cid, sep = chain["id"], node_id(chain, "隔膜")
    pid = profile(client, world.sme_a, "锂电池隔膜")
    row = placements(client, world.admin, cid)[0]
    r = client.patch(
        f"{BASE}/{cid}/placements/{row['id']}", json={"reviewed": True}, headers=world.admin.headers
    )
    assert r.status_code == 200
    assert r.json()["reviewed"] is True
    etag = client.get(f"/api/v1/profiles/{pid}", headers=world.sme_a.headers).headers["ETag"]
    client.patch(
        f"/api/v1/profiles/{pid}",
        json={"products": [{"name": "磷酸铁锂"}]},
        headers=world.sme_a.headers | {"If-Match": etag},
    )
    assert _where(placements(client, world.admin, cid), "profile", pid) == {sep: "model"}


def _world_for_report(client: TestClient, world: World) -> dict[str, int]:
    """Guangdong (440300): sme_a (specialized) makes 隔膜, firm_a wants 隔膜 twice and 正极材料
    once, one draft need; Beijing (110105): a little giant makes 隔膜."""
    chain = make_chain(client, world.admin)
    profile(client, world.sme_a, "锂电池隔膜")
    bj = new_org(client, world, "sme", region_code="110105", tier="little_giant", tier_year=2022)
    r = client.post(
        "/api/v1/profiles",
        json={"organization_id": bj, "products": [{"name": "湿法隔膜"}]},
        headers=world.admin.headers,
    )
    assert r.status_code == 201
    need(client, world.firm_a, ["隔膜"], title="采购隔膜一")
    need(client, world.firm_a, ["高性能锂电池隔膜"], title="采购隔膜二")
    need(client, world.firm_a, ["三元正极材料"])
    need(client, world.firm_a, ["磷酸铁锂"], status="draft")
    return {
        "chain": chain["id"],
        "sep": node_id(chain, "隔膜"),
        "cathode": node_id(chain, "正极材料"),
    }


def test_weak_link_numbers_on_a_small_world(client: TestClient, world: World) -> None:
    ids = _world_for_report(client, world)
    url = f"{BASE}/{ids['chain']}/weak-links"
    assert client.get(url, headers=world.sme_a.headers).status_code == 403
    assert client.get(url, headers=world.firm_a.headers).status_code == 403
    r = client.get(url, params={"level": "province"}, headers=world.organizer.headers)
    assert r.status_code == 200, r.text
    report = r.json()
    assert "D/(D+S)" in report["formula"]
    cells = {(c["node_id"], c["region_code"]): c for c in report["cells"]}
    assert set(cells) == {
        (ids["sep"], "440000"),
        (ids["cathode"], "440000"),
        (ids["sep"], "110000"),
    }
    gd_sep, gd_cat, bj_sep = (
        cells[(ids["sep"], "440000")],
        cells[(ids["cathode"], "440000")],
        cells[(ids["sep"], "110000")],
    )
    assert (gd_sep["demand"], gd_sep["supply_specialized"], gd_sep["supply_weighted"]) == (
        2,
        1,
        2.0,
    )
    assert (gd_cat["demand"], gd_cat["supply_weighted"]) == (1, 0.0)  # the draft is not demand
    assert (bj_sep["demand"], bj_sep["supply_little_giant"], bj_sep["region_name"]) == (
        0,
        1,
        "北京市",
    )
    assert gd_sep["gap_score"] == round(2 / 4 * math.log1p(2) / math.log1p(2), 4)
    assert gd_cat["gap_score"] == round(1.0 * math.log1p(1) / math.log1p(2), 4)
    assert bj_sep["gap_score"] == 0.0
    assert [c["gap_score"] for c in report["cells"]] == sorted(
        (c["gap_score"] for c in report["cells"]), reverse=True
    )
    city = client.get(url, params={"level": "city"}, headers=world.admin.headers).json()
    assert {c["region_code"] for c in city["cells"]} == {"440300", "110100"}
    assert {c["region_name"] for c in city["cells"]} == {"深圳市", "北京市"}  # not 市辖区
    strict = client.get(url, params={"min_confidence": 1}, headers=world.admin.headers).json()
    assert sum(c["demand"] for c in strict["cells"]) < 3
    bad = client.get(url, params={"level": "county"}, headers=world.admin.headers)
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "query.level"


def test_csv_and_xlsx_equal_the_json_and_the_svg_has_chinese_labels(
    client: TestClient, world: World
) -> None:
    ids = _world_for_report(client, world)
    url = f"{BASE}/{ids['chain']}/weak-links"
    h = world.admin.headers
    report = client.get(url, headers=h).json()
    expected = [
        [
            str(c[k])
            for k in (
                "node_id",
                "node_name",
                "stage",
                "region_code",
                "region_name",
                "demand",
                "supply_innovative",
                "supply_specialized",
                "supply_little_giant",
                "supply_other",
                "supply_contracted",
                "supply_weighted",
                "gap_score",
            )
        ]
        for c in report["cells"]
    ]
    csv_r = client.get(url, params={"format": "csv"}, headers=h)
    assert csv_r.headers["content-type"].startswith("text/csv")
    assert "filename*=UTF-8''" in csv_r.headers["content-disposition"]
    assert csv_r.content.startswith(b"\xef\xbb\xbf")
    lines = [line.split(",") for line in csv_r.content.decode("utf-8-sig").splitlines()]
    assert lines[0][1] == "环节"
    assert lines[1:] == expected

    xlsx = client.get(url, params={"format": "xlsx"}, headers=h)
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None
    assert sheet.freeze_panes == "A2"
    rows = [
        [("" if v is None else str(v)) for v in row]
        for row in sheet.iter_rows(min_row=2, values_only=True)
    ]
    assert [[str(float(v)) if i in (11, 12) else v for i, v in enumerate(r)] for r in rows] == [
        [str(float(v)) if i in (11, 12) else v for i, v in enumerate(r)] for r in expected
    ]

    svg = client.get(url, params={"format": "svg", "level": "city"}, headers=h)
    assert svg.headers["content-type"].startswith("image/svg+xml")
    root = ET.fromstring(svg.content)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert "Noto Sans CJK SC" in root.attrib["style"]
    texts = {t.text for t in root.iter("{http://www.w3.org/2000/svg}text")}
    assert {"正极材料", "隔膜", "动力电池", "深圳市"} <= texts
    assert {"2/2", "1/0", "0/3"} <= texts  # heat-map cells: demand / weighted supply


def test_svg_escapes_names(client: TestClient, world: World) -> None:
    chain = make_chain(client, world.admin, '<链&"名>', [("<节点>&", 0, ["=危险"])], [])
    svg = client.get(
        f"{BASE}/{chain['id']}/weak-links?format=svg", headers=world.admin.headers
    ).content
    root = ET.fromstring(svg)
    texts = [t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert "<节点>&" in texts
    assert any('<链&"名>' in t for t in texts)


def test_event_report_counts_by_chain_node(client: TestClient, world: World) -> None:
    chain = make_chain(client, world.admin)
    sep = node_id(chain, "隔膜")
    profile(client, world.sme_a, "锂电池隔膜")
    event = open_event(client, world, slots=2)
    eid, org = event["id"], world.organizer
    buyer = add(client, org, eid, world.firm_a.org_id)
    placed = add(client, org, eid, world.sme_a.org_id)
    # sme_b was registered by the admin: it accepts the invitation and wishes for itself.
    unplaced = add(client, org, eid, world.sme_b.org_id, accept_as=world.sme_b)
    wish(client, org, eid, placed["id"], buyer["id"], "must")
    wish(client, world.sme_b, eid, unplaced["id"], buyer["id"], "must")
    meetings = post_job(client, f"{EVENTS}/{eid}/schedule", org.headers)["meetings"]
    assert len(meetings) == 2
    client.post(f"{EVENTS}/{eid}/publish", headers=org.headers)
    mine = next(m for m in meetings if m["sme_participant_id"] == placed["id"])
    r = client.put(
        f"{EVENTS}/{eid}/meetings/{mine['id']}/outcome",
        json={"outcome": "signed"},
        headers=org.headers,
    )
    assert r.status_code == 200, r.text
    report = client.get(f"{EVENTS}/{eid}/report", headers=org.headers).json()
    by_node = {n["node_id"]: n for n in report["by_node"]}
    assert set(by_node) == {sep, None}
    assert (by_node[sep]["node_name"], by_node[sep]["chain_name"]) == ("隔膜", "新能源汽车")
    assert (by_node[sep]["meetings"], by_node[sep]["signings"]) == (1, 1)
    assert by_node[sep]["by_tier"] == [
        {"tier": "specialized", "meetings": 1, "held": 1, "intents": 0, "signings": 1}
    ]
    assert (by_node[None]["meetings"], by_node[None]["signings"]) == (1, 0)


def test_an_import_places_what_was_written_before_the_map(client: TestClient, world: World) -> None:
    pid = profile(client, world.sme_a, "N型单晶硅片")
    doc = {"chains": [{"name": "光伏", "nodes": [{"name": "硅片", "products": ["单晶硅片"]}]}]}
    r = client.post(
        f"{BASE}/import",
        files={"file": ("map.json", json.dumps(doc, ensure_ascii=False).encode())},
        headers=world.admin.headers,
    )
    assert r.status_code == 200, r.text
    assert r.json()["placed"]["profiles"] == 1
    cid = client.get(BASE, headers=world.admin.headers).json()["items"][0]["id"]
    assert list(_where(placements(client, world.admin, cid), "profile", pid).values()) == ["model"]
