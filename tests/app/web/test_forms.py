"""Forms: they write through the services, show errors in Chinese next to the field, and
bad input changes nothing."""

import io
import re

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from app.web import forms
from tests.app.events.helpers import new_org
from tests.app.factories import World
from tests.app.jobs.wait import wait_for_job
from tests.app.web.helpers import browser, seed

EDITOR = {
    "products": "谐波减速器 | 60%\nRV减速器 | 0.3\n精密齿轮",
    "certifications": "IATF 16949 | TS-001 | 2030-06-30\nISO 9001 | 2020-01-31",
    "technologies": "精密加工、热处理",
    "processes": "滚齿\n磨齿",
    "materials": "合金钢",
    "regions_served": "440000 320500",
    "capacity": "年产 5 万台",
    "minimum_order": "100 台起订",
    "description": "专注机器人关节减速器",
}


def _error_after(html: str, field: str) -> str:
    found = re.search(rf'<p class="error" id="{field}-error">([^<]+)</p>', html)
    return found.group(1) if found else ""


def _profile(client: TestClient, world: World, profile_id: int) -> dict[str, object]:
    response = client.get(f"/api/v1/profiles/{profile_id}", headers=world.sme_a.headers)
    return dict(response.json())


def test_an_sme_creates_and_edits_its_profile(client: TestClient, world: World) -> None:
    sme = browser(client, world.sme_a)
    assert sme.get("/profile").headers["location"] == "/profiles/new"
    created = sme.post("/profiles/new", EDITOR)
    assert created.status_code == 303, created.text
    profile_id = int(created.headers["location"].split("/")[2])
    stored = _profile(client, world, profile_id)
    assert stored["products"] == [
        {"name": "谐波减速器", "share": 0.6},
        {"name": "RV减速器", "share": 0.3},
        {"name": "精密齿轮", "share": None},
    ]
    assert stored["certifications"] == [
        {"standard": "IATF 16949", "number": "TS-001", "valid_until": "2030-06-30"},
        {"standard": "ISO 9001", "number": None, "valid_until": "2020-01-31"},
    ]
    assert stored["technologies"] == ["精密加工", "热处理"]
    assert stored["regions_served"] == ["440000", "320500"]
    editor = sme.get(f"/profiles/{profile_id}/edit")
    assert "谐波减速器 | 60%" in editor.text
    assert "已过期" in editor.text  # the ISO 9001 certificate ended in 2020
    changed = sme.post(
        f"/profiles/{profile_id}/edit",
        EDITOR | {"products": "谐波减速器 | 90%", "version": str(stored["version"])},
    )
    assert changed.status_code == 303
    assert _profile(client, world, profile_id)["products"] == [{"name": "谐波减速器", "share": 0.9}]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("products", "谐波减速器 | 很多", "第 1 行：占比应为 0 到 1 之间的小数或百分比"),
        ("products", "谐波减速器\n齿轮 | 150%", "第 2 行：不能大于 1"),
        ("certifications", "IATF 16949 | X | 2030-13-45", "第 1 行：日期或时间格式不对"),
        ("regions_served", "440000 999999", "第 2 行：未知的行政区划代码"),
        ("capacity", "年" * 501, "最多 500 个字"),
    ],
)
def test_bad_profile_input_is_shown_by_its_field_and_changes_nothing(
    client: TestClient, world: World, field: str, value: str, message: str
) -> None:
    ids = seed(client, world)
    before = _profile(client, world, ids.profile_a)
    sme = browser(client, world.sme_a)
    response = sme.post(
        f"/profiles/{ids.profile_a}/edit",
        EDITOR | {field: value, "version": str(before["version"])},
    )
    assert response.status_code == 422
    assert _error_after(response.text, field).startswith(message)
    assert f'id="{field}" name="{field}"' in response.text
    assert 'aria-invalid="true"' in response.text
    assert _profile(client, world, ids.profile_a) == before


def test_a_stale_profile_form_is_refused_and_keeps_the_newer_version(
    client: TestClient, world: World
) -> None:
    ids = seed(client, world)
    before = _profile(client, world, ids.profile_a)
    sme = browser(client, world.sme_a)
    first = sme.post(
        f"/profiles/{ids.profile_a}/edit", EDITOR | {"version": str(before["version"])}
    )
    assert first.status_code == 303
    after = _profile(client, world, ids.profile_a)
    stale = sme.post(
        f"/profiles/{ids.profile_a}/edit",
        EDITOR | {"products": "别的产品", "version": str(before["version"])},
    )
    assert stale.status_code == 422
    assert "已被他人修改" in stale.text
    assert "别的产品" in stale.text  # the typed text is kept for copying
    assert _profile(client, world, ids.profile_a) == after


