"""events: 百场万企 matchmaking sessions, participants, preferences, meetings, left-out pairs

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def _participant_fk(column: str) -> sa.Column[int]:
    return sa.Column(
        column,
        sa.Integer(),
        sa.ForeignKey("event_participants.id", ondelete="CASCADE"),
        nullable=False,
    )


def _event_fk() -> sa.Column[int]:
    return sa.Column(
        "event_id", sa.Integer(), sa.ForeignKey("events.id", ondelete="CASCADE"), nullable=False
    )


def _organization_fk() -> sa.Column[int]:
    return sa.Column(
        "organization_id",
        sa.Integer(),
        sa.ForeignKey("organizations.id", ondelete="CASCADE"),
        nullable=False,
    )


def upgrade() -> None:
    op.create_table(
        "events",
        sa.Column("id", sa.Integer(), primary_key=True),
        _organization_fk(),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("focus", sa.String(500), nullable=False),
        sa.Column("region_code", sa.String(6), nullable=True),
        sa.Column("venue", sa.String(500), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("slots", JSON, nullable=False),
        sa.Column("meeting_minutes", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('draft', 'registration', 'scheduled', 'published', 'closed')",
            name="status",
        ),
    )
    op.create_index("ix_events_organization_id", "events", ["organization_id"])

    op.create_table(
        "event_participants",
        sa.Column("id", sa.Integer(), primary_key=True),
        _event_fk(),
        _organization_fk(),
        sa.Column("side", sa.String(8), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("tables", sa.Integer(), nullable=False),
        sa.Column("max_meetings", sa.Integer(), nullable=True),
        sa.Column("blocked_slots", JSON, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("side IN ('buyer', 'sme')", name="side"),
        sa.CheckConstraint("status IN ('pending', 'approved', 'rejected')", name="status"),
        sa.CheckConstraint("tables >= 1", name="tables"),
        sa.UniqueConstraint("event_id", "organization_id"),
    )
    op.create_index(
        "ix_event_participants_organization_id", "event_participants", ["organization_id"]
    )

    op.create_table(
        "event_preferences",
        sa.Column("id", sa.Integer(), primary_key=True),
        _event_fk(),
        _participant_fk("from_participant_id"),
        _participant_fk("to_participant_id"),
        sa.Column("wish", sa.String(8), nullable=False),
        sa.CheckConstraint("wish IN ('must', 'would', 'no')", name="wish"),
        sa.UniqueConstraint("from_participant_id", "to_participant_id"),
    )
    op.create_index("ix_event_preferences_event_id", "event_preferences", ["event_id"])

    op.create_table(
        "event_meetings",
        sa.Column("id", sa.Integer(), primary_key=True),
        _event_fk(),
        _participant_fk("buyer_participant_id"),
        _participant_fk("sme_participant_id"),
        sa.Column("slot", sa.Integer(), nullable=False),
        sa.Column("table_number", sa.Integer(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("published", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("outcome", sa.String(16), nullable=True),
        sa.Column("outcome_note", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "outcome IS NULL OR outcome IN "
            "('not_held', 'no_interest', 'informative', 'intent', 'signed')",
            name="outcome",
        ),
        sa.UniqueConstraint("buyer_participant_id", "sme_participant_id"),
        sa.UniqueConstraint("sme_participant_id", "slot"),
        sa.UniqueConstraint("slot", "buyer_participant_id", "table_number"),
    )
    op.create_index("ix_event_meetings_event_id", "event_meetings", ["event_id"])

    op.create_table(
        "event_left_out",
        sa.Column("id", sa.Integer(), primary_key=True),
        _event_fk(),
        _participant_fk("buyer_participant_id"),
        _participant_fk("sme_participant_id"),
        sa.Column("reason", sa.String(32), nullable=False),
        sa.Column("text_zh", sa.String(200), nullable=False),
        sa.Column("detail", JSON, nullable=False),
    )
    op.create_index("ix_event_left_out_event_id", "event_left_out", ["event_id"])


def downgrade() -> None:
    for table in (
        "event_left_out",
        "event_meetings",
        "event_preferences",
        "event_participants",
        "events",
    ):
        op.drop_table(table)
