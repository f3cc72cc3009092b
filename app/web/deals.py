"""交易: a firm's deals after its sessions (open one from a meeting, move its stage, 账期 flag),
and the 待跟进 list. Every read and write goes through :mod:`app.deals.service` with the
viewer's principal, so a page shows and changes exactly what the API would allow."""

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import HTMLResponse
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from app.auth.dependencies import SessionDep
from app.deals import ratings, service
from app.deals.schemas import STAGE_ZH, DealCreate, DealUpdate, RatingSet
from app.errors import InvalidInput
from app.fields import IdParam
from app.messages import validation_text
from app.models import (
    STAGE_ORDER,
    Deal,
    DealStage,
    Event,
    EventMeeting,
    EventParticipant,
    MeetingRating,
    Organization,
)
from app.pagination import PageParams
from app.web.pages import FormViewerDep, PageRoute, Viewer, ViewerDep, redirect, render

router = APIRouter(route_class=PageRoute, include_in_schema=False)


def _limit(request: Request) -> int:
    return int(request.app.state.settings.payment_term_limit_days)


def _parse(model: Any, data: dict[str, Any]) -> Any:
    """The form as ``model``; the first invalid field as a 422 page naming it."""
    try:
        return model.model_validate({k: v for k, v in data.items() if v not in ("", None)})
    except ValidationError as exc:
        err = exc.errors()[0]
        raise InvalidInput(
            "body." + ".".join(str(p) for p in err["loc"]), validation_text(err)
        ) from exc


def number(text: str) -> int | str:
    """A whole number typed in a form, as a number (the API's fields are strict); else as typed."""
    text = text.strip()
    return int(text) if text.lstrip("-").isdigit() and len(text) < 12 else text


def open_meetings(
    session: Session, viewer: Viewer, *, without_deal: bool = True
) -> list[dict[str, Any]]:
    """The viewer's firm's published meetings (by default those that have no deal yet)."""
    org = viewer.org_id
    if org is None:
        return []
    buyer, sme = aliased(EventParticipant), aliased(EventParticipant)
    buyer_org, sme_org = aliased(Organization), aliased(Organization)
    statement = (
        select(EventMeeting.id, Event.name, Event.date, buyer_org.name, sme_org.name)
        .join(Event, Event.id == EventMeeting.event_id)
        .join(buyer, buyer.id == EventMeeting.buyer_participant_id)
        .join(sme, sme.id == EventMeeting.sme_participant_id)
        .join(buyer_org, buyer_org.id == buyer.organization_id)
        .join(sme_org, sme_org.id == sme.organization_id)
        .where(EventMeeting.published.is_(True))
        .where((buyer.organization_id == org) | (sme.organization_id == org))
        .order_by(Event.date.desc(), EventMeeting.slot)
    )
    if without_deal:
        taken = select(Deal.meeting_id).where(Deal.meeting_id.is_not(None))
        statement = statement.where(EventMeeting.id.not_in(taken))
    rows = session.execute(statement.limit(100)).all()
    return [
        {"id": mid, "label": f"{day:%Y-%m-%d} {name}：{b} × {s}"} for mid, name, day, b, s in rows
    ]


@router.get("/deals", response_class=HTMLResponse)
def deal_list(
    request: Request, session: SessionDep, viewer: ViewerDep, page: int = 1, done: str = ""
) -> HTMLResponse:
    """The deals the viewer may see, the 待跟进 ones first, and the form to open one."""
    today, limit = dt.date.today(), _limit(request)
    paging = PageParams(page=max(page, 1), page_size=50)
    listed = service.list_page(session, viewer.principal, paging, today=today, limit=limit)
    return render(
        request,
        "deals.html",
        viewer,
        page=listed,
        follow_ups=service.follow_ups(session, viewer.principal, today, limit),
        meetings=open_meetings(session, viewer),
        rateable=_with_ratings(session, viewer, open_meetings(session, viewer, without_deal=False)),
        done=done,
    )


