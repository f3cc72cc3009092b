"""API 密钥: list the keys the viewer may see, issue one (its secret shown once), revoke one.

Every read and write goes through :mod:`app.auth.service` with the viewer's principal, so the
API's rules hold: admins see and issue any key; organizers issue firm keys for the firms they
registered and see their own organization's keys.
"""

from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request, Response
from fastapi.responses import HTMLResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth import service as keys
from app.auth.dependencies import SessionDep
from app.auth.service import ROLES_FOR_KIND
from app.errors import InvalidInput, ProblemError
from app.fields import IdParam
from app.models import ApiKey, Organization, OrganizationKind, Role
from app.organizations import service as organizations
from app.pagination import PageParams
from app.web import forms
from app.web.pages import FormViewerDep, PageRoute, Viewer, ViewerDep, redirect, render

router = APIRouter(route_class=PageRoute, include_in_schema=False)
FOUND = 20


def _context(session: Session, viewer: Viewer, find: str) -> dict[str, Any]:
    rows: list[ApiKey] = keys.visible_keys(session, viewer.principal)
    org_ids = {r.organization_id for r in rows if r.organization_id is not None}
    names = (
        dict(
            session.execute(
                select(Organization.id, Organization.name).where(Organization.id.in_(org_ids))
            ).all()
        )
        if org_ids
        else {}
    )
    found = (
        organizations.list_page(
            session,
            viewer.principal,
            PageParams(page=1, page_size=FOUND),
            kind=None,
            region=None,
            industry=None,
            tier=None,
            q=find.strip(),
        ).items
        if find.strip()
        else []
    )
    return {
        "keys": sorted(rows, key=lambda r: (r.revoked_at is not None, -r.id)),
        "names": names,
        "find": find,
        "found": [
            (org, sorted(r.value for r in ROLES_FOR_KIND[OrganizationKind(org.kind)]))
            for org in found
        ],
        "can_issue": viewer.principal.is_admin or viewer.principal.is_organizer,
    }


@router.get("/keys", response_class=HTMLResponse)
def key_list(
    request: Request,
    session: SessionDep,
    viewer: ViewerDep,
    find: Annotated[str, Query(max_length=100)] = "",
    done: Annotated[str, Query(max_length=20)] = "",
) -> HTMLResponse:
    """The keys the viewer may see, and the form to issue one for a firm found by name."""
    context = _context(session, viewer, find)
    return render(request, "keys.html", viewer, done=done, issued=None, errors={}, **context)


@router.post("/keys", response_class=HTMLResponse)
def key_issue(
    request: Request,
    session: SessionDep,
    viewer: FormViewerDep,
    role: Annotated[str, Form()] = "",
    organization_id: Annotated[str, Form()] = "",
    label: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Issue a key through the keys service; the page shows its secret this once."""
    try:
        if role not in Role.__members__:
            raise InvalidInput("body.role", "请选择角色")
        org_id = int(organization_id) if organization_id.strip().isdigit() else None
        row, secret = keys.issue(
            session,
            viewer.principal,
            role=Role(role),
            organization_id=org_id,
            label=label.strip(),
        )
    except ProblemError as exc:
        session.rollback()
        errors = forms.problem_errors(exc)
        message = "；".join(v for v in errors.values() if v) or "无法签发"
        context = _context(session, viewer, "")
        return render(
            request,
            "keys.html",
            viewer,
            status_code=exc.status,
            done="",
            issued=None,
            errors={"": message},
            **context,
        )
    session.flush()
    context = _context(session, viewer, "")
    org = session.get(Organization, row.organization_id) if row.organization_id else None
    issued = {"key": secret, "role": row.role, "org_name": org.name if org else ""}
    return render(request, "keys.html", viewer, done="", issued=issued, errors={}, **context)


@router.post("/keys/{key_id:int}/revoke")
def key_revoke(session: SessionDep, viewer: FormViewerDep, key_id: IdParam) -> Response:
    """Revoke a key (its console sessions end too), as DELETE /keys/{id} would."""
    keys.revoke(session, viewer.principal, key_id)
    return redirect("/keys?done=revoked")
