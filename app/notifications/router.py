"""The notification API: the outbox view and firms' calendar feeds."""

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response, status

from app.auth.dependencies import CallerDep, SessionDep
from app.errors import problem_responses
from app.fields import IdParam
from app.notifications import service
from app.notifications.schemas import CalendarFeedIssued, OutboxEntry
from app.pagination import Page, PageDep

router = APIRouter(tags=["notifications"], responses=problem_responses(401, 403, 404, 422))


@router.get(
    "/outbox",
    summary="发件箱：已排队和已发送的消息",
    description=(
        "分页返回消息，最新的在前。管理员看全部；企业看发给自己的；组织方看自己的和所管企业的"
        "（账号消息如登录码、重置链接除外，只有企业本身和管理员可见）。只读。"
    ),
)
def list_outbox(
    session: SessionDep,
    caller: CallerDep,
    paging: PageDep,
    before: Annotated[int | None, Query(ge=1, description="ids below this one")] = None,
) -> Page[OutboxEntry]:
    rows = service.outbox_page(
        session, caller, limit=paging.page_size, before=before, offset=paging.offset
    )
    items = [
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
        for row in rows
    ]
    total = service.outbox_total(session, caller, before=before)
    return Page(items=items, total=total, page=paging.page, page_size=paging.page_size)


@router.post(
    "/organizations/{organization_id:int}/calendar-feed",
    status_code=status.HTTP_201_CREATED,
    summary="签发企业的私有日历订阅地址",
    description=(
        "签发一个新的日历订阅地址（.ics），只显示这一次；之前签发的地址随即失效。"
        "企业本身、管理它的组织方和管理员可调用。记入审计。"
    ),
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
    summary="停用企业的日历订阅地址",
    description="停用企业所有日历订阅地址。企业本身、管理它的组织方和管理员可调用。记入审计。",
)
def revoke_calendar_feed(
    organization_id: IdParam, session: SessionDep, caller: CallerDep
) -> Response:
    service.revoke_calendar_feed(session, caller, organization_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
