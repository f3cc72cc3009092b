"""活动 (百场万企 campaigns): the organizer's campaigns, the report as SVG charts and tables,
and its XLSX / CSV downloads. Reads and writes go through :mod:`app.campaigns` with the
viewer's principal."""

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import HTMLResponse
from sqlalchemy import select

from app.auth.dependencies import SessionDep
from app.campaigns import report, service
from app.campaigns.charts import charts
from app.campaigns.exports import sheet_keys
from app.campaigns.router import ReportFormat, file_response
from app.campaigns.schemas import CampaignCreate
from app.deals import ratings
from app.errors import InvalidInput
from app.fields import IdParam
from app.messages import tr
from app.models import Event
from app.web.deals import _parse, number
from app.web.pages import FormViewerDep, PageRoute, ViewerDep, redirect, render

router = APIRouter(route_class=PageRoute, include_in_schema=False)


def _day(text: str, field: str) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise InvalidInput(f"query.{field}", tr("a date such as 2026-12-31")) from exc


@router.get("/campaigns", response_class=HTMLResponse)
def campaign_list(request: Request, session: SessionDep, viewer: ViewerDep) -> HTMLResponse:
    """The organizer's campaigns and the form for a new one."""
    rows = [service.to_read(session, c) for c in service.list_campaigns(session, viewer.principal)]
    return render(request, "campaigns.html", viewer, campaigns=rows)


@router.post("/campaigns")
def campaign_create(
    session: SessionDep,
    viewer: FormViewerDep,
    name: Annotated[str, Form()],
    starts_on: Annotated[str, Form()],
    ends_on: Annotated[str, Form()],
    region_code: Annotated[str, Form()] = "",
    target_sessions: Annotated[str, Form()] = "",
    target_firms: Annotated[str, Form()] = "",
    target_intents: Annotated[str, Form()] = "",
    target_signed_wan: Annotated[str, Form()] = "",
) -> Response:
    """Create a campaign of the viewer's organization."""
    data = _parse(
        CampaignCreate,
        {
            "name": name,
            "starts_on": starts_on,
            "ends_on": ends_on,
            "region_code": region_code,
            "target_sessions": int(target_sessions)
            if target_sessions.isdigit()
            else target_sessions,
            "target_firms": number(target_firms),
            "target_intents": number(target_intents),
            "target_signed_wan": target_signed_wan,
        },
    )
    campaign = service.create(session, viewer.principal, data)
    return redirect(f"/campaigns/{campaign.id}")


@router.get("/campaigns/{campaign_id:int}", response_class=HTMLResponse)
def campaign_page(
    request: Request,
    session: SessionDep,
    viewer: ViewerDep,
    campaign_id: IdParam,
    to: str = "",
) -> HTMLResponse:
    """The campaign's report for a period: charts, tables and downloads."""
    start = _day(request.query_params.get("from", ""), "from")
    end = _day(to, "to")
    built = report.build(
        session,
        viewer.principal,
        campaign_id,
        period_from=start,
        period_to=end,
        limit=int(request.app.state.settings.payment_term_limit_days),
        today=dt.date.today(),
    )
    counted = set(built.campaign.event_ids)
    own = session.scalars(
        select(Event)
        .where(Event.organization_id == built.campaign.organization_id)
        .order_by(Event.date.desc())
    ).all()
    query = f"from={built.period_from}&to={built.period_to}"
    in_period = [
        e for e in own if e.id in counted and built.period_from <= e.date <= built.period_to
    ]
    given = [
        (e, r) for e in in_period for r in ratings.event_ratings(session, viewer.principal, e.id)
    ]
    return render(
        request,
        "campaign.html",
        viewer,
        report=built,
        charts=charts(built),
        query=query,
        sheets=sheet_keys(),
        addable=[e for e in own if e.id not in counted],
        counted=[e for e in own if e.id in counted],
        ratings=given,
    )


@router.post("/campaigns/{campaign_id:int}/events")
def campaign_add_event(
    session: SessionDep,
    viewer: FormViewerDep,
    campaign_id: IdParam,
    event_id: Annotated[int, Form()],
) -> Response:
    """Count one of the organizer's sessions in the campaign."""
    service.add_event(session, viewer.principal, campaign_id, event_id)
    return redirect(f"/campaigns/{campaign_id}")


@router.get("/campaigns/{campaign_id:int}/report.{fmt}")
def campaign_file(
    request: Request,
    session: SessionDep,
    viewer: ViewerDep,
    campaign_id: IdParam,
    fmt: str,
    to: str = "",
    sheet: str = "overview",
) -> Response:
    """The report as XLSX, or one sheet as CSV, as the API makes them."""
    if fmt not in ("xlsx", "csv") or sheet not in sheet_keys():
        return Response(status_code=404)
    built = report.build(
        session,
        viewer.principal,
        campaign_id,
        period_from=_day(request.query_params.get("from", ""), "from"),
        period_to=_day(to, "to"),
        limit=int(request.app.state.settings.payment_term_limit_days),
        today=dt.date.today(),
    )
    return file_response(session, built, ReportFormat(fmt), sheet)
