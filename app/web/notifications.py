"""The local outbox view, notification settings, calendar feeds and one-click unsubscribe.

Without SMTP (the quick start) the outbox view is where messages are read: an admin sees
all, a firm its own. The calendar feed and the unsubscribe link work without signing in:
their tokens are the credential.
"""

from urllib.parse import urlsplit

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse

from app.auth.dependencies import SessionDep
from app.consent import own_address
from app.errors import Forbidden
from app.models import Channel, Organization
from app.notifications import calendars, links, preferences, service
from app.notifications.topics import TOPICS, is_essential
from app.web.pages import (
    SECURITY_HEADERS,
    TEMPLATES,
    FormViewerDep,
    PageRoute,
    Viewer,
    ViewerDep,
    redirect,
    render,
)

router = APIRouter(route_class=PageRoute, include_in_schema=False)
public = APIRouter(include_in_schema=False)

CHANNEL_NAMES = {Channel.email: "邮件", Channel.webhook: "短信/微信"}


@router.get("/outbox")
def outbox(request: Request, session: SessionDep, viewer: ViewerDep) -> HTMLResponse:
    """The messages the viewer may read, newest first (the local outbox without SMTP)."""
    rows = service.outbox_page(session, viewer.principal, limit=100)
    smtp = request.app.state.settings.smtp_url is not None
    return render(request, "outbox.html", viewer, rows=rows, topics=TOPICS, smtp=smtp)


def _address(session: SessionDep, viewer: Viewer) -> tuple[str | None, int | None]:
    """Whose choices the page edits: the signed-in person's, else the firm's contact's."""
    user_id = viewer.principal.user_id
    if user_id is not None:
        from app.models.user import User

        user = session.get(User, user_id)
        if user is not None:
            return user.email, user.id
    org = session.get(Organization, viewer.org_id) if viewer.org_id else None
    return (own_address(org) if org else None), None


@router.get("/notifications")
def settings_page(
    request: Request, session: SessionDep, viewer: ViewerDep, feed: str = ""
) -> HTMLResponse:
    """Channels per topic for the firm's contact address, and its calendar feed."""
    email, _user = _address(session, viewer)
    row = preferences.recipient(session, email) if email else None
    choices = {topic: {c.value for c in preferences.chosen(row, topic)} for topic in TOPICS}
    live = calendars.active_feed(session, viewer.org_id) if viewer.org_id else None
    return render(
        request,
        "notification_settings.html",
        viewer,
        email=email,
        topics={t: n for t, n in TOPICS.items() if not is_essential(t)},
        channels=CHANNEL_NAMES,
        choices=choices,
        unsubscribed=row is not None and row.unsubscribed_at is not None,
        feed_live=live is not None,
        feed_url=feed,
    )


@router.post("/notifications")
async def save_settings(request: Request, session: SessionDep, viewer: FormViewerDep) -> Response:
    """Store the ticked channels per topic (and resubscribe)."""
    email, user_id = _address(session, viewer)
    if not email:
        raise Forbidden("这个机构没有联系邮箱，无法设置通知")
    form = await request.form()
    chosen = {
        topic: [c for c in Channel if form.get(f"{topic}:{c.value}") == "on"]
        for topic in TOPICS
        if not is_essential(topic)
    }
    preferences.set_choices(session, email, chosen, user_id=user_id)
    return redirect("/notifications#saved")


@router.post("/notifications/calendar")
def issue_feed(request: Request, session: SessionDep, viewer: FormViewerDep) -> HTMLResponse:
    """A new private calendar URL, shown once on the page that answers."""
    if viewer.org_id is None:
        raise Forbidden("日历订阅属于企业")
    token = service.issue_calendar_feed(session, viewer.principal, viewer.org_id)
    base = request.app.state.settings.public_url.rstrip("/")
    return settings_page(request, session, viewer, feed=f"{base}/calendar/{token}.ics")


@router.post("/notifications/calendar/revoke")
def revoke_feed(session: SessionDep, viewer: FormViewerDep) -> Response:
    """Stop the calendar URL (calendar apps subscribed to it get nothing more)."""
    if viewer.org_id is None:
        raise Forbidden("日历订阅属于企业")
    service.revoke_calendar_feed(session, viewer.principal, viewer.org_id)
    return redirect("/notifications#calendar")


@public.get("/calendar/{token}.ics")
def calendar_feed(request: Request, session: SessionDep, token: str) -> Response:
    """A firm's meetings as a calendar feed; 404 for an unknown or revoked token."""
    owner = calendars.feed_owner(session, token)
    if owner is None:
        return Response("没有这个日历订阅（可能已撤销）", status_code=404, media_type="text/plain")
    host = urlsplit(request.app.state.settings.public_url).hostname or "localhost"
    return Response(
        calendars.feed_ics(session, owner, host),
        media_type="text/calendar; charset=utf-8",
        headers={"Cache-Control": "private, max-age=300"},
    )


def _unsubscribe_page(request: Request, status_code: int = 200, **context: object) -> HTMLResponse:
    response = TEMPLATES.TemplateResponse(
        request,
        "unsubscribe.html",
        {"viewer": None, "csrf": "", **context},
        status_code=status_code,
    )
    response.headers.update(SECURITY_HEADERS)
    return response


@public.get("/notifications/unsubscribe/{token}")
def unsubscribe_form(request: Request, session: SessionDep, token: str) -> HTMLResponse:
    """Ask before unsubscribing: link checkers follow GETs, and must not unsubscribe anyone."""
    found = links.check_unsubscribe(session, token)
    if found is None:
        return _unsubscribe_page(request, 404, valid=False, done=False)
    return _unsubscribe_page(
        request, valid=True, done=False, token=token, topic=_topic_name(found[1])
    )


@public.post("/notifications/unsubscribe/{token}")
def unsubscribe(request: Request, session: SessionDep, token: str) -> HTMLResponse:
    """One-click unsubscribe (RFC 8058: mail apps POST ``List-Unsubscribe=One-Click``)."""
    found = links.check_unsubscribe(session, token)
    if found is None:
        return _unsubscribe_page(request, 404, valid=False, done=False)
    recipient, topic = found
    preferences.unsubscribe(session, recipient.email, None if topic == links.EVERY_TOPIC else topic)
    return _unsubscribe_page(request, valid=True, done=True, topic=_topic_name(topic))


def _topic_name(topic: str) -> str:
    return "全部通知" if topic == links.EVERY_TOPIC else f"“{TOPICS.get(topic, topic)}”通知"
