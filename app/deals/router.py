"""HTTP routes for deals after a session and meeting ratings (thin: parse, call, shape)."""

from datetime import date

from fastapi import APIRouter, Request, Response, status

from app.auth.dependencies import CallerDep, SessionDep
from app.deals import ratings, service
from app.deals.schemas import DealCreate, DealDetail, DealRead, DealUpdate, RatingRead, RatingSet
from app.errors import problem_responses
from app.fields import IdParam
from app.models import DealStage
from app.pagination import Page, PageDep, WholePageDep, page_of
from app.versioning import IfMatch, expected_version, set_etag

router = APIRouter(tags=["deals"], responses=problem_responses(401, 422))


def term_limit(request: Request) -> int:
    """The app's 账期 limit in days (``XIESHOU_PAYMENT_TERM_LIMIT_DAYS``)."""
    return int(request.app.state.settings.payment_term_limit_days)


@router.post(
    "/deals",
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(403, 409),
    summary="从洽谈或双向意向开一笔交易（意向阶段）",
    description=(
        "由一场洽谈（meeting_id），或双方都标了感兴趣的需求与画像（need_id 和 profile_id）"
        "开一笔交易，阶段为意向。只有这两家企业之一可开。账期超过上限时通知中小企业。"
        "响应带 ETag 和 Location。"
    ),
)
def create_deal(
    body: DealCreate, request: Request, session: SessionDep, caller: CallerDep, response: Response
) -> DealDetail:
    limit = term_limit(request)
    deal = service.create(session, caller, body, limit)
    response.headers["Location"] = f"/api/v1/deals/{deal.id}"
    set_etag(response, deal.version)
    return service.detail(session, deal, date.today(), limit)


@router.get(
    "/deals",
    summary="查询交易列表",
    description=(
        "分页返回调用方可见的交易：企业看自己的，组织方看其洽谈会产生的，管理员看全部。"
        "可按阶段、洽谈会、是否待跟进筛选。只读。"
    ),
)
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
    summary="待跟进的交易",
    description=("分页返回阶段 30 天或 90 天未变的未结交易，调用方可见范围同交易列表。只读。"),
)
def follow_ups(
    request: Request, session: SessionDep, caller: CallerDep, paging: WholePageDep
) -> Page[DealRead]:
    due = service.follow_ups(session, caller, date.today(), term_limit(request))
    return page_of(due, paging)


@router.get(
    "/deals/{deal_id:int}",
    responses=problem_responses(404),
    summary="查看交易及其阶段历史",
    description="返回一笔交易和它的阶段变更历史。两家企业、相关组织方和管理员可查看。响应带 ETag。只读。",
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
    summary="修改交易或推进阶段",
    description=(
        "修改交易信息，或把阶段向前推进一步（或带原因终止）；签约需填合同金额。"
        "只有交易的两家企业可改，必须带 If-Match。阶段变更记入历史。"
    ),
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
    summary="评价一场洽谈",
    description=(
        "参加洽谈的企业评价这场洽谈是否有用，可附一句话；再次提交覆盖上次评价。"
        "洽谈安排发布后才可评价。评价只给组织方看。"
    ),
)
def rate_meeting(
    meeting_id: IdParam, body: RatingSet, session: SessionDep, caller: CallerDep
) -> RatingRead:
    return ratings.rate(session, caller, meeting_id, body)


@router.get(
    "/meetings/{meeting_id:int}/rating",
    responses=problem_responses(404),
    summary="查看本企业对洽谈的评价",
    description="返回调用方企业对这场洽谈的评价。只有给出评价的企业可查看。只读。",
)
def read_rating(meeting_id: IdParam, session: SessionDep, caller: CallerDep) -> RatingRead:
    return ratings.own_rating(session, caller, meeting_id)


@router.get(
    "/events/{event_id:int}/ratings",
    responses=problem_responses(403, 404),
    summary="洽谈会的洽谈评价",
    description="分页返回企业对一场洽谈会各场洽谈的评价。只有该洽谈会的组织方和管理员可查看。只读。",
)
def event_ratings(
    event_id: IdParam, session: SessionDep, caller: CallerDep, paging: WholePageDep
) -> Page[RatingRead]:
    return page_of(ratings.event_ratings(session, caller, event_id), paging)
