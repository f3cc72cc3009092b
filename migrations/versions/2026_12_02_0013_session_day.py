"""the day of a session: check-in, attendance, standby and walk-ins (issue 17)

Adds the participant statuses ``standby`` (候补) and ``walk_in`` (现场加入), a participant's
``presence`` on the day (``checked_in`` / ``absent``) and when it checked in, the event's
check-in signing key, and a meeting's ``attendance`` (``both_present`` / ``buyer_absent`` /
``sme_absent``, NULL unknown) and online ``room_url``.

A meeting one side did not come to keeps its row (the pair stays met, the report counts the
no-show) but gives up its table and its SME's slot to the re-plan: the unique constraints on
(SME, slot) and (slot, buyer, table) become unique indexes over attending rows only.

Revision ID: 0013_session_day
Revises: 0012_outbox
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013_session_day"
down_revision: str | Sequence[str] | None = "0012_outbox"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_STATUSES = "status IN ('invited', 'pending', 'approved', 'rejected')"
NEW_STATUSES = "status IN ('invited', 'pending', 'approved', 'rejected', 'standby', 'walk_in')"
PRESENCE = "presence IS NULL OR presence IN ('checked_in', 'absent')"
ATTENDANCE = "attendance IS NULL OR attendance IN ('both_present', 'buyer_absent', 'sme_absent')"
ATTENDING = "attendance IS NULL OR attendance = 'both_present'"


def upgrade() -> None:
    with op.batch_alter_table("events") as batch:
        batch.add_column(sa.Column("checkin_key", sa.String(64), nullable=True))
    with op.batch_alter_table("event_participants") as batch:
        batch.add_column(sa.Column("presence", sa.String(16), nullable=True))
        batch.add_column(sa.Column("checked_in_at", sa.DateTime(timezone=True), nullable=True))
        batch.create_check_constraint(op.f("ck_event_participants_presence"), PRESENCE)
        batch.drop_constraint(op.f("ck_event_participants_status"), type_="check")
        batch.create_check_constraint(op.f("ck_event_participants_status"), NEW_STATUSES)
    with op.batch_alter_table("event_meetings") as batch:
        batch.add_column(sa.Column("attendance", sa.String(16), nullable=True))
        batch.add_column(sa.Column("room_url", sa.String(500), server_default="", nullable=False))
        batch.create_check_constraint(op.f("ck_event_meetings_attendance"), ATTENDANCE)
        batch.drop_constraint(op.f("uq_event_meetings_sme_participant_id"), type_="unique")
        batch.drop_constraint(op.f("uq_event_meetings_slot"), type_="unique")
    op.create_index(
        "uq_event_meetings_sme_slot_attending",
        "event_meetings",
        ["sme_participant_id", "slot"],
        unique=True,
        sqlite_where=sa.text(ATTENDING),
        postgresql_where=sa.text(ATTENDING),
    )
    op.create_index(
        "uq_event_meetings_table_slot_attending",
        "event_meetings",
        ["slot", "buyer_participant_id", "table_number"],
        unique=True,
        sqlite_where=sa.text(ATTENDING),
        postgresql_where=sa.text(ATTENDING),
    )


def downgrade() -> None:
    # Rows that gave up their places would break the old constraints: a no-show's row goes.
    op.execute("DELETE FROM event_meetings WHERE attendance IN ('buyer_absent', 'sme_absent')")
    op.execute(
        "UPDATE event_participants SET status = 'rejected' WHERE status IN ('standby', 'walk_in')"
    )
    op.drop_index("uq_event_meetings_table_slot_attending", table_name="event_meetings")
    op.drop_index("uq_event_meetings_sme_slot_attending", table_name="event_meetings")
    with op.batch_alter_table("event_meetings") as batch:
        batch.create_unique_constraint(
            op.f("uq_event_meetings_slot"), ["slot", "buyer_participant_id", "table_number"]
        )
        batch.create_unique_constraint(
            op.f("uq_event_meetings_sme_participant_id"), ["sme_participant_id", "slot"]
        )
        batch.drop_constraint(op.f("ck_event_meetings_attendance"), type_="check")
        batch.drop_column("room_url")
        batch.drop_column("attendance")
    with op.batch_alter_table("event_participants") as batch:
        batch.drop_constraint(op.f("ck_event_participants_status"), type_="check")
        batch.create_check_constraint(op.f("ck_event_participants_status"), OLD_STATUSES)
        batch.drop_constraint(op.f("ck_event_participants_presence"), type_="check")
        batch.drop_column("checked_in_at")
        batch.drop_column("presence")
    with op.batch_alter_table("events") as batch:
        batch.drop_column("checkin_key")
