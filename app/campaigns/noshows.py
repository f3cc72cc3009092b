"""No-show history (爽约) per firm: meetings of past sessions it did not come to.

A firm missed a meeting when the meeting's attendance says its side was absent
(``buyer_absent`` for the large firm, ``sme_absent`` for the SME). Meetings without attendance
marked say nothing about who stayed away, so they count for no one. The next invitation list
reads these counts (:func:`counts`; the campaign's firm list sorts and filters by them).
"""

import datetime as dt
from collections import Counter
from collections.abc import Collection

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import Attendance, Event, EventMeeting, EventParticipant


def counts(session: Session, org_ids: Collection[int] | None, *, before: dt.date) -> dict[int, int]:
    """``organization id → no-shows`` over sessions dated before ``before`` (firms with none
    are left out). ``org_ids`` ``None``: every firm."""
    found: Counter[int] = Counter()
    for side, absent in (
        (EventMeeting.buyer_participant_id, Attendance.buyer_absent),
        (EventMeeting.sme_participant_id, Attendance.sme_absent),
    ):
        statement = (
            select(EventParticipant.organization_id, func.count())
            .select_from(EventMeeting)
            .join(EventParticipant, EventParticipant.id == side)
            .join(Event, Event.id == EventMeeting.event_id)
            .where(Event.date < before, EventMeeting.attendance == absent.value)
            .group_by(EventParticipant.organization_id)
        )
        if org_ids is not None:
            statement = statement.where(EventParticipant.organization_id.in_(list(org_ids)))
        for org_id, count in session.execute(statement).all():
            found[org_id] += count
    return dict(found)
