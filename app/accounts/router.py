"""HTTP routes for people's accounts: sign-in tokens, sign-up, approval, invitations, users.

Sign-up, sign-in and reset requests are open to anyone (and answer the same whether an
e-mail is known); everything else needs a caller, as every other route.
"""

from datetime import datetime

from fastapi import APIRouter, BackgroundTasks, Request, status
from pydantic import BaseModel, ConfigDict

from app.accounts import service
from app.accounts.deferred import after_response
from app.accounts.schemas import (
    InvitationCreate,
    InvitationRead,
    SignedIn,
    SignIn,
    SignUp,
    UserRead,
    UserUpdate,
)
from app.accounts.sessions import (
    LIFETIME,
    Client,
    end_session,
    end_user_sessions,
    open_session,
    session_id_of_token,
)
from app.auth import throttle
from app.auth.dependencies import CallerDep, SessionDep
from app.errors import Forbidden, problem_responses
from app.fields import IdParam
from app.models import Invitation, OrgRole, Registration, Role, User
from app.models.base import utcnow
from app.organizations.schemas import Email

router = APIRouter(tags=["accounts"])


class Accepted(BaseModel):
    """The same answer whether or not the e-mail is known: see your mailbox."""

    status: str = "accepted"


class ResetRequest(BaseModel):
    """Ask for a password-reset link."""

    model_config = ConfigDict(extra="forbid")

    email: Email


class RegistrationRead(BaseModel):
    """A sign-up awaiting approval."""

    id: int
    kind: str
    name: str
    uscc: str
    region_code: str
    person: str
    email: str
    status: str
    verified_at: datetime | None
    existing_record_id: int | None


def _base(request: Request) -> str:
    # The configured address, never the request's Host: a forged Host header would otherwise
    # send a victim a reset link to the forger's site (password-reset poisoning).
    return str(request.app.state.settings.public_url)


def user_read(user: User) -> UserRead:
    """A user as the API shows it."""
    return UserRead(
        id=user.id,
        organization_id=user.organization_id,
        email=user.email,
        name=user.name,
        role=Role(user.role),
        org_role=OrgRole(user.org_role),
        email_verified=user.email_verified_at is not None,
        disabled=user.disabled_at is not None,
        created_at=user.created_at,
    )


def _invitation_read(row: Invitation) -> InvitationRead:
    return InvitationRead(
        id=row.id,
        organization_id=row.organization_id,
        email=row.email,
        created_at=row.created_at,
        expires_at=row.expires_at,
        claimed_at=row.claimed_at,
        revoked_at=row.revoked_at,
    )


@router.post(
    "/sessions",
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(401, 403, 422),
    summary="Sign in with e-mail and password: a bearer token for the API (shown once)",
)
def sign_in(body: SignIn, request: Request, session: SessionDep) -> SignedIn:
    user = service.sign_in_password(
        session,
        body.email,
        body.password,
        throttle=request.app.state.auth_throttle,
        address=throttle.client_address(request),
    )
    token = open_session(session, user=user, client=Client.api)
    return SignedIn(
        token=token,
        expires_at=utcnow() + LIFETIME[Client.api],
        user_id=user.id,
        organization_id=user.organization_id,
        role=Role(user.role),
    )


@router.delete(
    "/sessions/current",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(401, 403),
    summary="Sign out: the bearer token presented stops working everywhere",
)
def sign_out(request: Request, session: SessionDep, caller: CallerDep) -> None:
    if caller.user_id is None:
        raise Forbidden("an API key is revoked, not signed out (DELETE /api/v1/keys/{id})")
    token = request.headers.get("authorization", "").partition(" ")[2].strip()
    found = session_id_of_token(session, token)
    if found is not None:
        end_session(session, found)


@router.delete(
    "/sessions",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(401, 403),
    summary="Sign out everywhere: every token and console sign-in of the calling user ends",
)
def sign_out_everywhere(session: SessionDep, caller: CallerDep) -> None:
    if caller.user_id is None:
        raise Forbidden("an API key is revoked, not signed out (DELETE /api/v1/keys/{id})")
    end_user_sessions(session, caller.user_id)


