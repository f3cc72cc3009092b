"""HTTP routes for supply needs."""

from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from app.auth.dependencies import CallerDep, SessionDep
from app.errors import problem_responses
from app.fields import IdParam
from app.models import NeedKind, NeedStatus
from app.needs import service
from app.needs.schemas import NeedCreate, NeedRead, NeedReadingOut, NeedUpdate
from app.pagination import Page, PageDep
from app.versioning import IfMatch, expected_version, set_etag

router = APIRouter(prefix="/needs", tags=["needs"], responses=problem_responses(401, 422))


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(403, 404, 413),
    summary="Post a supply need (large firms, or who manages them)",
)
def create_need(
    body: NeedCreate, session: SessionDep, caller: CallerDep, response: Response
) -> NeedRead:
    need = service.create(session, caller, body)
    response.headers["Location"] = f"/api/v1/needs/{need.id}"
    set_etag(response, need.version)
    return service.to_read(need)


@router.get("", summary="List supply needs (others' drafts are not shown)")
def list_needs(
    session: SessionDep,
    caller: CallerDep,
    paging: PageDep,
    status: NeedStatus | None = None,
    kind: NeedKind | None = None,
    organization_id: IdParam | None = None,
    region: Annotated[
        str | None, Query(description="the firm's region code prefix: 44, 4403 or 440300")
    ] = None,
    industry: Annotated[
        str | None, Query(max_length=5, description="the firm's GB/T 4754 code prefix")
    ] = None,
    q: Annotated[
        str | None, Query(max_length=100, description="text in title, description or products")
    ] = None,
) -> Page[NeedRead]:
    return service.list_page(
        session,
        caller,
        paging,
        status=status,
        kind=kind,
        organization_id=organization_id,
        region=region,
        industry=industry,
        q=q,
    )


@router.get("/{need_id:int}", responses=problem_responses(404), summary="Read a supply need")
def read_need(
    need_id: IdParam, session: SessionDep, caller: CallerDep, response: Response
) -> NeedRead:
    need = service.get_visible(session, caller, need_id)
    set_etag(response, need.version)
    return service.to_read(need)


@router.patch(
    "/{need_id:int}",
    responses=problem_responses(403, 404, 409, 412, 428),
    summary="Change a supply need or its status (send If-Match)",
)
def update_need(
    need_id: IdParam,
    body: NeedUpdate,
    session: SessionDep,
    caller: CallerDep,
    response: Response,
    if_match: IfMatch = None,
) -> NeedRead:
    version = expected_version(if_match, required=True)
    need = service.update(session, caller, need_id, body, version)
    set_etag(response, need.version)
    return service.to_read(need)


@router.delete(
    "/{need_id:int}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(403, 404, 412),
    summary="Delete a supply need",
)
def delete_need(
    need_id: IdParam, session: SessionDep, caller: CallerDep, if_match: IfMatch = None
) -> None:
    service.delete(session, caller, need_id, expected_version(if_match, required=False))


@router.get(
    "/{need_id:int}/reading",
    responses=problem_responses(404),
    summary="How the service reads a need: products, application, certifications, regions",
)
def read_need_reading(need_id: IdParam, session: SessionDep, caller: CallerDep) -> NeedReadingOut:
    """What the need's shortlist ranks on, read from its text with the firm's fields laid over
    it; correct it by PATCHing the need's fields."""
    return service.reading_of(service.get_visible(session, caller, need_id))
