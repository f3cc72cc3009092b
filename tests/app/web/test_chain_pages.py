"""产业链: the chain map page, and the weak-link picture for operators and organizers only."""

import re

from fastapi.testclient import TestClient

from tests.app.chains.helpers import make_chain, need, profile
from tests.app.factories import World
from tests.app.web.helpers import browser


def test_the_chain_map_and_its_weak_links(client: TestClient, world: World) -> None:
    chain = make_chain(client, world.admin)
    need(client, world.firm_a, ["锂电池隔膜"])
    profile(client, world.sme_a, "磷酸铁锂")
    api = client.get(f"/api/v1/chains/{chain['id']}/weak-links", headers=world.organizer.headers)
    assert api.status_code == 200
    gaps = [c for c in api.json()["cells"] if c["gap_score"] > 0]
    assert gaps, "the need for 隔膜 should leave a gap"

    organizer = browser(client, world.organizer)
    listing = organizer.get("/chains")
    assert f'<a href="/chains/{chain["id"]}">新能源汽车</a>' in listing.text
    page = organizer.get(f"/chains/{chain['id']}")
    assert page.status_code == 200
    for name in ("正极材料", "隔膜", "动力电池"):
        assert name in page.text
    assert page.text.index("正极材料") < page.text.index("动力电池")  # upstream first
    assert f'<img src="/chains/{chain["id"]}/weak-links.svg' in page.text
    assert f"<td>{gaps[0]['node_name']}</td><td>{gaps[0]['region_name']}</td>" in page.text
    formula = page.text.split('<p class="hint formula">', 1)[1].split("</p>", 1)[0]
    assert "缺口分" in formula
    assert not re.search(r"[a-z]{4,}", formula), formula  # no English words, only symbols
    svg = organizer.get(f"/chains/{chain['id']}/weak-links.svg?level=city")
    assert svg.status_code == 200
    assert svg.headers["content-type"].startswith("image/svg+xml")
    assert svg.content.lstrip().startswith(b"<svg") or b"<svg" in svg.content[:200]
    assert "default-src 'none'" in svg.headers["content-security-policy"]
    xlsx = organizer.get(f"/chains/{chain['id']}/weak-links.xlsx")
    assert xlsx.status_code == 200

    # Firms see the map, but the weak links are for operators and organizers (API: 403).
    for actor in (world.firm_a, world.sme_a):
        user = browser(client, actor)
        page = user.get(f"/chains/{chain['id']}")
        assert page.status_code == 200
        assert "隔膜" in page.text
        assert "薄弱环节" not in page.text
        assert user.get(f"/chains/{chain['id']}/weak-links.svg").status_code == 403
    assert organizer.get("/chains/999999").status_code == 404
