"""deals after a session and campaigns with targets (issue 17)

Revision ID: 0014_deals_campaigns
Revises: 0013_session_day
Create Date: 2026-12-02
"""

from collections.abc import Sequence

revision: str = "0014_deals_campaigns"
down_revision: str | Sequence[str] | None = "0013_session_day"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
