"""需求: the list, a need with its shortlist and reasons, posting a need, opening or closing it."""

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request, Response
from fastapi.responses import HTMLResponse
from pydantic import ValidationError

from app.auth.dependencies import SessionDep
from app.errors import Forbidden, InvalidInput, ProblemError
from app.fields import IdParam
from app.interests import service as interests
from app.matches import reading
from app.matches.schemas import Shortlist
from app.matches.turns import in_turn, shortlist_call
from app.models import NeedKind, NeedStatus, Role, Tier
from app.needs import service as needs
from app.needs.schemas import NeedCreate, NeedUpdate
from app.pagination import PageParams
from app.web import forms
from app.web.dashboard import own_profile_id
from app.web.pages import FormViewerDep, PageRoute, ViewerDep, redirect, render

router = APIRouter(route_class=PageRoute, include_in_schema=False)
PAGE_SIZE = 30
_LIST_FIELDS = ("products", "required_certifications", "preferred_regions")


def _blank(value: str | None) -> str | None:
    return value.strip() or None if value else None


@router.get("/needs", response_class=HTMLResponse)
def need_list(
    request: Request,
    session: SessionDep,
    viewer: ViewerDep,
    q: Annotated[str, Query(max_length=100)] = "",
    status: Annotated[str, Query(max_length=10)] = "",
    kind: Annotated[str, Query(max_length=20)] = "",
    region: Annotated[str, Query(max_length=6)] = "",
    mine: bool = False,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> HTMLResponse:
    """Needs the viewer may see, filtered; large firms may keep to their own."""
    own = viewer.org_id if mine else None
    result = needs.list_page(
        session,
        viewer.principal,
        PageParams(page=page, page_size=PAGE_SIZE),
        status=NeedStatus(status) if status in NeedStatus.__members__ else None,
        kind=NeedKind(kind) if kind in NeedKind.__members__ else None,
        organization_id=own,
        region=_blank(region),
        industry=None,
        q=_blank(q),
    )
    chosen = {"q": q, "status": status, "kind": kind, "region": region, "mine": "1" if mine else ""}
    query = urlencode({k: v for k, v in chosen.items() if v})
    return render(
        request,
        "needs.html",
        viewer,
        page=result,
        query=query,
        filters={"q": q, "status": status, "kind": kind, "region": region, "mine": mine},
    )


@router.get("/needs/new", response_class=HTMLResponse)
def need_form(request: Request, viewer: ViewerDep) -> HTMLResponse:
    """The form to post a need."""
    return render(request, "need_form.html", viewer, values={"status": "open"}, errors={})


@router.post("/needs/new", response_class=HTMLResponse)
def need_create(
    request: Request,
    session: SessionDep,
    viewer: FormViewerDep,
    title: Annotated[str, Form()] = "",
    kind: Annotated[str, Form()] = "supply",
    status: Annotated[str, Form()] = "draft",
    products: Annotated[str, Form()] = "",
    application: Annotated[str, Form()] = "",
    description: Annotated[str, Form()] = "",
    quantity: Annotated[str, Form()] = "",
    quantity_unit: Annotated[str, Form()] = "",
    required_certifications: Annotated[str, Form()] = "",
    preferred_regions: Annotated[list[str] | None, Form()] = None,
    deadline: Annotated[str, Form()] = "",
    organization_id: Annotated[str, Form()] = "",
) -> Response:
    """Post a need through the needs service; errors are shown next to their fields."""
    values = {
        "title": title,
        "kind": kind,
        "status": status,
        "products": products,
        "application": application,
        "description": description,
        "quantity": quantity,
        "quantity_unit": quantity_unit,
        "required_certifications": required_certifications,
        "preferred_regions": forms.region_codes(preferred_regions),
        "deadline": deadline,
        "organization_id": organization_id,
    }
    try:
        data = NeedCreate.model_validate(
            {
                "title": title,
                "kind": kind,
                "status": status,
                "products": forms.items(products),
                "application": application,
                "description": description,
                "quantity": quantity.strip() or None,
                "quantity_unit": quantity_unit.strip() or None,
                "required_certifications": forms.items(required_certifications),
                "preferred_regions": forms.region_codes(preferred_regions),
                "deadline": deadline.strip() or None,
                "organization_id": organization_id.strip() or None,
            },
            strict=False,
        )
        need = needs.create(session, viewer.principal, data)
    except ValidationError as exc:
        errors = forms.validation_errors(exc, _LIST_FIELDS)
    except ProblemError as exc:
        session.rollback()
        errors = forms.problem_errors(exc)
    else:
        return redirect(f"/needs/{need.id}")
    if viewer.role in (Role.large_firm, Role.sme) and "organization_id" in errors:
        errors[""] = errors.pop("organization_id")  # the form has no such field for them
    return render(request, "need_form.html", viewer, status_code=422, values=values, errors=errors)


@router.get("/needs/{need_id:int}", response_class=HTMLResponse)
def need_detail(
    request: Request,
    session: SessionDep,
    viewer: ViewerDep,
    need_id: IdParam,
    region: Annotated[str, Query(max_length=6)] = "",
    tier: Annotated[str, Query(max_length=20)] = "",
    min_score: Annotated[float | None, Query(ge=0, le=1)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> HTMLResponse:
    """A need and, for those the API shows it to, its shortlist with reasons."""
    need = needs.get_visible(session, viewer.principal, need_id)
    state = request.app.state
    shortlist: Shortlist | None = None
    try:
        # The same call and turns as the API (the firm's own views logged as there).
        shortlist = in_turn(
            request,
            shortlist_call(
                request,
                session,
                viewer.principal,
                need_id,
                limit=limit,
                region=_blank(region),
                tier=Tier(tier) if tier in Tier.__members__ else None,
                min_score=min_score,
            ),
        )
    except Forbidden:
        shortlist = None
    own_profile = own_profile_id(session, viewer.principal) if viewer.role is Role.sme else None
    sme_marks = (
        interests.visible_marks(
            state.matching.marks_on_profile(own_profile, [need_id]),
            viewer.principal,
            {need_id: (need.organization_id, viewer.principal.organization_id or -1)},
        )[need_id]
        if own_profile is not None and need.status == NeedStatus.open
        else None
    )
    return render(
        request,
        "need.html",
        viewer,
        need=needs.to_read(need),
        reading=reading.reading_of(need, state.matching),
        own_profile=own_profile,
        sme_marks=sme_marks,
        manages=viewer.principal.manages(need.organization),
        can_mark=need.status == NeedStatus.open
        and interests.acts_for(viewer.principal, need.organization),
        is_sme=viewer.role is Role.sme,
        shortlist=shortlist,
        filters={"region": region, "tier": tier, "min_score": min_score, "limit": limit},
    )


@router.post("/needs/{need_id:int}/status")
def need_status(
    session: SessionDep,
    viewer: FormViewerDep,
    need_id: IdParam,
    status: Annotated[NeedStatus, Form()],
    version: Annotated[int, Form()],
) -> Response:
    """发布 (draft → open) or 关闭 (→ closed) a need, as PATCH with If-Match would."""
    needs.update(session, viewer.principal, need_id, NeedUpdate(status=status), version)
    return redirect(f"/needs/{need_id}")


@router.post("/needs/{need_id:int}/reading")
def need_correct_reading(
    session: SessionDep,
    viewer: FormViewerDep,
    need_id: IdParam,
    version: Annotated[int, Form()],
    products: Annotated[str, Form()] = "",
    application: Annotated[str, Form()] = "",
    required_certifications: Annotated[str, Form()] = "",
    preferred_regions: Annotated[list[str] | None, Form()] = None,
) -> Response:
    """更正我们的理解: the firm's correction of the reading is its structured fields, which then
    win over what the text says (the same PATCH as over the API)."""
    try:
        data = NeedUpdate.model_validate(
            {
                "products": forms.items(products),
                "application": application.strip(),
                "required_certifications": forms.items(required_certifications),
                "preferred_regions": forms.region_codes(preferred_regions),
            }
        )
    except ValidationError as exc:
        errors = forms.validation_errors(exc, _LIST_FIELDS)
        field, message = next(iter(errors.items()))
        raise InvalidInput(field or "form", message) from exc
    needs.update(session, viewer.principal, need_id, data, version)
    return redirect(f"/needs/{need_id}")
