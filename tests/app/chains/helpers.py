"""Builders for chain-map tests: a small battery chain made through the API."""

from typing import Any

from fastapi.testclient import TestClient

from tests.app.factories import Actor

BASE = "/api/v1/chains"


def make_chain(
    client: TestClient,
    admin: Actor,
    name: str = "新能源汽车",
    nodes: list[tuple[str, int, list[str]]] | None = None,
    edges: list[tuple[str, str]] | None = None,
) -> dict[str, Any]:
    """A chain with nodes (name, stage, products) and edges by node name; its JSON after."""
    created = client.post(BASE, json={"name": name, "description": "测试链"}, headers=admin.headers)
    assert created.status_code == 201, created.text
    cid = created.json()["id"]
    nodes = nodes or [
        ("正极材料", 0, ["磷酸铁锂", "三元正极材料"]),
        ("隔膜", 0, ["锂电池隔膜", "湿法隔膜"]),
        ("动力电池", 1, ["锂电池", "动力电池"]),
    ]
    ids: dict[str, int] = {}
    for node_name, stage, products in nodes:
        r = client.post(
            f"{BASE}/{cid}/nodes",
            json={"name": node_name, "stage": stage, "products": products, "keywords": []},
            headers=admin.headers,
        )
        assert r.status_code == 201, r.text
        ids[node_name] = r.json()["id"]
    for a, b in edges if edges is not None else [("正极材料", "动力电池"), ("隔膜", "动力电池")]:
        r = client.post(
            f"{BASE}/{cid}/edges",
            json={"input_node_id": ids[a], "output_node_id": ids[b]},
            headers=admin.headers,
        )
        assert r.status_code == 201, r.text
    chain = client.get(f"{BASE}/{cid}", headers=admin.headers)
    assert chain.status_code == 200
    return dict(chain.json())


def node_id(chain: dict[str, Any], name: str) -> int:
    """The id of the chain's node called ``name``."""
    return next(int(n["id"]) for n in chain["nodes"] if n["name"] == name)


def profile(client: TestClient, actor: Actor, *products: str) -> int:
    """The actor's SME profile with these products."""
    body = {"products": [{"name": p} for p in products]}
    r = client.post("/api/v1/profiles", json=body, headers=actor.headers)
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def need(client: TestClient, actor: Actor, products: list[str], **body: Any) -> int:
    """An open need of the actor's firm."""
    payload = {"title": f"采购{products[0]}", "products": products, "status": "open", **body}
    r = client.post("/api/v1/needs", json=payload, headers=actor.headers)
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def placements(client: TestClient, actor: Actor, chain_id: int, **query: Any) -> list[Any]:
    """Every placement of the chain (one page of 100)."""
    r = client.get(
        f"{BASE}/{chain_id}/placements", params={"page_size": 100, **query}, headers=actor.headers
    )
    assert r.status_code == 200, r.text
    return list(r.json()["items"])
