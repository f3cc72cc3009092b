"""Errors speak Chinese by default and English when the client asks (issue 19)."""

import ast
import re
from collections import defaultdict
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from app.messages import CATALOGUE, TITLES, negotiate, template_fields
from tests.app.factories import World, org_body

CJK = re.compile(r"[\u4e00-\u9fff]")
EN = {"Accept-Language": "en-US,en;q=0.9"}
APP = Path(__file__).resolve().parents[2] / "app"


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, "zh"),
        ("", "zh"),
        ("en", "en"),
        ("en-GB", "en"),
        ("EN-us;q=0.8", "en"),
        ("zh-CN,zh;q=0.9,en;q=0.8", "zh"),
        ("zh-CN;q=0.5, en;q=0.8", "en"),
        ("en;q=0.2, zh-TW;q=0.3", "zh"),
        ("fr-FR, en;q=0.5", "en"),
        ("fr-FR, de", "zh"),
        ("en;q=0", "zh"),
        ("*;q=0.5, en;q=0.4", "zh"),
        ("en;q=abc", "zh"),
        ("de;q=1, en;q=0.001", "en"),
    ],
)
def test_the_language_follows_accept_language_q_values(header: str | None, expected: str) -> None:
    assert negotiate(header) == expected


def test_a_not_found_is_chinese_by_default_and_english_on_request(
    client: TestClient, world: World
) -> None:
    zh = client.get("/api/v1/needs/999", headers=world.firm_a.headers)
    en = client.get("/api/v1/needs/999", headers=world.firm_a.headers | EN)
    assert zh.status_code == en.status_code == 404
    assert zh.json()["title"] == "未找到"
    assert zh.json()["detail"] == "未找到需求 999"
    assert zh.headers["content-language"] == "zh-CN"
    assert en.json()["title"] == "Not found"
    assert en.json()["detail"] == "need 999 not found"
    assert en.headers["content-language"] == "en"
    for response in (zh, en):
        assert "accept-language" in response.headers["vary"].lower()


def test_a_bad_uscc_is_told_in_chinese_naming_the_field(client: TestClient, world: World) -> None:
    body = org_body("sme", uscc="91350100M000100Y40")  # the check character should be 3
    zh = client.post("/api/v1/organizations", json=body, headers=world.admin.headers)
    en = client.post("/api/v1/organizations", json=body, headers=world.admin.headers | EN)
    assert zh.status_code == en.status_code == 422
    [error] = zh.json()["errors"]
    assert error["field"] == "body.uscc"
    assert error["message"].startswith("统一社会信用代码：")
    assert "校验位" in error["message"]
    assert "Value error" not in zh.text
    [english] = en.json()["errors"]
    assert english["field"] == "body.uscc"
    assert "check character" in english["message"]
    assert "Value error" not in en.text
    assert zh.json()["title"] == "输入有误"
    assert en.json()["title"] == "Invalid input"


def test_pydantic_errors_are_plain_words_naming_the_field(client: TestClient, world: World) -> None:
    body = org_body("sme", name="", tier="giant", tier_year="soon", surprise=1)
    del body["region_code"]
    body["industry_codes"] = ["3962"] * 200
    response = client.post("/api/v1/organizations", json=body, headers=world.admin.headers)
    assert response.status_code == 422
    messages = {e["field"]: e["message"] for e in response.json()["errors"]}
    assert messages["body.name"] == "名称至少要 1 个字符"
    assert messages["body.tier"].startswith("梯度等级应为以下之一")
    assert messages["body.tier_year"] == "认定年份应为整数"
    assert messages["body.surprise"] == "不认识的字段surprise"
    for field, message in messages.items():
        assert CJK.search(message), (field, message)
        assert "Input should" not in message


def test_malformed_json_names_the_body_with_line_and_column(
    client: TestClient, world: World
) -> None:
    headers = world.admin.headers | {"Content-Type": "application/json"}
    response = client.post("/api/v1/organizations", content='{"name": x}', headers=headers)
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "body", "message": "请求内容不是有效的 JSON（第 1 行第 10 列）"}
    ]
    second_line = client.post(
        "/api/v1/organizations", content='{\n  "name": ,\n}', headers=headers | EN
    )
    assert second_line.json()["errors"] == [
        {"field": "body", "message": "the request body is not valid JSON (line 2, column 11)"}
    ]


def _statuses(client: TestClient, world: World, headers: dict[str, str]) -> list[httpx.Response]:
    """One request for each error the API gives, with ``headers`` added."""
    admin = world.admin.headers | headers
    firm = world.firm_a.headers | headers
    org = f"/api/v1/organizations/{world.sme_a.org_id}"
    etag = client.get(org, headers=admin).headers["etag"]
    taken = client.get(f"/api/v1/organizations/{world.sme_b.org_id}", headers=admin).json()
    return [
        client.get("/api/v1/needs", headers=headers),  # 401
        client.get("/api/v1/needs", headers={"Authorization": "Bearer xs_nope"} | headers),
        client.post("/api/v1/organizations", json=org_body("sme"), headers=firm),  # 403
        client.get("/api/v1/needs/424242", headers=firm),  # 404
        client.get("/api/v1/no-such-thing", headers=firm),  # 404 from the router
        client.put("/api/v1/needs", headers=firm),  # 405
        client.patch(org, json={"uscc": taken["uscc"]}, headers=admin | {"If-Match": etag}),
        client.patch(org, json={"name": "改名"}, headers=admin | {"If-Match": '"999"'}),  # 412
        client.post("/api/v1/needs", content=b"x" * 70_000, headers=firm),  # 413
        client.post("/api/v1/organizations", json={}, headers=admin),  # 422
        client.patch(org, json={"name": "改名"}, headers=admin),  # 428
    ]


def test_one_title_per_status_in_each_language(client: TestClient, world: World) -> None:
    for headers, language in (({}, "zh"), (EN, "en")):
        titles: dict[int, set[str]] = defaultdict(set)
        for response in _statuses(client, world, headers):
            assert response.headers["content-type"] == "application/problem+json"
            problem = response.json()
            titles[problem["status"]].add(problem["title"])
        assert set(titles) == {401, 403, 404, 405, 409, 412, 413, 422, 428}
        for status, seen in titles.items():
            assert seen == {getattr(TITLES[status], language)}, status
            if language == "zh":
                assert all(CJK.search(t) for t in seen)


def test_service_details_are_chinese_by_default(client: TestClient, world: World) -> None:
    for response in _statuses(client, world, {}):
        detail = response.json().get("detail", "")
        assert CJK.search(detail), (response.status_code, detail)


def _tr_calls() -> list[tuple[str, int, str, set[str]]]:
    found = []
    for path in APP.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "tr"
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                names = {kw.arg for kw in node.keywords if kw.arg}
                found.append((str(path.relative_to(APP)), node.lineno, node.args[0].value, names))
    return found


def test_every_service_message_has_its_chinese_with_the_same_placeholders() -> None:
    calls = _tr_calls()
    assert len(calls) > 100
    for where, line, template, names in calls:
        assert template in CATALOGUE, f"app/{where}:{line}: {template!r} is not in the catalogue"
        assert template_fields(template) == names, f"app/{where}:{line}"
        chinese = CATALOGUE[template]
        assert CJK.search(chinese), template
        assert template_fields(chinese) == template_fields(template), template
