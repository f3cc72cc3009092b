"""The notification API: the outbox view and firms' calendar feeds."""

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response, status

from app.auth.dependencies import CallerDep, SessionDep
from app.errors import problem_responses
from app.fields import IdParam
from app.notifications import service
from app.notifications.schemas import CalendarFeedIssued, OutboxEntry

router = APIRouter(tags=["notifications"], responses=problem_responses(401, 403, 404, 422))


@router.get("/outbox", summary="Queued and sent messages (admin: all; others: their own)")
def list_outbox(
    session: SessionDep,
    caller: CallerDep,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    before: Annotated[int | None, Query(ge=1, description="ids below this one")] = None,
) -> list[OutboxEntry]:
    return [
        OutboxEntry(
            id=row.id,
            topic=row.topic,
            organization_id=row.organization_id,
            to_email=row.to_email,
            to_phone=row.to_phone,
            subject=row.subject,
            text=row.text,
            has_calendar=row.ics is not None,
            status=row.status,
            channels=row.channels,
            delivered=row.delivered,
            attempts=row.attempts,
            created_at=row.created_at,
            sent_at=row.sent_at,
        )
        for row in service.outbox_page(session, caller, limit=limit, before=before)
    ]


@router.post(
    "/organizations/{organization_id:int}/calendar-feed",
    status_code=status.HTTP_201_CREATED,
    summary="Issue the firm's private calendar feed URL (shown once; earlier URLs stop)",
)
def issue_calendar_feed(
    organization_id: IdParam, request: Request, session: SessionDep, caller: CallerDep
) -> CalendarFeedIssued:
    token = service.issue_calendar_feed(session, caller, organization_id)
    base = request.app.state.settings.public_url.rstrip("/")
    return CalendarFeedIssued(url=f"{base}/calendar/{token}.ics")


@router.delete(
    "/organizations/{organization_id:int}/calendar-feed",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Revoke the firm's calendar feed",
)
def revoke_calendar_feed(
    organization_id: IdParam, session: SessionDep, caller: CallerDep
) -> Response:
    service.revoke_calendar_feed(session, caller, organization_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
