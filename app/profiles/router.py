"""HTTP routes for capability profiles."""

from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from app.auth.dependencies import CallerDep, SessionDep
from app.errors import problem_responses
from app.fields import IdParam
from app.models import Tier
from app.pagination import Page, PageDep
from app.profiles import service
from app.profiles.schemas import ProfileCreate, ProfileRead, ProfileUpdate
from app.versioning import IfMatch, expected_version, set_etag

router = APIRouter(prefix="/profiles", tags=["profiles"], responses=problem_responses(401, 422))


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(403, 404, 409, 413),
    summary="Create an SME's capability profile (one per SME)",
)
def create_profile(
    body: ProfileCreate, session: SessionDep, caller: CallerDep, response: Response
) -> ProfileRead:
    profile = service.create(session, caller, body)
    response.headers["Location"] = f"/api/v1/profiles/{profile.id}"
    set_etag(response, profile.version)
    return service.to_read(profile)


@router.get("", summary="List capability profiles")
def list_profiles(
    session: SessionDep,
    caller: CallerDep,
    paging: PageDep,
    region: Annotated[
        str | None, Query(description="the SME's region code prefix: 44, 4403 or 440300")
    ] = None,
    industry: Annotated[
        str | None, Query(max_length=5, description="the SME's GB/T 4754 code prefix")
    ] = None,
    tier: Tier | None = None,
    q: Annotated[
        str | None, Query(max_length=100, description="text in name, products or description")
    ] = None,
    organization_id: Annotated[
        IdParam | None, Query(description="the SME whose profile to find")
    ] = None,
) -> Page[ProfileRead]:
    return service.list_page(
        session,
        paging,
        region=region,
        industry=industry,
        tier=tier,
        q=q,
        organization_id=organization_id,
    )


@router.get("/{profile_id:int}", responses=problem_responses(404), summary="Read a profile")
def read_profile(
    profile_id: IdParam, session: SessionDep, caller: CallerDep, response: Response
) -> ProfileRead:
    profile = service.get(session, profile_id)
    set_etag(response, profile.version)
    return service.to_read(profile)


@router.patch(
    "/{profile_id:int}",
    responses=problem_responses(403, 404, 412, 428),
    summary="Change a profile (send If-Match)",
)
def update_profile(
    profile_id: IdParam,
    body: ProfileUpdate,
    session: SessionDep,
    caller: CallerDep,
    response: Response,
    if_match: IfMatch = None,
) -> ProfileRead:
    version = expected_version(if_match, required=True)
    profile = service.update(session, caller, profile_id, body, version)
    set_etag(response, profile.version)
    return service.to_read(profile)


@router.delete(
    "/{profile_id:int}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(403, 404, 412),
    summary="Delete a profile",
)
def delete_profile(
    profile_id: IdParam, session: SessionDep, caller: CallerDep, if_match: IfMatch = None
) -> None:
    service.delete(session, caller, profile_id, expected_version(if_match, required=False))
