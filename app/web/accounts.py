"""People's pages: 注册入驻, 邮箱验证, 找回密码, 认领邀请 (open to anyone), and 入驻审核,
邀请企业, 本单位用户, API 密钥 (signed in).

They call :mod:`app.accounts.service` (and :mod:`app.auth.service` for keys) with the viewer's
principal, exactly as the API does. The open forms answer the same whether an e-mail is known.
"""

from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, Form, Query, Request, Response
from fastapi.responses import HTMLResponse
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts import service as accounts
from app.accounts.deferred import after_response
from app.accounts.passwords import password_problem
from app.accounts.schemas import SignUp
from app.auth import service as keys
from app.auth.dependencies import SessionDep
from app.auth.sessions import end_user_sessions
from app.errors import Forbidden, NotFound, ProblemError
from app.fields import IdParam
from app.models import ApiKey, Organization, OrganizationKind, OrgRole, Role
from app.web import forms
from app.web.pages import (
    FormViewerDep,
    PageRoute,
    Viewer,
    ViewerDep,
    redirect,
    render,
    same_origin,
)

router = APIRouter(route_class=PageRoute, include_in_schema=False)

_KINDS = {"sme": "中小企业（专精特新等）", "large_firm": "大企业（链主）"}


def _base(request: Request) -> str:
    # The configured address, never the request's Host: a forged Host header would otherwise
    # send a victim a reset link to the forger's site (password-reset poisoning).
    return str(request.app.state.settings.public_url)


def _check_origin(request: Request) -> None:
    if not same_origin(request):
        raise Forbidden("the form came from another site")


def _link_gone(request: Request) -> HTMLResponse:
    return render(
        request,
        "account_message.html",
        None,
        status_code=410,
        title="链接无效或已过期",
        message="这个链接已使用、已过期或不存在。请重新申请，或联系邀请您的组织方。",
    )


# ---------------------------------------------------------------- 注册入驻


@router.get("/signup", response_class=HTMLResponse)
def signup_form(request: Request) -> Response:
    """The firm's sign-up form."""
    return render(request, "signup.html", None, values={}, errors={}, kinds=_KINDS)


@router.post("/signup", response_class=HTMLResponse)
def signup(
    request: Request,
    session: SessionDep,
    kind: Annotated[str, Form()] = "",
    name: Annotated[str, Form(max_length=400)] = "",
    uscc: Annotated[str, Form(max_length=40)] = "",
    region_code: Annotated[str, Form(max_length=12)] = "",
    person: Annotated[str, Form(max_length=200)] = "",
    email: Annotated[str, Form(max_length=320)] = "",
    phone: Annotated[str, Form(max_length=60)] = "",
    password: Annotated[str, Form(max_length=400)] = "",
) -> Response:
    """Register; the answer is the same whether the e-mail has an account (see your mailbox)."""
    _check_origin(request)
    values: dict[str, Any] = {
        "kind": kind,
        "name": name,
        "uscc": uscc,
        "region_code": region_code,
        "person": person,
        "email": email,
        "phone": phone or None,
        "password": password,
    }
    try:
        data = SignUp.model_validate(values)
    except ValidationError as exc:
        errors = forms.validation_errors(exc)
        if "password" in errors:
            errors["password"] = password_problem(password) or errors["password"]
        values.pop("password")
        return render(
            request,
            "signup.html",
            None,
            status_code=422,
            values=values,
            errors=errors,
            kinds=_KINDS,
        )
    accounts.sign_up(session, data, base_url=_base(request))
    return render(
        request,
        "account_message.html",
        None,
        title="请查收验证邮件",
        message=(
            f"我们已向 {data.email} 发送了一封邮件。请打开邮件中的链接完成验证；"
            "验证后，您所在地区的组织方审核通过即可登录。"
        ),
    )