def test_only_who_manages_a_profile_may_edit_it(client: TestClient, world: World) -> None:
    ids = seed(client, world)
    before = _profile(client, world, ids.profile_a)
    other = browser(client, world.sme_b)
    assert other.get(f"/profiles/{ids.profile_a}/edit").status_code == 303
    response = other.post(
        f"/profiles/{ids.profile_a}/edit", EDITOR | {"version": str(before["version"])}
    )
    assert response.status_code == 403
    assert _profile(client, world, ids.profile_a) == before


def test_a_large_firm_posts_a_need_and_sees_errors_by_field(
    client: TestClient, world: World
) -> None:
    firm = browser(client, world.firm_a)
    bad = firm.post(
        "/needs/new",
        {"title": " ", "products": "谐波减速器", "quantity": "-5", "deadline": "明天"},
    )
    assert bad.status_code == 422
    assert _error_after(bad.text, "title") == "不能为空"
    assert _error_after(bad.text, "quantity") == "不能小于 0"
    assert _error_after(bad.text, "deadline").startswith("日期或时间格式不对")
    listing = client.get("/api/v1/needs", headers=world.firm_a.headers).json()
    assert listing["total"] == 0
    good = firm.post(
        "/needs/new",
        {
            "title": "采购伺服电机",
            "products": "伺服电机、编码器",
            "required_certifications": "ISO 9001",
            "preferred_regions": "440000",
            "status": "open",
        },
    )
    assert good.status_code == 303
    need = client.get(f"/api/v1{good.headers['location']}", headers=world.firm_a.headers).json()
    assert need["products"] == ["伺服电机", "编码器"]
    assert need["status"] == "open"
    assert need["organization"]["id"] == world.firm_a.org_id
    sme = browser(client, world.sme_a).post("/needs/new", {"title": "SME 不能发需求"})
    assert sme.status_code == 422
    banner = re.search(r'<p class="error banner">([^<]+)</p>', sme.text)
    assert banner
    assert "只有大企业发布需求" in banner.group(1)


def test_an_organizer_runs_a_session_from_the_pages(client: TestClient, world: World) -> None:
    organizer = browser(client, world.organizer)
    created = organizer.post(
        "/events/new",
        {
            "name": "机器人产业链对接会",
            "date": "2026-12-18",
            "venue": "深圳",
            "start": "09:00",
            "slot_count": "3",
            "meeting_minutes": "20",
            "pause": "5",
        },
    )
    assert created.status_code == 303, created.text
    event_id = int(created.headers["location"].split("/")[2])
    event = client.get(f"/api/v1/events/{event_id}", headers=world.organizer.headers).json()
    assert [s["start"] for s in event["slots"]] == ["09:00:00", "09:25:00", "09:50:00"]
    opened = organizer.post(
        f"/events/{event_id}/status", {"status": "registration", "version": str(event["version"])}
    )
    assert opened.status_code == 303
    for org_id, tables in ((world.firm_a.org_id, "2"), (world.sme_a.org_id, "1")):
        added = organizer.post(
            f"/events/{event_id}/participants", {"organization_id": str(org_id), "tables": tables}
        )
        assert added.status_code == 303, added.text
    sme_b = new_org(client, world, "sme", name="第三家中小企业有限公司")
    assert (
        organizer.post(
            f"/events/{event_id}/participants",
            {"organization_id": str(sme_b), "blocked_slots": "9"},
        ).status_code
        == 422
    )
    people = client.get(
        f"/api/v1/events/{event_id}/participants", headers=world.organizer.headers
    ).json()["items"]
    assert len(people) == 2
    buyer = next(p for p in people if p["side"] == "buyer")
    sme = next(p for p in people if p["side"] == "sme")
    assert (
        organizer.post(
            f"/events/{event_id}/preferences",
            {
                "from_participant_id": str(buyer["id"]),
                "to_participant_id": str(sme["id"]),
                "wish": "must",
            },
        ).status_code
        == 303
    )
    # An SME cannot run the schedule; nothing is scheduled by its attempt.
    refused = browser(client, world.sme_a).post(f"/events/{event_id}/schedule", {})
    assert refused.status_code == 403
    assert (
        client.get(f"/api/v1/events/{event_id}/meetings", headers=world.organizer.headers).json()[
            "items"
        ]
        == []
    )
    ran = organizer.post(f"/events/{event_id}/schedule", {})
    assert ran.status_code == 303
    job_page = ran.headers["location"]  # the solve is a job: its page, then back here
    assert job_page.startswith("/jobs/")
    job = wait_for_job(client, f"/api/v1{job_page}", world.organizer.headers)
    assert job["status"] == "succeeded", job
    assert f"url=/events/{event_id}?done=scheduled#grid" in organizer.get(job_page).text
    page = organizer.get(f"/events/{event_id}")
    grid = page.text.split('<table class="grid">', 1)[1].split("</table>", 1)[0]
    assert sme["organization_name"] in grid
    assert f"{buyer['organization_name']} 桌2" in grid
    xlsx = organizer.get(f"/events/{event_id}/download/grid?format=xlsx")
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None
    cells = {c for row in sheet.iter_rows(values_only=True) for c in row if c}
    assert sme["organization_name"] in cells
    published = organizer.post(f"/events/{event_id}/publish", {})
    assert published.status_code == 303
    sme_page = browser(client, world.sme_a)
    agenda = sme_page.get(f"/events/{event_id}/agenda?format=csv")
    assert agenda.status_code == 200
    assert buyer["organization_name"] in agenda.content.decode("utf-8-sig")
    meeting = client.get(f"/api/v1/events/{event_id}/meetings", headers=world.sme_a.headers)
    recorded = sme_page.post(
        f"/events/{event_id}/meetings/{meeting.json()['items'][0]['id']}/outcome",
        {"outcome": "intent"},
    )
    assert recorded.status_code == 303
    report = organizer.get(f"/events/{event_id}").text.split('id="report"', 1)[1]
    assert '<div class="stat"><b>1</b>达成意向</div>' in report


