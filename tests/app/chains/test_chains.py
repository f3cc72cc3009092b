"""The chain map API: CRUD, authorization, validation, import and export."""

import io
import json

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from app.chains.seed import load_seed, seed_document
from app.models import Chain, ChainEdge, ChainNode
from app.platform.db import make_sessionmaker, session_scope
from tests.app.chains.helpers import BASE, make_chain, node_id
from tests.app.factories import World


def _counts(engine: Engine) -> tuple[int, int, int]:
    with make_sessionmaker(engine)() as s:
        return (
            s.scalar(select(func.count(Chain.id))) or 0,
            s.scalar(select(func.count(ChainNode.id))) or 0,
            s.scalar(select(func.count(ChainEdge.id))) or 0,
        )


def test_admin_builds_a_chain_and_everyone_reads_it(client: TestClient, world: World) -> None:
    chain = make_chain(client, world.admin)
    assert [n["name"] for n in chain["nodes"]] == ["正极材料", "隔膜", "动力电池"]
    assert len(chain["edges"]) == 2
    for actor in (world.organizer, world.sme_a, world.firm_a):
        listed = client.get(BASE, headers=actor.headers)
        assert listed.status_code == 200
        assert listed.json()["items"][0]["nodes"] == 3
        assert client.get(f"{BASE}/{chain['id']}", headers=actor.headers).json() == chain
    assert client.get(BASE).status_code == 401


@pytest.mark.parametrize("who", ["organizer", "sme_a", "firm_a"])
def test_only_admins_write_the_map(
    client: TestClient, world: World, engine: Engine, who: str
) -> None:
    chain = make_chain(client, world.admin)
    cid, nid = chain["id"], chain["nodes"][0]["id"]
    headers = getattr(world, who).headers
    etag = {"If-Match": f'"{chain["version"]}"'}
    before = _counts(engine)
    attempts = [
        client.post(BASE, json={"name": "光伏"}, headers=headers),
        client.patch(f"{BASE}/{cid}", json={"name": "x"}, headers=headers | etag),
        client.delete(f"{BASE}/{cid}", headers=headers),
        client.post(f"{BASE}/{cid}/nodes", json={"name": "硅片"}, headers=headers),
        client.patch(f"{BASE}/{cid}/nodes/{nid}", json={"stage": 3}, headers=headers | etag),
        client.delete(f"{BASE}/{cid}/nodes/{nid}", headers=headers),
        client.post(
            f"{BASE}/{cid}/edges",
            json={"input_node_id": nid, "output_node_id": chain["nodes"][1]["id"]},
            headers=headers,
        ),
        client.post(
            f"{BASE}/import",
            files={"file": ("m.json", b'{"chains": []}', "application/json")},
            headers=headers,
        ),
        client.post(f"{BASE}/place", headers=headers),
    ]
    assert [r.status_code for r in attempts] == [403] * len(attempts)
    assert attempts[0].headers["content-type"] == "application/problem+json"
    assert _counts(engine) == before


def test_update_and_delete_need_the_current_version(client: TestClient, world: World) -> None:
    chain = make_chain(client, world.admin)
    cid, h = chain["id"], world.admin.headers
    nid = node_id(chain, "隔膜")
    assert (
        client.patch(f"{BASE}/{cid}/nodes/{nid}", json={"stage": 2}, headers=h).status_code == 428
    )
    stale = client.patch(
        f"{BASE}/{cid}/nodes/{nid}", json={"stage": 2}, headers=h | {"If-Match": '"1"'}
    )
    assert stale.status_code == 412
    ok = client.patch(
        f"{BASE}/{cid}/nodes/{nid}",
        json={"stage": 2, "keywords": ["隔膜", "隔膜"]},
        headers=h | {"If-Match": f'"{chain["version"]}"'},
    )
    assert ok.status_code == 200, ok.text
    assert ok.json()["keywords"] == ["隔膜"]
    assert ok.headers["ETag"] != f'"{chain["version"]}"'
    assert client.delete(f"{BASE}/{cid}/nodes/{nid}", headers=h).status_code == 204
    after = client.get(f"{BASE}/{cid}", headers=h).json()
    assert nid not in {n["id"] for n in after["nodes"]}
    assert all(nid not in (e["input_node_id"], e["output_node_id"]) for e in after["edges"])
    assert client.delete(f"{BASE}/{cid}", headers=h).status_code == 204
    assert client.get(f"{BASE}/{cid}", headers=h).status_code == 404


