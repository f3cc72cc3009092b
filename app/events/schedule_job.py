"""A session's schedule solve as a background job (kind ``events.schedule``).

``POST /api/v1/events/{id}/schedule`` (and the console's 运行排程 button) check that the
caller runs the session and that it can be scheduled, then enqueue this job and answer 202;
the job solves (up to :data:`~app.events.scheduling.TIME_LIMIT_S`) and stores the plan in
its own transaction, off the request path. Its ``result`` is what the endpoint used to
answer (:class:`~app.events.schemas.ScheduleRead`). A refusal found while solving (the
session's day has begun) ends the job ``failed`` with the problem in its result.
"""

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from app.auth.principal import Principal
from app.errors import Conflict, ProblemError
from app.events import scheduling, service
from app.messages import tr, word
from app.models import Job
from app.platform import jobs

KIND = "events.schedule"


def check(session: Session, caller: Principal, event_id: int) -> int | None:
    """Refuse at once what the solve would refuse before solving (404, 403, 409: as
    :func:`app.events.scheduling.run` does, which checks again when the job runs); the
    organization that runs the session."""
    event = service.get_managed(session, caller, event_id)
    if event.status not in scheduling.SCHEDULABLE:
        raise Conflict(
            tr(
                "a {status} event cannot be scheduled; open registration first",
                status=word(event.status),
            )
        )
    if any(m.attendance is not None for m in service.meetings(session, event.id)):
        raise Conflict(
            "the session's day has begun (attendance is marked): use the day's re-plan, "
            f"POST /api/v1/events/{event.id}/replan"
        )
    owner: int | None = event.organization_id
    return owner


def enqueue(
    session: Session,
    caller: Principal,
    event_id: int,
    *,
    replan_all: bool,
    requested_by: str,
    console: bool = False,
) -> Job:
    """Check and enqueue a solve of session ``event_id`` (in ``session``'s transaction);
    ``console``: started from the console, whose job page then returns to the session."""
    owner = check(session, caller, event_id)
    data = {
        "event_id": event_id,
        "console": console,
        "replan_all": replan_all,
        "today": dt.date.today().isoformat(),
        "caller": caller.as_record(),
    }
    return jobs.enqueue(
        session,
        KIND,
        data,
        organization_id=owner,
        requested_by=requested_by,
    )


def run(ctx: jobs.JobContext, data: dict[str, Any]) -> dict[str, Any]:
    """Solve and store the schedule (the job's handler)."""
    caller = Principal.from_record(data["caller"])
    ctx.progress(0, 1, "solving")
    with ctx.sessions() as session:
        try:
            result = scheduling.run(
                session,
                caller,
                ctx.resource("matching"),
                int(data["event_id"]),
                replan_all=bool(data["replan_all"]),
                today=dt.date.fromisoformat(data["today"]),
            )
        except ProblemError as exc:
            session.rollback()
            raise jobs.JobFailed(exc.detail, result={"problem": exc.as_record()}) from exc
        session.commit()
    ctx.progress(1, 1, "stored")
    out: dict[str, Any] = result.model_dump(mode="json")
    return out


jobs.register(KIND, run, retries=0)
