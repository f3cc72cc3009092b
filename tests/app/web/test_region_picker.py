"""Regions are chosen by name (province → city) in every console form and filter, and shown
by name; the picker is a plain grouped select that works without JavaScript."""

import re

from fastapi.testclient import TestClient

from tests.app.factories import World
from tests.app.web.helpers import browser, seed


def _select(html: str, name: str) -> str:
    found = re.search(rf'<select [^>]*name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert found, f"no region picker named {name}"
    return found.group(0)


def _chosen(select: str) -> list[str]:
    return re.findall(r'<option value="(\d+)" selected>', select)


def test_every_form_and_filter_picks_regions_by_name(client: TestClient, world: World) -> None:
    ids = seed(client, world)
    organizer = browser(client, world.organizer)
    pages = {
        "/needs/new": "preferred_regions",
        "/needs": "region",
        f"/needs/{ids.need}": "region",
        f"/profiles/{ids.profile_a}/opportunities": "region",
        f"/profiles/{ids.profile_a}/edit": "regions_served",
        "/events/new": "region_code",
        "/campaigns": "region_code",
    }
    for path, name in pages.items():
        page = organizer.get(path)
        assert page.status_code == 200, (path, page.text)
        assert "行政区划代码" not in page.text, path
        select = _select(page.text, name)
        assert '<optgroup label="广东省">' in select, path
        assert '<option value="440300">深圳市</option>' in select, path
        assert '<option value="440000">广东省（全省）</option>' in select, path
        shanghai = select.split('<optgroup label="上海市">', 1)[1].split("</optgroup>", 1)[0]
        assert shanghai == '<option value="310000">上海市（全市）</option>', path


def test_a_need_and_a_profile_keep_the_regions_chosen(client: TestClient, world: World) -> None:
    firm = browser(client, world.firm_a)
    posted = firm.client.post(
        "/needs/new",
        data={
            "csrf": firm.csrf,
            "title": "采购压力传感器",
            "products": "压力传感器",
            "preferred_regions": ["440300", "320000"],
            "status": "open",
        },
        follow_redirects=False,
    )
    assert posted.status_code == 303, posted.text
    need_id = posted.headers["location"].split("/")[2]
    need = client.get(f"/api/v1/needs/{need_id}", headers=world.firm_a.headers).json()
    assert need["preferred_regions"] == ["440300", "320000"]
    page = firm.get(f"/needs/{need_id}")
    assert "<dt>优先地区</dt><dd>广东省深圳市、江苏省</dd>" in page.text
    correction = _select(page.text.split("更正我们的理解", 1)[1], "preferred_regions")
    assert sorted(_chosen(correction)) == ["320000", "440300"]
    assert "已选：江苏省（全省）、深圳市" in page.text  # what is chosen, without scrolling

    # A district stored over the API (南山区) stays chosen in the editor and is kept on save.
    sme = world.sme_a
    created = client.post(
        "/api/v1/profiles",
        json={"products": [{"name": "谐波减速器"}], "regions_served": ["440305", "450000"]},
        headers=sme.headers,
    )
    assert created.status_code == 201, created.text
    profile = created.json()
    editor = browser(client, sme).get(f"/profiles/{profile['id']}/edit")
    picker = _select(editor.text, "regions_served")
    assert sorted(_chosen(picker)) == ["440305", "450000"]
    assert "南山区" in picker
    shown = browser(client, sme).get(f"/profiles/{profile['id']}")
    assert "广东省深圳市南山区" in shown.text
    assert "广西壮族自治区" in shown.text
    assert "440305" not in re.sub(r'value="\d+"', "", shown.text)


def test_the_picker_lists_a_citys_districts(client: TestClient) -> None:
    districts = client.get("/regions/440300/districts").json()
    assert {"code": "440305", "name": "南山区"} in districts
    assert client.get("/regions/440000/districts").json() == []
    assert {"code": "310115", "name": "浦东新区"} in client.get("/regions/310000/districts").json()
