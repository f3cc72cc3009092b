"""洽谈会: sessions, participants, wishes, 运行排程, the slot × table grid, downloads, agendas.

Every read and write goes through :mod:`app.events.service`, :mod:`app.events.scheduling`
and :mod:`app.events.exports` with the viewer's principal; a part of the page the API would
refuse (403) is simply left out.
"""

import datetime as dt
from collections.abc import Callable
from typing import Annotated, Any, Literal, TypeVar

from fastapi import APIRouter, Form, Query, Request, Response
from fastapi.responses import HTMLResponse
from pydantic import ValidationError
from sqlalchemy.orm import Session

from app.auth.dependencies import SessionDep
from app.campaigns import noshows
from app.errors import Forbidden, InvalidInput, ProblemError
from app.events import exports, gaps, report, schedule_job, scheduling, service
from app.events.exports import ExportFormat, ExportKind
from app.events.schemas import (
    EventCreate,
    EventUpdate,
    OutcomeSet,
    ParticipantCreate,
    ParticipantUpdate,
    PreferenceSet,
    UnmetFill,
)
from app.fields import IdParam
from app.jobs.router import requested_by
from app.matches.index import MatchingIndex
from app.models import DAY_STATUSES, EventStatus, OrganizationKind, Side, Wish
from app.organizations import service as organizations
from app.pagination import PageParams
from app.web import event_day, forms
from app.web.pages import FormViewerDep, PageRoute, Viewer, ViewerDep, redirect, render

router = APIRouter(route_class=PageRoute, include_in_schema=False)
T = TypeVar("T")
PAGE_SIZE = 30


def _unless_forbidden(call: Callable[[], T]) -> T | None:
    """What the service returns, or None where it refuses the viewer (403)."""
    try:
        return call()
    except Forbidden:
        return None