@router.post(
    "/sign-ups",
    status_code=status.HTTP_202_ACCEPTED,
    responses=problem_responses(422),
    summary="A firm registers itself; a verification e-mail follows (same answer for any e-mail)",
)
def sign_up(body: SignUp, request: Request, session: SessionDep) -> Accepted:
    service.sign_up(session, body, base_url=_base(request))
    return Accepted()


@router.post(
    "/password-resets",
    status_code=status.HTTP_202_ACCEPTED,
    responses=problem_responses(422),
    summary="E-mail a password-reset link (same answer for any e-mail)",
)
def request_reset(body: ResetRequest, request: Request, background: BackgroundTasks) -> Accepted:
    base = _base(request)
    after_response(
        request, background, lambda s: service.request_reset(s, body.email, base_url=base)
    )
    return Accepted()


@router.get(
    "/registrations",
    responses=problem_responses(401, 403),
    summary="Sign-ups awaiting approval (an organizer's: of its region; an admin's: all)",
)
def approval_queue(session: SessionDep, caller: CallerDep) -> list[RegistrationRead]:
    return [_registration_read(session, row) for row in service.approval_queue(session, caller)]


def _registration_read(session: SessionDep, row: Registration) -> RegistrationRead:
    existing = service.existing_record(session, row)
    return RegistrationRead(
        id=row.id,
        kind=row.kind,
        name=row.name,
        uscc=row.uscc,
        region_code=row.region_code,
        person=row.person,
        email=row.email,
        status=row.status,
        verified_at=row.verified_at,
        existing_record_id=existing.id if existing else None,
    )


@router.post(
    "/registrations/{registration_id:int}/approve",
    responses=problem_responses(401, 404, 409),
    summary="Approve a sign-up: the firm's organization and first user are created",
)
def approve(
    registration_id: IdParam, request: Request, session: SessionDep, caller: CallerDep
) -> UserRead:
    return user_read(service.approve(session, caller, registration_id, base_url=_base(request)))


@router.post(
    "/registrations/{registration_id:int}/reject",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(401, 404, 409),
    summary="Turn a sign-up down",
)
def reject(
    registration_id: IdParam, request: Request, session: SessionDep, caller: CallerDep
) -> None:
    service.reject(session, caller, registration_id, base_url=_base(request))


@router.post(
    "/invitations",
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(401, 403, 404, 422),
    summary="Invite someone by e-mail to claim an organization's record",
)
def invite(
    body: InvitationCreate, request: Request, session: SessionDep, caller: CallerDep
) -> InvitationRead:
    row = service.invite(session, caller, body.organization_id, body.email, base_url=_base(request))
    return _invitation_read(row)


class Invited(BaseModel):
    """How many firms were invited."""

    invited: int


@router.post(
    "/invitations/imported",
    responses=problem_responses(401, 403),
    summary="Invite every firm you manage that has a contact e-mail and no user yet",
)
def invite_imported(request: Request, session: SessionDep, caller: CallerDep) -> Invited:
    return Invited(invited=service.invite_imported(session, caller, base_url=_base(request)))


@router.get("/invitations", responses=problem_responses(401), summary="Invitations you sent")
def invitations(session: SessionDep, caller: CallerDep) -> list[InvitationRead]:
    return [_invitation_read(row) for row in service.invitations_of(session, caller)]


@router.get(
    "/organizations/{organization_id:int}/users",
    responses=problem_responses(401, 404),
    summary="The users of an organization you manage",
)
def users(organization_id: IdParam, session: SessionDep, caller: CallerDep) -> list[UserRead]:
    return [user_read(u) for u in service.users_of(session, caller, organization_id)]


@router.patch(
    "/users/{user_id:int}",
    responses=problem_responses(401, 403, 404, 409),
    summary="Make a user an owner or member, or disable it (owners of its organization)",
)
def update_user(
    user_id: IdParam, body: UserUpdate, session: SessionDep, caller: CallerDep
) -> UserRead:
    user = service.update_user(
        session, caller, user_id, org_role=body.org_role, disabled=body.disabled
    )
    return user_read(user)
