"""Jobs: long work (imports, schedule solves, training, rebuilds) done off the request path."""

import datetime as dt
from enum import StrEnum
from typing import Any

from sqlalchemy import Boolean, CheckConstraint, Index, Integer, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, JSONType, UTCDateTime, utcnow


class JobStatus(StrEnum):
    """Where a job stands: ``queued`` (waiting for a worker, also between retries),
    ``running``, and the three ends ``succeeded``, ``failed`` and ``cancelled``."""

    queued = "queued"
    running = "running"
    succeeded = "succeeded"
    failed = "failed"
    cancelled = "cancelled"


#: The statuses a job does not leave.
FINISHED = frozenset({JobStatus.succeeded, JobStatus.failed, JobStatus.cancelled})


class Job(Base):
    """One piece of background work: what it is (``kind`` and ``payload``), who asked for it,
    where it stands and what came of it (``result`` or ``error``).

    The row is written in the transaction of the request that asked for the work; the job
    queue (huey) only carries its id.
    """

    __tablename__ = "jobs"
    __table_args__ = (
        CheckConstraint(
            f"status IN ({', '.join(repr(s.value) for s in JobStatus)})", name="status"
        ),
        Index("ix_jobs_organization_id_created_at", "organization_id", "created_at"),
        Index("ix_jobs_status", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default=JobStatus.queued.value)
    payload: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    progress_done: Mapped[int] = mapped_column(Integer, default=0)
    progress_total: Mapped[int | None] = mapped_column(Integer)
    progress_note: Mapped[str | None] = mapped_column(String(500))
    result: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    error: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    #: Whose job it is: callers of this organization (and admins) may read and cancel it.
    #: No foreign key: a job's record outlives what it worked on.
    organization_id: Mapped[int | None] = mapped_column(Integer)
    #: Who asked: ``key:<id>``, ``user:<id>`` or ``cli``.
    requested_by: Mapped[str | None] = mapped_column(String(64))
    #: The request that asked for it; the job's log lines carry it.
    request_id: Mapped[str | None] = mapped_column(String(128))
    cancel_requested: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    started_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    #: The running job's lease: its consumer writes it every few seconds; a running job whose
    #: heartbeat is older than ``XIESHOU_JOBS_LEASE_S`` lost its consumer and is taken up again.
    heartbeat_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    @property
    def finished(self) -> bool:
        """Whether the job has ended (succeeded, failed or cancelled)."""
        return self.status in FINISHED
