"""HTTP routes for shortlists, opportunity feeds and chain discovery."""

from collections.abc import Callable
from datetime import date
from functools import partial
from typing import Annotated, TypeVar

import anyio.to_thread
from fastapi import APIRouter, Query, Request

from app.auth.dependencies import CallerDep, SessionDep
from app.errors import problem_responses
from app.fields import IdParam
from app.matches import service
from app.matches.schemas import Opportunities, Shortlist, UpstreamSuppliers
from app.models import Tier

T = TypeVar("T")


async def ranking(request: Request, rank: Callable[[], T]) -> T:
    """Run ``rank`` in a worker thread, taking turns: ``Settings.ranking_concurrency`` at once.

    Ranking is CPU-bound Python. Run twenty at once and they only share the one interpreter
    lock in an order nobody chose, so every answer comes late and some very late; taken in
    turn (first come, first served) each runs at full speed and the slowest wait is short.
    Other requests keep the rest of the thread pool.
    """
    return await anyio.to_thread.run_sync(rank, limiter=request.app.state.ranking_turns)


router = APIRouter(tags=["matching"], responses=problem_responses(401, 403, 404, 422))

Limit = Annotated[int, Query(ge=1, le=100, description="how many to return")]
Region = Annotated[
    str | None, Query(description="only this region code prefix: 44, 4403 or 440300")
]
MinScore = Annotated[float | None, Query(ge=0, le=1, description="drop results scoring lower")]


@router.get(
    "/needs/{need_id:int}/shortlist",
    summary="需求的候选中小企业",
    description=(
        "为一条需求给出排序后的中小企业候选名单，每家附匹配理由（匹配的产品、满足的资质、距离、梯"
        "度）。发布企业、组织方和管理员可看。只读（会记录曝光用于学习）。"
    ),
)
async def need_shortlist(
    need_id: IdParam,
    request: Request,
    session: SessionDep,
    caller: CallerDep,
    limit: Limit = 20,
    region: Region = None,
    tier: Tier | None = None,
    min_score: MinScore = None,
) -> Shortlist:
    state = request.app.state
    return await ranking(
        request,
        partial(
            service.shortlist,
            session,
            caller,
            state.matching,
            need_id,
            limit=limit,
            region=region,
            tier=tier,
            min_score=min_score,
            today=date.today(),
            on_shown=state.impressions.add if state.settings.log_impressions else None,
        ),
    )


@router.get(
    "/profiles/{profile_id:int}/opportunities",
    summary="中小企业的商机",
    description=(
        "为一份能力画像给出排序后的征集中需求，每条附匹配理由。只有该中小企业本身（及管理它的一方"
        "、管理员）可看。只读。"
    ),
)
async def profile_opportunities(
    profile_id: IdParam,
    request: Request,
    session: SessionDep,
    caller: CallerDep,
    limit: Limit = 20,
    region: Region = None,
    min_score: MinScore = None,
) -> Opportunities:
    return await ranking(
        request,
        partial(
            service.opportunities,
            session,
            caller,
            request.app.state.matching,
            profile_id,
            limit=limit,
            region=region,
            min_score=min_score,
            today=date.today(),
        ),
    )


@router.get(
    "/organizations/{organization_id:int}/upstream-suppliers",
    summary="大企业的上游供应商（补链发现）",
    description=(
        "按产业链图谱，为一家大企业的主营产品找出能供应其上游投入品的中小企业，排序并附理由。该大"
        "企业、组织方和管理员可看。只读。"
    ),
)
async def upstream_suppliers(
    organization_id: IdParam,
    request: Request,
    session: SessionDep,
    caller: CallerDep,
    limit: Limit = 20,
    region: Region = None,
    tier: Tier | None = None,
    min_score: MinScore = None,
) -> UpstreamSuppliers:
    return await ranking(
        request,
        partial(
            service.upstream_suppliers,
            session,
            caller,
            request.app.state.matching,
            organization_id,
            limit=limit,
            region=region,
            tier=tier,
            min_score=min_score,
            today=date.today(),
        ),
    )