@router.get("/verify", response_class=HTMLResponse)
def verify_form(request: Request, token: Annotated[str, Query(max_length=100)] = "") -> Response:
    """The verification link's page: one button (mail scanners that open links change nothing)."""
    return render(request, "verify.html", None, token=token)


@router.post("/verify", response_class=HTMLResponse)
def verify(
    request: Request, session: SessionDep, token: Annotated[str, Form(max_length=100)] = ""
) -> Response:
    """Verify the e-mail: the sign-up now waits for an organizer of its region."""
    _check_origin(request)
    try:
        accounts.verify_email(session, token, base_url=_base(request))
    except accounts.LinkInvalid:
        return _link_gone(request)
    return render(
        request,
        "account_message.html",
        None,
        title="邮箱已验证",
        message="您的入驻申请已提交，正在等待所在地区的组织方审核。审核通过后我们会发邮件通知您。",
    )


# ---------------------------------------------------------------- 找回密码


@router.get("/password/forgot", response_class=HTMLResponse)
def forgot_form(request: Request) -> Response:
    """Ask for a reset link."""
    return render(request, "password_forgot.html", None, sent=False)


@router.post("/password/forgot", response_class=HTMLResponse)
def forgot(
    request: Request,
    background: BackgroundTasks,
    email: Annotated[str, Form(max_length=320)] = "",
) -> Response:
    """Send a reset link if the e-mail has an account; the page says the same either way,
    as fast (the link is made after the answer)."""
    _check_origin(request)
    if "@" in email:
        base = _base(request)
        after_response(
            request, background, lambda s: accounts.request_reset(s, email, base_url=base)
        )
    return render(request, "password_forgot.html", None, sent=True)


@router.get("/password/reset", response_class=HTMLResponse)
def reset_form(
    request: Request, session: SessionDep, token: Annotated[str, Query(max_length=100)] = ""
) -> Response:
    """The new-password form of a reset link."""
    if not accounts.reset_token_valid(session, token):
        return _link_gone(request)
    return render(request, "password_reset.html", None, token=token, error="")


@router.post("/password/reset", response_class=HTMLResponse)
def reset(
    request: Request,
    session: SessionDep,
    token: Annotated[str, Form(max_length=100)] = "",
    password: Annotated[str, Form(max_length=400)] = "",
) -> Response:
    """Set the new password; every sign-in of the account ends."""
    _check_origin(request)
    problem = password_problem(password)
    if problem:
        return render(
            request, "password_reset.html", None, status_code=422, token=token, error=problem
        )
    try:
        accounts.reset_password(session, token, password)
    except accounts.LinkInvalid:
        return _link_gone(request)
    return render(
        request,
        "account_message.html",
        None,
        title="密码已重置",
        message="请用新密码登录。其他设备上的登录已全部退出。",
        login=True,
    )


# ---------------------------------------------------------------- 认领邀请


@router.get("/claim", response_class=HTMLResponse)
def claim_form(
    request: Request, session: SessionDep, token: Annotated[str, Query(max_length=100)] = ""
) -> Response:
    """The invitation's page: the organization's name, and a form for its USCC and a password."""
    try:
        target = accounts.claim_target(session, token)
    except accounts.LinkInvalid:
        return _link_gone(request)
    return render(request, "claim.html", None, token=token, target=target, errors={}, values={})


