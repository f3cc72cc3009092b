"""The console shows an invited firm its invitation, and it answers there (issue 14, finding 2)."""

from fastapi.testclient import TestClient

from tests.app.events.helpers import BASE, add, open_event
from tests.app.factories import World
from tests.app.web.helpers import browser


def _status(client: TestClient, world: World, event_id: int, participant_id: int) -> str:
    people = client.get(f"{BASE}/{event_id}/participants", headers=world.organizer.headers)
    return str(next(p["status"] for p in people.json()["items"] if p["id"] == participant_id))


def test_an_invited_firm_accepts_on_the_session_page(client: TestClient, world: World) -> None:
    eid = open_event(client, world)["id"]
    invited = add(client, world.organizer, eid, world.sme_b.org_id)
    organizer_page = browser(client, world.organizer).get(f"/events/{eid}")
    assert "已邀请，待企业接受" in organizer_page.text
    assert f'action="/events/{eid}/participants/{invited["id"]}"' not in organizer_page.text

    firm = browser(client, world.sme_b)
    page = firm.get(f"/events/{eid}")
    assert page.status_code == 200
    assert "接受邀请" in page.text
    answered = firm.post(f"/events/{eid}/invitation/accept", {})
    assert answered.status_code == 303
    assert _status(client, world, eid, invited["id"]) == "approved"
    # answering twice is a 409 shown on the page, and changes nothing
    again = firm.post(f"/events/{eid}/invitation/decline", {})
    assert again.status_code == 409
    assert _status(client, world, eid, invited["id"]) == "approved"


def test_the_organizers_wish_form_offers_only_the_firms_it_speaks_for(
    client: TestClient, world: World
) -> None:
    """Regression: it listed every firm, and choosing one it does not manage gave a 403 page."""
    eid = open_event(client, world)["id"]
    managed = add(client, world.organizer, eid, world.firm_a.org_id)
    accepted = add(client, world.organizer, eid, world.sme_b.org_id, accept_as=world.sme_b)
    page = browser(client, world.organizer).get(f"/events/{eid}").text
    form = page[page.index('name="from_participant_id"') :]
    form = form[: form.index("</select>")]
    assert f'value="{managed["id"]}"' in form
    assert f'value="{accepted["id"]}"' not in form
