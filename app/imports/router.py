"""HTTP routes for bulk imports and their templates (organizers and admins)."""

from typing import Annotated, Literal

from fastapi import APIRouter, File, Query, Request, UploadFile
from fastapi.responses import JSONResponse, Response

from app.auth.dependencies import CallerDep, SessionDep
from app.errors import PROBLEM_JSON, Forbidden, NotFound, problem_responses
from app.imports import jobs
from app.imports.columns import ImportKind
from app.imports.schemas import ImportSummary
from app.imports.templates import CSV_MEDIA_TYPE, XLSX_MEDIA_TYPE, template_csv, template_xlsx

router = APIRouter(prefix="/imports", tags=["imports"], responses=problem_responses(401, 403))


@router.get(
    "/templates/{name}",
    responses={
        200: {"content": {CSV_MEDIA_TYPE: {}, XLSX_MEDIA_TYPE: {}}},
        **problem_responses(404),
    },
    summary="Download an import template: firms|profiles|needs, .csv or .xlsx",
)
def template(name: str, caller: CallerDep) -> Response:
    kind_name, _, fmt = name.rpartition(".")
    if kind_name not in ImportKind.__members__ or fmt not in ("csv", "xlsx"):
        raise NotFound(f"no template {name}; try firms.csv, profiles.xlsx, needs.csv …")
    kind = ImportKind(kind_name)
    if fmt == "csv":
        body, media = template_csv(kind), CSV_MEDIA_TYPE
    else:
        body, media = template_xlsx(kind), XLSX_MEDIA_TYPE
    disposition = f'attachment; filename="xieshou-{kind.value}-template.{fmt}"'
    return Response(body, media_type=media, headers={"Content-Disposition": disposition})


@router.post(
    "/{kind}",
    response_model=ImportSummary,
    responses={
        200: {"content": {"text/csv": {}}},
        **problem_responses(413, 422),
    },
    summary="Import a CSV, XLSX or JSONL file of firms, profiles or needs",
    description=(
        "All-or-nothing by default: when any row is bad nothing is stored and the answer is "
        "422 with the summary. With `partial=true` good rows are stored in batches and bad "
        "ones reported. `dry_run=true` validates only. `report=csv` answers with the full "
        "per-row report (row, key, outcome, field, reason) instead of JSON; `report=inline` "
        "adds it to the JSON as `report_csv`. Firms imported by an organizer are registered "
        "by the organizer, and organizers update only firms they registered."
    ),
)
def import_file(
    kind: ImportKind,
    request: Request,
    file: Annotated[UploadFile, File(description="CSV (UTF-8/GBK), XLSX or JSONL")],
    session: SessionDep,
    caller: CallerDep,
    dry_run: Annotated[bool, Query()] = False,
    partial: Annotated[bool, Query()] = False,
    report: Annotated[Literal["json", "csv", "inline"], Query()] = "json",
) -> Response:
    if not (caller.is_admin or caller.is_organizer):
        raise Forbidden("only organizers and admins import files")
    result = jobs.run_file(
        session,
        kind,
        file.file,
        file.filename or "",
        caller=caller,
        dry_run=dry_run,
        partial=partial,
    )
    failed = not result.written and not dry_run
    status = 422 if failed else 200
    if report == "csv":
        return Response(result.to_csv(), status_code=status, media_type=CSV_MEDIA_TYPE)
    summary = ImportSummary.of(result, with_csv=report == "inline").model_dump()
    if not failed:
        return JSONResponse(summary)
    problem = {
        "type": "about:blank",
        "title": "Unprocessable Content",
        "status": 422,
        "detail": f"{result.rejected} row(s) rejected; nothing was imported",
        "instance": request.url.path,
    }
    return JSONResponse(problem | summary, status_code=422, media_type=PROBLEM_JSON)
