"""the notification outbox, channels and calendar feeds (issue 16)

Revision ID: 0012_outbox
Revises: 0011_accounts
Create Date: 2026-12-02
"""

from collections.abc import Sequence

revision: str = "0012_outbox"
down_revision: str | Sequence[str] | None = "0011_accounts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
