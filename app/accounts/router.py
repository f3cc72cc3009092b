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
from app.auth import throttle
from app.auth.dependencies import CallerDep, SessionDep
from app.auth.sessions import (
    LIFETIME,
    Client,
    end_session,
    end_user_sessions,
    open_session,
    session_id_of_token,
)
from app.errors import Forbidden, problem_responses
from app.fields import Email, IdParam
from app.messages import tr
from app.models import Invitation, OrgRole, Registration, Role, User
from app.models.base import utcnow
from app.pagination import Page, WholePageDep, page_of

router = APIRouter(tags=["accounts"])


class Accepted(BaseModel):
    """The same answer whether or not the e-mail is known: see your mailbox."""

    status: str = "accepted"


class ResetRequest(BaseModel):
    """Ask for a password-reset link."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"email": "wang@example.com"}]}
    )

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
    summary="用邮箱和密码登录",
    description=(
        "用邮箱和密码换取调用 API 的令牌（只显示这一次，到期失效）。任何人可调用；"
        "多次失败会被暂时限制。新建一个登录会话。"
    ),
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
    summary="退出登录",
    description="所出示的令牌随即失效。用令牌登录的用户可调用；API 密钥不能退出，只能吊销。",
)
def sign_out(request: Request, session: SessionDep, caller: CallerDep) -> None:
    if caller.user_id is None:
        raise Forbidden(tr("an API key is revoked, not signed out (DELETE /api/v1/keys/{{id}})"))
    token = request.headers.get("authorization", "").partition(" ")[2].strip()
    found = session_id_of_token(session, token)
    if found is not None:
        end_session(session, found)


@router.delete(
    "/sessions",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(401, 403),
    summary="退出所有设备",
    description="结束调用用户的所有令牌和控制台登录。用令牌登录的用户可调用；API 密钥不能调用。",
)
def sign_out_everywhere(session: SessionDep, caller: CallerDep) -> None:
    if caller.user_id is None:
        raise Forbidden(tr("an API key is revoked, not signed out (DELETE /api/v1/keys/{{id}})"))
    end_user_sessions(session, caller.user_id)


@router.post(
    "/sign-ups",
    status_code=status.HTTP_202_ACCEPTED,
    responses=problem_responses(422),
    summary="企业自助注册",
    description=(
        "企业填写名称、统一社会信用代码、地区、联系人和密码注册，随后收到验证邮件；"
        "验证后等待组织方审核。任何人可调用；无论邮箱是否已注册，回答都一样。"
    ),
)
def sign_up(body: SignUp, request: Request, session: SessionDep) -> Accepted:
    service.sign_up(session, body, base_url=_base(request))
    return Accepted()


@router.post(
    "/password-resets",
    status_code=status.HTTP_202_ACCEPTED,
    responses=problem_responses(422),
    summary="申请重置密码",
    description="向该邮箱发送重置密码的链接。任何人可调用；无论邮箱是否已注册，回答都一样。",
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
    summary="待审核的注册",
    description="分页返回待审核的企业注册：组织方看本地区的，管理员看全部。其他调用方被拒绝。只读。",
)
def approval_queue(
    session: SessionDep, caller: CallerDep, paging: WholePageDep
) -> Page[RegistrationRead]:
    rows = service.approval_queue(session, caller)
    return page_of([_registration_read(session, row) for row in rows], paging)


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
    summary="批准注册",
    description="批准一个企业注册：建立企业记录（或认领已导入的记录）和它的第一个用户，并通知企业。本地区组织方和管理员可调用。",
)
def approve(
    registration_id: IdParam, request: Request, session: SessionDep, caller: CallerDep
) -> UserRead:
    return user_read(service.approve(session, caller, registration_id, base_url=_base(request)))


@router.post(
    "/registrations/{registration_id:int}/reject",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(401, 404, 409),
    summary="驳回注册",
    description="驳回一个企业注册并通知企业。本地区组织方和管理员可调用。",
)
def reject(
    registration_id: IdParam, request: Request, session: SessionDep, caller: CallerDep
) -> None:
    service.reject(session, caller, registration_id, base_url=_base(request))


@router.post(
    "/invitations",
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(401, 403, 404, 422),
    summary="邀请认领企业记录",
    description="通过邮件邀请某人认领一家企业的记录（不填邮箱则用企业自己的联系邮箱）。管理该企业的组织方和管理员可调用。",
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
    summary="批量邀请导入的企业",
    description="向所管理的、有联系邮箱但还没有用户的每家企业发出认领邀请，返回邀请数。组织方和管理员可调用。",
)
def invite_imported(request: Request, session: SessionDep, caller: CallerDep) -> Invited:
    return Invited(invited=service.invite_imported(session, caller, base_url=_base(request)))


@router.get(
    "/invitations",
    responses=problem_responses(401),
    summary="我发出的邀请",
    description="分页返回调用方发出的认领邀请及其状态。任何调用方可查询自己的。只读。",
)
def invitations(
    session: SessionDep, caller: CallerDep, paging: WholePageDep
) -> Page[InvitationRead]:
    rows = service.invitations_of(session, caller)
    return page_of([_invitation_read(row) for row in rows], paging)


@router.get(
    "/organizations/{organization_id:int}/users",
    responses=problem_responses(401, 404),
    summary="企业的用户",
    description="分页返回一个组织的用户。该组织自己的用户、管理它的组织方和管理员可查看。只读。",
)
def users(
    organization_id: IdParam, session: SessionDep, caller: CallerDep, paging: WholePageDep
) -> Page[UserRead]:
    rows = service.users_of(session, caller, organization_id)
    return page_of([user_read(u) for u in rows], paging)


@router.patch(
    "/users/{user_id:int}",
    responses=problem_responses(401, 403, 404, 409),
    summary="修改用户的角色或停用用户",
    description="把用户设为所有者或成员，或停用、启用用户。该组织的所有者和管理员可调用。停用立即结束其登录。",
)
def update_user(
    user_id: IdParam, body: UserUpdate, session: SessionDep, caller: CallerDep
) -> UserRead:
    user = service.update_user(
        session, caller, user_id, org_role=body.org_role, disabled=body.disabled
    )
    return user_read(user)
