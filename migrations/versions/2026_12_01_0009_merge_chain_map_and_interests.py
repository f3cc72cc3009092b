"""merge the chain-map (0006) and interest/learning (0008) branches; no schema change

Only so that the console branch, which merged both, has one head. Drop it when the chain
is re-linked into a straight line.

Revision ID: 0009
Revises: 0006, 0008
Create Date: 2026-12-01
"""

from collections.abc import Sequence

revision: str = "0009"
down_revision: str | Sequence[str] | None = ("0006", "0008")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Nothing to change."""


def downgrade() -> None:
    """Nothing to change."""
