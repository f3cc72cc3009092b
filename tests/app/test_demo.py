"""The bundled demo: it loads once, tells a story a buyer would believe, and every role sees it.

The demo is loaded once per module into a SQLite file (the command's own database).
"""

import datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from app.demo import check, loader, session, story
from app.demo.rules import synthetic_uscc
from app.main import create_app
from app.models import (
    CapabilityProfile,
    Chain,
    Deal,
    Event,
    EventMeeting,
    Organization,
    Placement,
    SupplyNeed,
)
from app.platform.db import make_engine
from app.platform.settings import Settings
from app.reference.uscc import uscc_problem
from tests.app.web.helpers import sign_in


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, list[str]]:
    """A loaded demo database: its URL and the loader's messages."""
    url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.db'}"
    messages: list[str] = []
    assert loader.load(url, log=messages.append) is True
    return url, messages


@pytest.fixture(scope="module")
def keys(demo: tuple[str, list[str]]) -> list[loader.DemoKey]:
    """The demo's keys, one per role."""
    return loader.issue_keys(demo[0])


def test_synthetic_usccs_are_valid_and_unique() -> None:
    codes = {firm["code"] for firm in loader.catalog()}
    usccs = {synthetic_uscc(code, "440300") for code in codes}
    assert len(usccs) == len(codes) == 4586
    assert all(uscc_problem(u) is None for u in usccs)


def test_catalog_is_cleaned() -> None:
    names = {name for firm in loader.catalog() for name, _w in firm["products"]}
    assert not names & {"平衡项目", "分部间抵销", "其他"}


def test_demo_loads_once(demo: tuple[str, list[str]]) -> None:
    url, messages = demo
    assert loader.load(url, log=messages.append) is False
    assert messages[-1].startswith("demo already loaded")
    engine = make_engine(url)
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(Organization)) == 4587
        assert (conn.scalar(select(func.count()).select_from(CapabilityProfile)) or 0) > 2000
        assert conn.scalar(select(func.count()).select_from(SupplyNeed)) == len(story.NEEDS)
        assert conn.scalar(select(func.count()).select_from(Event)) == 1
        pudong = conn.execute(
            select(Organization.region_code, Organization.region_inferred).where(
                Organization.external_id == "600000.SH"
            )
        ).one()
        assert pudong == ("310000", True)
        # The seed chain map is loaded and every kind of record is placed on it.
        assert (conn.scalar(select(func.count()).select_from(Chain)) or 0) >= 5
        placed_profiles = conn.scalar(select(func.count(func.distinct(Placement.profile_id))))
        assert (placed_profiles or 0) > 500
    engine.dispose()


def test_every_need_has_a_shortlist_led_by_a_maker_of_the_wanted_product(
    demo: tuple[str, list[str]],
) -> None:
    needs, feed = check.shortlists(demo[0])
    expected = {need["title"]: need["expect"] for need in story.NEEDS if need["status"] == "open"}
    assert sorted(n.title for n in needs) == sorted(expected)
    for need in needs:
        assert need.top, f"{need.title}: empty shortlist"
        _name, matched = need.top[0]
        offered = [pair.split("→", 1)[1] for pair in matched]
        assert any(expected[need.title] in product for product in offered), (need.title, matched)
        # Each of the top three is matched through a product, not only its industry.
        assert all(products for _n, products in need.top[:3]), need.title
    # The demo SME's 商机: the needs for what it makes.
    assert any("采购减速电机" in line for line in feed), feed


def test_firms_have_regions_contacts_and_the_sme_a_full_profile(
    demo: tuple[str, list[str]],
) -> None:
    engine = make_engine(demo[0])
    with engine.connect() as conn:
        buyers = conn.execute(
            select(
                Organization.region_code,
                Organization.region_inferred,
                Organization.contact_phone,
                Organization.contact_email,
            ).where(Organization.external_id.in_(story.BUYERS))
        ).all()
        assert len(buyers) == len(story.BUYERS)
        for region, inferred, phone, email in buyers:
            assert region
            assert not inferred
            assert (phone or "").startswith("010-0000-")
            assert (email or "").endswith("@example.com")
        profile = conn.execute(
            select(CapabilityProfile)
            .join(Organization, Organization.id == CapabilityProfile.organization_id)
            .where(Organization.external_id == story.SME)
        ).one()
        assert len(profile.products) >= 3
        assert all(0 < (p.get("share") or 0) <= 1 for p in profile.products[:2])
        assert profile.technologies
        assert profile.capacity
        assert profile.regions_served
        standards = {c["standard"]: c for c in profile.certifications}
        assert standards["ISO 9001"]["number"].startswith("示例")
        # Dates are set from the load date: the demo's certificates and deadlines never show
        # as expired however long it sits on a disk.
        today = datetime.date.today().isoformat()
        assert all(c["valid_until"] > today for c in profile.certifications)
        deadlines = conn.scalars(
            select(SupplyNeed.deadline).where(SupplyNeed.deadline.is_not(None))
        )
        assert all(d is not None and d > datetime.date.today() for d in deadlines)
        certified = conn.scalars(select(CapabilityProfile.certifications)).all()
        iatf = [c for certs in certified for c in certs if c["standard"] == "IATF 16949"]
        assert len(iatf) >= 5
        assert all(c["valid_until"] for c in iatf)
    engine.dispose()


