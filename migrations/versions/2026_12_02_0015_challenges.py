"""揭榜挂帅 challenges, responses, quotations and attachments (issue 18)

Revision ID: 0015_challenges
Revises: 0014_deals_campaigns
Create Date: 2026-12-02
"""

from collections.abc import Sequence

revision: str = "0015_challenges"
down_revision: str | Sequence[str] | None = "0014_deals_campaigns"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
