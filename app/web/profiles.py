"""能力画像 (an SME's profile: view, create, edit) and 商机 (its ranked opportunities)."""

from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request, Response
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, ValidationError

from app.auth.dependencies import SessionDep
from app.challenges import service as challenge_service
from app.errors import NotFound, ProblemError
from app.fields import IdParam
from app.interests import service as interests
from app.matches.turns import in_turn, opportunities_call
from app.organizations import service as organizations
from app.profiles import service as profiles
from app.profiles.schemas import ProfileCreate, ProfileUpdate
from app.web import forms
from app.web.dashboard import own_profile_id
from app.web.pages import FormViewerDep, PageRoute, Viewer, ViewerDep, redirect, render

router = APIRouter(route_class=PageRoute, include_in_schema=False)
_LIST_FIELDS = (
    "products",
    "technologies",
    "processes",
    "materials",
    "certifications",
    "regions_served",
)


class ProfileForm(BaseModel):
    """The profile editor's text fields as posted (lists one per line; see ``app.web.forms``)."""

    products: str = ""
    technologies: str = ""
    processes: str = ""
    materials: str = ""
    certifications: str = ""
    regions_served: list[str] = []
    capacity: str = ""
    minimum_order: str = ""
    description: str = ""


class NewProfileForm(ProfileForm):
    """The editor posted to create a profile (an organizer or admin names the SME)."""

    organization_id: str = ""


class EditedProfileForm(ProfileForm):
    """The editor posted to save a profile, with the version it was read at (If-Match)."""

    version: int


def _values_of(profile: Any) -> dict[str, Any]:
    """A stored profile → the editor's text fields."""
    return {
        "products": forms.products_text(profile.products),
        "technologies": "\n".join(profile.technologies),
        "processes": "\n".join(profile.processes),
        "materials": "\n".join(profile.materials),
        "certifications": forms.certifications_text(profile.certifications),
        "regions_served": list(profile.regions_served),
        "capacity": profile.capacity or "",
        "minimum_order": profile.minimum_order or "",
        "description": profile.description,
    }


def _fields_of(values: dict[str, Any]) -> dict[str, Any]:
    """The editor's text fields → the service's input (FormInvalid on unreadable lines)."""
    return {
        "products": forms.parse_products(values["products"]),
        "technologies": forms.items(values["technologies"]),
        "processes": forms.items(values["processes"]),
        "materials": forms.items(values["materials"]),
        "certifications": forms.parse_certifications(values["certifications"]),
        "regions_served": forms.region_codes(values["regions_served"]),
        "capacity": values["capacity"].strip() or None,
        "minimum_order": values["minimum_order"].strip() or None,
        "description": values["description"],
    }


def _own_profile(session: SessionDep, viewer: Viewer) -> int:
    profile_id = own_profile_id(session, viewer.principal)
    if profile_id is None:
        raise NotFound("you have no capability profile yet")
    return profile_id


@router.get("/profile")
def my_profile(session: SessionDep, viewer: ViewerDep) -> Response:
    """An SME's own profile editor (or the form to create it)."""
    profile_id = own_profile_id(session, viewer.principal)
    return redirect(f"/profiles/{profile_id}/edit" if profile_id else "/profiles/new")


@router.get("/profiles/new", response_class=HTMLResponse)
def new_profile_form(request: Request, viewer: ViewerDep) -> HTMLResponse:
    """The empty editor."""
    values = ProfileForm().model_dump()
    return render(request, "profile_form.html", viewer, profile=None, values=values, errors={})


@router.post("/profiles/new", response_class=HTMLResponse)
def create_profile(
    request: Request,
    session: SessionDep,
    viewer: FormViewerDep,
    form: Annotated[NewProfileForm, Form()],
) -> Response:
    """Create a profile through the profiles service."""
    values = form.model_dump()
    try:
        data = ProfileCreate.model_validate(
            _fields_of(values) | {"organization_id": form.organization_id.strip() or None},
            strict=False,
        )
        profile = profiles.create(session, viewer.principal, data)
    except forms.FormInvalid as exc:
        errors = exc.errors
    except ValidationError as exc:
        errors = forms.validation_errors(exc, _LIST_FIELDS)
    except ProblemError as exc:
        session.rollback()
        errors = forms.problem_errors(exc)
    else:
        return redirect(f"/profiles/{profile.id}/edit?saved=1")
    return render(
        request,
        "profile_form.html",
        viewer,
        status_code=422,
        profile=None,
        values=values,
        errors=errors,
    )


