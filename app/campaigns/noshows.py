"""No-show history (爽约) per firm: meetings of past sessions it did not come to.

A firm missed a meeting when the meeting's attendance says its side was absent
(``buyer_absent`` for the large firm, ``sme_absent`` for the SME). Meetings without attendance
marked say nothing about who stayed away, so they count for no one. The next invitation list
reads these counts (:func:`counts`; the campaign's firm list sorts and filters by them).
"""

import datetime as dt
from collections import Counter
from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from app.models import Attendance, Event, EventMeeting, EventParticipant


def counts(session: Session, org_ids: Collection[int] | None, *, before: dt.date) -> dict[int, int]:
    """``organization id → no-shows`` over sessions dated before ``before`` (firms with none
    are left out). ``org_ids`` ``None``: every firm."""
    attendance = EventMeeting.attendance
    absent = [Attendance.buyer_absent.value, Attendance.sme_absent.value]
    buyer, sme = aliased(EventParticipant), aliased(EventParticipant)
    statement = (
        select(buyer.organization_id, sme.organization_id, attendance)
        .join(buyer, buyer.id == EventMeeting.buyer_participant_id)
        .join(sme, sme.id == EventMeeting.sme_participant_id)
        .join(Event, Event.id == EventMeeting.event_id)
        .where(Event.date < before, attendance.in_(absent))
    )
    found: Counter[int] = Counter()
    wanted = None if org_ids is None else set(org_ids)
    for buyer_id, sme_id, side in session.execute(statement).all():
        org_id = buyer_id if side == Attendance.buyer_absent.value else sme_id
        if wanted is None or org_id in wanted:
            found[org_id] += 1
    return dict(found)
