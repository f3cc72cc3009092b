"""Index snapshots: which persisted matching index covers which change-log id (issue 15, point 2)

One row per snapshot a worker wrote to its machine's snapshot folder: the folder's token, the
snapshot format, the last change-log id it covers, its size, the host that wrote it and when.
A worker starts from a snapshot this database lists (plus the change log after its id) instead
of rebuilding its index; the change log can be pruned up to the oldest listed snapshot's id.

Revision ID: 0017_index_snapshots
Revises: 0016_jobs
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017_index_snapshots"
down_revision: str | Sequence[str] | None = "0016_jobs"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "index_snapshots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=32), nullable=False),
        sa.Column("format_version", sa.Integer(), nullable=False),
        sa.Column("change_id", sa.Integer(), nullable=False),
        sa.Column("profiles", sa.Integer(), nullable=False),
        sa.Column("open_needs", sa.Integer(), nullable=False),
        sa.Column("host", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_index_snapshots")),
        sa.UniqueConstraint("token", name=op.f("uq_index_snapshots_token")),
    )


def downgrade() -> None:
    op.drop_table("index_snapshots")