@router.get("/profiles/{profile_id:int}", response_class=HTMLResponse)
def profile_view(
    request: Request, session: SessionDep, viewer: ViewerDep, profile_id: IdParam
) -> HTMLResponse:
    """A profile as the API shows it, with the firm's public facts (contacts if managed)."""
    profile = profiles.get(session, profile_id)
    org = organizations.to_read(
        viewer.principal, organizations.get(session, profile.organization_id)
    )
    return render(
        request,
        "profile.html",
        viewer,
        profile=profiles.to_read(profile),
        org=org,
        manages=viewer.principal.manages(profile.organization),
    )


@router.get("/profiles/{profile_id:int}/edit", response_class=HTMLResponse)
def edit_profile_form(
    request: Request,
    session: SessionDep,
    viewer: ViewerDep,
    profile_id: IdParam,
    saved: bool = False,
) -> Response:
    """The editor, filled with the stored profile (for those who manage it)."""
    profile = profiles.get(session, profile_id)
    if not viewer.principal.manages(profile.organization):
        return redirect(f"/profiles/{profile_id}")
    return render(
        request,
        "profile_form.html",
        viewer,
        profile=profiles.to_read(profile),
        values=_values_of(profile),
        errors={},
        saved=saved,
    )


@router.post("/profiles/{profile_id:int}/edit", response_class=HTMLResponse)
def update_profile(
    request: Request,
    session: SessionDep,
    viewer: FormViewerDep,
    profile_id: IdParam,
    form: Annotated[EditedProfileForm, Form()],
) -> Response:
    """Save the editor through the profiles service (If-Match is the form's version)."""
    values = form.model_dump(exclude={"version"})
    try:
        data = ProfileUpdate.model_validate(_fields_of(values), strict=False)
        profiles.update(session, viewer.principal, profile_id, data, form.version)
    except forms.FormInvalid as exc:
        errors = exc.errors
    except ValidationError as exc:
        errors = forms.validation_errors(exc, _LIST_FIELDS)
    except ProblemError as exc:
        session.rollback()
        if exc.status in (403, 404):
            raise
        errors = forms.problem_errors(exc)
        if exc.status == 412:
            errors = {"": "此画像已被他人修改：请复制您的改动，刷新页面后再保存。"}
    else:
        return redirect(f"/profiles/{profile_id}/edit?saved=1")
    current = profiles.get(session, profile_id)
    return render(
        request,
        "profile_form.html",
        viewer,
        status_code=422,
        profile=profiles.to_read(current),
        values=values,
        errors=errors,
        form_version=form.version,
    )


@router.get("/opportunities")
def my_opportunities(session: SessionDep, viewer: ViewerDep) -> Response:
    """The SME's own 商机."""
    return redirect(f"/profiles/{_own_profile(session, viewer)}/opportunities")


@router.get("/profiles/{profile_id:int}/opportunities", response_class=HTMLResponse)
def opportunities(
    request: Request,
    session: SessionDep,
    viewer: ViewerDep,
    profile_id: IdParam,
    region: Annotated[str, Query(max_length=6)] = "",
    min_score: Annotated[float | None, Query(ge=0, le=1)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> HTMLResponse:
    """Ranked open needs for a profile, with reasons (for that SME and who manages it)."""
    result = in_turn(
        request,
        opportunities_call(
            request,
            session,
            viewer.principal,
            profile_id,
            limit=limit,
            region=region.strip() or None,
            min_score=min_score,
        ),
    )
    stored = profiles.get(session, profile_id)
    return render(
        request,
        "opportunities.html",
        viewer,
        profile=profiles.to_read(stored),
        can_mark=interests.acts_for(viewer.principal, stored.organization),
        result=result,
        filters={"region": region, "min_score": min_score, "limit": limit},
        challenge_of=challenge_service.open_for_needs(
            session, viewer.principal, [o.need_id for o in result.items]
        ),
    )
