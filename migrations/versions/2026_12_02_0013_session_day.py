"""the day of a session: check-in, attendance, standby and walk-ins (issue 17)

Revision ID: 0013_session_day
Revises: 0012_outbox
Create Date: 2026-12-02
"""

from collections.abc import Sequence

revision: str = "0013_session_day"
down_revision: str | Sequence[str] | None = "0012_outbox"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
