"""HTTP routes for API keys and the caller's identity."""

from fastapi import APIRouter, status

from app.auth import service
from app.auth.dependencies import CallerDep, SessionDep
from app.auth.me import describe
from app.auth.schemas import KeyCreate, KeyCreated, KeyRead, Me
from app.errors import problem_responses
from app.fields import IdParam
from app.models import ApiKey, Role
from app.pagination import Page, WholePageDep, page_of

router = APIRouter(tags=["auth"], responses=problem_responses(401))


def _read(row: ApiKey) -> KeyRead:
    return KeyRead(
        id=row.id,
        organization_id=row.organization_id,
        role=Role(row.role),
        prefix=row.prefix,
        label=row.label,
        created_at=row.created_at,
        last_used_at=row.last_used_at,
        revoked_at=row.revoked_at,
    )


@router.get("/me", summary="Who am I")
def me(session: SessionDep, caller: CallerDep) -> Me:
    return describe(session, caller)


@router.post(
    "/keys",
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(403, 422),
    summary="Issue an API key (the secret is in this response only)",
)
def create_key(body: KeyCreate, session: SessionDep, caller: CallerDep) -> KeyCreated:
    row, key = service.issue(
        session, caller, role=body.role, organization_id=body.organization_id, label=body.label
    )
    return KeyCreated(**_read(row).model_dump(), key=key)


@router.get("/keys", summary="List keys (admins: all; others: their organization's)")
def list_keys(session: SessionDep, caller: CallerDep, paging: WholePageDep) -> Page[KeyRead]:
    return page_of([_read(row) for row in service.visible_keys(session, caller)], paging)


@router.delete(
    "/keys/{key_id:int}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(403, 404),
    summary="Revoke a key (admins: any; others: keys below admin of organizations they manage)",
)
def revoke_key(key_id: IdParam, session: SessionDep, caller: CallerDep) -> None:
    service.revoke(session, caller, key_id)
