"""An index on the organizer that registered a firm (``organizations.registered_by_id``)

The column references ``organizations`` itself with ``ON DELETE SET NULL``, so deleting a
firm looks up the firms it registered; without an index each delete read the whole table,
and emptying 40,000 firms took minutes on SQLite. An organizer's own firms are also looked
up by it (who may manage a firm, the organizer's list).

Revision ID: 0020_registered_by_index
Revises: 0019_job_leases
Create Date: 2026-12-03
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0020_registered_by_index"
down_revision: str | Sequence[str] | None = "0019_job_leases"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_organizations_registered_by_id", "organizations", ["registered_by_id"])


def downgrade() -> None:
    op.drop_index("ix_organizations_registered_by_id", table_name="organizations")
