"""HTTP routes for campaigns and their report (thin: parse, call, shape)."""

import datetime as dt
from enum import StrEnum
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response, status

from app.auth.dependencies import CallerDep, SessionDep
from app.campaigns import exports, report, report_job, service
from app.campaigns.firms import FirmSort, firm_list
from app.campaigns.schemas import (
    CampaignCreate,
    CampaignRead,
    CampaignReport,
    CampaignUpdate,
    FirmRow,
)
from app.deals.router import term_limit
from app.errors import problem_responses
from app.fields import IdParam
from app.jobs.router import ACCEPTED, accepted, requested_by
from app.jobs.schemas import JobRead
from app.models import Organization, OrganizationKind
from app.pagination import Page, WholePageDep, page_of
from app.spreadsheets import CSV_TYPE, XLSX_TYPE, content_disposition
from app.versioning import IfMatch, expected_version, set_etag

router = APIRouter(
    prefix="/campaigns", tags=["campaigns"], responses=problem_responses(401, 403, 422)
)


class ReportFormat(StrEnum):
    """How the report comes back."""

    json = "json"
    xlsx = "xlsx"
    csv = "csv"


SheetKey = StrEnum("SheetKey", {k: k for k in exports.sheet_keys()})  # type: ignore[misc]


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="创建活动（如百场万企）",
    description=(
        "创建一个对接活动：名称、期间、可选的产业链和地区，以及场次、企业数、意向数、签约额目标。"
        "组织方为本组织创建；管理员须指定组织方 organization_id。响应带 ETag 和 Location。"
    ),
)
def create_campaign(
    body: CampaignCreate, session: SessionDep, caller: CallerDep, response: Response
) -> CampaignRead:
    campaign = service.create(session, caller, body)
    response.headers["Location"] = f"/api/v1/campaigns/{campaign.id}"
    set_etag(response, campaign.version)
    return service.to_read(session, campaign)


@router.get(
    "",
    summary="查询活动列表",
    description="分页返回调用方组织方的活动；管理员看全部。只有组织方和管理员可调用。只读。",
)
def list_campaigns(
    session: SessionDep, caller: CallerDep, paging: WholePageDep
) -> Page[CampaignRead]:
    campaigns = service.list_campaigns(session, caller)
    return page_of([service.to_read(session, c) for c in campaigns], paging)


@router.get(
    "/{campaign_id:int}",
    responses=problem_responses(404),
    summary="查看活动",
    description="返回活动的资料、目标和计入的洽谈会。只有其组织方和管理员可查看。响应带 ETag。只读。",
)
def read_campaign(
    campaign_id: IdParam, session: SessionDep, caller: CallerDep, response: Response
) -> CampaignRead:
    campaign = service.get(session, caller, campaign_id)
    set_etag(response, campaign.version)
    return service.to_read(session, campaign)


@router.patch(
    "/{campaign_id:int}",
    responses=problem_responses(404, 412, 428),
    summary="修改活动或其目标",
    description="修改活动的名称、期间、产业链、地区或目标。只有其组织方和管理员可改，必须带 If-Match。",
)
def update_campaign(
    campaign_id: IdParam,
    body: CampaignUpdate,
    session: SessionDep,
    caller: CallerDep,
    response: Response,
    if_match: IfMatch = None,
) -> CampaignRead:
    version = expected_version(if_match, required=True)
    campaign = service.update(session, caller, campaign_id, body, version)
    set_etag(response, campaign.version)
    return service.to_read(session, campaign)


@router.delete(
    "/{campaign_id:int}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(404, 412),
    summary="删除活动",
    description="删除活动；计入的洽谈会保留。只有其组织方和管理员可删，可带 If-Match。",
)
def delete_campaign(
    campaign_id: IdParam, session: SessionDep, caller: CallerDep, if_match: IfMatch = None
) -> None:
    service.delete_campaign(
        session, caller, campaign_id, expected_version(if_match, required=False)
    )


@router.put(
    "/{campaign_id:int}/events/{event_id:int}",
    responses=problem_responses(404, 409),
    summary="把洽谈会计入活动",
    description="把组织方自己的一场洽谈会计入活动的统计。只有活动的组织方和管理员可调用。",
)
def add_event(
    campaign_id: IdParam, event_id: IdParam, session: SessionDep, caller: CallerDep
) -> CampaignRead:
    return service.to_read(session, service.add_event(session, caller, campaign_id, event_id))


