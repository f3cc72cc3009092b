"""Jobs carry a lease so one whose process died is taken up again (issue 15, point 1)

A running job's consumer writes ``heartbeat_at`` every few seconds (its lease); a running
job whose heartbeat is older than the lease (``XIESHOU_JOBS_LEASE_S``) lost its consumer
(the process was killed, its host went away), and whichever consumer notices queues it
again (or fails it past its retries). Rows written before this revision have none: a
running one counts from its ``started_at``.

Revision ID: 0019_job_leases
Revises: 0018_outbox_request_id
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019_job_leases"
down_revision: str | Sequence[str] | None = "0018_outbox_request_id"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("jobs") as batch:
        batch.add_column(sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("jobs") as batch:
        batch.drop_column("heartbeat_at")
