"""Exports read back with openpyxl and csv match the API's meetings; formulas are defused."""

import csv
import io
from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from app.events.exports import neutralize
from tests.app.events.helpers import BASE, add, new_org, open_event, wish
from tests.app.factories import World
from tests.app.jobs.wait import post_job

NASTY = ['=HYPERLINK("http://evil.example","点我")', "+1+2", "-3", "@SUM(A1)"]


def _scheduled(client: TestClient, world: World) -> dict[str, Any]:
    event = open_event(client, world, slots=3)
    eid = event["id"]
    org = world.organizer
    buyer = add(client, org, eid, new_org(client, world, "large_firm", name=NASTY[0]), tables=2)
    other = add(client, org, eid, world.firm_a.org_id)
    smes = [add(client, org, eid, new_org(client, world, "sme", name=n)) for n in NASTY[1:]]
    smes.append(add(client, org, eid, world.sme_a.org_id))
    for s in smes:
        wish(client, org, eid, s["id"], buyer["id"], "must")
        wish(client, org, eid, s["id"], other["id"], "would")
    wish(client, org, eid, other["id"], smes[0]["id"], "no")
    result = post_job(client, f"{BASE}/{eid}/schedule", org.headers)
    return {"event": event, "buyers": [buyer, other], "smes": smes, "result": result}


def _rows(content: bytes) -> list[list[Any]]:
    book = load_workbook(io.BytesIO(content))
    assert len(book.worksheets) == 1
    sheet = book.worksheets[0]
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["A"].width >= 8
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def _literal(name: str) -> str:
    return "'" + name if name[0] in "=+-@" else name


def test_match_list_xlsx_matches_the_api(client: TestClient, world: World) -> None:
    s = _scheduled(client, world)
    eid = s["event"]["id"]
    response = client.get(
        f"{BASE}/{eid}/exports/matches?format=xlsx", headers=world.organizer.headers
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
    filename = f"{s['event']['name']}-匹配清单.xlsx"
    assert f"filename*=UTF-8''{quote(filename)}" in response.headers["content-disposition"]
    assert response.headers["content-disposition"].startswith("attachment;")

    rows = _rows(response.content)
    assert rows[0][:3] == ["采购方", "中小企业", "匹配度"]
    got = {(r[0], r[1], r[6], r[8]) for r in rows[1:] if r[5] != "未安排"}
    want = {
        (_literal(m["buyer_name"]), _literal(m["sme_name"]), m["slot"] + 1, m["table_number"])
        for m in s["result"]["meetings"]
    }
    assert got == want
    left = [r for r in rows[1:] if r[5] == "未安排"]
    assert len(left) == len(s["result"]["left_out"])
    assert all(r[9] for r in left)
    # no cell anywhere is a live formula
    assert not any(isinstance(c, str) and c[:1] in "=+-@" for r in rows for c in r)


def test_grid_and_agendas_csv_match_the_api(client: TestClient, world: World) -> None:
    s = _scheduled(client, world)
    eid = s["event"]["id"]
    headers = world.organizer.headers
    grid = client.get(f"{BASE}/{eid}/exports/grid?format=csv", headers=headers)
    assert grid.status_code == 200
    assert grid.content.startswith(b"\xef\xbb\xbf")
    assert grid.headers["content-type"].startswith("text/csv")
    table = list(csv.reader(io.StringIO(grid.content.decode("utf-8-sig"))))
    header = table[0]
    assert header[:2] == ["轮次", "时间"]
    assert len(header) == 2 + 3  # nasty buyer's 2 tables + firm_a's 1
    assert len(table) == 1 + 3  # one row a slot
    cells = {
        (int(row[0]) - 1, header[i], row[i])
        for row in table[1:]
        for i in range(2, len(row))
        if row[i]
    }
    want = {
        (m["slot"], f"{_literal(m['buyer_name'])} 桌{m['table_number']}", _literal(m["sme_name"]))
        for m in s["result"]["meetings"]
    }
    assert cells == want

    agendas = client.get(f"{BASE}/{eid}/exports/agendas?format=xlsx", headers=headers)
    rows = _rows(agendas.content)
    assert len(rows) - 1 == 2 * len(s["result"]["meetings"])  # each meeting on both agendas


def test_exports_are_for_the_organizer_only(client: TestClient, world: World) -> None:
    s = _scheduled(client, world)
    eid = s["event"]["id"]
    for actor in (world.other_organizer, world.sme_a, world.firm_a):
        response = client.get(f"{BASE}/{eid}/exports/matches", headers=actor.headers)
        assert response.status_code == 403
    assert client.get(f"{BASE}/{eid}/exports/matches").status_code == 401
    bad = client.get(f"{BASE}/{eid}/exports/everything", headers=world.organizer.headers)
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "path.kind"


def test_participant_agenda_xlsx_has_only_its_meetings(client: TestClient, world: World) -> None:
    s = _scheduled(client, world)
    eid = s["event"]["id"]
    client.post(f"{BASE}/{eid}/publish", headers=world.organizer.headers)
    response = client.get(f"{BASE}/{eid}/agenda?format=xlsx", headers=world.sme_a.headers)
    assert response.status_code == 200
    assert "filename*=UTF-8''" in response.headers["content-disposition"]
    rows = _rows(response.content)
    mine = [m for m in s["result"]["meetings"] if m["sme_participant_id"] == s["smes"][-1]["id"]]
    assert mine
    assert rows[0][:8] == ["参会企业", "日期", "地点", "轮次", "时间", "洽谈桌", "桌号", "洽谈对象"]
    assert sorted((r[3], r[6], r[7]) for r in rows[1:]) == sorted(
        (m["slot"] + 1, m["table_number"], _literal(m["buyer_name"])) for m in mine
    )
    assert {r[0] for r in rows[1:]} == {s["smes"][-1]["organization_name"]}
    # issue 17: agendas had no date or venue
    assert {(r[1], r[2]) for r in rows[1:]} == {("2026-12-10", "深圳会展中心")}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+86 755", "'+86 755"),
        ("-5", "'-5"),
        ("@cmd", "'@cmd"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("深圳=公司", "深圳=公司"),
        (-5, -5),
        (None, None),
    ],
)
def test_neutralize_defuses_formula_starts(value: Any, expected: Any) -> None:
    assert neutralize(value) == expected
