"""Builders for challenge tests: a 技术攻关 need published as a challenge, SMEs that respond."""

import datetime as dt
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine, update

from app.models import Challenge, Role
from app.platform.db import make_sessionmaker, session_scope
from tests.app.factories import Actor, World, create_org, issue_key, org_body

CHALLENGES = "/api/v1/challenges"
RESPONSES = "/api/v1/responses"


def third_sme(client: TestClient, world: World, engine: Engine) -> Actor:
    """Another SME (registered by the admin) with its own key."""
    org_id = create_org(client, world.admin, org_body("sme"))
    return Actor(issue_key(engine, Role.sme, org_id), org_id, Role.sme)


def profile(client: TestClient, actor: Actor, products: list[str]) -> int:
    """A capability profile for the SME; its id."""
    body = {"organization_id": actor.org_id, "products": [{"name": p} for p in products]}
    response = client.post("/api/v1/profiles", json=body, headers=actor.headers)
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def need(client: TestClient, actor: Actor, kind: str = "tech_challenge", **body: Any) -> int:
    """An open need of ``kind``; its id."""
    data = {
        "title": "谐波减速器寿命攻关",
        "products": ["谐波减速器"],
        "status": "open",
        "kind": kind,
    }
    response = client.post("/api/v1/needs", json=data | body, headers=actor.headers)
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def challenge_body(**overrides: Any) -> dict[str, Any]:
    """A valid challenge: two criteria (60/40), a deadline in a week, open to all SMEs."""
    deadline = dt.datetime.now(dt.UTC) + dt.timedelta(days=7)
    body: dict[str, Any] = {
        "goals": "谐波减速器寿命提升到 2 万小时",
        "indicators": [
            {"name": "传动精度", "target": "≤1弧分"},
            {"name": "寿命", "target": "2万小时"},
        ],
        "budget_min_wan": "50",
        "budget_max_wan": "200",
        "response_deadline": deadline.isoformat(),
        "criteria": [{"name": "技术方案", "weight": 60}, {"name": "报价", "weight": 40}],
        "access": "open",
        "terms_text": "揭榜中获知的技术资料仅用于本次对接，不得向第三方披露。",
    }
    return body | overrides


def publish(client: TestClient, actor: Actor, need_id: int, **overrides: Any) -> dict[str, Any]:
    """POST the challenge; its JSON."""
    response = client.post(
        f"/api/v1/needs/{need_id}/challenge",
        json=challenge_body(**overrides),
        headers=actor.headers,
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


def proposal(**overrides: Any) -> dict[str, Any]:
    """A 揭榜对接表."""
    body: dict[str, Any] = {
        "summary": "采用新型柔轮材料与齿形修形",
        "technical_route": "材料—齿形—寿命试验",
        "commitments": [{"indicator": "寿命", "value": "2.2万小时"}],
        "duration_days": 180,
        "price_min_wan": "80",
        "price_max_wan": "120",
        "team": "博士 2 人，工程师 6 人",
        "prior_cases": "为某机器人企业配套",
    }
    return {"proposal": body | overrides}


def accept(client: TestClient, actor: Actor, challenge_id: int, version: int = 1) -> int:
    """The click-through; the status code."""
    response = client.post(
        f"{CHALLENGES}/{challenge_id}/terms-acceptance",
        json={"terms_version": version},
        headers=actor.headers,
    )
    return int(response.status_code)


def respond(
    client: TestClient, actor: Actor, challenge_id: int, body: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Accept the terms and respond; the response's JSON."""
    assert accept(client, actor, challenge_id) == 200
    response = client.post(
        f"{CHALLENGES}/{challenge_id}/responses", json=body or proposal(), headers=actor.headers
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


def close(engine: Engine, challenge_id: int) -> None:
    """Move the challenge's deadline into the past (as if a week went by)."""
    for session in session_scope(make_sessionmaker(engine)):
        past = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
        session.execute(
            update(Challenge).where(Challenge.id == challenge_id).values(response_deadline=past)
        )


def fields(body: dict[str, Any]) -> list[str]:
    """The fields a problem names."""
    return [e["field"] for e in body.get("errors") or []]
