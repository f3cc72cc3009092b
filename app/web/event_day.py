"""The day of a session in the console: the desk (签到台, usable on a phone), check-in by QR code
or by name, attendance, the day's re-plan (现场调整).

Everything goes through the same services as the API (:mod:`app.events.checkin`,
:mod:`app.events.attendance`, :mod:`app.events.replanning`).
"""

import datetime as dt
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Form, Query, Request, Response
from fastapi.responses import HTMLResponse
from pydantic import ValidationError
from sqlalchemy.orm import Session

from app.auth.dependencies import SessionDep
from app.errors import ProblemError
from app.events import attendance, checkin, replanning, service
from app.events.schemas import AttendanceSet, CheckIn, PresenceSet, ReplanSet, RoomSet
from app.fields import IdParam
from app.models import DAY_STATUSES, Presence
from app.web import forms
from app.web.pages import FormViewerDep, PageRoute, Viewer, ViewerDep, redirect, render

router = APIRouter(route_class=PageRoute, include_in_schema=False)


def _desk_context(
    session: Session, viewer: Viewer, event_id: int, q: str, slot: int
) -> dict[str, Any]:
    caller = viewer.principal
    found = checkin.desk(session, caller, event_id, q)  # 403 unless the organizer's staff
    event = service.get_managed(session, caller, event_id)
    slots = service.slots_of(event)
    slot = min(max(slot, 0), len(slots) - 1)
    people = [p for p in service.participants(session, event.id) if p.status in DAY_STATUSES]
    names = service.names_of(service.participants(session, event.id))
    rows = [m for m in service.meetings(session, event.id) if m.slot == slot and m.published]
    return {
        "event": service.to_read(event),
        "slots": slots,
        "slot": slot,
        "q": q,
        "found": [service.participant_to_read(p) for p in found],
        "total": len(people),
        "checked_in": sum(1 for p in people if p.presence == Presence.checked_in),
        "absent": sum(1 for p in people if p.presence == Presence.absent),
        "round_meetings": [service.meeting_to_read(m, names, slots) for m in rows],
        "scanned": None,
        "token": "",
        "replanned": 0,
    }


@router.get("/events/{event_id:int}/desk", response_class=HTMLResponse)
def desk(
    request: Request,
    session: SessionDep,
    viewer: ViewerDep,
    event_id: IdParam,
    q: Annotated[str, Query(max_length=100)] = "",
    slot: Annotated[int, Query(ge=0, le=59)] = 0,
    done: Annotated[str, Query(max_length=20)] = "",
    added: Annotated[int, Query(ge=0, le=100_000)] = 0,
) -> HTMLResponse:
    """签到台: find a firm by name, check it in or mark it absent; a slot's meetings."""
    context = _desk_context(session, viewer, event_id, q, slot)
    context["replanned"] = added
    return render(request, "event_desk.html", viewer, errors={}, done=done, **context)


def _desk_failed(
    request: Request,
    session: Session,
    viewer: Viewer,
    event_id: int,
    exc: ProblemError | ValidationError,
    form: str,
    *,
    q: str = "",
    slot: int = 0,
) -> HTMLResponse:
    session.rollback()
    if isinstance(exc, ProblemError):
        if exc.status in (403, 404):
            raise exc
        errors, status = forms.problem_errors(exc), exc.status
    else:
        errors, status = forms.validation_errors(exc), 422
    context = _desk_context(session, viewer, event_id, q, slot)
    return render(
        request,
        "event_desk.html",
        viewer,
        status_code=status,
        errors={form: " ".join(str(v) for v in errors.values())},
        done="",
        **context,
    )


@router.get("/events/{event_id:int}/checkin", response_class=HTMLResponse)
def scanned(
    request: Request,
    session: SessionDep,
    viewer: ViewerDep,
    event_id: IdParam,
    t: Annotated[str, Query(max_length=80)] = "",
) -> HTMLResponse:
    """Where a firm's QR code leads: staff see whose it is and confirm the check-in."""
    try:
        token = CheckIn(token=t).token
        who = checkin.by_token(session, viewer.principal, event_id, token)
    except (ProblemError, ValidationError) as exc:
        return _desk_failed(request, session, viewer, event_id, exc, "checkin")
    context = _desk_context(session, viewer, event_id, who.organization.name, 0)
    context.update(scanned=service.participant_to_read(who), token=token)
    return render(request, "event_desk.html", viewer, errors={}, done="", **context)


