"""Migration 0010_consent_authors gives existing rows the author the audit log names, and
turns an enrolment the firm never agreed to into an invitation (issue 14, finding 2)."""

import datetime as dt
from typing import Any

from alembic import command
from sqlalchemy import Connection, MetaData, Table, text

from app.migrate import alembic_config
from app.platform.db import make_engine
from tests.app.test_migrations import scratch_url

__all__ = ["scratch_url"]  # the fixture: an empty SQLite, and PostgreSQL when configured

NOW = dt.datetime(2026, 12, 1, 8, tzinfo=dt.UTC)
DEFAULTS: dict[str, dict[str, Any]] = {
    "organizations": {"description": "", "version": 1, "created_at": NOW, "updated_at": NOW},
    "events": {
        "name": "洽谈会",
        "focus": "",
        "venue": "",
        "date": dt.date(2026, 12, 10),
        "slots": [{"start": "09:00", "end": "09:20"}] * 2,
        "meeting_minutes": 20,
        "status": "published",
        "version": 1,
        "created_at": NOW,
        "updated_at": NOW,
    },
    "event_participants": {
        "status": "approved",
        "tables": 1,
        "blocked_slots": [],
        "version": 1,
        "created_at": NOW,
        "updated_at": NOW,
    },
    "event_meetings": {"table_number": 1, "score": 0.5, "value": 1.0, "outcome_note": ""},
    "supply_needs": {
        "kind": "supply",
        "status": "open",
        "title": "采购传感器",
        "description": "",
        "products": [],
        "application": "",
        "required_certifications": [],
        "preferred_regions": [],
        "version": 1,
        "created_at": NOW,
        "updated_at": NOW,
    },
    "capability_profiles": {
        **{f: [] for f in ("products", "technologies", "processes", "materials")},
        **{f: [] for f in ("certifications", "regions_served")},
        "description": "",
        "version": 1,
        "created_at": NOW,
        "updated_at": NOW,
    },
    "interest_marks": {"created_at": NOW, "updated_at": NOW},
    "event_preferences": {},
    "audit_log": {"at": NOW, "entity": "event"},
}


def _insert(conn: Connection, table: str, **values: Any) -> None:
    reflected = Table(table, MetaData(), autoload_with=conn)
    conn.execute(reflected.insert().values(**(DEFAULTS[table] | values)))


def _audit(conn: Connection, id_: int, actor: int | None, action: str, **detail: int) -> None:
    _insert(
        conn,
        "audit_log",
        id=id_,
        actor_organization_id=actor,
        action=action,
        entity_id=1,
        detail=detail,
    )


def test_authors_come_from_the_audit_log_and_unagreed_enrolments_become_invitations(
    scratch_url: str,
) -> None:
    url = scratch_url
    command.upgrade(alembic_config(url), "0009_console_sessions")
    engine = make_engine(url)
    organizer, other_organizer, buyer, managed_sme, stranger, self_registered = range(1, 7)
    with engine.begin() as conn:
        for org_id, kind, registered_by in (
            (organizer, "organizer", None),
            (other_organizer, "organizer", None),
            (buyer, "large_firm", organizer),
            (managed_sme, "sme", organizer),
            (stranger, "sme", other_organizer),
            (self_registered, "sme", other_organizer),
        ):
            _insert(
                conn,
                "organizations",
                id=org_id,
                kind=kind,
                name=f"企业{org_id}",
                uscc=f"USCC{org_id:014d}",
                registered_by_id=registered_by,
            )
        _insert(conn, "events", id=1, organization_id=organizer)
        # participants 1..4: buyer, managed SME, a stranger the organizer added, a self-registration
        for pid, org_id, side in (
            (1, buyer, "buyer"),
            (2, managed_sme, "sme"),
            (3, stranger, "sme"),
            (4, self_registered, "sme"),
        ):
            _insert(
                conn, "event_participants", id=pid, event_id=1, organization_id=org_id, side=side
            )
        _audit(conn, 1, organizer, "event.participant.add", participant=3)
        _audit(conn, 2, self_registered, "event.participant.add", participant=4)
        # wishes: 1 managed, no audit; 2 by the stranger's organizer-for-it; 3 by the firm itself
        for wid, source, target in ((1, 2, 1), (2, 3, 1), (3, 4, 1)):
            _insert(
                conn,
                "event_preferences",
                id=wid,
                event_id=1,
                from_participant_id=source,
                to_participant_id=target,
                wish="must",
            )
        _audit(conn, 3, organizer, "event.preference.set", participant=3)
        _audit(conn, 4, self_registered, "event.preference.set", participant=4)
        # meetings: with the managed SME (no audit), with the self-registered SME (it recorded it)
        for mid, sme, slot in ((1, 2, 0), (2, 4, 1)):
            _insert(
                conn,
                "event_meetings",
                id=mid,
                event_id=1,
                buyer_participant_id=1,
                sme_participant_id=sme,
                slot=slot,
                outcome="intent",
                published=True,
            )
        _audit(conn, 5, self_registered, "event.outcome.set", meeting=2)
        _insert(conn, "supply_needs", id=1, organization_id=buyer)
        _insert(conn, "capability_profiles", id=1, organization_id=managed_sme)
        for mark_id, side in ((1, "buyer"), (2, "sme")):
            _insert(
                conn,
                "interest_marks",
                id=mark_id,
                need_id=1,
                profile_id=1,
                side=side,
                value="interested",
            )

    command.upgrade(alembic_config(url), "head")
    with engine.connect() as conn:

        def rows(sql: str) -> list[tuple[Any, ...]]:
            return [tuple(r) for r in conn.execute(text(sql))]

        participants = rows(
            "SELECT id, status, entered_by_role, entered_by_organization_id"
            " FROM event_participants ORDER BY id"
        )
        wishes = rows(
            "SELECT id, entered_by_role, entered_by_organization_id"
            " FROM event_preferences ORDER BY id"
        )
        meetings = rows(
            "SELECT id, outcome_by_role, outcome_by_organization_id FROM event_meetings ORDER BY id"
        )
        marks = rows(
            "SELECT side, entered_by_role, entered_by_organization_id"
            " FROM interest_marks ORDER BY id"
        )
    engine.dispose()
    assert participants == [
        (1, "approved", "organizer", organizer),
        (2, "approved", "organizer", organizer),
        (3, "invited", "organizer", organizer),
        (4, "approved", "sme", self_registered),
    ]
    assert wishes == [
        (1, "organizer", organizer),
        (2, "organizer", organizer),  # kept, but it does not speak for the stranger
        (3, "sme", self_registered),
    ]
    assert meetings == [(1, "organizer", organizer), (2, "sme", self_registered)]
    assert marks == [("buyer", "large_firm", buyer), ("sme", "sme", managed_sme)]
    command.downgrade(alembic_config(url), "0009_console_sessions")
