"""One rule, one place: the API and the importer refuse the same record with the same message,
and a rule changed in its domain's ``rules`` module changes both."""

import io
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from app.imports import jobs
from app.imports.columns import ImportKind
from app.imports.report import ImportReport
from app.messages import tr
from app.organizations import rules as organization_rules
from app.platform.db import make_sessionmaker
from app.rules import RuleProblem
from tests.app.factories import World, make_uscc, org_body

ORGS = "/api/v1/organizations"


def _import(engine: Engine, kind: str, text: str) -> ImportReport:
    with make_sessionmaker(engine)() as session:
        return jobs.run_file(session, ImportKind(kind), io.BytesIO(text.encode()), f"{kind}.csv")


def _api_problem(response: Any) -> tuple[str, str]:
    """The field and the message (without the field's label) of a one-field 4xx answer."""
    [error] = response.json()["errors"]
    return error["field"].removeprefix("body."), error["message"].split("：", 1)[-1]


def test_the_tier_rule_refuses_the_same_record_with_the_same_message(
    client: TestClient, world: World, engine: Engine
) -> None:
    uscc = make_uscc()
    body = org_body("large_firm", uscc=uscc, tier="little_giant")
    response = client.post(ORGS, json=body, headers=world.admin.headers)
    assert response.status_code == 422, response.text
    api = _api_problem(response)
    report = _import(
        engine,
        "firms",
        f"企业名称,统一社会信用代码,企业类型,梯度\n甲有限公司,{uscc},大企业,小巨人\n",
    )
    assert not report.written
    [problem] = report.problems
    assert (problem.field, problem.reason) == api == ("tier", tr("only SMEs have a tier").zh)

    # a tier year without a tier: the second half of the same rule, both ways
    body = org_body("sme", uscc=make_uscc(), tier=None, tier_year=2023)
    response = client.post(ORGS, json=body, headers=world.admin.headers)
    report = _import(
        engine,
        "firms",
        f"企业名称,统一社会信用代码,企业类型,梯度年份\n乙有限公司,{make_uscc()},中小企业,2023\n",
    )
    assert [(p.field, p.reason) for p in report.problems] == [_api_problem(response)]


def test_a_rule_changed_in_its_module_changes_the_api_and_the_importer(
    client: TestClient, world: World, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    stricter = RuleProblem("tier_year", tr("given without a tier"))
    real = organization_rules.tier_problem

    def tier_needs_a_year(kind: str, tier: str | None, tier_year: int | None) -> Any:
        if tier is not None and tier_year is None:
            return stricter
        return real(kind, tier, tier_year)

    monkeypatch.setattr(organization_rules, "tier_problem", tier_needs_a_year)
    body = org_body("sme", tier="little_giant", tier_year=None)
    response = client.post(ORGS, json=body, headers=world.admin.headers)
    assert response.status_code == 422, response.text
    report = _import(
        engine,
        "firms",
        f"企业名称,统一社会信用代码,企业类型,梯度\n丙有限公司,{make_uscc()},中小企业,小巨人\n",
    )
    assert [(p.field, p.reason) for p in report.problems] == [_api_problem(response)]
    assert report.problems[0].reason == stricter.message.zh


def test_profile_and_need_rules_read_the_same_in_the_importer(
    client: TestClient, world: World, engine: Engine
) -> None:
    firm = client.get(f"{ORGS}/{world.firm_a.org_id}", headers=world.admin.headers).json()
    response = client.post(
        "/api/v1/profiles",
        json={"organization_id": firm["id"], "products": [{"name": "压力传感器"}]},
        headers=world.admin.headers,
    )
    assert response.status_code == 422, response.text
    _, message = _api_problem(response)
    report = _import(engine, "profiles", f"统一社会信用代码,主要产品\n{firm['uscc']},压力传感器\n")
    assert [(p.field, p.reason) for p in report.problems] == [("uscc", message)]

    sme = client.get(f"{ORGS}/{world.sme_a.org_id}", headers=world.admin.headers).json()
    response = client.post(
        "/api/v1/needs",
        json={"organization_id": sme["id"], "title": "采购外壳", "products": ["外壳"]},
        headers=world.admin.headers,
    )
    assert response.status_code == 422, response.text
    _, message = _api_problem(response)
    report = _import(engine, "needs", f"统一社会信用代码,需求标题\n{sme['uscc']},采购外壳\n")
    assert [(p.field, p.reason) for p in report.problems] == [("uscc", message)]

    # an open need cannot go back to draft: 409 from the API, the same words in the report
    needs = f"统一社会信用代码,需求标题,需求产品,状态\n{firm['uscc']},采购轴承,精密轴承,发布\n"
    assert _import(engine, "needs", needs).created == 1
    listed = client.get("/api/v1/needs", headers=world.admin.headers).json()["items"]
    [need] = [n for n in listed if n["title"] == "采购轴承"]
    path = f"/api/v1/needs/{need['id']}"
    etag = client.get(path, headers=world.admin.headers).headers["ETag"]
    response = client.patch(
        path, json={"status": "draft"}, headers=world.admin.headers | {"If-Match": etag}
    )
    assert response.status_code == 409, response.text
    report = _import(engine, "needs", needs.replace(",发布", ",草稿"))
    assert [(p.field, p.reason) for p in report.problems] == [("status", response.json()["detail"])]
