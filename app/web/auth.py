"""登录 and 退出: people sign in with e-mail and password or a one-time code; machine and admin
use may still sign in with an API key. Either way a server-side session is kept.

The browser gets only the session's random token (see :mod:`app.web.security`); 退出 revokes the
session, so the cookie is worthless afterwards even if it was copied.
"""

import secrets
from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Form, Request, Response
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from app import audit
from app.accounts import service as accounts
from app.accounts.deferred import after_response
from app.auth import throttle
from app.auth.dependencies import SessionDep
from app.auth.sessions import principal_of_user
from app.errors import Unauthorized
from app.models import ApiKey, User
from app.web.pages import (
    FormViewerDep,
    PageRoute,
    console_sessions,
    redirect,
    render,
    same_origin,
)
from app.web.security import COOKIE, LOGIN_CSRF_COOKIE, MAX_AGE_S, NotSignedIn, check_token

router = APIRouter(route_class=PageRoute, include_in_schema=False)


def _safe_next(target: str) -> str:
    """Only paths on this site (never ``//host`` or a scheme) are followed after sign-in."""
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


def _login_page(
    request: Request,
    next_url: str,
    *,
    error: str = "",
    status_code: int = 200,
    mode: str = "password",
    email: str = "",
    notice: str = "",
) -> HTMLResponse:
    token = secrets.token_urlsafe(24)
    response = render(
        request,
        "login.html",
        None,
        status_code=status_code,
        login_csrf=token,
        next=next_url,
        error=error,
        mode=mode if mode in ("password", "code", "key") else "password",
        email=email,
        notice=notice,
    )
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        token,
        max_age=3600,
        path="/login",
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )
    return response


def _form_ok(request: Request, csrf: str) -> bool:
    expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    return same_origin(request) and bool(expected) and check_token(expected, csrf)


