"""Test data builders: valid USCCs, organizations and keys made through the real API."""

import itertools
from dataclasses import dataclass, field
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from app.auth import service as keys
from app.models import Role
from app.platform.db import make_sessionmaker, session_scope
from app.reference.uscc import uscc_check_char

_serial = itertools.count(1)


def make_uscc(region: str = "440300") -> str:
    """A fresh, valid 统一社会信用代码 (enterprise, the given region)."""
    body = f"91{region}{next(_serial):08d}0"[:17]
    return body + uscc_check_char(body)


def bearer(key: str) -> dict[str, str]:
    """The Authorization header for ``key``."""
    return {"Authorization": f"Bearer {key}"}


def issue_key(engine: Engine, role: Role, org_id: int | None) -> str:
    """Issue a key directly, as the command line does."""
    for session in session_scope(make_sessionmaker(engine)):
        _row, key = keys.issue(session, None, role=role, organization_id=org_id)
    return key


def org_body(kind: str, **overrides: Any) -> dict[str, Any]:
    """A valid organization body of ``kind``."""
    body: dict[str, Any] = {
        "kind": kind,
        "name": f"测试{kind}{next(_serial)}有限公司",
        "uscc": make_uscc(),
        "region_code": "440300",
        "industry_codes": ["3982"],
        "description": "测试用",
        "contacts": {"person": "张三", "phone": "0755-12345678", "email": "zhang@example.cn"},
    }
    if kind == "sme":
        body |= {"tier": "specialized", "tier_year": 2023}
    return body | overrides


@dataclass
class Actor:
    """An organization (or none, for the admin) and a key acting for it."""

    key: str
    org_id: int | None
    role: Role
    headers: dict[str, str] = field(init=False)

    def __post_init__(self) -> None:
        self.headers = bearer(self.key)


@dataclass
class World:
    """The cast of an authorization test."""

    admin: Actor
    organizer: Actor
    other_organizer: Actor
    sme_a: Actor
    sme_b: Actor
    firm_a: Actor
    firm_b: Actor


def create_org(client: TestClient, actor: Actor, body: dict[str, Any]) -> int:
    """Create an organization through the API and return its id."""
    response = client.post("/api/v1/organizations", json=body, headers=actor.headers)
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def build_world(client: TestClient, engine: Engine) -> World:
    """Make the cast through the API (organizations) and the key service (keys)."""
    admin = Actor(issue_key(engine, Role.admin, None), None, Role.admin)

    def actor(kind: str, role: Role, by: Actor) -> Actor:
        org_id = create_org(client, by, org_body(kind))
        return Actor(issue_key(engine, role, org_id), org_id, role)

    organizer = actor("organizer", Role.organizer, admin)
    other_organizer = actor("organizer", Role.organizer, admin)
    return World(
        admin=admin,
        organizer=organizer,
        other_organizer=other_organizer,
        sme_a=actor("sme", Role.sme, organizer),
        sme_b=actor("sme", Role.sme, admin),
        firm_a=actor("large_firm", Role.large_firm, organizer),
        firm_b=actor("large_firm", Role.large_firm, admin),
    )
