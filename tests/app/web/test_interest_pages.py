"""感兴趣 / 不感兴趣 on the shortlist and opportunities pages; contacts only once mutual."""

from typing import Any

from fastapi.testclient import TestClient

from tests.app.factories import World
from tests.app.web.helpers import browser, seed

PHONE = "0755-99990009"


def _marks(client: TestClient, world: World, need: int) -> list[dict[str, Any]]:
    response = client.get(f"/api/v1/needs/{need}/candidates", headers=world.firm_a.headers)
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


def test_marks_from_both_sides_reveal_contacts_only_when_mutual(
    client: TestClient, world: World
) -> None:
    ids = seed(client, world)
    url = f"/api/v1/organizations/{world.sme_a.org_id}"
    etag = client.get(url, headers=world.sme_a.headers).headers["ETag"]
    client.patch(
        url,
        json={"contacts": {"person": "孙联系", "phone": PHONE}},
        headers=world.sme_a.headers | {"If-Match": etag},
    ).raise_for_status()
    firm = browser(client, world.firm_a)
    page = firm.get(f"/needs/{ids.need}")
    action = f"/needs/{ids.need}/candidates/{ids.profile_a}/interest"
    assert f'action="{action}"' in page.text
    assert "感兴趣" in page.text
    assert firm.post(action, {"value": "interested"}).status_code == 303
    assert [(m["profile_id"], m["interest"]["buyer"]) for m in _marks(client, world, ids.need)] == [
        (ids.profile_a, "interested")
    ]
    pair = firm.get(f"/needs/{ids.need}/candidates/{ids.profile_a}")
    assert pair.status_code == 200
    assert PHONE not in pair.text
    assert "尚未双向确认" in pair.text

    sme = browser(client, world.sme_a)
    opportunities = sme.get(f"/profiles/{ids.profile_a}/opportunities")
    assert "对方有意向" in opportunities.text
    sme_action = f"/profiles/{ids.profile_a}/opportunities/{ids.need}/interest"
    assert sme.post(sme_action, {"value": "interested"}).status_code == 303
    assert "双方有意向" in sme.get(f"/profiles/{ids.profile_a}/opportunities").text
    dashboard = sme.get("/").text.split("<h2>意向</h2>", 1)[1]
    assert "采购谐波减速器" in dashboard
    assert "双方有意向" in dashboard
    revealed = firm.get(f"/needs/{ids.need}/candidates/{ids.profile_a}")
    assert PHONE in revealed.text
    assert "双方均表示感兴趣" in revealed.text

    # Withdrawing hides the contacts again.
    assert firm.post(action, {"value": "withdraw"}).status_code == 303
    assert PHONE not in firm.get(f"/needs/{ids.need}/candidates/{ids.profile_a}").text


def test_only_the_firm_and_the_sme_themselves_mark(client: TestClient, world: World) -> None:
    ids = seed(client, world)
    # The organizer manages firm_a but does not speak for it; firm_b is a stranger.
    for actor in (world.organizer, world.firm_b):
        user = browser(client, actor)
        page = user.get(f"/needs/{ids.need}")
        assert f"/needs/{ids.need}/candidates/{ids.profile_a}/interest" not in page.text
        response = user.post(
            f"/needs/{ids.need}/candidates/{ids.profile_a}/interest", {"value": "interested"}
        )
        assert response.status_code == 403
    other = browser(client, world.sme_b).post(
        f"/profiles/{ids.profile_a}/opportunities/{ids.need}/interest", {"value": "interested"}
    )
    assert other.status_code == 403
    no_csrf = browser(client, world.firm_a).post(
        f"/needs/{ids.need}/candidates/{ids.profile_a}/interest",
        {"value": "interested"},
        csrf=False,
    )
    assert no_csrf.status_code == 403
    bad = browser(client, world.firm_a).post(
        f"/needs/{ids.need}/candidates/{ids.profile_a}/interest", {"value": "maybe"}
    )
    assert bad.status_code == 422
    assert _marks(client, world, ids.need) == []


def test_an_sme_says_interested_from_the_need_page(client: TestClient, world: World) -> None:
    ids = seed(client, world)
    sme = browser(client, world.sme_b)
    page = sme.get(f"/needs/{ids.need}")
    action = f"/profiles/{ids.profile_b}/opportunities/{ids.need}/interest"
    assert f'action="{action}"' in page.text
    done = sme.post(action, {"value": "interested", "back": f"/needs/{ids.need}"})
    assert done.status_code == 303
    assert done.headers["location"] == f"/needs/{ids.need}"
    assert "已感兴趣" in sme.get(f"/needs/{ids.need}").text
    marks = _marks(client, world, ids.need)
    assert [(m["profile_id"], m["interest"]["sme"]) for m in marks] == [
        (ids.profile_b, "interested")
    ]
