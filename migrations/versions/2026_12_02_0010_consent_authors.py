"""who entered each mark, wish, outcome and enrolment; invitations (issue 14, finding 2)

Adds ``entered_by_role`` / ``entered_by_organization_id`` to interest marks, wishes and
participants, ``outcome_by_role`` / ``outcome_by_organization_id`` to meetings, and the
participant status ``invited``. ``app.consent`` counts a row for a firm only if its author
speaks for the firm (its own key, an admin, the organizer that registered it).

Existing rows get the author the audit log names (one actor per participant's wishes,
the last actor per outcome, the adder per participant); without one, the event's organizer
when it registered the firm(s) concerned, else nobody (the row then counts for nothing).
Marks could only ever be set by the firm itself (or an admin), so they get the firm.
A participant that is approved but whose firm never agreed (added by an organizer that does
not manage it) becomes ``invited``: it accepts with its own key to take part again.

Revision ID: 0010_consent_authors
Revises: 0009_console_sessions
Create Date: 2026-12-02
"""

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0010_consent_authors"
down_revision: str | Sequence[str] | None = "0009_console_sessions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ROLES = "'admin', 'organizer', 'large_firm', 'sme'"
OLD_STATUSES = "status IN ('pending', 'approved', 'rejected')"
NEW_STATUSES = "status IN ('invited', 'pending', 'approved', 'rejected')"
#: table → prefix of its author columns
AUTHORED = {
    "event_participants": "entered_by",
    "interest_marks": "entered_by",
    "event_preferences": "entered_by",
    "event_meetings": "outcome_by",
}


def _fk_name(table: str, prefix: str) -> str:
    return f"fk_{table}_{prefix}_organization_id_organizations"


def upgrade() -> None:
    for table, prefix in AUTHORED.items():
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column(f"{prefix}_role", sa.String(16), nullable=True))
            batch.add_column(sa.Column(f"{prefix}_organization_id", sa.Integer(), nullable=True))
            batch.create_foreign_key(
                op.f(_fk_name(table, prefix)),
                "organizations",
                [f"{prefix}_organization_id"],
                ["id"],
                ondelete="SET NULL",
            )
            batch.create_check_constraint(
                op.f(f"ck_{table}_{prefix}_role"),
                f"{prefix}_role IS NULL OR {prefix}_role IN ({ROLES})",
            )
            if table == "event_participants":
                batch.drop_constraint(op.f("ck_event_participants_status"), type_="check")
                batch.create_check_constraint(op.f("ck_event_participants_status"), NEW_STATUSES)
    _backfill(op.get_bind())


def downgrade() -> None:
    op.execute("UPDATE event_participants SET status = 'rejected' WHERE status = 'invited'")
    for table, prefix in reversed(AUTHORED.items()):
        with op.batch_alter_table(table) as batch:
            if table == "event_participants":
                batch.drop_constraint(op.f("ck_event_participants_status"), type_="check")
                batch.create_check_constraint(op.f("ck_event_participants_status"), OLD_STATUSES)
            batch.drop_constraint(op.f(f"ck_{table}_{prefix}_role"), type_="check")
            batch.drop_constraint(op.f(_fk_name(table, prefix)), type_="foreignkey")
            batch.drop_column(f"{prefix}_organization_id")
            batch.drop_column(f"{prefix}_role")


# -- backfill ------------------------------------------------------------------------------


def _t(name: str, *columns: str, json: str | None = None) -> sa.TableClause:
    cols: list[sa.ColumnClause[Any]] = [sa.column(c) for c in columns]
    if json:
        cols.append(sa.column(json, sa.JSON))
    return sa.table(name, *cols)


