"""揭榜挂帅 challenges, responses, quotations and attachments (issue 18)

A need published as a challenge (榜单) or a request for quotation; SMEs' responses with kept
revisions, the confidentiality click-through, reviewers' scores, threaded clarifications and
attachment records (the bytes live in the storage backend). Budgets in 万元 kept as whole 元.

Revision ID: 0015_challenges
Revises: 0014_deals_campaigns
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "0015_challenges"
down_revision: str | Sequence[str] | None = "0014_deals_campaigns"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "challenges",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("need_id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("access", sa.String(length=16), nullable=False),
        sa.Column("goals", sa.Text(), nullable=False),
        sa.Column("indicators", JSON, nullable=False),
        sa.Column("budget_min_yuan", sa.BigInteger(), nullable=True),
        sa.Column("budget_max_yuan", sa.BigInteger(), nullable=True),
        sa.Column("response_deadline", sa.DateTime(timezone=True), nullable=False),
        sa.Column("criteria", JSON, nullable=False),
        sa.Column("terms_text", sa.Text(), nullable=False),
        sa.Column("terms_version", sa.Integer(), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("result_note", sa.Text(), nullable=False),
        sa.Column("entered_by_role", sa.String(length=16), nullable=True),
        sa.Column("entered_by_organization_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("access IN ('open', 'invited')", name=op.f("ck_challenges_access")),
        sa.CheckConstraint(
            "entered_by_role IS NULL OR entered_by_role IN ('admin', 'organizer', 'large_firm', 'sme')",
            name=op.f("ck_challenges_entered_by_role"),
        ),
        sa.CheckConstraint("kind IN ('proposal', 'quotation')", name=op.f("ck_challenges_kind")),
        sa.CheckConstraint(
            "status IN ('open', 'decided', 'cancelled')", name=op.f("ck_challenges_status")
        ),
        sa.ForeignKeyConstraint(
            ["entered_by_organization_id"],
            ["organizations.id"],
            name=op.f("fk_challenges_entered_by_organization_id_organizations"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["need_id"],
            ["supply_needs.id"],
            name=op.f("fk_challenges_need_id_supply_needs"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_challenges_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_challenges")),
        sa.UniqueConstraint("need_id", name=op.f("uq_challenges_need_id")),
    )
    op.create_index(
        "ix_challenges_organization_id", "challenges", ["organization_id"], unique=False
    )
    op.create_table(
        "challenge_invitations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("challenge_id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["challenge_id"],
            ["challenges.id"],
            name=op.f("fk_challenge_invitations_challenge_id_challenges"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_challenge_invitations_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_challenge_invitations")),
        sa.UniqueConstraint(
            "challenge_id", "organization_id", name=op.f("uq_challenge_invitations_challenge_id")
        ),
    )
    op.create_index(
        "ix_challenge_invitations_organization_id",
        "challenge_invitations",
        ["organization_id"],
        unique=False,
    )
    op.create_table(
        "challenge_terms_acceptances",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("challenge_id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("terms_version", sa.Integer(), nullable=False),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("key_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["challenge_id"],
            ["challenges.id"],
            name=op.f("fk_challenge_terms_acceptances_challenge_id_challenges"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_challenge_terms_acceptances_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_challenge_terms_acceptances")),
        sa.UniqueConstraint(
            "challenge_id",
            "organization_id",
            "terms_version",
            name=op.f("uq_challenge_terms_acceptances_challenge_id"),
        ),
    )
    op.create_table(
        "challenge_responses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("challenge_id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("shortlisted", sa.Boolean(), nullable=False),
        sa.Column("deal_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('submitted', 'withdrawn', 'selected', 'not_selected')",
            name=op.f("ck_challenge_responses_status"),
        ),
        sa.ForeignKeyConstraint(
            ["challenge_id"],
            ["challenges.id"],
            name=op.f("fk_challenge_responses_challenge_id_challenges"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["deal_id"],
            ["deals.id"],
            name=op.f("fk_challenge_responses_deal_id_deals"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_challenge_responses_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_challenge_responses")),
        sa.UniqueConstraint(
            "challenge_id", "organization_id", name=op.f("uq_challenge_responses_challenge_id")
        ),
    )
    op.create_index(
        "ix_challenge_responses_organization_id",
        "challenge_responses",
        ["organization_id"],
        unique=False,
    )
    op.create_table(
        "attachments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("response_id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("backend", sa.String(length=8), nullable=False),
        sa.Column("storage_key", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_attachments_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["response_id"],
            ["challenge_responses.id"],
            name=op.f("fk_attachments_response_id_challenge_responses"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attachments")),
    )
    op.create_index("ix_attachments_response_id", "attachments", ["response_id"], unique=False)
    op.create_table(
        "challenge_clarifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("response_id", sa.Integer(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("author_role", sa.String(length=16), nullable=True),
        sa.Column("author_organization_id", sa.Integer(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "author_role IS NULL OR author_role IN ('admin', 'organizer', 'large_firm', 'sme')",
            name=op.f("ck_challenge_clarifications_author_role"),
        ),
        sa.ForeignKeyConstraint(
            ["author_organization_id"],
            ["organizations.id"],
            name=op.f("fk_challenge_clarifications_author_organization_id_organizations"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["challenge_clarifications.id"],
            name=op.f("fk_challenge_clarifications_parent_id_challenge_clarifications"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["response_id"],
            ["challenge_responses.id"],
            name=op.f("fk_challenge_clarifications_response_id_challenge_responses"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_challenge_clarifications")),
    )
    op.create_index(
        "ix_challenge_clarifications_response_id",
        "challenge_clarifications",
        ["response_id"],
        unique=False,
    )
    op.create_table(
        "challenge_response_revisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("response_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("content", JSON, nullable=False),
        sa.Column("attachment_ids", JSON, nullable=False),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("by_user_id", sa.Integer(), nullable=True),
        sa.Column("by_key_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["response_id"],
            ["challenge_responses.id"],
            name=op.f("fk_challenge_response_revisions_response_id_challenge_responses"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_challenge_response_revisions")),
        sa.UniqueConstraint(
            "response_id", "number", name=op.f("uq_challenge_response_revisions_response_id")
        ),
    )
    op.create_table(
        "challenge_scores",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("response_id", sa.Integer(), nullable=False),
        sa.Column("criterion", sa.Integer(), nullable=False),
        sa.Column("reviewer", sa.String(length=40), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("score >= 0 AND score <= 100", name=op.f("ck_challenge_scores_score")),
        sa.ForeignKeyConstraint(
            ["response_id"],
            ["challenge_responses.id"],
            name=op.f("fk_challenge_scores_response_id_challenge_responses"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_challenge_scores")),
        sa.UniqueConstraint(
            "response_id", "criterion", "reviewer", name=op.f("uq_challenge_scores_response_id")
        ),
    )


def downgrade() -> None:
    op.drop_table("challenge_scores")
    op.drop_table("challenge_response_revisions")
    op.drop_index("ix_challenge_clarifications_response_id", table_name="challenge_clarifications")
    op.drop_table("challenge_clarifications")
    op.drop_index("ix_attachments_response_id", table_name="attachments")
    op.drop_table("attachments")
    op.drop_index("ix_challenge_responses_organization_id", table_name="challenge_responses")
    op.drop_table("challenge_responses")
    op.drop_table("challenge_terms_acceptances")
    op.drop_index("ix_challenge_invitations_organization_id", table_name="challenge_invitations")
    op.drop_table("challenge_invitations")
    op.drop_index("ix_challenges_organization_id", table_name="challenges")
    op.drop_table("challenges")
