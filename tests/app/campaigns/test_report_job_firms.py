"""Firms may not start a campaign's report job: 403 at once, with a key or signed in."""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.app.accounts.helpers import PASSWORD, make_user
from tests.app.campaigns.helpers import CAMPAIGNS, build
from tests.app.factories import Actor, World, bearer


@pytest.fixture
def built(client: TestClient, world: World, engine: Engine) -> dict[str, Any]:
    """See :func:`tests.app.campaigns.helpers.build`."""
    return build(client, world, engine)


def _signed_in(client: TestClient, engine: Engine, who: Actor) -> dict[str, str]:
    """A user of ``who``'s firm and role, signed in through the API (a session's token)."""
    email = f"{who.role.value}-{who.org_id}@example.cn"
    make_user(engine, who.org_id, who.role, email)
    signed = client.post("/api/v1/sessions", json={"email": email, "password": PASSWORD})
    assert signed.status_code == 201, signed.text
    return bearer(signed.json()["token"])


def _jobs(client: TestClient, world: World) -> int:
    listed = client.get(
        "/api/v1/jobs", params={"kind": "campaigns.report"}, headers=world.admin.headers
    )
    assert listed.status_code == 200, listed.text
    return int(listed.json()["total"])


@pytest.mark.parametrize("firm", ["sme_a", "firm_a"])
@pytest.mark.parametrize("credential", ["key", "session"])
def test_a_firm_gets_403_and_no_job(
    client: TestClient,
    engine: Engine,
    world: World,
    built: dict[str, Any],
    firm: str,
    credential: str,
) -> None:
    who: Actor = getattr(world, firm)
    headers = who.headers if credential == "key" else _signed_in(client, engine, who)
    url = f"{CAMPAIGNS}/{built['campaign']['id']}/report/jobs"
    before = _jobs(client, world)
    refused = client.post(url, headers=headers)
    assert refused.status_code == 403, refused.text
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert "location" not in refused.headers
    assert _jobs(client, world) == before, "no job was written"
    # the same caller may not read the report itself either (the job checks what it checks)
    assert client.get(url.removesuffix("/jobs"), headers=headers).status_code == 403
    # while the campaign's organizer may start it
    assert client.post(url, headers=world.organizer.headers).status_code == 202
