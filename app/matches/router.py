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
    summary="Ranked SMEs for a need, with reasons (the firm, organizers, admins)",
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
    summary="Ranked open needs for an SME's profile, with reasons (that SME)",
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
    summary="Ranked SMEs that could supply the inputs of a large firm's products (补链), "
    "with reasons (the firm, organizers, admins)",
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
