"""Response bodies of the job endpoints."""

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from app.models.job import Job


class JobProgress(BaseModel):
    """How far a job is: ``done`` of ``total`` (unknown while ``null``) and what it does now."""

    done: int = Field(examples=[2000])
    total: int | None = Field(default=None, examples=[10000])
    note: str | None = Field(default=None, examples=["rows checked"])


class JobRead(BaseModel):
    """One background job: what it does, where it stands and what came of it."""

    id: int
    kind: str = Field(examples=["import"])
    status: Literal["queued", "running", "succeeded", "failed", "cancelled"]
    progress: JobProgress
    result: dict[str, Any] | None = Field(
        default=None, description="what the work answered (e.g. an import's summary), once done"
    )
    error: str | None = Field(default=None, description="why the last attempt failed")
    attempts: int
    cancel_requested: bool
    organization_id: int | None
    requested_by: str | None = Field(default=None, examples=["key:3"])
    request_id: str | None = Field(default=None, description="the request that asked for it")
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    heartbeat_at: datetime | None = Field(
        default=None,
        description="a running job's lease: when its consumer last said it is alive (renewed "
        "every quarter of XIESHOU_JOBS_LEASE_S; past the lease the job is taken up again)",
    )
    url: str = Field(examples=["/api/v1/jobs/7"])

    @classmethod
    def of(cls, job: Job, live: dict[str, Any] | None = None) -> "JobRead":
        """The API's view of ``job``; ``live``: a running job's progress and cancel flag as
        noted in the queue's store (:func:`app.platform.jobs.live`), newer than its row."""
        live = live or {}
        progress = live.get("progress") or {
            "done": job.progress_done,
            "total": job.progress_total,
            "note": job.progress_note,
        }
        return cls(
            id=job.id,
            kind=job.kind,
            status=job.status,
            progress=JobProgress(**progress),
            result=job.result,
            error=job.error,
            attempts=job.attempts,
            cancel_requested=bool(live.get("cancel_requested", job.cancel_requested)),
            organization_id=job.organization_id,
            requested_by=job.requested_by,
            request_id=job.request_id,
            created_at=job.created_at,
            started_at=job.started_at,
            finished_at=job.finished_at,
            heartbeat_at=live.get("heartbeat_at", job.heartbeat_at),
            url=f"/api/v1/jobs/{job.id}",
        )
