"""people's accounts, sign-up, invitations and claims (issue 16)

Adds ``users`` (a person of one organization, argon2 password), ``user_tokens`` (reset links
and one-time codes, hashed), ``registrations`` (a firm's sign-up awaiting approval) and
``invitations`` (links to claim an existing record). ``console_sessions`` now holds users'
sign-ins too (console cookies and API tokens): its key becomes optional, beside a user.
The audit log names the user who acted.

Revision ID: 0011_accounts
Revises: 0010_consent_authors
Create Date: 2026-12-02
"""

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0011_accounts"
down_revision: str | Sequence[str] | None = "0010_consent_authors"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ROLES = "'admin', 'organizer', 'large_firm', 'sme'"
KINDS = "'large_firm', 'sme', 'organizer'"


def _at(name: str, *, nullable: bool = True) -> sa.Column[datetime]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _fk(column: str, table: str, ondelete: str, *, nullable: bool = True) -> sa.Column[int]:
    return sa.Column(
        column, sa.Integer(), sa.ForeignKey(f"{table}.id", ondelete=ondelete), nullable=nullable
    )


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), primary_key=True),
        _fk("organization_id", "organizations", "CASCADE"),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("phone", sa.String(50), nullable=True),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("org_role", sa.String(16), nullable=False),
        sa.Column("password_hash", sa.String(200), nullable=True),
        _at("email_verified_at"),
        _at("created_at", nullable=False),
        _at("disabled_at"),
        sa.UniqueConstraint("email"),
        sa.CheckConstraint(f"role IN ({ROLES})", name="role"),
        sa.CheckConstraint("org_role IN ('owner', 'member')", name="org_role"),
        sa.CheckConstraint("role = 'admin' OR organization_id IS NOT NULL", name="org_required"),
    )
    op.create_index("ix_users_organization_id", "users", ["organization_id"])

    op.create_table(
        "user_tokens",
        sa.Column("id", sa.Integer(), primary_key=True),
        _fk("user_id", "users", "CASCADE", nullable=False),
        sa.Column("purpose", sa.String(16), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        _at("created_at", nullable=False),
        _at("expires_at", nullable=False),
        _at("used_at"),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.UniqueConstraint("token_hash"),
        sa.CheckConstraint("purpose IN ('reset', 'code')", name="purpose"),
    )
    op.create_index("ix_user_tokens_user_id", "user_tokens", ["user_id"])

    op.create_table(
        "registrations",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("person", sa.String(100), nullable=False),
        sa.Column("phone", sa.String(50), nullable=True),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("uscc", sa.String(18), nullable=False),
        sa.Column("region_code", sa.String(6), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("verify_hash", sa.String(64), nullable=True),
        _at("verify_expires_at"),
        _at("created_at", nullable=False),
        _at("verified_at"),
        _at("decided_at"),
        _fk("decided_by_user_id", "users", "SET NULL"),
        _fk("organization_id", "organizations", "SET NULL"),
        sa.UniqueConstraint("verify_hash"),
        sa.CheckConstraint(
            "status IN ('unverified', 'pending', 'approved', 'rejected')", name="status"
        ),
        sa.CheckConstraint(f"kind IN ({KINDS})", name="kind"),
    )
    op.create_index("ix_registrations_email", "registrations", ["email"])
    op.create_index("ix_registrations_status_region", "registrations", ["status", "region_code"])

    op.create_table(
        "invitations",
        sa.Column("id", sa.Integer(), primary_key=True),
        _fk("organization_id", "organizations", "CASCADE", nullable=False),
        sa.Column("email", sa.String(320), nullable=False),
        _fk("invited_by_organization_id", "organizations", "SET NULL"),
        _fk("invited_by_user_id", "users", "SET NULL"),
        sa.Column("token_hash", sa.String(64), nullable=False),
        _at("created_at", nullable=False),
        _at("expires_at", nullable=False),
        _at("claimed_at"),
        _fk("claimed_by_user_id", "users", "SET NULL"),
        _at("revoked_at"),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.UniqueConstraint("token_hash"),
    )
    op.create_index("ix_invitations_organization_id", "invitations", ["organization_id"])

    with op.batch_alter_table("console_sessions") as batch:
        batch.alter_column("api_key_id", existing_type=sa.Integer(), nullable=True)
        batch.add_column(sa.Column("user_id", sa.Integer(), nullable=True))
        batch.add_column(
            sa.Column("client", sa.String(8), nullable=False, server_default="console")
        )
        batch.create_foreign_key(
            op.f("fk_console_sessions_user_id_users"),
            "users",
            ["user_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch.create_index("ix_console_sessions_user_id", ["user_id"])
        batch.create_check_constraint("one_holder", "(api_key_id IS NULL) <> (user_id IS NULL)")
        batch.create_check_constraint("client", "client IN ('console', 'api')")

    with op.batch_alter_table("audit_log") as batch:
        batch.add_column(sa.Column("user_id", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("audit_log") as batch:
        batch.drop_column("user_id")
    op.execute("DELETE FROM console_sessions WHERE api_key_id IS NULL")
    with op.batch_alter_table("console_sessions") as batch:
        batch.drop_constraint(op.f("ck_console_sessions_client"), type_="check")
        batch.drop_constraint(op.f("ck_console_sessions_one_holder"), type_="check")
        batch.drop_index("ix_console_sessions_user_id")
        batch.drop_constraint(op.f("fk_console_sessions_user_id_users"), type_="foreignkey")
        batch.drop_column("client")
        batch.drop_column("user_id")
        batch.alter_column("api_key_id", existing_type=sa.Integer(), nullable=False)
    op.drop_table("invitations")
    op.drop_table("registrations")
    op.drop_table("user_tokens")
    op.drop_table("users")