@router.post("/claim", response_class=HTMLResponse)
def claim(
    request: Request,
    session: SessionDep,
    token: Annotated[str, Form(max_length=100)] = "",
    uscc: Annotated[str, Form(max_length=40)] = "",
    name: Annotated[str, Form(max_length=100)] = "",
    password: Annotated[str, Form(max_length=400)] = "",
) -> Response:
    """Claim the record. A wrong USCC is counted (and kept), so it answers with the page."""
    _check_origin(request)
    try:
        target = accounts.claim_target(session, token)
    except accounts.LinkInvalid:
        return _link_gone(request)
    errors: dict[str, str] = {}
    if not name.strip():
        errors["name"] = "必填"
    problem = password_problem(password)
    if problem:
        errors["password"] = problem
    if not errors:
        try:
            user = accounts.claim(session, token, uscc=uscc, name=name.strip(), password=password)
        except ProblemError as exc:
            errors[""] = "该邮箱已有账户，请直接登录" if exc.status == 409 else exc.detail
        else:
            if user is None:
                errors["uscc"] = "统一社会信用代码与该企业的记录不符"
            else:
                return render(
                    request,
                    "account_message.html",
                    None,
                    title="认领成功",
                    message=f"您已开通「{target.organization.name}」的账户，请用邮箱 {user.email} 登录。",
                    login=True,
                )
    return render(
        request,
        "claim.html",
        None,
        status_code=422,
        token=token,
        target=target,
        errors=errors,
        values={"uscc": uscc, "name": name},
    )


# ---------------------------------------------------------------- 入驻审核


@router.get("/approvals", response_class=HTMLResponse)
def approvals(request: Request, session: SessionDep, viewer: ViewerDep) -> Response:
    """The organizer's queue: verified sign-ups of its region (an admin's: all)."""
    rows = accounts.approval_queue(session, viewer.principal)
    existing = {row.id: accounts.existing_record(session, row) for row in rows}
    return render(request, "approvals.html", viewer, rows=rows, existing=existing, kinds=_KINDS)


@router.post("/approvals/{registration_id:int}/approve")
def approve(
    request: Request, registration_id: IdParam, session: SessionDep, viewer: FormViewerDep
) -> Response:
    """Approve: the firm's organization and first user are created (or the record claimed)."""
    accounts.approve(session, viewer.principal, registration_id, base_url=_base(request))
    return redirect("/approvals?done=approved")


@router.post("/approvals/{registration_id:int}/reject")
def reject(
    request: Request, registration_id: IdParam, session: SessionDep, viewer: FormViewerDep
) -> Response:
    """Turn the sign-up down."""
    accounts.reject(session, viewer.principal, registration_id, base_url=_base(request))
    return redirect("/approvals?done=rejected")


# ---------------------------------------------------------------- 邀请企业


def _invitable(session: Session, viewer: Viewer) -> list[Organization]:
    """Whom an organizer may invite: the firms it manages; an admin: anyone (organizers' staff
    too)."""
    query = select(Organization).order_by(Organization.name).limit(2000)
    if not viewer.principal.is_admin:
        query = query.where(
            Organization.registered_by_id == viewer.org_id,
            Organization.kind != OrganizationKind.organizer.value,
        )
    return list(session.scalars(query))


@router.get("/invitations", response_class=HTMLResponse)
def invitations(
    request: Request,
    session: SessionDep,
    viewer: ViewerDep,
    invited: Annotated[int | None, Query(ge=0, le=1_000_000)] = None,
) -> Response:
    """Invitations sent, a form to invite one firm, and one button for every imported firm."""
    if not (viewer.principal.is_admin or viewer.principal.is_organizer):
        raise Forbidden("only organizers and admins invite firms")
    rows = accounts.invitations_of(session, viewer.principal)
    names = {
        o.id: o.name
        for o in session.scalars(
            select(Organization).where(Organization.id.in_({r.organization_id for r in rows}))
        )
    }
    return render(
        request,
        "invitations.html",
        viewer,
        rows=rows,
        names=names,
        firms=_invitable(session, viewer),
        invited=invited,
        errors={},
    )


@router.post("/invitations")
def invite(
    request: Request,
    session: SessionDep,
    viewer: FormViewerDep,
    organization_id: Annotated[IdParam, Form()],
    email: Annotated[str, Form(max_length=320)] = "",
) -> Response:
    """Invite one firm (to its contact e-mail unless another is given)."""
    accounts.invite(
        session, viewer.principal, organization_id, email.strip() or None, base_url=_base(request)
    )
    return redirect("/invitations?invited=1")