def _backfill(conn: sa.Connection) -> None:
    orgs = {
        row.id: (row.kind, row.registered_by_id)
        for row in conn.execute(sa.select(_t("organizations", "id", "kind", "registered_by_id")))
    }

    def author_of(actor: int | None) -> tuple[str | None, int | None]:
        """(role, organization) of an audited actor; unknown if its organization is gone."""
        if actor is None:
            return "admin", None  # only admin keys belong to no organization
        if actor not in orgs:
            return None, None
        return str(orgs[actor][0]), actor

    def speaks_for(author: int | None, role: str | None, firm: int) -> bool:
        if role is None:
            return False
        if role == "admin":
            return True
        return author == firm or (role == "organizer" and orgs[firm][1] == author)

    # Marks were only ever set by the firm itself (or an admin acting for it).
    marks = _t(
        "interest_marks",
        "side",
        "need_id",
        "profile_id",
        "entered_by_role",
        "entered_by_organization_id",
    )
    for side, owner, column, firm_role in (
        ("buyer", _t("supply_needs", "id", "organization_id"), "need_id", "large_firm"),
        ("sme", _t("capability_profiles", "id", "organization_id"), "profile_id", "sme"),
    ):
        owner_id = sa.select(owner.c.organization_id).where(owner.c.id == marks.c[column])
        conn.execute(
            marks.update()
            .where(marks.c.side == side)
            .values(
                entered_by_role=firm_role, entered_by_organization_id=owner_id.scalar_subquery()
            )
        )

    event_org = {
        row.id: row.organization_id
        for row in conn.execute(sa.select(_t("events", "id", "organization_id")))
    }
    added_by: dict[int, int | None] = {}
    wished_by: dict[tuple[int, int], set[int | None]] = defaultdict(set)
    recorded_by: dict[int, int | None] = {}
    audit = _t("audit_log", "id", "actor_organization_id", "action", "entity_id", json="detail")
    for row in conn.execute(
        sa.select(audit)
        .where(
            audit.c.action.in_(
                ["event.participant.add", "event.preference.set", "event.outcome.set"]
            )
        )
        .order_by(audit.c.id)
    ):
        detail: dict[str, Any] = row.detail or {}
        actor = row.actor_organization_id
        if row.action == "event.participant.add" and "participant" in detail:
            added_by[detail["participant"]] = actor
        elif row.action == "event.preference.set" and "participant" in detail:
            wished_by[(row.entity_id, detail["participant"])].add(actor)
        elif row.action == "event.outcome.set" and "meeting" in detail:
            recorded_by[detail["meeting"]] = actor

    participants = _t(
        "event_participants",
        "id",
        "event_id",
        "organization_id",
        "status",
        "entered_by_role",
        "entered_by_organization_id",
    )
    firm_of: dict[int, int] = {}
    role: str | None
    author: int | None
    for p in conn.execute(sa.select(participants)).all():
        firm_of[p.id] = p.organization_id
        organizer = event_org[p.event_id]
        if p.id in added_by:
            role, author = author_of(added_by[p.id])
        elif orgs[p.organization_id][1] == organizer:
            author, role = organizer, "organizer"
        else:
            author, role = None, None
        status = p.status
        if status == "approved" and not speaks_for(author, role, p.organization_id):
            status = "invited"
        conn.execute(
            participants.update()
            .where(participants.c.id == p.id)
            .values(entered_by_role=role, entered_by_organization_id=author, status=status)
        )

    wishes = _t(
        "event_preferences",
        "id",
        "event_id",
        "from_participant_id",
        "entered_by_role",
        "entered_by_organization_id",
    )
    for w in conn.execute(sa.select(wishes)).all():
        firm = firm_of[w.from_participant_id]
        actors = wished_by.get((w.event_id, w.from_participant_id), set())
        if len(actors) == 1:
            role, author = author_of(next(iter(actors)))
        elif not actors and orgs[firm][1] == event_org[w.event_id]:
            author, role = event_org[w.event_id], "organizer"
        else:
            author, role = None, None
        conn.execute(
            wishes.update()
            .where(wishes.c.id == w.id)
            .values(entered_by_role=role, entered_by_organization_id=author)
        )

    meetings = _t(
        "event_meetings",
        "id",
        "event_id",
        "buyer_participant_id",
        "sme_participant_id",
        "outcome",
        "outcome_by_role",
        "outcome_by_organization_id",
    )
    for m in conn.execute(sa.select(meetings).where(meetings.c.outcome.is_not(None))).all():
        organizer = event_org[m.event_id]
        both = (firm_of[m.buyer_participant_id], firm_of[m.sme_participant_id])
        if m.id in recorded_by:
            role, author = author_of(recorded_by[m.id])
        elif all(orgs[firm][1] == organizer for firm in both):
            author, role = organizer, "organizer"
        else:
            author, role = None, None
        conn.execute(
            meetings.update()
            .where(meetings.c.id == m.id)
            .values(outcome_by_role=role, outcome_by_organization_id=author)
        )
