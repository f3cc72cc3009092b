"""导入: upload a CSV, XLSX or JSONL file of firms, profiles or needs, see its report, and
download the templates (organizers and admins, as over the API).

The upload runs exactly as ``POST /api/v1/imports/{kind}`` does: the file is spooled and an
import job (:mod:`app.imports.job`) reads, checks and imports it with the viewer's principal;
the browser goes to the job's page (:mod:`app.web.jobs`), which shows its progress and then
the report.
"""

from contextlib import asynccontextmanager
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, Response, UploadFile
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from app.auth.dependencies import get_session
from app.errors import Forbidden, NotFound
from app.imports import job as import_job
from app.imports.columns import ImportKind
from app.imports.templates import CSV_MEDIA_TYPE, XLSX_MEDIA_TYPE, template_csv, template_xlsx
from app.jobs.router import requested_by
from app.models import Job
from app.platform import jobs as platform_jobs
from app.web.pages import (
    CsrfRejected,
    PageRoute,
    Viewer,
    ViewerDep,
    current_viewer,
    redirect,
    render,
    same_origin,
)
from app.web.security import check_token

router = APIRouter(route_class=PageRoute, include_in_schema=False)
KINDS = {"firms": "企业", "profiles": "能力画像", "needs": "需求"}
MODES = {
    "all": "全部或全不：有一行出错则整个文件不导入",
    "partial": "部分导入：导入正确的行，报告出错的行",
    "dry_run": "试运行：只检查，不写入",
}


def _may_import(viewer: Viewer) -> None:
    if not (viewer.principal.is_admin or viewer.principal.is_organizer):
        raise Forbidden("只有组织方和平台管理员可以导入文件")


@router.get("/imports", response_class=HTMLResponse)
def import_form(request: Request, viewer: ViewerDep) -> HTMLResponse:
    """The upload form and the templates."""
    _may_import(viewer)
    return render(
        request,
        "imports.html",
        viewer,
        kinds=KINDS,
        modes=MODES,
        values={"kind": "firms", "mode": "dry_run"},
        report=None,
        error="",
    )


@router.get("/imports/templates/{kind}.{fmt}")
def import_template(viewer: ViewerDep, kind: str, fmt: str) -> Response:
    """A template with Chinese headers, its 说明 and an example row."""
    _may_import(viewer)
    if kind not in KINDS or fmt not in ("csv", "xlsx"):
        raise NotFound("没有这个模板")
    body, media = (
        (template_csv(ImportKind(kind)), CSV_MEDIA_TYPE)
        if fmt == "csv"
        else (template_xlsx(ImportKind(kind)), XLSX_MEDIA_TYPE)
    )
    disposition = f'attachment; filename="xieshou-{kind}-template.{fmt}"'
    return Response(body, media_type=media, headers={"Content-Disposition": disposition})


async def _viewer_before_reading(request: Request) -> Viewer:
    """The viewer, read in a session of its own that ends before the file is read (as the
    API does: reading a large file holds no writer turn)."""
    async with asynccontextmanager(get_session)(request) as session:
        return await run_in_threadpool(current_viewer, request, session)


@router.post("/imports", response_class=HTMLResponse)
async def import_upload(
    request: Request,
    file: Annotated[UploadFile, File()],
    kind: Annotated[str, Form()] = "firms",
    mode: Annotated[str, Form()] = "dry_run",
    csrf: Annotated[str, Form()] = "",
) -> Response:
    """Import the uploaded file in the chosen mode and show the report in Chinese."""
    viewer = await _viewer_before_reading(request)
    if not same_origin(request) or not check_token(viewer.csrf, csrf):
        raise CsrfRejected("表单已过期，请刷新页面后重试")
    _may_import(viewer)
    if kind not in KINDS or mode not in MODES:
        return render(
            request,
            "imports.html",
            viewer,
            status_code=422,
            kinds=KINDS,
            modes=MODES,
            values={"kind": "firms", "mode": "dry_run"},
            report=None,
            error="请选择导入内容和方式",
        )
    import_kind = ImportKind(kind)
    settings = request.app.state.settings
    filename = file.filename or ""
    # The file waits in the spool folder; a background job reads, checks and imports it,
    # and the job's page shows its progress and then the report.
    board = request.app.state.jobs.board
    spooled = await run_in_threadpool(import_job.spool, settings, file.file, filename, board)
    data = import_job.payload(
        viewer.principal,
        import_kind,
        spooled,
        filename,
        dry_run=mode == "dry_run",
        partial=mode == "partial",
        console=True,
    )
    try:
        async with asynccontextmanager(get_session)(request) as session:
            job = await run_in_threadpool(_enqueue, session, viewer, data)
    except BaseException:
        await run_in_threadpool(import_job.unspool, settings, spooled, board)
        raise
    return redirect(f"/jobs/{job.id}")


def _enqueue(session: Session, viewer: Viewer, data: dict[str, Any]) -> Job:
    return platform_jobs.enqueue(
        session,
        import_job.KIND,
        data,
        organization_id=viewer.principal.organization_id,
        requested_by=requested_by(viewer.principal),
    )
