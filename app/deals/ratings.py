"""Firms rate the meetings they had (useful or not, one line), for the session's organizer.

A firm rates only its own meetings, with its own key; the rating is private: the organizer
of the session (and admins) read all of a session's ratings, the firm reads back its own,
and the other firm never sees it.
"""

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import audit
from app.auth.principal import Principal
from app.deals.schemas import RatingRead, RatingSet
from app.errors import Conflict, Forbidden, NotFound
from app.events import service as events
from app.messages import tr
from app.models import EventMeeting, EventParticipant, MeetingRating, Organization
from app.models.base import utcnow


def _meeting_and_firms(session: Session, meeting_id: int) -> tuple[EventMeeting, set[int]]:
    meeting = session.get(EventMeeting, meeting_id)
    if meeting is None:
        raise NotFound(tr("meeting {id} not found", id=meeting_id))
    firms = set(
        session.scalars(
            select(EventParticipant.organization_id).where(
                EventParticipant.id.in_([meeting.buyer_participant_id, meeting.sme_participant_id])
            )
        )
    )
    return meeting, firms


def _to_read(session: Session, rating: MeetingRating) -> RatingRead:
    org = session.get(Organization, rating.organization_id)
    return RatingRead(
        meeting_id=rating.meeting_id,
        organization_id=rating.organization_id,
        organization_name=org.name if org else "",
        useful=rating.useful,
        comment=rating.comment,
        updated_at=rating.updated_at,
    )


def rate(session: Session, caller: Principal, meeting_id: int, data: RatingSet) -> RatingRead:
    """The caller's firm rates one of its published meetings (again: the rating is replaced)."""
    meeting, firms = _meeting_and_firms(session, meeting_id)
    org_id = caller.organization_id
    if org_id is None or org_id not in firms:
        raise NotFound(
            tr("meeting {id} not found", id=meeting_id)
        )  # others' meetings do not exist for it
    if not meeting.published:
        raise Conflict(tr("a meeting is rated after its schedule is published"))
    rating = session.scalar(
        select(MeetingRating).where(
            MeetingRating.meeting_id == meeting.id, MeetingRating.organization_id == org_id
        )
    )
    if rating is None:
        rating = MeetingRating(meeting_id=meeting.id, organization_id=org_id)
        session.add(rating)
    rating.useful = data.useful
    rating.comment = data.comment
    rating.entered_by_role = caller.role.value
    rating.updated_at = utcnow()
    session.flush()
    audit.record(session, caller, "meeting.rate", "meeting", meeting.id)
    return _to_read(session, rating)


def own_rating(session: Session, caller: Principal, meeting_id: int) -> RatingRead:
    """The caller's firm's rating of a meeting; 404 when it gave none."""
    _meeting, firms = _meeting_and_firms(session, meeting_id)
    if caller.organization_id not in firms:
        raise NotFound(tr("meeting {id} not found", id=meeting_id))
    rating = session.scalar(
        select(MeetingRating).where(
            MeetingRating.meeting_id == meeting_id,
            MeetingRating.organization_id == caller.organization_id,
        )
    )
    if rating is None:
        raise NotFound(tr("your firm has not rated meeting {id}", id=meeting_id))
    return _to_read(session, rating)


def event_ratings(session: Session, caller: Principal, event_id: int) -> list[RatingRead]:
    """Every rating of a session's meetings: its organizer and admins only."""
    event = events.get_managed(session, caller, event_id)
    if not events.manages(caller, event):
        raise Forbidden(tr("ratings are for the session's organizer"))
    rows = session.scalars(
        select(MeetingRating)
        .join(EventMeeting, EventMeeting.id == MeetingRating.meeting_id)
        .where(EventMeeting.event_id == event.id)
        .order_by(MeetingRating.meeting_id, MeetingRating.organization_id)
    ).all()
    return [_to_read(session, r) for r in rows]