def _with_ratings(
    session: Session, viewer: Viewer, meetings: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    given = dict(
        session.execute(
            select(MeetingRating.meeting_id, MeetingRating.useful).where(
                MeetingRating.organization_id == viewer.org_id,
                MeetingRating.meeting_id.in_([m["id"] for m in meetings]),
            )
        ).all()
    )
    return [m | {"useful": given.get(m["id"])} for m in meetings]


@router.post("/meetings/{meeting_id:int}/rating")
def rate_meeting(
    session: SessionDep,
    viewer: FormViewerDep,
    meeting_id: IdParam,
    useful: Annotated[str, Form()],
    comment: Annotated[str, Form()] = "",
) -> Response:
    """The viewer's firm rates one of its meetings (private to the organizer)."""
    data = _parse(RatingSet, {"useful": useful == "yes", "comment": comment})
    ratings.rate(session, viewer.principal, meeting_id, data)
    return redirect("/deals?done=rated#ratings")


@router.post("/deals")
def deal_create(
    request: Request,
    session: SessionDep,
    viewer: FormViewerDep,
    meeting_id: Annotated[str, Form()] = "",
    title: Annotated[str, Form()] = "",
    amount_wan: Annotated[str, Form()] = "",
    payment_term_days: Annotated[str, Form()] = "",
    expected_signing_on: Annotated[str, Form()] = "",
) -> Response:
    """Open a deal at 意向 from one of the viewer's meetings."""
    data = _parse(
        DealCreate,
        {
            "meeting_id": number(meeting_id),
            "title": title,
            "amount_wan": amount_wan,
            "payment_term_days": number(payment_term_days),
            "expected_signing_on": expected_signing_on,
        },
    )
    deal = service.create(session, viewer.principal, data, _limit(request))
    return redirect(f"/deals/{deal.id}?done=created")


@router.get("/deals/{deal_id:int}", response_class=HTMLResponse)
def deal_page(
    request: Request, session: SessionDep, viewer: ViewerDep, deal_id: IdParam, done: str = ""
) -> HTMLResponse:
    """One deal: its figures, the 账期 flag, its history and (for its firms) the next step."""
    deal = service.get_readable(session, viewer.principal, deal_id)
    read = service.detail(session, deal, dt.date.today(), _limit(request))
    stage = DealStage(deal.stage)
    following = (
        [s for s in STAGE_ORDER if STAGE_ORDER.index(s) == STAGE_ORDER.index(stage) + 1]
        if stage in STAGE_ORDER
        else []
    )
    return render(
        request,
        "deal.html",
        viewer,
        deal=read,
        can_edit=service.is_party(viewer.principal, deal),
        next_stages=[(s.value, STAGE_ZH[s]) for s in following],
        stage_zh=STAGE_ZH,
        done=done,
    )


@router.post("/deals/{deal_id:int}")
def deal_update(
    request: Request,
    session: SessionDep,
    viewer: FormViewerDep,
    deal_id: IdParam,
    version: Annotated[int, Form()],
    stage: Annotated[str, Form()] = "",
    end_reason: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
    amount_wan: Annotated[str, Form()] = "",
    payment_term_days: Annotated[str, Form()] = "",
    expected_signing_on: Annotated[str, Form()] = "",
) -> Response:
    """Move the deal's stage and/or change its figures (with the version the page showed)."""
    data = _parse(
        DealUpdate,
        {
            "stage": stage,
            "end_reason": end_reason,
            "note": note,
            "amount_wan": amount_wan,
            "payment_term_days": number(payment_term_days),
            "expected_signing_on": expected_signing_on,
        },
    )
    service.update(
        session,
        viewer.principal,
        deal_id,
        data,
        version,
        today=dt.date.today(),
        limit=_limit(request),
    )
    return redirect(f"/deals/{deal_id}?done=saved")
