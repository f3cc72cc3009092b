"""HTTP routes for background jobs: read one, list, cancel (and the 202 answer that starts one)."""

from typing import Annotated, Any

from fastapi import APIRouter, Query, status
from fastapi.responses import JSONResponse
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.auth.dependencies import CallerDep, SessionDep
from app.auth.principal import Principal
from app.errors import Conflict, NotFound, problem_responses
from app.fields import IdParam
from app.jobs.schemas import JobRead
from app.messages import tr
from app.models.job import Job, JobStatus
from app.pagination import Page, PageDep
from app.platform import jobs

router = APIRouter(prefix="/jobs", tags=["jobs"], responses=problem_responses(401, 404, 422))


def requested_by(caller: Principal) -> str:
    """How a job names who asked for it: ``key:<id>`` or ``user:<id>``."""
    return f"user:{caller.user_id}" if caller.user_id is not None else f"key:{caller.key_id}"


def may_see(caller: Principal, job: Job) -> bool:
    """Admins see every job; others the jobs of their own organization."""
    if caller.is_admin:
        return True
    return caller.organization_id is not None and caller.organization_id == job.organization_id


def visible_job(session: Session, caller: Principal, job_id: int) -> Job:
    """Job ``job_id`` if the caller may see it, else :class:`NotFound` (404)."""
    job = session.get(Job, job_id)
    if job is None or not may_see(caller, job):
        raise NotFound(tr("job {id} not found", id=job_id))
    return job


def accepted(job: Job) -> JSONResponse:
    """The answer of an endpoint that started ``job``: 202, the job, and its Location."""
    body = JobRead.of(job).model_dump(mode="json")
    return JSONResponse(
        body, status_code=status.HTTP_202_ACCEPTED, headers={"Location": body["url"]}
    )


#: The OpenAPI description of a 202 answer with a job.
ACCEPTED: dict[int | str, dict[str, Any]] = {
    202: {
        "model": JobRead,
        "description": "已排入后台任务；Location 指向任务（GET 查看进度与结果）",
        "headers": {"Location": {"schema": {"type": "string"}, "description": "the job"}},
    }
}


@router.get(
    "",
    summary="查询后台任务列表",
    description=(
        "分页返回调用方所属组织的后台任务（管理员看全部），新的在前；可按状态和种类筛选。只读。"
    ),
)
def list_jobs(
    session: SessionDep,
    caller: CallerDep,
    paging: PageDep,
    status_: Annotated[JobStatus | None, Query(alias="status")] = None,
    kind: Annotated[str | None, Query(max_length=64)] = None,
) -> Page[JobRead]:
    query = select(Job)
    if not caller.is_admin:
        query = query.where(Job.organization_id == caller.organization_id)
    if status_ is not None:
        query = query.where(Job.status == status_.value)
    if kind is not None:
        query = query.where(Job.kind == kind)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(
        query.order_by(Job.id.desc()).offset(paging.offset).limit(paging.page_size)
    ).all()
    return Page(
        items=[JobRead.of(j, jobs.live(session, j)) for j in rows],
        total=total,
        page=paging.page,
        page_size=paging.page_size,
    )


@router.get(
    "/{job_id:int}",
    summary="查看一个后台任务",
    description=(
        "任务的状态（queued 排队、running 运行、succeeded 成功、failed 失败、cancelled 已取消）、"
        "进度、结果或错误。调用方所属组织的任务及管理员可看。只读。"
    ),
)
def read_job(job_id: IdParam, session: SessionDep, caller: CallerDep) -> JobRead:
    job = visible_job(session, caller, job_id)
    return JobRead.of(job, jobs.live(session, job))


@router.post(
    "/{job_id:int}/cancel",
    status_code=status.HTTP_202_ACCEPTED,
    responses=problem_responses(409),
    summary="取消一个后台任务",
    description=(
        "排队中的任务立即取消；运行中的任务在下一个检查点停止（全有或全无的导入不留下任何数据）。"
        "已结束的任务返回 409。调用方所属组织的任务及管理员可取消。"
    ),
)
def cancel_job(job_id: IdParam, session: SessionDep, caller: CallerDep) -> JobRead:
    job = visible_job(session, caller, job_id)
    if job.finished:
        raise Conflict(tr("job {id} has already finished", id=job_id))
    jobs.cancel(session, job)
    return JobRead.of(job, jobs.live(session, job))
