"""Each role sees on the pages exactly what the API lets it see; contacts never leak."""

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from app.models import Impression
from app.platform.db import make_sessionmaker
from tests.app.factories import World
from tests.app.jobs.wait import post_job
from tests.app.web.helpers import browser, seed

CONTACTS = {
    "sme_a": ("李小巨", "0755-11110001", "a@sme.example.cn"),
    "sme_b": ("王专精", "0755-22220002", "b@sme.example.cn"),
    "firm_a": ("赵链主", "0755-33330003", "a@firm.example.cn"),
    "firm_b": ("钱链主", "0755-44440004", "b@firm.example.cn"),
}


def _give_contacts(client: TestClient, world: World) -> None:
    for name, (person, phone, email) in CONTACTS.items():
        actor = getattr(world, name)
        url = f"/api/v1/organizations/{actor.org_id}"
        version = client.get(url, headers=actor.headers).headers["ETag"]
        response = client.patch(
            url,
            json={"contacts": {"person": person, "phone": phone, "email": email}},
            headers=actor.headers | {"If-Match": version},
        )
        assert response.status_code == 200, response.text


def _contacts_in(html: str, *names: str) -> list[str]:
    return [value for name in names for value in CONTACTS[name] if value in html]


def _shortlisted(html: str) -> list[str]:
    table = html.split('<table class="shortlist', 1)
    return re.findall(r'<a href="/profiles/\d+">([^<]+)</a>', table[1]) if len(table) > 1 else []


def test_the_firm_and_organizers_see_the_shortlist_with_reasons(
    client: TestClient, world: World
) -> None:
    ids = seed(client, world)
    api = client.get(f"/api/v1/needs/{ids.need}/shortlist", headers=world.firm_a.headers).json()
    names = [item["organization"]["name"] for item in api["items"]]
    assert names
    for actor in (world.firm_a, world.organizer, world.admin):
        page = browser(client, actor).get(f"/needs/{ids.need}")
        assert page.status_code == 200
        assert _shortlisted(page.text) == names
        assert "产品：谐波减速器 → <b>谐波减速器</b>" in page.text
        assert "专精特新中小企业" in page.text


@pytest.mark.parametrize("who", ["firm_b", "sme_a"])
def test_others_see_the_need_but_not_its_shortlist(
    client: TestClient, world: World, who: str
) -> None:
    ids = seed(client, world)
    actor = getattr(world, who)
    api = client.get(f"/api/v1/needs/{ids.need}/shortlist", headers=actor.headers)
    assert api.status_code == 403
    page = browser(client, actor).get(f"/needs/{ids.need}")
    assert page.status_code == 200
    assert "采购谐波减速器" in page.text
    assert '<table class="shortlist' not in page.text


def test_a_draft_need_is_not_found_for_other_firms(client: TestClient, world: World) -> None:
    ids = seed(client, world)
    assert browser(client, world.firm_a).get(f"/needs/{ids.draft_need}").status_code == 200
    for actor in (world.firm_b, world.sme_a):
        page = browser(client, actor).get(f"/needs/{ids.draft_need}")
        assert page.status_code == 404
        assert "未找到" in page.text
        listing = browser(client, actor).get("/needs")
        assert "保密的新项目" not in listing.text


def test_opportunities_are_for_the_sme_and_who_manages_it(client: TestClient, world: World) -> None:
    ids = seed(client, world)
    own = browser(client, world.sme_a).get("/opportunities")
    assert own.status_code == 303
    page = browser(client, world.sme_a).get(own.headers["location"])
    assert page.status_code == 200
    assert "采购谐波减速器" in page.text
    # The organizer registered sme_a, so it manages it; sme_b and firm_a do not.
    assert (
        browser(client, world.organizer).get(f"/profiles/{ids.profile_a}/opportunities").status_code
        == 200
    )
    for actor in (world.sme_b, world.firm_a, world.other_organizer):
        page = browser(client, actor).get(f"/profiles/{ids.profile_a}/opportunities")
        assert page.status_code == 403
        assert "无权访问" in page.text


def test_dashboards_show_each_role_its_own_things(client: TestClient, world: World) -> None:
    ids = seed(client, world)
    firm_a = browser(client, world.firm_a).get("/").text
    assert "采购谐波减速器" in firm_a
    assert "保密的新项目" in firm_a  # its own draft
    firm_b = browser(client, world.firm_b).get("/").text
    assert "采购谐波减速器" not in firm_b
    assert "本企业的需求（0）" in firm_b
    sme = browser(client, world.sme_a).get("/").text
    assert "为您推荐的商机" in sme
    assert f'href="/needs/{ids.need}"' in sme
    organizer = browser(client, world.organizer).get("/").text
    assert "征集中的需求" in organizer
    assert "新能源汽车产业链百场万企对接会" in organizer
    assert "保密的新项目" in organizer  # firm_a was registered by this organizer
    other = browser(client, world.other_organizer).get("/").text
    assert "保密的新项目" not in other