@router.post("/invitations/imported")
def invite_imported(request: Request, session: SessionDep, viewer: FormViewerDep) -> Response:
    """Invite every managed firm with a contact e-mail and no account or open invitation."""
    count = accounts.invite_imported(session, viewer.principal, base_url=_base(request))
    return redirect(f"/invitations?invited={count}")


# ---------------------------------------------------------------- 本单位用户 and API 密钥


def _org_for(session: Session, viewer: Viewer, organization_id: int | None) -> Organization:
    org_id = organization_id or viewer.org_id
    org = session.get(Organization, org_id) if org_id else None
    if org is None or not viewer.principal.manages(org):
        raise NotFound("organization not found")
    return org


@router.get("/account/users", response_class=HTMLResponse)
def users(
    request: Request,
    session: SessionDep,
    viewer: ViewerDep,
    organization_id: Annotated[IdParam | None, Query()] = None,
) -> Response:
    """The users of the viewer's organization (or of a firm its organizer manages)."""
    org = _org_for(session, viewer, organization_id)
    rows = accounts.users_of(session, viewer.principal, org.id)
    return render(
        request,
        "account_users.html",
        viewer,
        org=org,
        rows=rows,
        may_administer=accounts.may_administer(session, viewer.principal, org),
    )


@router.post("/account/users/{user_id:int}")
def update_user(
    user_id: IdParam,
    session: SessionDep,
    viewer: FormViewerDep,
    org_role: Annotated[str, Form()] = "",
    disabled: Annotated[str, Form()] = "",
    organization_id: Annotated[IdParam | None, Form()] = None,
) -> Response:
    """Make a user owner or member, or disable / enable it."""
    accounts.update_user(
        session,
        viewer.principal,
        user_id,
        org_role=OrgRole(org_role) if org_role in OrgRole.__members__ else None,
        disabled={"1": True, "0": False}.get(disabled),
    )
    back = f"?organization_id={organization_id}" if organization_id else ""
    return redirect(f"/account/users{back}")


@router.post("/account/sign-out-everywhere")
def sign_out_everywhere(session: SessionDep, viewer: FormViewerDep) -> Response:
    """End every sign-in of the signed-in person (this browser's too): 退出所有设备."""
    if viewer.principal.user_id is None:
        raise Forbidden("signed in with an API key: revoke the key instead")
    end_user_sessions(session, viewer.principal.user_id)
    return redirect("/login")


@router.get("/account/keys", response_class=HTMLResponse)
def api_keys(request: Request, session: SessionDep, viewer: ViewerDep) -> Response:
    """The organization's API keys (for its machine clients), and a form to issue one."""
    rows = keys.visible_keys(session, viewer.principal)
    return render(request, "account_keys.html", viewer, rows=rows, new_key=None)


@router.post("/account/keys", response_class=HTMLResponse)
def issue_key(
    request: Request,
    session: SessionDep,
    viewer: FormViewerDep,
    label: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Issue a key of the viewer's own role for its own organization; shown this once."""
    if viewer.org_id is None:
        raise Forbidden("platform admins issue keys with the command line or the API")
    row, key = keys.issue(
        session,
        viewer.principal,
        role=Role(viewer.principal.role),
        organization_id=viewer.org_id,
        label=label.strip(),
    )
    rows = keys.visible_keys(session, viewer.principal)
    return render(request, "account_keys.html", viewer, rows=rows, new_key=key, new_row=row)


@router.post("/account/keys/{key_id:int}/revoke")
def revoke_key(key_id: IdParam, session: SessionDep, viewer: FormViewerDep) -> Response:
    """Revoke one of the organization's keys (its owners, or whoever manages it)."""
    row = session.get(ApiKey, key_id)
    org = session.get(Organization, row.organization_id) if row and row.organization_id else None
    if org is not None and not accounts.may_administer(session, viewer.principal, org):
        raise Forbidden("only the organization's owners manage its keys")
    keys.revoke(session, viewer.principal, key_id)
    return redirect("/account/keys")
