"""the notification outbox, channels and calendar feeds (issue 16)

Revision ID: 0012_outbox
Revises: 0011_accounts
Create Date: 2026-12-02
"""

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "0012_outbox"
down_revision: str | Sequence[str] | None = "0011_accounts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(JSONB(), "postgresql")
STATUSES = "status IN ('pending', 'sending', 'sent', 'failed', 'skipped')"


def _at(name: str, *, nullable: bool = False) -> sa.Column[datetime]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "notification_outbox",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("topic", sa.String(64), nullable=False),
        sa.Column(
            "organization_id",
            sa.Integer(),
            sa.ForeignKey("organizations.id", ondelete="SET NULL"),
            nullable=True,
        ),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("to_email", sa.String(320), nullable=True),
        sa.Column("to_phone", sa.String(50), nullable=True),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("ics", sa.Text(), nullable=True),
        sa.Column("dedupe_key", sa.String(200), nullable=True),
        sa.Column("channels", JSON, nullable=False),
        sa.Column("delivered", JSON, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        _at("next_attempt_at"),
        _at("claimed_until", nullable=True),
        sa.Column("claimed_by", sa.String(64), nullable=True),
        sa.Column("last_error", sa.String(500), nullable=True),
        _at("created_at"),
        _at("sent_at", nullable=True),
        sa.CheckConstraint(STATUSES, name="status"),
        sa.UniqueConstraint("dedupe_key"),
    )
    op.create_index(
        "ix_notification_outbox_status_next_attempt_at",
        "notification_outbox",
        ["status", "next_attempt_at"],
    )
    op.create_index(
        "ix_notification_outbox_organization_id", "notification_outbox", ["organization_id"]
    )
    op.create_table(
        "notification_recipients",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("topics", JSON, nullable=False),
        _at("unsubscribed_at", nullable=True),
        _at("updated_at"),
        sa.UniqueConstraint("email"),
    )
    op.create_index("ix_notification_recipients_user_id", "notification_recipients", ["user_id"])
    op.create_table(
        "calendar_feeds",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "organization_id",
            sa.Integer(),
            sa.ForeignKey("organizations.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("token_hash", sa.String(64), nullable=False),
        _at("created_at"),
        _at("revoked_at", nullable=True),
        sa.UniqueConstraint("token_hash"),
    )
    op.create_index("ix_calendar_feeds_organization_id", "calendar_feeds", ["organization_id"])
    op.create_table(
        "meeting_calendar_entries",
        sa.Column("uid", sa.String(200), primary_key=True),
        sa.Column(
            "event_id",
            sa.Integer(),
            sa.ForeignKey("events.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("buyer_participant_id", sa.Integer(), nullable=False),
        sa.Column("sme_participant_id", sa.Integer(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        _at("starts_at"),
        _at("ends_at"),
        sa.Column("location", sa.String(500), nullable=False),
        sa.Column("cancelled", sa.Boolean(), server_default=sa.false(), nullable=False),
        _at("updated_at"),
    )
    op.create_index(
        "ix_meeting_calendar_entries_event_id", "meeting_calendar_entries", ["event_id"]
    )

    op.create_table(
        "notification_keys",
        sa.Column("name", sa.String(32), primary_key=True),
        sa.Column("secret", sa.String(64), nullable=False),
        _at("created_at"),
    )


def downgrade() -> None:
    op.drop_table("notification_keys")
    op.drop_table("meeting_calendar_entries")
    op.drop_table("calendar_feeds")
    op.drop_table("notification_recipients")
    op.drop_table("notification_outbox")
