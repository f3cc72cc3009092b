"""HTTP routes for organizations (thin: parse, call the service, shape the response)."""

from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from app.auth.dependencies import CallerDep, SessionDep
from app.errors import problem_responses
from app.fields import IdParam
from app.models import OrganizationKind, Tier
from app.organizations import service
from app.organizations.schemas import OrganizationCreate, OrganizationRead, OrganizationUpdate
from app.pagination import Page, PageDep
from app.versioning import IfMatch, expected_version, set_etag

router = APIRouter(
    prefix="/organizations", tags=["organizations"], responses=problem_responses(401, 422)
)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(403, 409, 413),
    summary="Register an organization (organizers: firms; admins: any)",
)
def create_organization(
    body: OrganizationCreate, session: SessionDep, caller: CallerDep, response: Response
) -> OrganizationRead:
    org = service.create(session, caller, body)
    response.headers["Location"] = f"/api/v1/organizations/{org.id}"
    set_etag(response, org.version)
    return service.to_read(caller, org)


@router.get("", summary="List organizations")
def list_organizations(
    session: SessionDep,
    caller: CallerDep,
    paging: PageDep,
    kind: OrganizationKind | None = None,
    region: Annotated[
        str | None, Query(description="region code prefix: 44, 4403 or 440300 (440000 = 44)")
    ] = None,
    industry: Annotated[
        str | None, Query(max_length=5, description="GB/T 4754 code prefix, e.g. 39")
    ] = None,
    tier: Tier | None = None,
    q: Annotated[
        str | None, Query(max_length=100, description="text in name or description")
    ] = None,
    registered_by: Annotated[
        IdParam | None,
        Query(description="the organizer that registered (and so manages) the firms"),
    ] = None,
) -> Page[OrganizationRead]:
    return service.list_page(
        session,
        caller,
        paging,
        kind=kind,
        region=region,
        industry=industry,
        tier=tier,
        q=q,
        registered_by=registered_by,
    )


@router.get("/{org_id:int}", responses=problem_responses(404), summary="Read an organization")
def read_organization(
    org_id: IdParam, session: SessionDep, caller: CallerDep, response: Response
) -> OrganizationRead:
    org = service.get(session, org_id)
    set_etag(response, org.version)
    return service.to_read(caller, org)


@router.patch(
    "/{org_id:int}",
    responses=problem_responses(403, 404, 409, 412, 428),
    summary="Change an organization (send If-Match)",
)
def update_organization(
    org_id: IdParam,
    body: OrganizationUpdate,
    session: SessionDep,
    caller: CallerDep,
    response: Response,
    if_match: IfMatch = None,
) -> OrganizationRead:
    version = expected_version(if_match, required=True)
    org = service.update(session, caller, org_id, body, version)
    set_etag(response, org.version)
    return service.to_read(caller, org)


@router.delete(
    "/{org_id:int}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(403, 404, 412),
    summary="Delete an organization with its profile and needs",
)
def delete_organization(
    org_id: IdParam, session: SessionDep, caller: CallerDep, if_match: IfMatch = None
) -> None:
    service.delete(session, caller, org_id, expected_version(if_match, required=False))
