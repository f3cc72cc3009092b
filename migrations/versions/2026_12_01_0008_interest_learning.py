"""interest marks; learning from outcomes: impressions, interactions, model versions

Revision ID: 0008
Revises: 0005
Create Date: 2026-12-01
"""

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def _at(name: str, *, nullable: bool = False) -> sa.Column[datetime]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "interest_marks",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "need_id",
            sa.Integer(),
            sa.ForeignKey("supply_needs.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "profile_id",
            sa.Integer(),
            sa.ForeignKey("capability_profiles.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("side", sa.String(8), nullable=False),
        sa.Column("value", sa.String(16), nullable=False),
        _at("created_at"),
        _at("updated_at"),
        sa.CheckConstraint("side IN ('buyer', 'sme')", name="side"),
        sa.CheckConstraint("value IN ('interested', 'declined')", name="value"),
        sa.UniqueConstraint("need_id", "profile_id", "side"),
    )
    op.create_index("ix_interest_marks_profile_id", "interest_marks", ["profile_id"])

    op.create_table(
        "impressions",
        sa.Column("id", sa.Integer(), primary_key=True),
        _at("shown_at"),
        sa.Column("batch", sa.String(32), nullable=False),
        sa.Column("need_id", sa.Integer(), nullable=False),
        sa.Column("profile_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("features", JSON, nullable=False),
        sa.Column("model_version_id", sa.Integer(), nullable=True),
        sa.Column("explored", sa.Boolean(), server_default=sa.false(), nullable=False),
    )
    op.create_index("ix_impressions_need_id", "impressions", ["need_id", "profile_id"])
    op.create_index("ix_impressions_profile_id", "impressions", ["profile_id"])

    op.create_table(
        "interactions",
        sa.Column("id", sa.Integer(), primary_key=True),
        _at("at"),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("need_id", sa.Integer(), nullable=True),
        sa.Column("profile_id", sa.Integer(), nullable=True),
        sa.Column("buyer_organization_id", sa.Integer(), nullable=True),
        sa.Column("sme_organization_id", sa.Integer(), nullable=True),
        sa.Column("meeting_id", sa.Integer(), nullable=True),
    )
    op.create_index("ix_interactions_need_id", "interactions", ["need_id", "profile_id"])
    op.create_index(
        "ix_interactions_buyer_organization_id", "interactions", ["buyer_organization_id"]
    )

    op.create_table(
        "model_versions",
        sa.Column("id", sa.Integer(), primary_key=True),
        _at("created_at"),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("artifact", JSON, nullable=False),
        sa.Column("metrics", JSON, nullable=False),
        _at("promoted_at", nullable=True),
        sa.Column("previous_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "status IN ('active', 'retired', 'rolled_back', 'rejected')", name="status"
        ),
    )
    op.create_index("ix_model_versions_status", "model_versions", ["status"])


def downgrade() -> None:
    for table in ("model_versions", "interactions", "impressions", "interest_marks"):
        op.drop_table(table)
