"""工作台: one dashboard per role, built from the same service calls as the API."""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.dependencies import SessionDep
from app.auth.principal import Principal
from app.events import service as events
from app.interests import service as interests
from app.matches.turns import in_turn, opportunities_call
from app.models import CapabilityProfile, NeedStatus, OrganizationKind, Role
from app.needs import service as needs
from app.needs.schemas import NeedRead
from app.organizations import service as organizations
from app.pagination import PageParams
from app.profiles import service as profiles
from app.web.pages import PageRoute, ViewerDep, render

router = APIRouter(route_class=PageRoute, include_in_schema=False)
ONE = PageParams(page=1, page_size=1)


def own_profile_id(session: Session, caller: Principal) -> int | None:
    """The id of the caller's own SME profile, if it has one."""
    if caller.organization_id is None:
        return None
    return session.scalar(
        select(CapabilityProfile.id).where(
            CapabilityProfile.organization_id == caller.organization_id
        )
    )


def recent_needs(
    session: Session, caller: Principal, count: int, *, organization_id: int | None = None
) -> tuple[list[NeedRead], int]:
    """The newest needs the caller may see (the service lists oldest first) and their total."""

    def page(params: PageParams) -> list[NeedRead]:
        return needs.list_page(
            session,
            caller,
            params,
            status=None,
            kind=None,
            organization_id=organization_id,
            region=None,
            industry=None,
            q=None,
        ).items

    total = needs.list_page(
        session,
        caller,
        ONE,
        status=None,
        kind=None,
        organization_id=organization_id,
        region=None,
        industry=None,
        q=None,
    ).total
    if total == 0:
        return [], 0
    last = max(1, (total - 1) // count + 1)
    rows = page(PageParams(page=last, page_size=count))
    if len(rows) < count and last > 1:
        rows = page(PageParams(page=last - 1, page_size=count)) + rows
    return list(reversed(rows))[:count], total


@router.get("/", response_class=HTMLResponse)
def dashboard(request: Request, session: SessionDep, viewer: ViewerDep) -> HTMLResponse:
    """The signed-in role's 工作台."""
    caller = viewer.principal
    context: dict[str, Any] = {}
    if caller.role in (Role.admin, Role.organizer):

        def orgs(kind: OrganizationKind) -> int:
            return organizations.list_page(
                session, caller, ONE, kind=kind, region=None, industry=None, tier=None, q=None
            ).total

        open_needs = needs.list_page(
            session,
            caller,
            ONE,
            status=NeedStatus.open,
            kind=None,
            organization_id=None,
            region=None,
            industry=None,
            q=None,
        ).total
        context["counts"] = [
            ("大企业", orgs(OrganizationKind.large_firm)),
            ("中小企业", orgs(OrganizationKind.sme)),
            (
                "能力画像",
                profiles.list_page(
                    session, ONE, region=None, industry=None, tier=None, q=None
                ).total,
            ),
            ("征集中的需求", open_needs),
        ]
        context["recent"], _ = recent_needs(session, caller, 8)
        context["events"] = events.list_page(
            session, caller, PageParams(page=1, page_size=8), status=None
        )
    elif caller.role is Role.large_firm:
        context["recent"], context["need_total"] = recent_needs(
            session, caller, 20, organization_id=caller.organization_id
        )
        context["events"] = events.list_page(
            session, caller, PageParams(page=1, page_size=5), status=None
        )
    else:
        profile_id = own_profile_id(session, caller)
        context["profile"] = (
            profiles.to_read(profiles.get(session, profile_id)) if profile_id else None
        )
        context["opportunities"] = (
            in_turn(
                request,
                opportunities_call(
                    request, session, caller, profile_id, limit=5, region=None, min_score=None
                ),
            )
            if profile_id
            else None
        )
        context["interests"] = (
            interests.own_interests(
                session,
                caller,
                profile_id,
                PageParams(page=1, page_size=20),
                interest=None,
                mutual=None,
            ).items
            if profile_id
            else []
        )
        context["events"] = events.list_page(
            session, caller, PageParams(page=1, page_size=5), status=None
        )
    return render(request, "dashboard.html", viewer, **context)
