"""HTTP routes for bulk imports and their templates (organizers and admins)."""

import logging
from contextlib import asynccontextmanager
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Query, Request, UploadFile
from fastapi.responses import Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from app.auth.dependencies import CallerDep, SessionDep, get_principal, get_session
from app.auth.principal import Principal
from app.errors import Forbidden, NotFound, problem_responses
from app.fields import IdParam
from app.imports import job as import_job
from app.imports.columns import ImportKind
from app.imports.templates import CSV_MEDIA_TYPE, XLSX_MEDIA_TYPE, template_csv, template_xlsx
from app.jobs.router import ACCEPTED, accepted, requested_by, visible_job
from app.jobs.schemas import JobRead
from app.messages import tr
from app.models import Job
from app.platform import jobs as platform_jobs

log = logging.getLogger("xieshou")

router = APIRouter(prefix="/imports", tags=["imports"], responses=problem_responses(401, 403))


@router.get(
    "/templates/{name}",
    responses={
        200: {"content": {CSV_MEDIA_TYPE: {}, XLSX_MEDIA_TYPE: {}}},
        **problem_responses(404),
    },
    summary="下载导入模板",
    description=(
        "下载企业、能力画像或需求的导入模板（CSV 或 XLSX），含列说明和示例行。组织方和管理员可下"
        "载。只读。"
    ),
)
def template(name: str, caller: CallerDep) -> Response:
    kind_name, _, fmt = name.rpartition(".")
    if kind_name not in ImportKind.__members__ or fmt not in ("csv", "xlsx"):
        raise NotFound(
            tr("no template {name}; try firms.csv, profiles.xlsx, needs.csv …", name=name)
        )
    kind = ImportKind(kind_name)
    if fmt == "csv":
        body, media = template_csv(kind), CSV_MEDIA_TYPE
    else:
        body, media = template_xlsx(kind), XLSX_MEDIA_TYPE
    disposition = f'attachment; filename="xieshou-{kind.value}-template.{fmt}"'
    return Response(body, media_type=media, headers={"Content-Disposition": disposition})


async def _caller_before_reading(request: Request) -> Principal:
    """The caller, authenticated in a session of its own that ends before the file is read.

    ``CallerDep`` would keep the request's session, and with it SQLite's one writer turn,
    until the route returns; an import takes its writing session only once its file is
    read and checked.
    """
    async with asynccontextmanager(get_session)(request) as session:
        return await get_principal(request, session)


def _enqueue(session: Session, caller: Principal, data: dict[str, Any]) -> Job:
    return platform_jobs.enqueue(
        session,
        import_job.KIND,
        data,
        organization_id=caller.organization_id,
        requested_by=requested_by(caller),
    )


@router.post(
    "/{kind}",
    status_code=202,
    response_model=JobRead,
    responses={**ACCEPTED, **problem_responses(413, 422)},
    summary="批量导入企业、能力画像或需求（后台任务）",
    description=(
        "上传 CSV（UTF-8 或 GBK）、XLSX 或 JSONL 文件，返回 202 及后台任务（Location 指向 "
        "/api/v1/jobs/{id}），任务的 result 是导入报告。默认全有或全无：任何一行有误就不保存，任务"
        "以 failed 结束，result 含逐行报告；partial=true 时保存正确的行并报告错误行；dry_run=true "
        "只校验不保存；report=csv 或 inline 时另存逐行 CSV 报告（report=csv 的从 result.report_url "
        "下载）。文件无法读取时任务以 failed 结束，result.problem 说明原因。运行中可取消："
        "全有或全无的导入不留下任何数据。只有组织方和管理员可导入；组织方导入的企业由其管理。"
    ),
)
async def import_file(
    kind: ImportKind,
    request: Request,
    file: Annotated[UploadFile, File(description="CSV (UTF-8/GBK), XLSX or JSONL")],
    caller: Annotated[Principal, Depends(_caller_before_reading)],
    dry_run: Annotated[bool, Query()] = False,
    partial: Annotated[bool, Query()] = False,
    report: Annotated[Literal["json", "csv", "inline"], Query()] = "json",
) -> Response:
    if not (caller.is_admin or caller.is_organizer):
        raise Forbidden(tr("only organizers and admins import files"))
    settings = request.app.state.settings
    filename = file.filename or ""
    # The file waits in the spool folder; the job reads, checks and imports it.
    board = request.app.state.jobs.board
    spooled = await run_in_threadpool(import_job.spool, settings, file.file, filename, board)
    data = import_job.payload(
        caller, kind, spooled, filename, dry_run=dry_run, partial=partial, report=report
    )
    try:
        async with asynccontextmanager(get_session)(request) as session:
            job = await run_in_threadpool(_enqueue, session, caller, data)
    except BaseException:
        await run_in_threadpool(import_job.unspool, settings, spooled, board)
        raise
    log.info("import of %s queued as job %s", kind.value, job.id)
    return accepted(job)


@router.get(
    "/jobs/{job_id:int}/report",
    responses={200: {"content": {CSV_MEDIA_TYPE: {}}}, **problem_responses(404)},
    summary="下载导入任务的逐行报告（CSV）",
    description=(
        "以 report=csv 或 report=inline 上传的导入任务结束后，下载其逐行报告（CSV，中文表头，带 "
        "BOM）。调用方所属组织的任务及管理员可下载。只读。"
    ),
)
def import_report(job_id: IdParam, session: SessionDep, caller: CallerDep) -> Response:
    job = visible_job(session, caller, job_id)
    result = (job.result or {}) if job.kind == import_job.KIND else {}
    text = result.get("report_csv")
    if not text:
        raise NotFound(tr("job {id} has no import report", id=job_id))
    return Response("\ufeff" + text, media_type=CSV_MEDIA_TYPE)