def test_no_page_shows_another_firms_contacts(client: TestClient, world: World) -> None:
    _give_contacts(client, world)
    ids = seed(client, world)
    post_job(client, f"/api/v1/events/{ids.event}/schedule", world.organizer.headers)
    client.post(f"/api/v1/events/{ids.event}/publish", headers=world.organizer.headers)
    pages = [
        "/",
        "/needs",
        f"/needs/{ids.need}",
        f"/profiles/{ids.profile_a}",
        f"/profiles/{ids.profile_b}",
        "/events",
        f"/events/{ids.event}",
        f"/events/{ids.event}/agenda?format=html",
    ]
    others = {
        "sme_a": ("sme_b", "firm_a", "firm_b"),
        "sme_b": ("sme_a", "firm_a", "firm_b"),
        "firm_a": ("sme_a", "sme_b", "firm_b"),
        "firm_b": ("sme_a", "sme_b", "firm_a"),
    }
    for who, strangers in others.items():
        user = browser(client, getattr(world, who))
        for path in pages:
            page = user.get(path)
            assert page.status_code in (200, 403, 404), (who, path, page.status_code)
            assert _contacts_in(page.text, *strangers) == [], (who, path)
    # Those who manage a firm do see its contacts on its profile page.
    own = browser(client, world.sme_a).get(f"/profiles/{ids.profile_a}").text
    assert _contacts_in(own, "sme_a") == list(CONTACTS["sme_a"])
    organizer = browser(client, world.organizer)
    assert _contacts_in(organizer.get(f"/profiles/{ids.profile_a}").text, "sme_a")
    assert not _contacts_in(organizer.get(f"/profiles/{ids.profile_b}").text, "sme_b")
    for path in pages[:-1]:
        text = organizer.get(path).text
        assert not _contacts_in(text, "sme_b", "firm_b"), path


def test_sessions_show_participants_only_what_the_api_does(
    client: TestClient, world: World
) -> None:
    ids = seed(client, world)
    post_job(client, f"/api/v1/events/{ids.event}/schedule", world.organizer.headers)
    organizer = browser(client, world.organizer).get(f"/events/{ids.event}").text
    assert "洽谈总表" in organizer
    assert "运行排程" in organizer
    # Before publishing, a participant sees no meetings and no grid.
    sme = browser(client, world.sme_a).get(f"/events/{ids.event}").text
    assert "洽谈总表" not in sme
    assert "运行排程" not in sme
    assert "日程发布后在此显示" in sme
    client.post(f"/api/v1/events/{ids.event}/publish", headers=world.organizer.headers)
    api = client.get(f"/api/v1/events/{ids.event}/meetings", headers=world.sme_a.headers).json()[
        "items"
    ]
    assert api
    sme = browser(client, world.sme_a).get(f"/events/{ids.event}").text
    assert "我的日程" in sme
    # One outcome form per meeting of its own (attendance forms come with the day of the
    # session, for the meetings a firm sits in, as the API allows).
    assert sme.count(f'action="/events/{ids.event}/meetings/') > 0
    assert sme.count('/outcome"') == len(api)
    # Not a participant: no participant list, no meetings.
    firm_b = browser(client, world.firm_b).get(f"/events/{ids.event}")
    assert firm_b.status_code == 200
    assert "参会企业（" not in firm_b.text
    assert "我的日程" not in firm_b.text
    # Another organizer's draft session does not exist for this one.
    draft = client.post(
        "/api/v1/events",
        json={
            "name": "内部筹备",
            "date": "2026-12-01",
            "slots": [{"start": "09:00", "end": "09:20"}],
        },
        headers=world.organizer.headers,
    ).json()
    assert browser(client, world.other_organizer).get(f"/events/{draft['id']}").status_code == 404
    exports = browser(client, world.sme_a).get(f"/events/{ids.event}/download/grid?format=csv")
    assert exports.status_code == 403


def test_pages_are_in_chinese_and_readable_on_a_phone(client: TestClient, world: World) -> None:
    seed(client, world)
    page = browser(client, world.organizer).get("/")
    assert '<html lang="zh-CN">' in page.text
    assert 'name="viewport"' in page.text
    css = client.get("/static/console.css")
    assert css.status_code == 200
    assert "overflow-x: auto" in css.text
    assert client.get("/static/console.js").status_code == 200


def test_the_firms_own_shortlist_views_are_logged_as_over_the_api(
    client: TestClient, world: World, engine: Engine
) -> None:
    ids = seed(client, world)

    def impressions() -> list[tuple[int, int]]:
        client.app.state.impressions.flush()  # type: ignore[attr-defined]
        with make_sessionmaker(engine)() as session:
            rows = session.scalars(select(Impression).order_by(Impression.position))
            return [(r.need_id, r.profile_id) for r in rows]

    browser(client, world.organizer).get(f"/needs/{ids.need}")
    assert impressions() == []  # organizers' views are not the firm's choices
    page = browser(client, world.firm_a).get(f"/needs/{ids.need}")
    assert _shortlisted(page.text)
    assert impressions() == [(ids.need, ids.profile_a), (ids.need, ids.profile_b)]


def test_firm_text_is_escaped_and_pages_carry_security_headers(
    client: TestClient, world: World
) -> None:
    ids = seed(client, world)
    evil = '<script>alert("x")</script>'
    response = client.patch(
        f"/api/v1/needs/{ids.need}",
        json={"description": evil},
        headers=world.firm_a.headers | {"If-Match": '"1"'},
    )
    assert response.status_code == 200, response.text
    page = browser(client, world.organizer).get(f"/needs/{ids.need}")
    assert evil not in page.text
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page.text
    csp = page.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp
    assert "script-src 'self'" in csp
    assert page.headers["x-frame-options"] == "DENY"
    assert page.headers["cache-control"] == "no-store"
