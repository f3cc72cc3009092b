"""What a firm types is text in the pages and pictures built from templates: the HTML exports
(a session's match list and agenda) and the chain map's SVG escape it (Jinja2 autoescaping)."""

import xml.etree.ElementTree as ET
from html.parser import HTMLParser

from fastapi.testclient import TestClient

from tests.app.chains.helpers import BASE as CHAINS
from tests.app.chains.helpers import make_chain
from tests.app.events.helpers import BASE as EVENTS
from tests.app.events.helpers import add, new_org, open_event, wish
from tests.app.factories import World
from tests.app.jobs.wait import post_job

HOSTILE = '<script>&"'
SVG = "{http://www.w3.org/2000/svg}"


class _Page(HTMLParser):
    """The tags and the text of a page, as a browser would parse them."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _parsed(content: bytes) -> _Page:
    page = _Page()
    page.feed(content.decode("utf-8"))
    page.close()
    return page


def test_a_firm_named_like_markup_is_text_in_the_html_exports(
    client: TestClient, world: World
) -> None:
    event = open_event(client, world, slots=2)
    eid, org = event["id"], world.organizer
    buyer = add(client, org, eid, new_org(client, world, "large_firm", name=HOSTILE))
    sme = add(client, org, eid, world.sme_a.org_id)
    wish(client, org, eid, sme["id"], buyer["id"], "must")
    post_job(client, f"{EVENTS}/{eid}/schedule", org.headers)
    pages = [
        client.get(f"{EVENTS}/{eid}/exports/matches?format=html", headers=org.headers),
        client.get(f"{EVENTS}/{eid}/exports/grid?format=html", headers=org.headers),
        client.get(
            f"{EVENTS}/{eid}/agenda?participant_id={buyer['id']}&format=html", headers=org.headers
        ),
    ]
    for response in pages:
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("text/html")
        assert b"<script" not in response.content
        page = _parsed(response.content)
        assert "script" not in page.tags
        assert HOSTILE in "".join(page.text)  # shown as the firm wrote it


def test_a_node_named_like_markup_is_text_in_the_svg_map(client: TestClient, world: World) -> None:
    chain = make_chain(client, world.admin, HOSTILE, [(HOSTILE, 0, ["锂电池隔膜"])], [])
    response = client.get(
        f"{CHAINS}/{chain['id']}/weak-links?format=svg", headers=world.admin.headers
    )
    assert response.status_code == 200
    assert b"<script" not in response.content
    root = ET.fromstring(response.content)  # well-formed: every & and " escaped
    assert not [e for e in root.iter() if e.tag.removeprefix(SVG) == "script"]
    texts = [t.text or "" for t in root.iter(f"{SVG}text")]
    assert HOSTILE in texts
    assert root.findtext(f"{SVG}title", "").startswith(HOSTILE)
