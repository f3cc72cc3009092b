"""感兴趣 / 不感兴趣 on shortlists and opportunities, and the pair page (contacts once mutual).

Marks go through :mod:`app.interests.service` with the viewer's principal: a firm marks its
own need's candidates, an SME its own opportunities, and the other side's contacts appear
only when the service reveals them (mutual interest or a held meeting).
"""

from typing import Annotated

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from app.auth.dependencies import SessionDep
from app.errors import InvalidInput
from app.fields import IdParam
from app.interests import service as interests
from app.models import InterestValue, Side
from app.web.pages import FormViewerDep, PageRoute, Viewer, ViewerDep, redirect, render

router = APIRouter(route_class=PageRoute, include_in_schema=False)
WITHDRAW = "withdraw"


def _apply(
    session: SessionDep, viewer: FormViewerDep, pair: interests.Pair, side: Side, value: str
) -> None:
    if value == WITHDRAW:
        interests.withdraw(session, viewer.principal, pair, side)
    elif value in InterestValue.__members__:
        interests.set_mark(session, viewer.principal, pair, side, InterestValue(value))
    else:
        raise InvalidInput("body.value", "interested, declined or withdraw")


def _back(target: str, back: str) -> str:
    return back if back.startswith("/") and not back.startswith("//") else target


@router.post("/needs/{need_id:int}/candidates/{profile_id:int}/interest")
def mark_candidate(
    session: SessionDep,
    viewer: FormViewerDep,
    need_id: IdParam,
    profile_id: IdParam,
    value: Annotated[str, Form()],
    back: Annotated[str, Form()] = "",
) -> Response:
    """The need's firm marks a candidate SME (or withdraws its mark)."""
    pair = interests.buyer_pair(session, viewer.principal, need_id, profile_id)
    _apply(session, viewer, pair, Side.buyer, value)
    return redirect(_back(f"/needs/{need_id}#shortlist", back))


@router.post("/profiles/{profile_id:int}/opportunities/{need_id:int}/interest")
def mark_opportunity(
    session: SessionDep,
    viewer: FormViewerDep,
    profile_id: IdParam,
    need_id: IdParam,
    value: Annotated[str, Form()],
    back: Annotated[str, Form()] = "",
) -> Response:
    """The SME says it is interested in an open need (or declines, or withdraws)."""
    pair = interests.sme_pair(session, viewer.principal, profile_id, need_id)
    _apply(session, viewer, pair, Side.sme, value)
    return redirect(_back(f"/profiles/{profile_id}/opportunities", back))


def _pair_page(
    request: Request,
    session: Session,
    viewer: Viewer,
    pair: interests.Pair,
    side: Side,
    url: str,
) -> HTMLResponse:
    """One need–profile pair as ``side`` sees it, at ``url`` (its form posts to ``url``/interest)."""
    return render(
        request,
        "pair.html",
        viewer,
        pair=interests.pair_view(session, viewer.principal, pair, side),
        need_title=pair.need.title,
        side=side.value,
        action=f"{url}/interest",
        back=url,
    )


@router.get("/needs/{need_id:int}/candidates/{profile_id:int}", response_class=HTMLResponse)
def candidate(
    request: Request, session: SessionDep, viewer: ViewerDep, need_id: IdParam, profile_id: IdParam
) -> HTMLResponse:
    """A candidate as the need's firm sees it: both marks, contacts once mutual."""
    pair = interests.buyer_pair(session, viewer.principal, need_id, profile_id)
    url = f"/needs/{need_id}/candidates/{profile_id}"
    return _pair_page(request, session, viewer, pair, Side.buyer, url)


@router.get("/profiles/{profile_id:int}/opportunities/{need_id:int}", response_class=HTMLResponse)
def opportunity(
    request: Request, session: SessionDep, viewer: ViewerDep, profile_id: IdParam, need_id: IdParam
) -> HTMLResponse:
    """An opportunity as the SME sees it: both marks, the buyer's contacts once mutual."""
    pair = interests.sme_pair(session, viewer.principal, profile_id, need_id)
    url = f"/profiles/{profile_id}/opportunities/{need_id}"
    return _pair_page(request, session, viewer, pair, Side.sme, url)
