"""HTTP routes for interest marks: the buyer's on candidates, the SME's on opportunities."""

from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from app.auth.dependencies import CallerDep, SessionDep
from app.errors import problem_responses
from app.fields import IdParam
from app.interests import service
from app.interests.schemas import CandidateEntry, InterestEntry, InterestSet, PairRead
from app.models import InterestValue, Side
from app.pagination import Page, PageDep

router = APIRouter(tags=["interest"], responses=problem_responses(401, 403, 404, 422))

OwnMark = Annotated[
    InterestValue | None, Query(description="only pairs where your own side marked this")
]
Mutual = Annotated[bool | None, Query(description="only mutual (true) or not mutual (false)")]
_CANDIDATE = "/needs/{need_id:int}/candidates/{profile_id:int}"
_OPPORTUNITY = "/profiles/{profile_id:int}/opportunities/{need_id:int}"


@router.put(
    f"{_CANDIDATE}/interest",
    responses=problem_responses(409),
    summary="标记候选企业",
    description=(
        "需求的发布企业把一家候选中小企业标为感兴趣或不合适。只有发布企业（及管理它的一方）可标记"
        "；只能标记征集中的需求。双方都感兴趣后可看到对方联系方式。"
    ),
)
def mark_candidate(
    need_id: IdParam, profile_id: IdParam, body: InterestSet, session: SessionDep, caller: CallerDep
) -> PairRead:
    pair = service.buyer_pair(session, caller, need_id, profile_id)
    service.set_mark(session, caller, pair, Side.buyer, body.value)
    return service.pair_view(session, caller, pair, Side.buyer)


@router.delete(
    f"{_CANDIDATE}/interest",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="撤回对候选企业的标记",
    description="撤回发布企业对一家候选企业的标记。只有发布企业（及管理它的一方）可操作。",
)
def unmark_candidate(
    need_id: IdParam, profile_id: IdParam, session: SessionDep, caller: CallerDep
) -> Response:
    pair = service.buyer_pair(session, caller, need_id, profile_id)
    service.withdraw(session, caller, pair, Side.buyer)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get(
    _CANDIDATE,
    summary="查看候选企业的意向",
    description=(
        "返回双方对这对需求—企业的标记；双方都感兴趣后附上中小企业的联系方式（记入审计日志）。只"
        "有发布企业可看。"
    ),
)
def get_candidate(
    need_id: IdParam, profile_id: IdParam, session: SessionDep, caller: CallerDep
) -> PairRead:
    pair = service.buyer_pair(session, caller, need_id, profile_id)
    return service.pair_view(session, caller, pair, Side.buyer)


@router.get(
    "/needs/{need_id:int}/candidates",
    summary="已标记的候选企业",
    description="列出发布企业标记过的、或表示感兴趣的中小企业。只有发布企业可看。分页返回。只读。",
)
def list_candidates(
    need_id: IdParam,
    session: SessionDep,
    caller: CallerDep,
    paging: PageDep,
    interest: OwnMark = None,
    mutual: Mutual = None,
) -> Page[CandidateEntry]:
    return service.candidates(session, caller, need_id, paging, interest=interest, mutual=mutual)


@router.put(
    f"{_OPPORTUNITY}/interest",
    responses=problem_responses(409),
    summary="对商机表达意向",
    description=(
        "中小企业对一条征集中的需求表示感兴趣或不合适。只有该中小企业（及管理它的一方）可标记。双"
        "方都感兴趣后可看到对方联系方式。"
    ),
)
def mark_opportunity(
    profile_id: IdParam, need_id: IdParam, body: InterestSet, session: SessionDep, caller: CallerDep
) -> PairRead:
    pair = service.sme_pair(session, caller, profile_id, need_id)
    service.set_mark(session, caller, pair, Side.sme, body.value)
    return service.pair_view(session, caller, pair, Side.sme)


@router.delete(
    f"{_OPPORTUNITY}/interest",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="撤回对商机的意向",
    description="撤回中小企业对一条需求的标记。只有该中小企业（及管理它的一方）可操作。",
)
def unmark_opportunity(
    profile_id: IdParam, need_id: IdParam, session: SessionDep, caller: CallerDep
) -> Response:
    pair = service.sme_pair(session, caller, profile_id, need_id)
    service.withdraw(session, caller, pair, Side.sme)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get(
    _OPPORTUNITY,
    summary="查看商机的意向",
    description=(
        "返回双方对这对需求—企业的标记；双方都感兴趣后附上采购方的联系方式（记入审计日志）。只有"
        "该中小企业可看。"
    ),
)
def get_opportunity(
    profile_id: IdParam, need_id: IdParam, session: SessionDep, caller: CallerDep
) -> PairRead:
    pair = service.sme_pair(session, caller, profile_id, need_id)
    return service.pair_view(session, caller, pair, Side.sme)


@router.get(
    "/profiles/{profile_id:int}/interests",
    summary="我的意向",
    description=(
        "列出中小企业标记过的需求，以及对它感兴趣的采购方需求。只有该中小企业可看。分页返回。只读。"
    ),
)
def list_interests(
    profile_id: IdParam,
    session: SessionDep,
    caller: CallerDep,
    paging: PageDep,
    interest: OwnMark = None,
    mutual: Mutual = None,
) -> Page[InterestEntry]:
    return service.own_interests(
        session, caller, profile_id, paging, interest=interest, mutual=mutual
    )
