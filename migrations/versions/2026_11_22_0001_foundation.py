"""foundation: organizations, capability profiles, supply needs, API keys, audit log

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def _timestamps() -> list[sa.Column[object]]:
    return [
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "organizations",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("uscc", sa.String(18), nullable=False),
        sa.Column("region_code", sa.String(6), nullable=True),
        sa.Column("tier", sa.String(16), nullable=True),
        sa.Column("tier_year", sa.Integer(), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("website", sa.String(500), nullable=True),
        sa.Column("contact_person", sa.String(100), nullable=True),
        sa.Column("contact_phone", sa.String(50), nullable=True),
        sa.Column("contact_email", sa.String(320), nullable=True),
        sa.Column(
            "registered_by_id",
            sa.Integer(),
            sa.ForeignKey("organizations.id", ondelete="SET NULL"),
            nullable=True,
        ),
        sa.Column("version", sa.Integer(), nullable=False),
        *_timestamps(),
        sa.CheckConstraint("kind IN ('large_firm', 'sme', 'organizer')", name="kind"),
        sa.CheckConstraint(
            "tier IS NULL OR tier IN ('innovative', 'specialized', 'little_giant')", name="tier"
        ),
        sa.UniqueConstraint("uscc"),
    )
    op.create_index("ix_organizations_region_code", "organizations", ["region_code"])

    op.create_table(
        "organization_industries",
        sa.Column(
            "organization_id",
            sa.Integer(),
            sa.ForeignKey("organizations.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("code", sa.String(5), primary_key=True),
        sa.Column("position", sa.Integer(), nullable=False),
    )
    op.create_index("ix_organization_industries_code", "organization_industries", ["code"])

    op.create_table(
        "capability_profiles",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "organization_id",
            sa.Integer(),
            sa.ForeignKey("organizations.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("products", JSON, nullable=False),
        sa.Column("technologies", JSON, nullable=False),
        sa.Column("processes", JSON, nullable=False),
        sa.Column("materials", JSON, nullable=False),
        sa.Column("certifications", JSON, nullable=False),
        sa.Column("capacity", sa.String(500), nullable=True),
        sa.Column("minimum_order", sa.String(500), nullable=True),
        sa.Column("regions_served", JSON, nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        *_timestamps(),
        sa.UniqueConstraint("organization_id"),
    )

    op.create_table(
        "supply_needs",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "organization_id",
            sa.Integer(),
            sa.ForeignKey("organizations.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("products", JSON, nullable=False),
        sa.Column("application", sa.String(500), nullable=False),
        sa.Column("quantity", sa.Float(), nullable=True),
        sa.Column("quantity_unit", sa.String(50), nullable=True),
        sa.Column("required_certifications", JSON, nullable=False),
        sa.Column("preferred_regions", JSON, nullable=False),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        *_timestamps(),
        sa.CheckConstraint("kind IN ('supply', 'chain_gap', 'tech_challenge')", name="kind"),
        sa.CheckConstraint("status IN ('draft', 'open', 'closed')", name="status"),
    )
    op.create_index("ix_supply_needs_organization_id", "supply_needs", ["organization_id"])
    op.create_index("ix_supply_needs_status", "supply_needs", ["status"])

    op.create_table(
        "api_keys",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "organization_id",
            sa.Integer(),
            sa.ForeignKey("organizations.id", ondelete="CASCADE"),
            nullable=True,
        ),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("prefix", sa.String(16), nullable=False),
        sa.Column("secret_hash", sa.String(64), nullable=False),
        sa.Column("label", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("role IN ('admin', 'organizer', 'large_firm', 'sme')", name="role"),
        sa.CheckConstraint("role = 'admin' OR organization_id IS NOT NULL", name="org_required"),
        sa.UniqueConstraint("prefix"),
    )
    op.create_index("ix_api_keys_organization_id", "api_keys", ["organization_id"])

    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("api_key_id", sa.Integer(), nullable=True),
        sa.Column("actor_organization_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("entity", sa.String(32), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=True),
        sa.Column("detail", JSON, nullable=False),
    )
    op.create_index("ix_audit_log_entity", "audit_log", ["entity", "entity_id"])


def downgrade() -> None:
    for table in (
        "audit_log",
        "api_keys",
        "supply_needs",
        "capability_profiles",
        "organization_industries",
        "organizations",
    ):
        op.drop_table(table)
