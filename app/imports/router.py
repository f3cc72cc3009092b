"""HTTP routes for bulk imports and their templates (organizers and admins)."""

import logging
import time
from collections.abc import Callable
from contextlib import asynccontextmanager
from typing import Annotated, Literal

import anyio.from_thread
from fastapi import APIRouter, Depends, File, Query, Request, UploadFile
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from app.auth.dependencies import CallerDep, get_principal, get_session
from app.auth.principal import Principal
from app.errors import (
    PROBLEM_JSON,
    Forbidden,
    NotFound,
    language_headers,
    language_of,
    problem_body,
    problem_responses,
)
from app.imports import jobs
from app.imports.columns import ImportKind
from app.imports.schemas import ImportSummary
from app.imports.staging import ClientGone, stage
from app.imports.templates import CSV_MEDIA_TYPE, XLSX_MEDIA_TYPE, template_csv, template_xlsx
from app.messages import tr

log = logging.getLogger("xieshou")

#: Seconds between two checks, while an import runs, that its client is still connected.
CLIENT_CHECK_S = 0.5

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


def _client_gone(request: Request) -> Callable[[], bool]:
    """A check, for the import's worker thread, that the client has disconnected."""
    last = time.monotonic()

    def gone() -> bool:
        nonlocal last
        if time.monotonic() - last < CLIENT_CHECK_S:
            return False
        last = time.monotonic()
        return anyio.from_thread.run(request.is_disconnected)

    return gone


@router.post(
    "/{kind}",
    response_model=ImportSummary,
    responses={
        200: {"content": {"text/csv": {}}},
        **problem_responses(413, 422),
    },
    summary="批量导入企业、能力画像或需求",
    description=(
        "上传 CSV（UTF-8 或 GBK）、XLSX 或 JSONL 文件。默认全有或全无：任何一行有误就不保存并返回"
        " 422 及逐行报告；partial=true 时保存正确的行并报告错误行；dry_run=true 只校验不保存；rep"
        "ort=csv 以 CSV 返回逐行报告。只有组织方和管理员可导入；组织方导入的企业由其管理。"
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
    gone = _client_gone(request)
    try:
        # The whole file is read and checked before the writing session (and on SQLite the
        # writer turn) is taken: a hostile or slow file holds up no other writer.
        staged = await run_in_threadpool(stage, file.file, file.filename or "", kind, stop=gone)
        with staged:
            async with asynccontextmanager(get_session)(request) as session:
                result = await run_in_threadpool(
                    jobs.run_records,
                    session,
                    kind,
                    staged.read(stop=gone),
                    caller=caller,
                    dry_run=dry_run,
                    partial=partial,
                )
    except ClientGone:
        log.info("import of %s stopped: the client went away", kind.value)
        return Response(status_code=499)  # nginx's "client closed request"; nobody reads it
    failed = not result.written and not dry_run
    status = 422 if failed else 200
    if report == "csv":
        return Response(result.to_csv(), status_code=status, media_type=CSV_MEDIA_TYPE)
    summary = ImportSummary.of(result, with_csv=report == "inline").model_dump()
    if not failed:
        return JSONResponse(summary)
    detail = tr("{count} row(s) rejected; nothing was imported", count=result.rejected)
    problem = problem_body(request, 422, detail)
    return JSONResponse(
        problem | summary,
        status_code=422,
        media_type=PROBLEM_JSON,
        headers=language_headers(language_of(request)),
    )
