"""登录 and 退出: the API key is checked by the auth service, then a server-side session is kept.

The browser gets only the session's random token (see :mod:`app.web.security`); 退出 revokes the
session, so the cookie is worthless afterwards even if it was copied.
"""

import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import HTMLResponse

from app import audit
from app.auth import throttle
from app.auth.dependencies import SessionDep
from app.errors import Unauthorized
from app.models import ApiKey
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
    request: Request, next_url: str, *, error: str = "", status_code: int = 200
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


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, session: SessionDep, next: str = "") -> Response:
    """The sign-in form (signed-in users go to their 工作台)."""
    cookie = request.cookies.get(COOKIE)
    if cookie:
        try:
            console_sessions(request).resume(session, cookie)
            return redirect(_safe_next(next))
        except NotSignedIn:
            pass
    return _login_page(request, next)


@router.post("/login", response_class=HTMLResponse)
def login(
    request: Request,
    session: SessionDep,
    api_key: Annotated[str, Form()] = "",
    csrf: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "",
) -> Response:
    """Check the key with the auth service; on success set the session cookie."""
    expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not same_origin(request) or not expected or not check_token(expected, csrf):
        return _login_page(
            request, next, error="登录表单已过期，请重新输入密钥后提交", status_code=403
        )
    if not api_key.strip():
        return _login_page(request, next, error="请输入 API 密钥", status_code=422)
    try:
        principal = throttle.authenticate(
            session,
            api_key.strip(),
            throttle=request.app.state.auth_throttle,
            address=throttle.client_address(request),
        )
    except throttle.TooManyAttempts as exc:
        page = _login_page(
            request, next, error=f"失败次数过多，请 {exc.retry_after_s} 秒后再试", status_code=429
        )
        page.headers["Retry-After"] = str(exc.retry_after_s)
        return page
    except Unauthorized:
        return _login_page(request, next, error="密钥无效或已被吊销", status_code=401)
    row = session.get(ApiKey, principal.key_id)
    assert row is not None
    audit.record(session, principal, "console.sign_in", "api_key", row.id)
    response = redirect(_safe_next(next))
    response.set_cookie(
        COOKIE,
        console_sessions(request).open(session, row),
        max_age=MAX_AGE_S,
        path="/",
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
    return response


@router.post("/logout")
def logout(request: Request, session: SessionDep, viewer: FormViewerDep) -> Response:
    """End the session on the server (its cookie no longer works anywhere) and forget it here."""
    console_sessions(request).close(session, viewer.session_id)
    audit.record(session, viewer.principal, "console.sign_out", "api_key", viewer.principal.key_id)
    response = redirect("/login")
    response.delete_cookie(COOKIE, path="/")
    return response
