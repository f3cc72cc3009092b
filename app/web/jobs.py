"""任务: the viewer's background jobs (imports, schedule solves, training …), one job's
progress, result and a cancel button. A running job's page refreshes itself every two
seconds (a meta refresh: no script needed).

The same rules as ``/api/v1/jobs``: a viewer sees its own organization's jobs, admins all.
"""

from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse
from sqlalchemy import select

from app.auth.dependencies import SessionDep
from app.errors import NotFound
from app.fields import IdParam
from app.jobs.router import visible_job
from app.jobs.schemas import JobRead
from app.models import Job
from app.platform import jobs
from app.web.pages import FormViewerDep, PageRoute, ViewerDep, redirect, render

router = APIRouter(route_class=PageRoute, include_in_schema=False)
SHOWN = 50
#: What each kind of job is called on the page.
KIND_NAMES = {
    "import": "导入",
    "events.schedule": "洽谈排程",
    "learning.train": "训练重排模型",
    "matches.rebuild": "重建匹配索引",
}
STATUS_NAMES = {
    "queued": "排队中",
    "running": "运行中",
    "succeeded": "已完成",
    "failed": "失败",
    "cancelled": "已取消",
}
#: Where a finished job's work can be seen, by kind (from its payload).
TARGETS = {"events.schedule": lambda p: f"/events/{p.get('event_id')}?done=scheduled#grid"}
IMPORT_KINDS = {"firms": "企业", "profiles": "能力画像", "needs": "需求"}


def _names() -> dict[str, Any]:
    return {"kind_names": KIND_NAMES, "status_names": STATUS_NAMES}


@router.get("/jobs", response_class=HTMLResponse)
def job_list(request: Request, session: SessionDep, viewer: ViewerDep) -> HTMLResponse:
    """The viewer's latest jobs."""
    query = select(Job).order_by(Job.id.desc()).limit(SHOWN)
    if not viewer.principal.is_admin:
        query = query.where(Job.organization_id == viewer.principal.organization_id)
    rows = [JobRead.of(j, jobs.live(session, j)) for j in session.scalars(query)]
    running = any(j.status in ("queued", "running") for j in rows)
    return render(request, "jobs.html", viewer, jobs=rows, refresh=running, **_names())


@router.get("/jobs/{job_id:int}", response_class=HTMLResponse)
def job_page(
    request: Request, session: SessionDep, viewer: ViewerDep, job_id: IdParam
) -> HTMLResponse:
    """One job: where it stands, its progress, what came of it."""
    try:
        row = visible_job(session, viewer.principal, job_id)
    except NotFound:
        raise NotFound("没有这个任务") from None
    job = JobRead.of(row, jobs.live(session, row))
    result = job.result or {}
    target = TARGETS.get(job.kind)
    return render(
        request,
        "job.html",
        viewer,
        job=job,
        payload=row.payload or {},
        result=result,
        problem=result.get("problem"),
        refresh=job.status in ("queued", "running"),
        percent=(int(100 * job.progress.done / job.progress.total) if job.progress.total else None),
        target=target(row.payload or {}) if target else None,
        # Started from a page that shows the outcome: back there once it is done.
        back=bool((row.payload or {}).get("console")) and job.status == "succeeded",
        import_kinds=IMPORT_KINDS,
        **_names(),
    )


@router.post("/jobs/{job_id:int}/cancel")
def job_cancel(session: SessionDep, viewer: FormViewerDep, job_id: IdParam) -> Response:
    """Ask the job to stop (a finished one is left as it is)."""
    try:
        row = visible_job(session, viewer.principal, job_id)
    except NotFound:
        raise NotFound("没有这个任务") from None
    if not row.finished:
        jobs.cancel(session, row)
    return redirect(f"/jobs/{job_id}")
