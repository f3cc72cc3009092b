"""HTTP routes for campaigns and their report (thin: parse, call, shape)."""

import datetime as dt
from enum import StrEnum
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response, status

from app.auth.dependencies import CallerDep, SessionDep
from app.campaigns import exports, report, service
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
from app.events.exports import CSV_TYPE, XLSX_TYPE, content_disposition
from app.fields import IdParam
from app.models import Organization, OrganizationKind
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


@router.post("", status_code=status.HTTP_201_CREATED, summary="Create a campaign (organizers)")
def create_campaign(
    body: CampaignCreate, session: SessionDep, caller: CallerDep, response: Response
) -> CampaignRead:
    campaign = service.create(session, caller, body)
    response.headers["Location"] = f"/api/v1/campaigns/{campaign.id}"
    set_etag(response, campaign.version)
    return service.to_read(session, campaign)


@router.get("", summary="Your campaigns (organizers; admins all)")
def list_campaigns(session: SessionDep, caller: CallerDep) -> list[CampaignRead]:
    return [service.to_read(session, c) for c in service.list_campaigns(session, caller)]


@router.get("/{campaign_id:int}", responses=problem_responses(404), summary="Read a campaign")
def read_campaign(
    campaign_id: IdParam, session: SessionDep, caller: CallerDep, response: Response
) -> CampaignRead:
    campaign = service.get(session, caller, campaign_id)
    set_etag(response, campaign.version)
    return service.to_read(session, campaign)


@router.patch(
    "/{campaign_id:int}",
    responses=problem_responses(404, 412, 428),
    summary="Change a campaign or its targets (send If-Match)",
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
    summary="Delete a campaign (its sessions stay)",
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
    summary="Count one of your sessions in the campaign",
)
def add_event(
    campaign_id: IdParam, event_id: IdParam, session: SessionDep, caller: CallerDep
) -> CampaignRead:
    return service.to_read(session, service.add_event(session, caller, campaign_id, event_id))


@router.delete(
    "/{campaign_id:int}/events/{event_id:int}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(404),
    summary="Stop counting a session in the campaign",
)
def remove_event(
    campaign_id: IdParam, event_id: IdParam, session: SessionDep, caller: CallerDep
) -> None:
    service.remove_event(session, caller, campaign_id, event_id)


@router.get(
    "/{campaign_id:int}/report",
    responses=problem_responses(404),
    response_model=CampaignReport,
    summary="The campaign's report for a period: JSON, XLSX (one sheet per breakdown) or CSV",
    description=report.__doc__ or "",
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
    summary="Firms of the campaign's sessions with their no-show history (the next invitation list)",
)
def campaign_firms(
    campaign_id: IdParam,
    session: SessionDep,
    caller: CallerDep,
    sort: FirmSort = FirmSort.no_shows,
    max_no_shows: Annotated[int | None, Query(ge=0, le=1000)] = None,
    kind: OrganizationKind | None = None,
) -> list[FirmRow]:
    return firm_list(
        session,
        caller,
        campaign_id,
        today=dt.date.today(),
        sort=sort,
        max_no_shows=max_no_shows,
        kind=kind,
    )