def test_bad_input_names_the_field_and_changes_nothing(
    client: TestClient, world: World, engine: Engine
) -> None:
    chain = make_chain(client, world.admin)
    other = make_chain(client, world.admin, "光伏", [("硅片", 0, ["单晶硅片"])], [])
    cid, h = chain["id"], world.admin.headers
    a, b, c = (node_id(chain, n) for n in ("正极材料", "隔膜", "动力电池"))
    before = _counts(engine)

    def edge(i: int, o: int) -> dict[str, object]:
        r = client.post(
            f"{BASE}/{cid}/edges", json={"input_node_id": i, "output_node_id": o}, headers=h
        )
        assert r.headers["content-type"] == "application/problem+json"
        return {"status": r.status_code, "fields": [e["field"] for e in r.json().get("errors", [])]}

    across = edge(a, node_id(other, "硅片"))
    assert across == {"status": 422, "fields": ["body.output_node_id"]}
    assert edge(a, a) == {"status": 422, "fields": ["body.output_node_id"]}
    assert edge(c, a) == {"status": 422, "fields": ["body.output_node_id"]}  # a → c exists: cycle
    assert edge(a, c)["status"] == 409  # duplicate
    bad_stage = client.post(f"{BASE}/{cid}/nodes", json={"name": "电解液", "stage": -1}, headers=h)
    assert bad_stage.status_code == 422
    assert [e["field"] for e in bad_stage.json()["errors"]] == ["body.stage"]
    twice = client.post(f"{BASE}/{cid}/nodes", json={"name": "隔膜"}, headers=h)
    assert [e["field"] for e in twice.json()["errors"]] == ["body.name"]
    dup = client.post(BASE, json={"name": "光伏"}, headers=h)
    assert dup.status_code == 409
    empty = client.post(BASE, json={"name": " "}, headers=h)
    assert [e["field"] for e in empty.json()["errors"]] == ["body.name"]
    assert _counts(engine) == before
    assert b


def test_json_export_imports_back_to_the_same_map(
    client: TestClient, world: World, engine: Engine
) -> None:
    make_chain(client, world.admin)
    make_chain(
        client,
        world.admin,
        "光伏",
        [("硅片", 0, ["单晶硅片"]), ("组件", 1, ["光伏组件"])],
        [("硅片", "组件")],
    )
    h = world.admin.headers
    exported = client.get(f"{BASE}/export", headers=world.sme_a.headers)
    assert exported.status_code == 200
    doc = exported.json()
    assert [c["name"] for c in doc["chains"]] == sorted(["新能源汽车", "光伏"])
    for chain in client.get(BASE, headers=h).json()["items"]:
        client.delete(f"{BASE}/{chain['id']}", headers=h)
    assert _counts(engine) == (0, 0, 0)
    raw = json.dumps(doc, ensure_ascii=False).encode()
    r = client.post(f"{BASE}/import", files={"file": ("map.json", raw)}, headers=h)
    assert r.status_code == 200, r.text
    assert (r.json()["chains_created"], r.json()["nodes_created"], r.json()["edges_created"]) == (
        2,
        5,
        3,
    )
    assert client.get(f"{BASE}/export", headers=h).json() == doc
    again = client.post(f"{BASE}/import", files={"file": ("map.json", raw)}, headers=h).json()
    assert (again["nodes_created"], again["nodes_updated"], again["edges_created"]) == (0, 0, 0)
    assert _counts(engine) == (2, 5, 3)


