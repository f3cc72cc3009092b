"""A signed-in console user on the shared TestClient, and a small seeded world for pages."""

import re
from dataclasses import dataclass
from typing import Any

import httpx
from fastapi.testclient import TestClient

from app.web.security import COOKIE, LOGIN_CSRF_COOKIE
from tests.app.events.helpers import add, open_event, wish
from tests.app.factories import Actor, World

_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def csrf_of(html: str) -> str:
    """The CSRF token in a page's first form."""
    found = _CSRF.search(html)
    assert found, "no CSRF token on the page"
    return found.group(1)


def sign_in(client: TestClient, key: str, *, next_url: str = "") -> httpx.Response:
    """Post the 登录 form with ``key`` (cookies land in ``client``); the 303 or error page."""
    client.cookies.clear()
    form = client.get("/login")
    assert form.status_code == 200, form.text
    response: httpx.Response = client.post(
        "/login",
        data={"api_key": key, "csrf": csrf_of(form.text), "next": next_url},
        follow_redirects=False,
    )
    return response


@dataclass
class Browser:
    """One signed-in console user. Users share the TestClient; each keeps its own cookie."""

    client: TestClient
    cookie: str
    csrf: str

    def _use(self) -> None:
        self.client.cookies.clear()
        self.client.cookies.set(COOKIE, self.cookie)

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        """GET a page as this user (redirects not followed)."""
        self._use()
        response: httpx.Response = self.client.get(path, follow_redirects=False, **kwargs)
        return response

    def post(self, path: str, data: dict[str, Any], *, csrf: bool = True) -> httpx.Response:
        """POST a form as this user, with the session's CSRF token unless ``csrf=False``."""
        self._use()
        body = {"csrf": self.csrf, **data} if csrf else data
        response: httpx.Response = self.client.post(path, data=body, follow_redirects=False)
        return response


def browser(client: TestClient, actor: Actor) -> Browser:
    """``actor`` signed in to the console."""
    response = sign_in(client, actor.key)
    assert response.status_code == 303, response.text
    cookie = response.cookies.get(COOKIE) or client.cookies.get(COOKIE)
    assert cookie
    client.cookies.clear()
    client.cookies.set(COOKIE, cookie)
    page = client.get("/")
    assert page.status_code == 200, page.text
    client.cookies.delete(LOGIN_CSRF_COOKIE)
    return Browser(client, cookie, csrf_of(page.text))


@dataclass
class Seeded:
    """Ids of what :func:`seed` made."""

    need: int
    draft_need: int
    profile_a: int
    profile_b: int
    event: int
    buyer: int
    sme_a: int
    sme_b: int


def seed(client: TestClient, world: World) -> Seeded:
    """firm_a's open and draft needs, profiles of both SMEs, and a session with all three."""
    need = client.post(
        "/api/v1/needs",
        json={
            "title": "采购谐波减速器",
            "products": ["谐波减速器"],
            "application": "工业机器人关节",
            "status": "open",
        },
        headers=world.firm_a.headers,
    )
    assert need.status_code == 201, need.text
    draft = client.post(
        "/api/v1/needs",
        json={"title": "保密的新项目", "products": ["伺服电机"]},
        headers=world.firm_a.headers,
    )
    assert draft.status_code == 201, draft.text
    profiles = []
    for actor, product in ((world.sme_a, "谐波减速器"), (world.sme_b, "精密谐波减速器")):
        response = client.post(
            "/api/v1/profiles",
            json={"products": [{"name": product, "share": 0.8}]},
            headers=actor.headers,
        )
        assert response.status_code == 201, response.text
        profiles.append(int(response.json()["id"]))
    event = open_event(client, world, slots=3)
    buyer = add(client, world.organizer, event["id"], world.firm_a.org_id, tables=1)
    sme_a = add(client, world.organizer, event["id"], world.sme_a.org_id)
    sme_b = add(client, world.organizer, event["id"], world.sme_b.org_id, accept_as=world.sme_b)
    wish(client, world.organizer, event["id"], buyer["id"], sme_a["id"], "must")
    wish(client, world.organizer, event["id"], buyer["id"], sme_b["id"], "would")
    return Seeded(
        need=int(need.json()["id"]),
        draft_need=int(draft.json()["id"]),
        profile_a=profiles[0],
        profile_b=profiles[1],
        event=int(event["id"]),
        buyer=int(buyer["id"]),
        sme_a=int(sme_a["id"]),
        sme_b=int(sme_b["id"]),
    )
