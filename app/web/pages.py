"""What every console page shares: the signed-in viewer, CSRF checks, rendering, errors.

Pages call the same services as the API with the same :class:`~app.auth.principal.Principal`,
so what a page shows or changes is exactly what the API would allow. Errors the services
raise become a Chinese error page with the API's status code; a missing or revoked session
sends the browser to 登录.
"""

import logging
import re
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

from fastapi import Depends, Form, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.routing import APIRoute
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from app.auth.dependencies import SessionDep
from app.auth.principal import Principal
from app.errors import Forbidden, ProblemError
from app.models import Organization, Role
from app.web import forms, labels, regions
from app.web.security import COOKIE, NotSignedIn, SessionStore, SignedIn, check_token

log = logging.getLogger("xieshou")
TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
labels.install(TEMPLATES.env)
TEMPLATES.env.globals["region_groups"] = regions.groups


#: On every page: nothing cached, nothing framed, only this site's own CSS, JS and images.
SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


@dataclass(frozen=True, slots=True)
class Viewer:
    """The signed-in console user: the API caller, its organization and the CSRF token."""

    principal: Principal
    csrf: str
    org_id: int | None
    org_name: str
    org_kind: str | None
    session_id: int

    @property
    def role(self) -> Role:
        """The key's role."""
        return self.principal.role


def console_sessions(request: Request) -> SessionStore:
    """The app's console session store (made when the console was mounted)."""
    value = request.app.state.console_sessions
    assert isinstance(value, SessionStore)
    return value


def _viewer(session: Session, console: SignedIn) -> Viewer:
    p = console.principal
    org = session.get(Organization, p.organization_id) if p.organization_id else None
    return Viewer(
        principal=p,
        csrf=console.csrf,
        org_id=org.id if org else None,
        org_name=org.name if org else "平台管理员",
        org_kind=org.kind if org else None,
        session_id=console.session_id,
    )


def current_viewer(request: Request, session: SessionDep) -> Viewer:
    """The signed-in viewer, or :class:`NotSignedIn` (→ 登录)."""
    cookie = request.cookies.get(COOKIE)
    if not cookie:
        raise NotSignedIn("no session cookie")
    writing = request.method not in ("GET", "HEAD", "OPTIONS")  # holds the write turn anyway
    return _viewer(session, console_sessions(request).resume(session, cookie, writing=writing))


ViewerDep = Annotated[Viewer, Depends(current_viewer, scope="function")]


class CsrfRejected(Forbidden):
    """A form came without this session's CSRF token (or from another site)."""


def same_origin(request: Request) -> bool:
    """False when the browser says the form came from another site (Origin header)."""
    origin = request.headers.get("origin")
    if not origin or origin == "null":
        return origin is None
    return urlsplit(origin).netloc == request.url.netloc


def checked_viewer(
    request: Request, viewer: ViewerDep, csrf: Annotated[str, Form()] = ""
) -> Viewer:
    """The viewer of a form post that carries the session's CSRF token; 403 otherwise."""
    if not same_origin(request) or not check_token(viewer.csrf, csrf):
        raise CsrfRejected("the form's CSRF token is missing or wrong; reload the page")
    return viewer


FormViewerDep = Annotated[Viewer, Depends(checked_viewer, scope="function")]