def test_csv_export_imports_back_and_replace_removes_what_is_not_listed(
    client: TestClient, world: World, engine: Engine
) -> None:
    chain = make_chain(client, world.admin)
    h = world.admin.headers
    csv_bytes = client.get(f"{BASE}/export?format=csv", headers=h).content
    assert csv_bytes.startswith(b"\xef\xbb\xbf")
    doc = client.get(f"{BASE}/export", headers=h).json()
    client.delete(f"{BASE}/{chain['id']}", headers=h)
    r = client.post(f"{BASE}/import", files={"file": ("map.csv", csv_bytes)}, headers=h)
    assert r.status_code == 200, r.text
    assert client.get(f"{BASE}/export", headers=h).json() == doc

    gbk = "产业链,环节,位置,产品,上游环节\r\n新能源汽车,隔膜,0,湿法隔膜\r\n新能源汽车,动力电池,1,锂电池,隔膜\r\n"
    replaced = client.post(
        f"{BASE}/import?replace=true",
        files={"file": ("map.csv", gbk.encode("gb18030"))},
        headers=h,
    )
    assert replaced.status_code == 200, replaced.text
    assert replaced.json()["nodes_removed"] == 1
    after = client.get(f"{BASE}/export", headers=h).json()["chains"][0]
    assert [n["name"] for n in after["nodes"]] == ["隔膜", "动力电池"]
    assert after["edges"] == [{"input": "隔膜", "output": "动力电池"}]


def test_a_bad_row_rejects_the_whole_import(
    client: TestClient, world: World, engine: Engine
) -> None:
    text = (
        "chain,node,stage,products,inputs\n"
        "集成电路,芯片设计,0,SoC\n"
        "集成电路,封装测试,二,封装\n"  # row 3: stage is not a number
        "集成电路,晶圆制造,1,,光刻胶\n"  # row 4: no such input node
        "集成电路,芯片,2,芯片,芯片\n"  # row 5: a self-loop
    )
    r = client.post(
        f"{BASE}/import", files={"file": ("m.csv", text.encode())}, headers=world.admin.headers
    )
    assert r.status_code == 422
    assert r.headers["content-type"] == "application/problem+json"
    assert [(e["row"], e["field"]) for e in r.json()["errors"]] == [(3, "stage")]
    assert _counts(engine) == (0, 0, 0)
    fixed = text.replace(",二,", ",2,")
    r = client.post(
        f"{BASE}/import", files={"file": ("m.csv", fixed.encode())}, headers=world.admin.headers
    )
    assert r.status_code == 422
    assert [(e["row"], e["field"]) for e in r.json()["errors"]] == [(4, "inputs"), (5, "inputs")]
    assert _counts(engine) == (0, 0, 0)
    cyclic = {
        "chains": [
            {
                "name": "环",
                "nodes": [{"name": "甲"}, {"name": "乙"}],
                "edges": [{"input": "甲", "output": "乙"}, {"input": "乙", "output": "甲"}],
            }
        ]
    }
    r = client.post(
        f"{BASE}/import",
        files={"file": ("m.json", json.dumps(cyclic).encode())},
        headers=world.admin.headers,
    )
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "chains.0.edges.1"
    bad_json = client.post(
        f"{BASE}/import", files={"file": ("m.json", b"{nope")}, headers=world.admin.headers
    )
    assert bad_json.status_code == 422
    assert bad_json.json()["errors"][0]["field"] == "file"
    assert _counts(engine) == (0, 0, 0)


def test_dry_run_writes_nothing(client: TestClient, world: World, engine: Engine) -> None:
    text = "产业链,环节,位置\n光伏,硅片,0\n"
    r = client.post(
        f"{BASE}/import?dry_run=true",
        files={"file": ("m.csv", io.BytesIO(text.encode()))},
        headers=world.admin.headers,
    )
    assert r.status_code == 200, r.text
    assert (r.json()["written"], r.json()["nodes_created"]) == (False, 1)
    assert _counts(engine) == (0, 0, 0)


def test_seed_loads_idempotently_and_keeps_operator_edits(engine: Engine) -> None:
    doc = seed_document()
    names = {c.name for c in doc.chains}
    assert {"新能源汽车", "集成电路与电子", "光伏", "工业机器人与智能装备"} <= names
    sessions = make_sessionmaker(engine)
    for session in session_scope(sessions):
        first = load_seed(session)
    assert first.chains == len(doc.chains)
    assert first.nodes == sum(len(c.nodes) for c in doc.chains)
    for session in session_scope(sessions):
        node = session.scalars(select(ChainNode).where(ChainNode.name == "隔膜")).one()
        node.products = ["操作员改过"]
    for session in session_scope(sessions):
        second = load_seed(session)
    assert not second.changed
    with sessions() as session:
        node = session.scalars(select(ChainNode).where(ChainNode.name == "隔膜")).one()
        assert node.products == ["操作员改过"]