def test_a_firm_registers_itself_and_sets_its_own_wish(client: TestClient, world: World) -> None:
    ids = seed(client, world)
    firm_b = browser(client, world.firm_b)
    page = firm_b.get(f"/events/{ids.event}")
    assert "报名参加" in page.text
    assert firm_b.post(f"/events/{ids.event}/participants", {}).status_code == 303
    people = client.get(
        f"/api/v1/events/{ids.event}/participants", headers=world.organizer.headers
    ).json()["items"]
    mine = next(p for p in people if p["organization_id"] == world.firm_b.org_id)
    assert mine["status"] == "pending"
    # Pending: may not set wishes yet.
    refused = firm_b.post(
        f"/events/{ids.event}/preferences", {"to_participant_id": str(ids.sme_a), "wish": "must"}
    )
    assert refused.status_code == 403
    approved = browser(client, world.organizer).post(
        f"/events/{ids.event}/participants/{mine['id']}",
        {"status": "approved", "version": str(mine["version"])},
    )
    assert approved.status_code == 303
    assert (
        firm_b.post(
            f"/events/{ids.event}/preferences",
            {"to_participant_id": str(ids.sme_a), "wish": "must"},
        ).status_code
        == 303
    )
    same_side = firm_b.post(
        f"/events/{ids.event}/preferences", {"to_participant_id": str(ids.buyer), "wish": "must"}
    )
    assert same_side.status_code == 422
    assert "意愿只能针对另一方" in same_side.text
    wishes = client.get(f"/api/v1/events/{ids.event}/preferences", headers=world.firm_b.headers)
    assert wishes.json()["items"] == [
        {"from_participant_id": mine["id"], "to_participant_id": ids.sme_a, "wish": "must"}
    ]


def test_share_parsing() -> None:
    assert forms.share("40%") == pytest.approx(0.4)
    assert forms.share("４0％".replace("４", "4")) == pytest.approx(0.4)
    assert forms.share(" 0.25 ") == 0.25
    assert forms.share("") is None
    with pytest.raises(ValueError, match="could not convert"):
        forms.share("很多")
    assert forms.parse_certifications("ISO 9001 | 2027-01-01") == [
        {"standard": "ISO 9001", "number": None, "valid_until": "2027-01-01"}
    ]
    assert (
        forms.certifications_text(
            [{"standard": "ISO 9001", "number": None, "valid_until": "2027-01-01"}]
        )
        == "ISO 9001 |  | 2027-01-01"
    )
