"""A campaign's report as a background job (kind ``campaigns.report``).

``POST /api/v1/campaigns/{id}/report/jobs`` checks at once that the caller may read the
campaign (404/403 as ``GET …/report``), enqueues this job and answers 202: at 80,000
meetings the report takes seconds to count, which a request would spend holding a
connection. The job's ``result`` is what ``GET …/report`` answers (JSON).
"""

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from app.auth.principal import Principal
from app.campaigns import report, service
from app.errors import ProblemError
from app.models import Job
from app.platform import jobs

KIND = "campaigns.report"


def enqueue(
    session: Session,
    caller: Principal,
    campaign_id: int,
    *,
    period_from: dt.date | None,
    period_to: dt.date | None,
    limit: int,
    requested_by: str,
) -> Job:
    """Check and enqueue the report of campaign ``campaign_id`` (in ``session``'s
    transaction)."""
    campaign = service.get(session, caller, campaign_id)
    data = {
        "campaign_id": campaign.id,
        "from": period_from.isoformat() if period_from else None,
        "to": period_to.isoformat() if period_to else None,
        "limit": limit,
        "today": dt.date.today().isoformat(),
        "caller": caller.as_record(),
    }
    return jobs.enqueue(
        session, KIND, data, organization_id=campaign.organization_id, requested_by=requested_by
    )


def _day(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def run(ctx: jobs.JobContext, data: dict[str, Any]) -> dict[str, Any]:
    """Count the report (the job's handler)."""
    caller = Principal.from_record(data["caller"])
    ctx.progress(0, 1, "counting")
    with ctx.sessions() as session:
        try:
            built = report.build(
                session,
                caller,
                int(data["campaign_id"]),
                period_from=_day(data["from"]),
                period_to=_day(data["to"]),
                limit=int(data["limit"]),
                today=dt.date.fromisoformat(data["today"]),
            )
        except ProblemError as exc:
            raise jobs.JobFailed(exc.detail, result={"problem": exc.as_record()}) from exc
    ctx.progress(1, 1, "counted")
    out: dict[str, Any] = built.model_dump(mode="json")
    return out


jobs.register(KIND, run, retries=1)