def test_the_session_is_published_with_outcomes(demo: tuple[str, list[str]]) -> None:
    engine = make_engine(demo[0])
    with engine.connect() as conn:
        event = conn.execute(select(Event.status, Event.name)).one()
        assert event == ("published", session.EVENT_NAME)
        meetings = conn.execute(select(EventMeeting.published, EventMeeting.outcome)).all()
        assert len(meetings) >= 10
        assert all(published for published, _ in meetings)
        outcomes = {outcome for _, outcome in meetings if outcome}
        held = conn.execute(
            select(EventMeeting.attendance).where(EventMeeting.outcome.is_not(None))
        ).scalars()
        assert set(held) == {"both_present"}
        assert {"intent", "signed"} <= outcomes
        deal = conn.execute(select(Deal.stage, Deal.title)).one()
        assert deal == ("intent", session.DEAL_TITLE)
    engine.dispose()


def test_keys_work_and_every_roles_first_page_shows_the_story(
    demo: tuple[str, list[str]], keys: list[loader.DemoKey]
) -> None:
    url = demo[0]
    assert [k.role.value for k in keys] == ["admin", "organizer", "large_firm", "sme"]
    by_role = {k.role.value: k for k in keys}
    # What each role's 工作台 must show: counts or needs, the session, the firm's own needs, 商机.
    must_show = {
        "admin": [session.EVENT_NAME, "征集中的需求"],
        "organizer": [session.EVENT_NAME],
        "large_firm": ["找工业机器人用精密减速器供应商", "交流伺服电机"],
        "sme": ["采购减速电机"],
    }
    with TestClient(create_app(Settings(database_url=url))) as client:
        for item in keys:
            me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {item.key}"})
            assert me.status_code == 200
            assert me.json()["organization_id"] == item.organization_id
            assert sign_in(client, item.key).status_code == 303
            page = client.get("/")
            assert page.status_code == 200
            for text in must_show[item.role.value]:
                assert text in page.text, (item.role.value, text)
        firm = by_role["large_firm"]
        auth = {"Authorization": f"Bearer {firm.key}"}
        own = client.get(
            "/api/v1/needs", params={"organization_id": firm.organization_id}, headers=auth
        ).json()["items"]
        reducer = next(n for n in own if n["status"] == "open" and "减速器" in n["title"])
        short = client.get(f"/api/v1/needs/{reducer['id']}/shortlist", headers=auth).json()
        top = short["items"][0]
        # The buyer and the featured SME have regions: the distance is known.
        assert top["organization"]["id"] == by_role["sme"].organization_id
        assert top["reasons"]["distance_km"] is not None
        upstream = client.get(
            f"/api/v1/organizations/{firm.organization_id}/upstream-suppliers",
            headers={"Authorization": f"Bearer {firm.key}"},
        )
        assert upstream.status_code == 200, upstream.text
        assert upstream.json()["products"], "large firms are loaded with their own products"


def test_demo_announces_its_url_only_once_the_server_is_ready(tmp_path: Path) -> None:
    import http.server
    import threading
    import time

    from app.demo.loader import announce_when_ready

    ready = threading.Event()

    class Health(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path == "/healthz":  # alive from the start, while the index builds
                self.send_response(200)
            elif self.path == "/readyz":
                self.send_response(200 if ready.is_set() else 503)
            else:
                self.send_response(404)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Health)
    port = server.server_address[1]
    lines: list[str] = []
    thread = announce_when_ready(f"http://127.0.0.1:{port}", timeout_s=10, say=lines.append)
    time.sleep(0.6)
    assert lines == [], "announced before the server answered"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        time.sleep(0.6)
        assert lines == [], "announced while the server was alive but not ready"
        ready.set()
        thread.join(timeout=5)
        assert lines
        assert lines[0].startswith(f"serving on http://127.0.0.1:{port}/")
    finally:
        server.shutdown()
        server.server_close()