def render(
    request: Request,
    template: str,
    viewer: Viewer | None,
    *,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    """A page from ``template`` with the viewer and its CSRF token in the context."""
    response = TEMPLATES.TemplateResponse(
        request,
        template,
        {"viewer": viewer, "csrf": viewer.csrf if viewer else "", **context},
        status_code=status_code,
    )
    response.headers.update(SECURITY_HEADERS)
    return response


def redirect(url: str) -> RedirectResponse:
    """After a successful form post: see the result with a GET (303)."""
    return RedirectResponse(url, status_code=303)


def login_redirect(request: Request) -> RedirectResponse:
    """Send the browser to 登录, coming back here afterwards; forget the stale cookie."""
    target = request.url.path
    if request.url.query:
        target += "?" + request.url.query
    nxt = target if request.method == "GET" and target != "/" else ""
    response = RedirectResponse(f"/login?next={quote(nxt)}" if nxt else "/login", 303)
    response.delete_cookie(COOKIE, path="/")
    return response


_TITLES = {
    400: "请求有误",
    401: "请先登录",
    403: "无权访问",
    404: "未找到",
    409: "当前状态不允许此操作",
    412: "记录已被他人修改，请刷新后重试",
    413: "提交的内容过大",
    422: "输入有误",
    428: "缺少版本号，请刷新后重试",
    500: "服务器出错了，请稍后再试（已记录）",
}


_HINTS = {
    400: "请求的内容无法处理，请检查后重试。",
    403: "您的账号没有这项操作的权限。",
    404: "要找的记录不存在，或您无权查看。",
    409: "记录当前的状态不允许这项操作，请刷新页面查看最新状态。",
    422: "请检查填写的内容。",
}
_CJK = re.compile(r"[\u4e00-\u9fff]")


def chinese_detail(status: int, detail: str) -> str:
    """A service's message for people: Chinese as is, a known English one translated, any
    other English one replaced by a plain hint for its status (the API keeps the details)."""
    if not detail or _CJK.search(detail):
        return detail
    known = forms.known_message(detail)
    return known if known is not None else _HINTS.get(status, "")


def error_page(
    request: Request, status: int, detail: str, viewer: "Viewer | None" = None
) -> HTMLResponse:
    """A Chinese error page with the API's status code (with the navigation when signed in)."""
    return render(
        request,
        "error.html",
        viewer,
        status_code=status,
        status=status,
        title=_TITLES.get(status, "出错了"),
        detail=chinese_detail(status, detail),
    )


def _without_empty_values(request: Request) -> None:
    """``?mine=&page=2`` means ``?page=2``: an empty filter is no filter (a GET form sends
    every field, filled or not), so no page parameter ever fails on an empty value."""
    raw = request.scope.get("query_string", b"")
    if not raw:
        return
    pairs = parse_qsl(raw.decode("latin-1"), keep_blank_values=True)
    kept = [(k, v) for k, v in pairs if v.strip()]
    if len(kept) != len(pairs):
        request.scope["query_string"] = urlencode(kept).encode("latin-1")
        request.__dict__.pop("_query_params", None)


def _signed_in_viewer(request: Request) -> "Viewer | None":
    """The viewer for an error page, read in a session of its own (the request's has ended);
    None when not signed in or the database does not answer."""
    cookie = request.cookies.get(COOKIE)
    if not cookie:
        return None
    session = request.app.state.sessionmaker()
    try:
        return _viewer(session, console_sessions(request).resume(session, cookie))
    except Exception:  # an error page must render whatever else failed
        return None
    finally:
        session.rollback()
        session.close()


#: The console's query and form parameters as its pages name them.
_PARAMETERS = {
    "page": "页码",
    "q": "关键词",
    "status": "状态",
    "kind": "类型",
    "region": "地区",
    "mine": "只看本企业",
    "tier": "梯度",
    "min_score": "最低匹配度",
    "limit": "条数",
    "level": "地区层级",
    "min_confidence": "最低置信度",
    "find": "查找",
    "format": "格式",
    "version": "版本号（请刷新页面）",
}


def _invalid_parameters(exc: RequestValidationError) -> str:
    names = []
    for err in exc.errors():
        loc = [str(p) for p in err.get("loc", ()) if p not in ("query", "path", "body")]
        name = ".".join(loc) or "?"
        names.append(_PARAMETERS.get(name, name))
    return "以下参数无效：" + "、".join(dict.fromkeys(names))


class PageRoute(APIRoute):
    """A route whose errors are pages, not problem+json.

    The session dependency has already rolled back when the error reaches here, so a
    failed page changes nothing.
    """

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        """The framework's handler, with errors turned into pages."""
        handler = super().get_route_handler()

        async def page_handler(request: Request) -> Response:
            if request.method == "GET":
                _without_empty_values(request)
            try:
                return await handler(request)
            except NotSignedIn:
                return login_redirect(request)
            except ProblemError as exc:
                status, detail = exc.status, exc.detail
            except RequestValidationError as exc:
                status, detail = 422, _invalid_parameters(exc)
            except Exception:
                log.exception("console page %s %s failed", request.method, request.url.path)
                status, detail = 500, ""
            viewer = await run_in_threadpool(_signed_in_viewer, request)
            return error_page(request, status, detail, viewer)

        return page_handler
