"""Filters and paging links: an empty query value is "not set" on every console page, and an
error page keeps the signed-in navigation and speaks Chinese."""

import re

import pytest
from fastapi.testclient import TestClient

from tests.app.factories import World
from tests.app.web.helpers import browser, seed


def _many_needs(client: TestClient, world: World, count: int) -> None:
    for i in range(count):
        response = client.post(
            "/api/v1/needs",
            json={"title": f"采购伺服电机 {i}", "products": ["伺服电机"], "status": "open"},
            headers=world.firm_a.headers,
        )
        assert response.status_code == 201, response.text


@pytest.mark.parametrize("who", ["admin", "organizer", "firm_a", "sme_a"])
def test_the_next_page_link_of_the_needs_list_opens(
    client: TestClient, world: World, who: str
) -> None:
    _many_needs(client, world, 31)
    user = browser(client, getattr(world, who))
    first = user.get("/needs?q=&status=&kind=&region=&mine=")
    assert first.status_code == 200, first.text
    link = re.search(r'<a href="(/needs\?[^"]*page=2)">下一页</a>', first.text)
    assert link, "no 下一页 link"
    second = user.get(link.group(1).replace("&amp;", "&"))
    assert second.status_code == 200, second.text
    assert "第 2 / 2 页" in second.text


@pytest.mark.parametrize(
    "path",
    [
        "/needs?mine=&page=",
        "/needs/{need}?region=&tier=&min_score=&limit=",
        "/profiles/{profile}/opportunities?region=&min_score=&limit=",
        "/events?page=",
        "/events/{event}?find=&done=",
        "/chains?",
    ],
)
def test_every_filter_form_may_be_sent_with_empty_fields(
    client: TestClient, world: World, path: str
) -> None:
    ids = seed(client, world)
    url = path.format(need=ids.need, profile=ids.profile_a, event=ids.event)
    page = browser(client, world.organizer).get(url)
    assert page.status_code == 200, page.text


def test_an_error_page_keeps_the_navigation_and_speaks_chinese(
    client: TestClient, world: World
) -> None:
    user = browser(client, world.organizer)
    bad = user.get("/needs?page=abc")
    assert bad.status_code == 422
    assert 'aria-label="主导航"' in bad.text
    assert "退出" in bad.text
    assert "invalid" not in bad.text
    assert "以下参数无效：页码" in bad.text  # names the parameter in the page's words
    missing = user.get("/needs/999999")
    assert missing.status_code == 404
    assert 'aria-label="主导航"' in missing.text
    assert "not found" not in missing.text
    assert "未找到" in missing.text
