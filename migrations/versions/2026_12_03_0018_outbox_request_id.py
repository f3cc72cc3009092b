"""Outbox rows carry the request id that queued them (issue 15, point 4)

A message queued while a request (or a job a request asked for) was handled keeps that
request's id, so the sender's log lines about it carry the id of the request that caused it.
Rows queued before this revision, and by the clock (reminders, digests), have none.

Revision ID: 0018_outbox_request_id
Revises: 0017_index_snapshots
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018_outbox_request_id"
down_revision: str | Sequence[str] | None = "0017_index_snapshots"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("notification_outbox") as batch:
        batch.add_column(sa.Column("request_id", sa.String(length=128), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("notification_outbox") as batch:
        batch.drop_column("request_id")
