"""HTTP routes for deals after a session and meeting ratings (thin: parse, call, shape)."""

from datetime import date

from fastapi import APIRouter, Request, Response, status

from app.auth.dependencies import CallerDep, SessionDep
from app.deals import ratings, service
from app.deals.schemas import DealCreate, DealDetail, DealRead, DealUpdate, RatingRead, RatingSet
from app.errors import problem_responses
from app.fields import IdParam
from app.models import DealStage
from app.pagination import Page, PageDep
from app.versioning import IfMatch, expected_version, set_etag

router = APIRouter(tags=["deals"], responses=problem_responses(401, 422))


def term_limit(request: Request) -> int:
    """The app's 账期 limit in days (``XIESHOU_PAYMENT_TERM_LIMIT_DAYS``)."""
    return int(request.app.state.settings.payment_term_limit_days)


@router.post(
    "/deals",
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(403, 409),
    summary="Open a deal at 意向 from a meeting or a mutual interest (either firm)",
)
def create_deal(
    body: DealCreate, request: Request, session: SessionDep, caller: CallerDep, response: Response
) -> DealDetail:
    limit = term_limit(request)
    deal = service.create(session, caller, body, limit)
    response.headers["Location"] = f"/api/v1/deals/{deal.id}"
    set_etag(response, deal.version)
    return service.detail(session, deal, date.today(), limit)


@router.get("/deals", summary="Deals you may see (your firm's; organizer: its sessions')")
def list_deals(
    request: Request,
    session: SessionDep,
    caller: CallerDep,
    paging: PageDep,
    stage: DealStage | None = None,
    event_id: IdParam | None = None,
    follow_up: bool = False,
) -> Page[DealRead]:
    return service.list_page(
        session,
        caller,
        paging,
        today=date.today(),
        limit=term_limit(request),
        stage=stage,
        event_id=event_id,
        follow_up=follow_up,
    )


@router.get(
    "/deals/follow-ups",
    summary="待跟进: open deals whose stage has not moved for 30 or 90 days",
)
def follow_ups(request: Request, session: SessionDep, caller: CallerDep) -> list[DealRead]:
    return service.follow_ups(session, caller, date.today(), term_limit(request))


@router.get(
    "/deals/{deal_id:int}", responses=problem_responses(404), summary="A deal and its history"
)
def read_deal(
    deal_id: IdParam, request: Request, session: SessionDep, caller: CallerDep, response: Response
) -> DealDetail:
    deal = service.get_readable(session, caller, deal_id)
    set_etag(response, deal.version)
    return service.detail(session, deal, date.today(), term_limit(request))


@router.patch(
    "/deals/{deal_id:int}",
    responses=problem_responses(403, 404, 409, 412, 428),
    summary="Change a deal or move its stage one step (or 终止 with a reason); send If-Match",
)
def update_deal(
    deal_id: IdParam,
    body: DealUpdate,
    request: Request,
    session: SessionDep,
    caller: CallerDep,
    response: Response,
    if_match: IfMatch = None,
) -> DealDetail:
    version = expected_version(if_match, required=True)
    today, limit = date.today(), term_limit(request)
    deal = service.update(session, caller, deal_id, body, version, today=today, limit=limit)
    set_etag(response, deal.version)
    return service.detail(session, deal, today, limit)


@router.put(
    "/meetings/{meeting_id:int}/rating",
    responses=problem_responses(404, 409),
    summary="Rate a meeting your firm had: useful or not, one line (private to organizers)",
)
def rate_meeting(
    meeting_id: IdParam, body: RatingSet, session: SessionDep, caller: CallerDep
) -> RatingRead:
    return ratings.rate(session, caller, meeting_id, body)


@router.get(
    "/meetings/{meeting_id:int}/rating",
    responses=problem_responses(404),
    summary="Your firm's rating of a meeting",
)
def read_rating(meeting_id: IdParam, session: SessionDep, caller: CallerDep) -> RatingRead:
    return ratings.own_rating(session, caller, meeting_id)


@router.get(
    "/events/{event_id:int}/ratings",
    responses=problem_responses(403, 404),
    summary="Firms' ratings of a session's meetings (its organizer)",
)
def event_ratings(event_id: IdParam, session: SessionDep, caller: CallerDep) -> list[RatingRead]:
    return ratings.event_ratings(session, caller, event_id)
