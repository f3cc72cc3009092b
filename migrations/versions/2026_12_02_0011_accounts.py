"""people's accounts, sign-up, invitations and claims (issue 16)

Revision ID: 0011_accounts
Revises: 0010_consent_authors
Create Date: 2026-12-02
"""

from collections.abc import Sequence

revision: str = "0011_accounts"
down_revision: str | Sequence[str] | None = "0010_consent_authors"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
