"""deals after a session and campaigns with targets (issue 17)

Deals (意向 → 送样/验厂 → 小批量 → 签约 → 稳定供货, or 终止) with their stage history, firms'
ratings of their meetings, and campaigns (百场万企) that group sessions with targets.
Amounts in 万元 are kept as whole 元 (BIGINT) so they sum exactly on both databases.

Revision ID: 0014_deals_campaigns
Revises: 0013_session_day
Create Date: 2026-12-02
"""

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0014_deals_campaigns"
down_revision: str | Sequence[str] | None = "0013_session_day"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ROLES = "'admin', 'organizer', 'large_firm', 'sme'"
STAGES = "'intent', 'sample', 'trial', 'signed', 'supplying', 'ended'"


def _at(name: str, *, nullable: bool = False) -> sa.Column[datetime]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _org(name: str, *, nullable: bool, ondelete: str) -> sa.Column[int]:
    return sa.Column(
        name, sa.Integer(), sa.ForeignKey("organizations.id", ondelete=ondelete), nullable=nullable
    )


def upgrade() -> None:
    op.create_table(
        "deals",
        sa.Column("id", sa.Integer(), primary_key=True),
        _org("buyer_organization_id", nullable=False, ondelete="CASCADE"),
        _org("sme_organization_id", nullable=False, ondelete="CASCADE"),
        sa.Column(
            "event_id", sa.Integer(), sa.ForeignKey("events.id", ondelete="SET NULL"), nullable=True
        ),
        sa.Column(
            "meeting_id",
            sa.Integer(),
            sa.ForeignKey("event_meetings.id", ondelete="SET NULL"),
            nullable=True,
        ),
        sa.Column(
            "need_id",
            sa.Integer(),
            sa.ForeignKey("supply_needs.id", ondelete="SET NULL"),
            nullable=True,
        ),
        sa.Column(
            "node_id",
            sa.Integer(),
            sa.ForeignKey("chain_nodes.id", ondelete="SET NULL"),
            nullable=True,
        ),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("stage", sa.String(16), nullable=False),
        sa.Column("amount_yuan", sa.BigInteger(), nullable=True),
        sa.Column("expected_signing_on", sa.Date(), nullable=True),
        sa.Column("expected_supply_on", sa.Date(), nullable=True),
        sa.Column("payment_term_days", sa.Integer(), nullable=True),
        sa.Column("end_reason", sa.Text(), nullable=False),
        _at("stage_changed_at"),
        sa.Column("signed_on", sa.Date(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("entered_by_role", sa.String(16), nullable=True),
        _org("entered_by_organization_id", nullable=True, ondelete="SET NULL"),
        _at("created_at"),
        _at("updated_at"),
        sa.CheckConstraint(f"stage IN ({STAGES})", name=op.f("ck_deals_stage")),
        sa.CheckConstraint("amount_yuan IS NULL OR amount_yuan >= 0", name=op.f("ck_deals_amount")),
        sa.CheckConstraint(
            "payment_term_days IS NULL OR payment_term_days >= 0",
            name=op.f("ck_deals_payment_term"),
        ),
        sa.CheckConstraint(
            f"entered_by_role IS NULL OR entered_by_role IN ({ROLES})",
            name=op.f("ck_deals_entered_by_role"),
        ),
        sa.UniqueConstraint("meeting_id", name=op.f("uq_deals_meeting_id")),
        sa.UniqueConstraint("need_id", "sme_organization_id", name=op.f("uq_deals_need_id")),
    )
    op.create_index("ix_deals_buyer_organization_id", "deals", ["buyer_organization_id"])
    op.create_index("ix_deals_sme_organization_id", "deals", ["sme_organization_id"])
    op.create_index("ix_deals_event_id", "deals", ["event_id"])
    op.create_table(
        "deal_stage_changes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "deal_id", sa.Integer(), sa.ForeignKey("deals.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("from_stage", sa.String(16), nullable=True),
        sa.Column("to_stage", sa.String(16), nullable=False),
        _at("changed_at"),
        sa.Column("by_role", sa.String(16), nullable=True),
        _org("by_organization_id", nullable=True, ondelete="SET NULL"),
        sa.Column("by_key_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.CheckConstraint(
            f"by_role IS NULL OR by_role IN ({ROLES})", name=op.f("ck_deal_stage_changes_by_role")
        ),
    )
    op.create_index("ix_deal_stage_changes_deal_id", "deal_stage_changes", ["deal_id"])
    op.create_table(
        "meeting_ratings",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "meeting_id",
            sa.Integer(),
            sa.ForeignKey("event_meetings.id", ondelete="CASCADE"),
            nullable=False,
        ),
        _org("organization_id", nullable=False, ondelete="CASCADE"),
        sa.Column("useful", sa.Boolean(), nullable=False),
        sa.Column("comment", sa.String(200), nullable=False),
        sa.Column("entered_by_role", sa.String(16), nullable=True),
        _at("created_at"),
        _at("updated_at"),
        sa.CheckConstraint(
            f"entered_by_role IS NULL OR entered_by_role IN ({ROLES})",
            name=op.f("ck_meeting_ratings_entered_by_role"),
        ),
        sa.UniqueConstraint(
            "meeting_id", "organization_id", name=op.f("uq_meeting_ratings_meeting_id")
        ),
    )
    op.create_table(
        "campaigns",
        sa.Column("id", sa.Integer(), primary_key=True),
        _org("organization_id", nullable=False, ondelete="CASCADE"),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column(
            "chain_id", sa.Integer(), sa.ForeignKey("chains.id", ondelete="SET NULL"), nullable=True
        ),
        sa.Column("region_code", sa.String(6), nullable=True),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("target_sessions", sa.Integer(), nullable=False),
        sa.Column("target_firms", sa.Integer(), nullable=False),
        sa.Column("target_intents", sa.Integer(), nullable=False),
        sa.Column("target_signed_yuan", sa.BigInteger(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        _at("created_at"),
        _at("updated_at"),
        sa.CheckConstraint("ends_on >= starts_on", name=op.f("ck_campaigns_period")),
        sa.CheckConstraint(
            "target_sessions >= 0 AND target_firms >= 0 AND target_intents >= 0",
            name=op.f("ck_campaigns_targets"),
        ),
    )
    op.create_index("ix_campaigns_organization_id", "campaigns", ["organization_id"])
    op.create_table(
        "campaign_events",
        sa.Column(
            "campaign_id",
            sa.Integer(),
            sa.ForeignKey("campaigns.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column(
            "event_id",
            sa.Integer(),
            sa.ForeignKey("events.id", ondelete="CASCADE"),
            primary_key=True,
        ),
    )
    op.create_index("ix_campaign_events_event_id", "campaign_events", ["event_id"])


def downgrade() -> None:
    op.drop_table("campaign_events")
    op.drop_table("campaigns")
    op.drop_table("meeting_ratings")
    op.drop_table("deal_stage_changes")
    op.drop_table("deals")