@router.post("/events/{event_id:int}/checkin", response_class=HTMLResponse)
def confirm_check_in(
    request: Request,
    session: SessionDep,
    viewer: FormViewerDep,
    event_id: IdParam,
    token: Annotated[str, Form()] = "",
) -> Response:
    """签到 with the scanned token."""
    try:
        who = checkin.check_in(session, viewer.principal, event_id, CheckIn(token=token).token)
    except (ProblemError, ValidationError) as exc:
        return _desk_failed(request, session, viewer, event_id, exc, "checkin")
    return redirect(f"/events/{event_id}/desk?done=checkin&q={quote(who.organization.name)}")


@router.post("/events/{event_id:int}/desk/presence/{participant_id:int}")
def presence(
    request: Request,
    session: SessionDep,
    viewer: FormViewerDep,
    event_id: IdParam,
    participant_id: IdParam,
    presence: Annotated[str, Form()] = "",
    q: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    """签到 or 缺席 by name at the desk."""
    try:
        data = PresenceSet.model_validate({"presence": presence or None})
        checkin.set_presence(session, viewer.principal, event_id, participant_id, data.presence)
    except (ProblemError, ValidationError) as exc:
        return _desk_failed(request, session, viewer, event_id, exc, "presence", q=q)
    return redirect(f"/events/{event_id}/desk?done=presence&q={quote(q)}")


@router.post("/events/{event_id:int}/meetings/{meeting_id:int}/attendance")
def set_attendance(
    request: Request,
    session: SessionDep,
    viewer: FormViewerDep,
    event_id: IdParam,
    meeting_id: IdParam,
    attendance_: Annotated[str, Form(alias="attendance")] = "",
    back: Annotated[str, Form()] = "",
    slot: Annotated[int, Form(ge=0, le=59)] = 0,
) -> Response:
    """Either firm (its own meetings) or staff mark whether a meeting took place."""
    try:
        data = AttendanceSet.model_validate({"attendance": attendance_ or None})
        attendance.set_attendance(session, viewer.principal, event_id, meeting_id, data.attendance)
    except (ProblemError, ValidationError) as exc:
        if back == "desk":
            return _desk_failed(request, session, viewer, event_id, exc, "attendance", slot=slot)
        session.rollback()
        raise
    if back == "desk":
        return redirect(f"/events/{event_id}/desk?done=attendance&slot={slot}#round")
    return redirect(f"/events/{event_id}?done=attendance#meetings")


@router.post("/events/{event_id:int}/meetings/{meeting_id:int}/room")
def set_room(
    request: Request,
    session: SessionDep,
    viewer: FormViewerDep,
    event_id: IdParam,
    meeting_id: IdParam,
    room_url: Annotated[str, Form(max_length=500)] = "",
    slot: Annotated[int, Form(ge=0, le=59)] = 0,
) -> Response:
    """The organizer gives a meeting an online room (hybrid sessions)."""
    try:
        data = RoomSet.model_validate({"room_url": room_url.strip()})
        attendance.set_room(session, viewer.principal, event_id, meeting_id, data.room_url)
    except (ProblemError, ValidationError) as exc:
        return _desk_failed(request, session, viewer, event_id, exc, "attendance", slot=slot)
    return redirect(f"/events/{event_id}/desk?done=room&slot={slot}#round")


@router.post("/events/{event_id:int}/replan")
def replan(
    request: Request,
    session: SessionDep,
    viewer: FormViewerDep,
    event_id: IdParam,
    from_slot: Annotated[int, Form(ge=0, le=59)] = 0,
) -> Response:
    """现场调整: the day's re-plan."""
    try:
        result = replanning.run(
            session,
            viewer.principal,
            request.app.state.matching,
            event_id,
            ReplanSet(from_slot=from_slot),
            today=dt.date.today(),
        )
    except (ProblemError, ValidationError) as exc:
        return _desk_failed(request, session, viewer, event_id, exc, "replan", slot=from_slot)
    added = len(result.added)
    return redirect(f"/events/{event_id}/desk?done=replan&added={added}&slot={from_slot}")