@router.get("/events", response_class=HTMLResponse)
def event_list(
    request: Request,
    session: SessionDep,
    viewer: ViewerDep,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> HTMLResponse:
    """Sessions the viewer may see, newest first."""
    result = service.list_page(
        session, viewer.principal, PageParams(page=page, page_size=PAGE_SIZE), status=None
    )
    return render(request, "events.html", viewer, page=result, query="")


def _slots(start: str, count: str, minutes: str, pause: str) -> list[dict[str, str]]:
    """``09:00``, 8 slots of 20 min with 5 min between → the event's slots."""
    errors: forms.FieldErrors = {}
    try:
        first = dt.datetime.combine(dt.date(2000, 1, 1), dt.time.fromisoformat(start.strip()))
    except ValueError:
        errors["start"] = "时间格式如 09:00"
    try:
        n, length, gap = int(count), int(minutes), int(pause or 0)
        if not 1 <= n <= 60:
            errors["slot_count"] = "轮次应在 1 到 60 之间"
        if gap < 0 or gap > 240:
            errors["pause"] = "间隔应在 0 到 240 分钟之间"
    except ValueError:
        errors.setdefault("slot_count", "请填写数字")
    if errors:
        raise forms.FormInvalid(errors)
    out = []
    for i in range(n):
        begin = first + dt.timedelta(minutes=i * (length + gap))
        end = begin + dt.timedelta(minutes=length)
        if end.date() != first.date():
            raise forms.FormInvalid({"slot_count": "排程超过了当天 24:00"})
        out.append({"start": f"{begin:%H:%M}", "end": f"{end:%H:%M}"})
    return out


@router.get("/events/new", response_class=HTMLResponse)
def event_form(request: Request, viewer: ViewerDep) -> HTMLResponse:
    """The form to create a session."""
    values = {"start": "09:00", "slot_count": "8", "meeting_minutes": "20", "pause": "5"}
    return render(request, "event_form.html", viewer, values=values, errors={})


@router.post("/events/new", response_class=HTMLResponse)
def event_create(
    request: Request,
    session: SessionDep,
    viewer: FormViewerDep,
    name: Annotated[str, Form()] = "",
    date: Annotated[str, Form()] = "",
    venue: Annotated[str, Form()] = "",
    focus: Annotated[str, Form()] = "",
    region_code: Annotated[str, Form()] = "",
    start: Annotated[str, Form()] = "09:00",
    slot_count: Annotated[str, Form()] = "8",
    meeting_minutes: Annotated[str, Form()] = "20",
    pause: Annotated[str, Form()] = "5",
    organization_id: Annotated[str, Form()] = "",
) -> Response:
    """Create a draft session through the events service."""
    values = {
        "name": name,
        "date": date,
        "venue": venue,
        "focus": focus,
        "region_code": region_code,
        "start": start,
        "slot_count": slot_count,
        "meeting_minutes": meeting_minutes,
        "pause": pause,
        "organization_id": organization_id,
    }
    try:
        minutes = meeting_minutes.strip() or "20"
        if not minutes.isdigit():
            raise forms.FormInvalid({"meeting_minutes": "请填写数字"})
        data = EventCreate.model_validate(
            {
                "name": name,
                "date": date.strip() or None,
                "venue": venue,
                "focus": focus,
                "region_code": region_code.strip() or None,
                "slots": _slots(start, slot_count, minutes, pause),
                "meeting_minutes": int(minutes),
                "organization_id": organization_id.strip() or None,
            },
            strict=False,
        )
        event = service.create(session, viewer.principal, data)
    except forms.FormInvalid as exc:
        errors = exc.errors
    except ValidationError as exc:
        errors = forms.validation_errors(exc)
    except ProblemError as exc:
        session.rollback()
        if exc.status == 403:
            raise
        errors = forms.problem_errors(exc)
    else:
        return redirect(f"/events/{event.id}")
    return render(request, "event_form.html", viewer, status_code=422, values=values, errors=errors)


def _detail_context(
    session: Session,
    viewer: Viewer,
    event_id: int,
    find: str,
    index: MatchingIndex | None = None,
) -> dict[str, Any]:
    caller = viewer.principal
    event = service.get_visible(session, caller, event_id)
    managed = service.manages(caller, event)
    slots = service.slots_of(event)
    people = _unless_forbidden(lambda: service.list_participants(session, caller, event.id))
    reads = [service.participant_to_read(p) for p in people or []]
    names = {p.id: p.organization_name for p in reads}
    wishes = _unless_forbidden(lambda: service.list_preferences(session, caller, event.id))
    visible = _unless_forbidden(lambda: service.visible_meetings(session, caller, event.id))
    meetings = visible[1] if visible else None
    own = service.own_participant(session, caller, event)
    context: dict[str, Any] = {
        "event": service.to_read(event),
        "managed": managed,
        "participants": reads if people is not None else None,
        "names": names,
        "wishes": wishes,
        "meetings": meetings,
        "own": service.participant_to_read(own) if own else None,
        "slots": slots,
        "next_statuses": sorted(s.value for s in service.TRANSITIONS[EventStatus(event.status)]),
        "can_register": (
            own is None
            and viewer.org_kind in (OrganizationKind.large_firm, OrganizationKind.sme)
            and event.status == EventStatus.registration
        ),
        "find": find,
        "found": None,
        "no_shows": {},
        "grid": None,
        "left_out": None,
        "unmet": None,
        "kinds": [(k.value, exports.TITLES[k]) for k in ExportKind],
        "formats": [f.value for f in ExportFormat],
    }
    if own is not None:
        side = Side(own.side)
        context["counterparts"] = [p for p in reads if p.side != side and p.status in DAY_STATUSES]
    if managed:
        approved = [p for p in reads if p.status in DAY_STATUSES]
        context["buyers"] = [p for p in approved if p.side == Side.buyer]
        context["smes"] = [p for p in approved if p.side == Side.sme]
        # An organizer states wishes only for the firms it manages (the others state their own).
        speaks_for = {p.id for p in people or [] if caller.manages(p.organization)}
        context["wish_sources"] = [
            p for p in context["buyers"] + context["smes"] if p.id in speaks_for
        ]
        context["grid"] = exports.grid_sheet(meetings or [], approved, slots)
        by_id = service.names_of(people or [])
        context["left_out"] = [
            service.left_out_to_read(r, by_id) for r in service.left_out(session, event.id)
        ]
        context["report"] = report.event_report(session, caller, event.id) if meetings else None
        if index is not None and event.status in (EventStatus.scheduled, EventStatus.published):
            context["unmet"] = gaps.unmet(session, caller, index, event.id, today=dt.date.today())
        if find.strip():
            context["found"] = organizations.list_page(
                session,
                caller,
                PageParams(page=1, page_size=10),
                kind=None,
                region=None,
                industry=None,
                tier=None,
                q=find.strip(),
            ).items
            # The next invitation list reads the no-show history (爽约, issue 17): firms that
            # stayed away from earlier sessions show it beside their name.
            context["no_shows"] = noshows.counts(
                session, [o.id for o in context["found"]], before=event.date
            )
    return context


@router.get("/events/{event_id:int}", response_class=HTMLResponse)
def event_detail(
    request: Request,
    session: SessionDep,
    viewer: ViewerDep,
    event_id: IdParam,
    find: Annotated[str, Query(max_length=100)] = "",
    done: Annotated[str, Query(max_length=20)] = "",
) -> HTMLResponse:
    """A session: participants, wishes, schedule grid, left-out pairs, downloads, agendas."""
    context = _detail_context(session, viewer, event_id, find, request.app.state.matching)
    return render(request, "event.html", viewer, errors={}, done=done, **context)


def _failed(
    request: Request,
    session: Session,
    viewer: Viewer,
    event_id: int,
    exc: ProblemError | ValidationError | forms.FormInvalid,
    form: str,
) -> HTMLResponse:
    """Re-show the session page with the form's errors (nothing was changed)."""
    session.rollback()
    if isinstance(exc, ProblemError):
        if exc.status in (403, 404):
            raise exc
        errors = forms.problem_errors(exc)
        status = exc.status
    elif isinstance(exc, forms.FormInvalid):
        errors, status = exc.errors, 422
    else:
        errors, status = forms.validation_errors(exc), 422
    context = _detail_context(session, viewer, event_id, "", request.app.state.matching)
    return render(
        request,
        "event.html",
        viewer,
        status_code=status,
        errors={f"{form}.{k}" if k else form: v for k, v in errors.items()},
        done="",
        **context,
    )


@router.post("/events/{event_id:int}/status", response_class=HTMLResponse)
def event_status(
    request: Request,
    session: SessionDep,
    viewer: FormViewerDep,
    event_id: IdParam,
    status: Annotated[str, Form()] = "",
    version: Annotated[int, Form()] = 0,
) -> Response:
    """Move the session's status (开放报名, 结束 …) as PATCH with If-Match would."""
    try:
        data = EventUpdate.model_validate({"status": status})
        service.update(session, viewer.principal, event_id, data, version)
    except (ProblemError, ValidationError) as exc:
        return _failed(request, session, viewer, event_id, exc, "status")
    return redirect(f"/events/{event_id}?done=status")


def _slot_numbers(text: str) -> list[int]:
    """``1 3`` (轮次 as people count them) → slot indexes ``[0, 2]``."""
    out = []
    for code in forms.codes(text):
        if not code.isdigit() or int(code) < 1:
            raise forms.FormInvalid({"blocked_slots": "请填写轮次编号，如 1 3"})
        out.append(int(code) - 1)
    return out


@router.post("/events/{event_id:int}/participants", response_class=HTMLResponse)
def add_participant(
    request: Request,
    session: SessionDep,
    viewer: FormViewerDep,
    event_id: IdParam,
    organization_id: Annotated[str, Form()] = "",
    tables: Annotated[str, Form()] = "1",
    max_meetings: Annotated[str, Form()] = "",
    blocked_slots: Annotated[str, Form()] = "",
) -> Response:
    """The organizer adds a firm; a firm registers itself (then waits for approval)."""
    try:
        data = ParticipantCreate.model_validate(
            {
                "organization_id": organization_id.strip() or None,
                "tables": tables.strip() or 1,
                "max_meetings": max_meetings.strip() or None,
                "blocked_slots": _slot_numbers(blocked_slots),
            },
            strict=False,
        )
        service.add_participant(session, viewer.principal, event_id, data)
    except (ProblemError, ValidationError, forms.FormInvalid) as exc:
        return _failed(request, session, viewer, event_id, exc, "add")
    return redirect(f"/events/{event_id}?done=added#participants")


@router.post(
    "/events/{event_id:int}/participants/{participant_id:int}", response_class=HTMLResponse
)
def review_participant(
    request: Request,
    session: SessionDep,
    viewer: FormViewerDep,
    event_id: IdParam,
    participant_id: IdParam,
    status: Annotated[str, Form()] = "",
    version: Annotated[int, Form()] = 0,
) -> Response:
    """The organizer approves or rejects a self-registered firm."""
    try:
        data = ParticipantUpdate.model_validate({"status": status})
        service.update_participant(
            session, viewer.principal, event_id, participant_id, data, version
        )
    except (ProblemError, ValidationError) as exc:
        return _failed(request, session, viewer, event_id, exc, "review")
    return redirect(f"/events/{event_id}?done=reviewed#participants")


@router.post("/events/{event_id:int}/invitation/{answer}", response_class=HTMLResponse)
def answer_invitation(
    request: Request,
    session: SessionDep,
    viewer: FormViewerDep,
    event_id: IdParam,
    answer: Literal["accept", "decline"],
) -> Response:
    """The invited firm accepts (then takes part) or declines, signed in as itself."""
    try:
        service.answer_invitation(session, viewer.principal, event_id, accept=answer == "accept")
    except ProblemError as exc:
        return _failed(request, session, viewer, event_id, exc, "invitation")
    return redirect(f"/events/{event_id}?done=invitation")


@router.post("/events/{event_id:int}/preferences", response_class=HTMLResponse)
def set_wish(
    request: Request,
    session: SessionDep,
    viewer: FormViewerDep,
    event_id: IdParam,
    to_participant_id: Annotated[str, Form()] = "",
    wish: Annotated[str, Form()] = "",
    from_participant_id: Annotated[str, Form()] = "",
) -> Response:
    """Set (or clear) one wish: the organizer for anyone, a firm for itself."""
    try:
        if not to_participant_id.strip().isdigit():
            raise InvalidInput("body.to_participant_id", "no such participant in this event")
        data = PreferenceSet(
            from_participant_id=int(from_participant_id) if from_participant_id.isdigit() else None,
            to_participant_id=int(to_participant_id),
            wish=Wish(wish) if wish in Wish.__members__ else None,
        )
        service.set_preference(session, viewer.principal, event_id, data)
    except (ProblemError, ValidationError) as exc:
        return _failed(request, session, viewer, event_id, exc, "wish")
    return redirect(f"/events/{event_id}?done=wish#wishes")


@router.post("/events/{event_id:int}/schedule", response_class=HTMLResponse)
def run_schedule(
    request: Request,
    session: SessionDep,
    viewer: FormViewerDep,
    event_id: IdParam,
    replan_all: Annotated[bool, Form()] = False,
) -> Response:
    """运行排程: a background job places the meetings (published ones stay unless
    replan_all); the browser goes to the job's page, which comes back here when it is done."""
    try:
        job = schedule_job.enqueue(
            session,
            viewer.principal,
            event_id,
            replan_all=replan_all,
            requested_by=requested_by(viewer.principal),
            console=True,
        )
    except ProblemError as exc:
        return _failed(request, session, viewer, event_id, exc, "schedule")
    return redirect(f"/jobs/{job.id}")


@router.post("/events/{event_id:int}/publish", response_class=HTMLResponse)
def publish(
    request: Request, session: SessionDep, viewer: FormViewerDep, event_id: IdParam
) -> Response:
    """Publish the schedule: participants then see their agendas."""
    try:
        scheduling.publish(session, viewer.principal, event_id)
    except ProblemError as exc:
        return _failed(request, session, viewer, event_id, exc, "schedule")
    return redirect(f"/events/{event_id}?done=published#grid")


@router.post(
    "/events/{event_id:int}/meetings/{meeting_id:int}/outcome", response_class=HTMLResponse
)
def set_outcome(
    request: Request,
    session: SessionDep,
    viewer: FormViewerDep,
    event_id: IdParam,
    meeting_id: IdParam,
    outcome: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
) -> Response:
    """Record what came of a meeting (either side, or the organizer)."""
    try:
        data = OutcomeSet.model_validate({"outcome": outcome, "note": note})
        service.set_outcome(session, viewer.principal, event_id, meeting_id, data)
    except (ProblemError, ValidationError) as exc:
        return _failed(request, session, viewer, event_id, exc, "outcome")
    return redirect(f"/events/{event_id}?done=outcome#meetings")


@router.get("/events/{event_id:int}/download/{kind}")
def download(
    request: Request,
    session: SessionDep,
    viewer: ViewerDep,
    event_id: IdParam,
    kind: ExportKind,
    format: ExportFormat = ExportFormat.xlsx,
) -> Response:
    """The organizer's exports (匹配清单, 洽谈总表, 洽谈日程) as the API makes them."""
    index = request.app.state.matching
    return exports.file_response(
        exports.export(
            session, viewer.principal, index, event_id, kind, format, today=dt.date.today()
        )
    )


@router.get("/events/{event_id:int}/agenda")
def agenda(
    request: Request,
    session: SessionDep,
    viewer: ViewerDep,
    event_id: IdParam,
    participant_id: IdParam | None = None,
    format: ExportFormat = ExportFormat.html,
) -> Response:
    """One participant's agenda (with its check-in QR code): a firm's own, or any
    participant's for the organizer."""
    url = f"{str(request.base_url).rstrip('/')}/events/{event_id}/checkin"
    return exports.file_response(
        exports.agenda(session, viewer.principal, event_id, participant_id, format, checkin_url=url)
    )


@router.post("/events/{event_id:int}/unmet/fill", response_class=HTMLResponse)
def fill_unmet(
    request: Request, session: SessionDep, viewer: FormViewerDep, event_id: IdParam
) -> Response:
    """一键补排: every SME without a meeting at its best free table-slot."""
    try:
        gaps.fill(
            session,
            viewer.principal,
            request.app.state.matching,
            event_id,
            UnmetFill(),
            today=dt.date.today(),
        )
    except ProblemError as exc:
        return _failed(request, session, viewer, event_id, exc, "unmet")
    return redirect(f"/events/{event_id}?done=filled#unmet")


router.include_router(event_day.router)
