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
    summary="Mark a candidate SME interested or declined (the need's firm)",
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
    summary="Withdraw the firm's mark on a candidate",
)
def unmark_candidate(
    need_id: IdParam, profile_id: IdParam, session: SessionDep, caller: CallerDep
) -> Response:
    pair = service.buyer_pair(session, caller, need_id, profile_id)
    service.withdraw(session, caller, pair, Side.buyer)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get(
    _CANDIDATE,
    summary="Both marks on a candidate, and its contacts once interest is mutual (the firm)",
)
def get_candidate(
    need_id: IdParam, profile_id: IdParam, session: SessionDep, caller: CallerDep
) -> PairRead:
    pair = service.buyer_pair(session, caller, need_id, profile_id)
    return service.pair_view(session, caller, pair, Side.buyer)


@router.get(
    "/needs/{need_id:int}/candidates",
    summary="Candidates the firm marked, or that said they are interested (the firm)",
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
    summary="Say interested in (or decline) an open need (that SME)",
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
    summary="Withdraw the SME's mark on a need",
)
def unmark_opportunity(
    profile_id: IdParam, need_id: IdParam, session: SessionDep, caller: CallerDep
) -> Response:
    pair = service.sme_pair(session, caller, profile_id, need_id)
    service.withdraw(session, caller, pair, Side.sme)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get(
    _OPPORTUNITY,
    summary="Both marks on a need, and the buyer's contacts once interest is mutual (that SME)",
)
def get_opportunity(
    profile_id: IdParam, need_id: IdParam, session: SessionDep, caller: CallerDep
) -> PairRead:
    pair = service.sme_pair(session, caller, profile_id, need_id)
    return service.pair_view(session, caller, pair, Side.sme)


@router.get(
    "/profiles/{profile_id:int}/interests",
    summary="Needs the SME marked, or whose firm is interested in it (that SME)",
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