@router.delete(
    "/{campaign_id:int}/events/{event_id:int}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(404),
    summary="不再把洽谈会计入活动",
    description="从活动中移除一场洽谈会（洽谈会本身不变）。只有活动的组织方和管理员可调用。",
)
def remove_event(
    campaign_id: IdParam, event_id: IdParam, session: SessionDep, caller: CallerDep
) -> None:
    service.remove_event(session, caller, campaign_id, event_id)


@router.get(
    "/{campaign_id:int}/report",
    responses=problem_responses(404),
    response_model=CampaignReport,
    summary="活动成效报表",
    description=(
        "活动在一个期间的成效：场次、参会企业、洽谈、意向、交易与签约，对照目标，"
        "按产业链环节、地区和梯度细分。格式 JSON、XLSX（每个细分一张表）或 CSV（一张表）。"
        "只有其组织方和管理员可调用。只读。\n\n" + (report.__doc__ or "")
    ),
)
def campaign_report(
    campaign_id: IdParam,
    request: Request,
    session: SessionDep,
    caller: CallerDep,
    period_from: Annotated[dt.date | None, Query(alias="from")] = None,
    period_to: Annotated[dt.date | None, Query(alias="to")] = None,
    format: ReportFormat = ReportFormat.json,
    sheet: Annotated[SheetKey | None, Query(description="CSV: which sheet")] = None,
) -> CampaignReport | Response:
    built = report.build(
        session,
        caller,
        campaign_id,
        period_from=period_from,
        period_to=period_to,
        limit=term_limit(request),
        today=dt.date.today(),
    )
    if format is ReportFormat.json:
        return built
    return file_response(session, built, format, sheet.value if sheet else "overview")


@router.post(
    "/{campaign_id:int}/report/jobs",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=JobRead,
    responses={**ACCEPTED, **problem_responses(404)},
    summary="活动成效报表（后台任务）",
    description=(
        "与 GET …/report 相同的报表，在后台统计：返回 202 及后台任务（Location 指向 "
        "/api/v1/jobs/{id}），任务的 result 即 JSON 报表。活动的场次和洽谈很多时用它。"
    ),
)
def campaign_report_job(
    campaign_id: IdParam,
    request: Request,
    session: SessionDep,
    caller: CallerDep,
    period_from: Annotated[dt.date | None, Query(alias="from")] = None,
    period_to: Annotated[dt.date | None, Query(alias="to")] = None,
) -> Response:
    job = report_job.enqueue(
        session,
        caller,
        campaign_id,
        period_from=period_from,
        period_to=period_to,
        limit=term_limit(request),
        requested_by=requested_by(caller),
    )
    return accepted(job)


def file_response(
    session: SessionDep, built: CampaignReport, format: ReportFormat, sheet: str
) -> Response:
    """The report as a download (XLSX, or one sheet as CSV), named in Chinese."""
    stem = f"{built.campaign.name}-对接成效-{built.period_from:%Y%m%d}-{built.period_to:%Y%m%d}"
    fallback = f"campaign-{built.campaign.id}-report"
    if format is ReportFormat.xlsx:
        org = session.get(Organization, built.campaign.organization_id)
        content = exports.xlsx_bytes(
            built, organizer=org.name if org else "", today=dt.date.today()
        )
        media, name, ascii_name = XLSX_TYPE, f"{stem}.xlsx", f"{fallback}.xlsx"
    else:
        content = exports.csv_bytes(built, sheet)
        media, name, ascii_name = CSV_TYPE, f"{stem}-{sheet}.csv", f"{fallback}-{sheet}.csv"
    return Response(
        content,
        media_type=media,
        headers={
            "Content-Disposition": content_disposition(name, ascii_name),
            "Cache-Control": "no-store",
        },
    )


@router.get(
    "/{campaign_id:int}/firms",
    responses=problem_responses(404),
    summary="活动参会企业及其缺席记录",
    description=(
        "分页返回活动各洽谈会的参会企业和缺席次数，可按缺席次数筛选和排序，作为下一次邀请名单。"
        "只有活动的组织方和管理员可调用。只读。"
    ),
)
def campaign_firms(
    campaign_id: IdParam,
    session: SessionDep,
    caller: CallerDep,
    paging: WholePageDep,
    sort: FirmSort = FirmSort.no_shows,
    max_no_shows: Annotated[int | None, Query(ge=0, le=1000)] = None,
    kind: OrganizationKind | None = None,
) -> Page[FirmRow]:
    rows = firm_list(
        session,
        caller,
        campaign_id,
        today=dt.date.today(),
        sort=sort,
        max_no_shows=max_no_shows,
        kind=kind,
    )
    return page_of(rows, paging)