def _signed_in(
    request: Request, session: Session, holder: ApiKey | User, next_url: str
) -> Response:
    """The response to a successful sign-in: the session cookie, then where the user was going."""
    response = redirect(_safe_next(next_url))
    response.set_cookie(
        COOKIE,
        console_sessions(request).open(session, holder),
        max_age=MAX_AGE_S,
        path="/",
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
    return response


def _too_many(
    request: Request, next_url: str, exc: throttle.TooManyAttempts, **kw: str
) -> Response:
    page = _login_page(
        request,
        next_url,
        error=f"失败次数过多，请 {exc.retry_after_s} 秒后再试",
        status_code=429,
        **kw,
    )
    page.headers["Retry-After"] = str(exc.retry_after_s)
    return page


@router.get("/login", response_class=HTMLResponse)
def login_form(
    request: Request, session: SessionDep, next: str = "", mode: str = "password"
) -> Response:
    """The sign-in form (signed-in users go to their 工作台)."""
    cookie = request.cookies.get(COOKIE)
    if cookie:
        try:
            console_sessions(request).resume(session, cookie)
            return redirect(_safe_next(next))
        except NotSignedIn:
            pass
    return _login_page(request, next, mode=mode)


@router.post("/login", response_class=HTMLResponse)
def login(
    request: Request,
    session: SessionDep,
    api_key: Annotated[str, Form()] = "",
    email: Annotated[str, Form(max_length=320)] = "",
    password: Annotated[str, Form(max_length=200)] = "",
    method: Annotated[str, Form()] = "",
    csrf: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "",
) -> Response:
    """Sign in with e-mail and password, or (machine and admin use) an API key."""
    mode = "key" if api_key or method == "key" else "password"
    if not _form_ok(request, csrf):
        return _login_page(
            request, next, error="登录表单已过期，请重新填写后提交", status_code=403, mode=mode
        )
    if mode == "key":
        return _login_with_key(request, session, api_key.strip(), next)
    if not email.strip() or not password:
        return _login_page(request, next, error="请输入邮箱和密码", status_code=422, email=email)
    try:
        user = accounts.sign_in_password(
            session,
            email,
            password,
            throttle=request.app.state.auth_throttle,
            address=throttle.client_address(request),
        )
    except throttle.TooManyAttempts as exc:
        return _too_many(request, next, exc, email=email)
    except accounts.AwaitingApproval as exc:
        waiting = "请先打开验证邮件中的链接" if exc.registration_status == "unverified" else ""
        return _login_page(
            request,
            next,
            error=waiting or "您的入驻申请正在等待组织方审核，审核通过后即可登录",
            status_code=403,
            email=email,
        )
    except accounts.SignInFailed:
        return _login_page(request, next, error="邮箱或密码错误", status_code=401, email=email)
    principal = principal_of_user(user)
    audit.record(session, principal, "console.sign_in", "user", user.id)
    return _signed_in(request, session, user, next)


def _login_with_key(request: Request, session: Session, api_key: str, next_url: str) -> Response:
    if not api_key:
        return _login_page(request, next_url, error="请输入 API 密钥", status_code=422, mode="key")
    try:
        principal = throttle.authenticate(
            session,
            api_key,
            throttle=request.app.state.auth_throttle,
            address=throttle.client_address(request),
        )
    except throttle.TooManyAttempts as exc:
        return _too_many(request, next_url, exc, mode="key")
    except Unauthorized:
        return _login_page(
            request, next_url, error="密钥无效或已被吊销", status_code=401, mode="key"
        )
    row = session.get(ApiKey, principal.key_id)
    assert row is not None
    audit.record(session, principal, "console.sign_in", "api_key", row.id)
    return _signed_in(request, session, row, next_url)


@router.post("/login/code", response_class=HTMLResponse)
def send_code(
    request: Request,
    background: BackgroundTasks,
    email: Annotated[str, Form(max_length=320)] = "",
    by_sms: Annotated[str, Form()] = "",
    csrf: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "",
) -> Response:
    """Send a one-time code (the page says the same, as fast, whether the e-mail has an
    account: the code is made after the answer)."""
    if not _form_ok(request, csrf):
        return _login_page(request, next, error="登录表单已过期", status_code=403, mode="code")
    if "@" not in email:
        return _login_page(request, next, error="请输入邮箱", status_code=422, mode="code")
    sms = bool(by_sms)
    after_response(request, background, lambda s: accounts.request_code(s, email, by_sms=sms))
    return _login_page(
        request,
        next,
        mode="code",
        email=email,
        notice="如果该邮箱已注册，验证码已发出（10 分钟内有效）。",
    )


@router.post("/login/code/verify", response_class=HTMLResponse)
def login_with_code(
    request: Request,
    session: SessionDep,
    email: Annotated[str, Form(max_length=320)] = "",
    code: Annotated[str, Form(max_length=12)] = "",
    csrf: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "",
) -> Response:
    """Sign in with the one-time code. A wrong code is counted (and committed), so it answers
    with a page rather than an error."""
    if not _form_ok(request, csrf):
        return _login_page(request, next, error="登录表单已过期", status_code=403, mode="code")
    try:
        user = accounts.sign_in_code(
            session,
            email,
            code,
            throttle=request.app.state.auth_throttle,
            address=throttle.client_address(request),
        )
    except throttle.TooManyAttempts as exc:
        return _too_many(request, next, exc, mode="code", email=email)
    if user is None:
        return _login_page(
            request, next, error="验证码错误或已过期", status_code=401, mode="code", email=email
        )
    audit.record(session, principal_of_user(user), "console.sign_in", "user", user.id, by="code")
    return _signed_in(request, session, user, next)


@router.post("/logout")
def logout(request: Request, session: SessionDep, viewer: FormViewerDep) -> Response:
    """End the session on the server (its cookie no longer works anywhere) and forget it here."""
    console_sessions(request).close(session, viewer.session_id)
    p = viewer.principal
    if p.user_id is not None:
        audit.record(session, p, "console.sign_out", "user", p.user_id)
    else:
        audit.record(session, p, "console.sign_out", "api_key", p.key_id)
    response = redirect("/login")
    response.delete_cookie(COOKIE, path="/")
    return response
