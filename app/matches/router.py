"""HTTP routes for shortlists and opportunity feeds."""

from datetime import date
from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Query, Request

from app.auth.dependencies import CallerDep, SessionDep
from app.errors import problem_responses
from app.learning import capture
from app.matches import service
from app.matches.schemas import Opportunities, Shortlist
from app.models import Tier

router = APIRouter(tags=["matching"], responses=problem_responses(401, 403, 404, 422))

Limit = Annotated[int, Query(ge=1, le=100, description="how many to return")]
Region = Annotated[
    str | None, Query(description="only this region code prefix: 44, 4403 or 440300")
]
MinScore = Annotated[float | None, Query(ge=0, le=1, description="drop results scoring lower")]


@router.get(
    "/needs/{need_id}/shortlist",
    summary="Ranked SMEs for a need, with reasons (the firm, organizers, admins)",
)
def need_shortlist(
    need_id: int,
    request: Request,
    background: BackgroundTasks,
    session: SessionDep,
    caller: CallerDep,
    limit: Limit = 20,
    region: Region = None,
    tier: Tier | None = None,
    min_score: MinScore = None,
) -> Shortlist:
    state = request.app.state
    return service.shortlist(
        session,
        caller,
        request.app.state.matching,
        need_id,
        limit=limit,
        region=region,
        tier=tier,
        min_score=min_score,
        today=date.today(),
        on_shown=(
            capture.later(background, state.sessionmaker, state.write_lock)
            if state.settings.log_impressions
            else None
        ),
    )


@router.get(
    "/profiles/{profile_id}/opportunities",
    summary="Ranked open needs for an SME's profile, with reasons (that SME)",
)
def profile_opportunities(
    profile_id: int,
    request: Request,
    session: SessionDep,
    caller: CallerDep,
    limit: Limit = 20,
    region: Region = None,
    min_score: MinScore = None,
) -> Opportunities:
    return service.opportunities(
        session,
        caller,
        request.app.state.matching,
        profile_id,
        limit=limit,
        region=region,
        min_score=min_score,
        today=date.today(),
    )
