"""HTTP routes for shortlists, opportunity feeds and chain discovery."""

from datetime import date
from functools import partial
from typing import Annotated, TypeVar

from fastapi import APIRouter, Query, Request

from app.auth.dependencies import CallerDep, SessionDep
from app.errors import problem_responses
from app.fields import IdParam
from app.matches import reading, service
from app.matches.schemas import Opportunities, Shortlist, UpstreamSuppliers
from app.matches.turns import opportunities_call, ranking, shortlist_call
from app.models import Tier
from app.needs import service as needs
from app.needs.schemas import NeedReadingOut

T = TypeVar("T")


rankings = APIRouter(tags=["matching"], responses=problem_responses(401, 403, 404, 422))

Limit = Annotated[int, Query(ge=1, le=100, description="how many to return")]
Region = Annotated[
    str | None, Query(description="only this region code prefix: 44, 4403 or 440300")
]
MinScore = Annotated[float | None, Query(ge=0, le=1, description="drop results scoring lower")]


@rankings.get(
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
    return await ranking(
        request,
        shortlist_call(
            request,
            session,
            caller,
            need_id,
            limit=limit,
            region=region,
            tier=tier,
            min_score=min_score,
        ),
    )


@rankings.get(
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
        opportunities_call(
            request, session, caller, profile_id, limit=limit, region=region, min_score=min_score
        ),
    )


@rankings.get(
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


#: Under the needs' tag and paths: what a need's shortlist ranks on.
readings = APIRouter(prefix="/needs", tags=["needs"], responses=problem_responses(401, 422))


@readings.get(
    "/{need_id:int}/reading",
    responses=problem_responses(404),
    summary="查看服务如何理解一条需求",
    description=(
        "返回服务从需求中读出的所需产品、用途、资质要求和地区，以及各项的来源（填写的字段或说明中"
        "的句子），便于核对匹配依据。能看到该需求的调用方可查。只读。"
    ),
)
def read_need_reading(
    need_id: IdParam, request: Request, session: SessionDep, caller: CallerDep
) -> NeedReadingOut:
    """What the need's shortlist ranks on, read from its text with the firm's fields laid over
    it; correct it by PATCHing the need's fields."""
    return reading.reading_of(
        needs.get_visible(session, caller, need_id), request.app.state.matching
    )


#: Both, the reading first (as it was listed when it sat with the needs' routes).
router = APIRouter()
router.include_router(readings)
router.include_router(rankings)
