"""The reading of a need over HTTP and in the console: shown, applied, corrected by the firm."""

from typing import Any

from fastapi.testclient import TestClient

from tests.app.factories import Actor, World, create_org, org_body
from tests.app.web.helpers import browser

NOTICE = (
    "询价编号：QJ-2026-014\n采购单位：某某电梯有限公司\n"
    "一、询价内容：曳引机制动器，用于乘客电梯整机装配。\n"
    "二、供应商须通过ISO 9001质量管理体系认证，长三角地区企业优先。\n"
    "三、报价截止：2026年9月30日\n四、联系人：冯工 电话：0512-6677****"
)


def _profile(client: TestClient, admin: Actor, name: str, region: str, **extra: Any) -> int:
    org = create_org(client, admin, org_body("sme", region_code=region, name=name))
    body = {"organization_id": org, "products": [{"name": "制动器"}], **extra}
    response = client.post("/api/v1/profiles", json=body, headers=admin.headers)
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def _need(client: TestClient, firm: Actor, **body: Any) -> dict[str, Any]:
    response = client.post("/api/v1/needs", json={"status": "open", **body}, headers=firm.headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


def test_the_reading_of_a_pasted_notice_is_shown_and_applied(
    client: TestClient, world: World
) -> None:
    certified = _profile(
        client,
        world.admin,
        "苏州制动",
        "320505",
        certifications=[{"standard": "ISO 9001", "valid_until": "2030-01-01"}],
    )
    unlisted = _profile(client, world.admin, "无证制动", "320505")
    _profile(
        client,
        world.admin,
        "他证制动",
        "320505",
        certifications=[{"standard": "IATF 16949", "valid_until": "2030-01-01"}],
    )
    need = _need(client, world.firm_a, title="电梯配件询价公告", description=NOTICE)
    assert need["products"] == []
    assert need["required_certifications"] == []

    reading = client.get(f"/api/v1/needs/{need['id']}/reading", headers=world.firm_a.headers)
    assert reading.status_code == 200, reading.text
    body = reading.json()
    assert [p["text"] for p in body["products"]] == ["曳引机制动器"]
    assert body["required_certifications"] == ["ISO 9001"]
    assert body["preferred_regions"][0]["name"] == "长三角"
    assert "320000" in body["preferred_regions"][0]["codes"]
    assert body["deadline"] == "2026-09-30"
    assert body["sentence"].startswith("我们理解您需要：曳引机制动器；用于：乘客电梯整机装配")
    assert body["from_firm"] == []

    shortlist = client.get(f"/api/v1/needs/{need['id']}/shortlist", headers=world.firm_a.headers)
    assert shortlist.status_code == 200, shortlist.text
    # read from the text, a certification removes the SME whose profile lists others
    # but not ISO 9001; one that lists none is kept, marked to be checked
    items = {e["profile_id"]: e["reasons"] for e in shortlist.json()["items"]}
    assert set(items) == {certified, unlisted}
    assert items[certified]["certifications_met"] == ["ISO 9001"]
    assert items[unlisted]["certifications_unverified"] == ["ISO 9001"]
    assert shortlist.json()["reason"] is None


def test_a_need_naming_no_goods_gets_an_empty_shortlist_with_the_reason(
    client: TestClient, world: World
) -> None:
    _profile(client, world.admin, "苏州制动", "320505")
    need = _need(
        client,
        world.firm_a,
        title="2026年第三批物资采购公告",
        description="项目编号：CG-2026-03\n采购人：某某电梯有限公司\n联系人：冯工",
    )
    reading = client.get(f"/api/v1/needs/{need['id']}/reading", headers=world.firm_a.headers)
    assert reading.json()["products"] == []
    assert reading.json()["warnings"] == ["no wanted product found"]
    shortlist = client.get(f"/api/v1/needs/{need['id']}/shortlist", headers=world.firm_a.headers)
    assert shortlist.json()["items"] == []
    assert shortlist.json()["reason"] == "no wanted product found"


def test_the_firms_own_fields_win_over_the_reading(client: TestClient, world: World) -> None:
    need = _need(
        client,
        world.firm_a,
        title="电梯配件询价公告",
        description=NOTICE,
        products=["制动器"],
        required_certifications=[],
        preferred_regions=["440000"],
    )
    body = client.get(f"/api/v1/needs/{need['id']}/reading", headers=world.firm_a.headers).json()
    assert body["products"][0] == {"text": "制动器", "weight": 1.0, "where": "buyer"}
    assert body["preferred_regions"] == [{"name": "广东省", "codes": ["440000"]}]
    assert body["required_certifications"] == ["ISO 9001"]  # left empty: the text's stands
    assert sorted(body["from_firm"]) == ["products", "regions"]


def test_the_reading_of_an_unknown_or_private_need_is_404(client: TestClient, world: World) -> None:
    draft = client.post(
        "/api/v1/needs",
        json={"title": "采购制动器", "status": "draft"},
        headers=world.firm_a.headers,
    ).json()
    assert (
        client.get("/api/v1/needs/999999/reading", headers=world.firm_a.headers).status_code == 404
    )
    other = client.get(f"/api/v1/needs/{draft['id']}/reading", headers=world.firm_b.headers)
    assert other.status_code == 404
    assert other.headers["content-type"].startswith("application/problem+json")


def test_the_console_shows_the_reading_and_the_firm_corrects_it(
    client: TestClient, world: World
) -> None:
    need = _need(client, world.firm_a, title="电梯配件询价公告", description=NOTICE)
    page = browser(client, world.firm_a)
    html = page.get(f"/needs/{need['id']}").text
    assert "我们理解您需要：曳引机制动器" in html
    assert "更正我们的理解" in html

    bad = page.post(
        f"/needs/{need['id']}/reading",
        {"version": need["version"], "products": "制动器", "preferred_regions": "99"},
    )
    assert bad.status_code == 422
    assert (
        client.get(f"/api/v1/needs/{need['id']}", headers=world.firm_a.headers).json()["products"]
        == []
    )

    done = page.post(
        f"/needs/{need['id']}/reading",
        {
            "version": need["version"],
            "products": "电梯制动器，制动器",
            "application": "乘客电梯",
            "required_certifications": "",
            "preferred_regions": "320500",
        },
    )
    assert done.status_code in (302, 303), done.text
    stored = client.get(f"/api/v1/needs/{need['id']}", headers=world.firm_a.headers).json()
    assert stored["products"] == ["电梯制动器", "制动器"]
    assert stored["preferred_regions"] == ["320500"]
    reading = client.get(f"/api/v1/needs/{need['id']}/reading", headers=world.firm_a.headers)
    assert reading.json()["sentence"].startswith(
        "我们理解您需要：电梯制动器、制动器；用于：乘客电梯"
    )


def test_an_sme_sees_the_reading_but_no_correction_form(client: TestClient, world: World) -> None:
    need = _need(client, world.firm_a, title="电梯配件询价公告", description=NOTICE)
    html = browser(client, world.sme_a).get(f"/needs/{need['id']}").text
    assert "我们理解您需要" in html
    assert "更正我们的理解" not in html


def test_the_reading_shows_the_listed_name_the_shortlist_ranks_on(
    client: TestClient, world: World
) -> None:
    """Words around a listed name that no listed name holds are not shown as the goods."""
    org = create_org(client, world.admin, org_body("sme", name="某轴承厂"))
    profile = client.post(
        "/api/v1/profiles",
        json={"organization_id": org, "products": [{"name": "轴承"}]},
        headers=world.admin.headers,
    )
    assert profile.status_code == 201, profile.text
    need = _need(client, world.firm_a, title="老板找货", description="轴承谁家便宜耐用就定谁家的。")
    # The shortlist waits for the index to hold the new profile; the reading then uses it.
    shortlist = client.get(f"/api/v1/needs/{need['id']}/shortlist", headers=world.firm_a.headers)
    assert shortlist.status_code == 200, shortlist.text
    assert profile.json()["id"] in [e["profile_id"] for e in shortlist.json()["items"]]

    reading = client.get(f"/api/v1/needs/{need['id']}/reading", headers=world.firm_a.headers)
    assert reading.status_code == 200, reading.text
    assert [p["text"] for p in reading.json()["products"]] == ["轴承"]
    assert "轴承谁家" not in reading.json()["sentence"]
    page = browser(client, world.firm_a).get(f"/needs/{need['id']}")
    assert page.status_code == 200
    assert reading.json()["sentence"] in page.text  # the console shows the same reading
