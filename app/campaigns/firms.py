"""The firms of a campaign's sessions with their no-show history: the next invitation list.

Sorted and filtered by no-shows, so an organizer inviting firms to the next session can put
reliable firms first or leave out those that missed meetings before.
"""

import datetime as dt
from collections import Counter
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.principal import Principal
from app.campaigns import noshows, service
from app.campaigns.report import TAKING_PART
from app.campaigns.schemas import FirmRow
from app.models import EventMeeting, EventParticipant, Organization, OrganizationKind


class FirmSort(StrEnum):
    """Orders of the firm list."""

    no_shows = "no_shows"  # fewest first
    most_no_shows = "-no_shows"
    name = "name"


def firm_list(
    session: Session,
    caller: Principal,
    campaign_id: int,
    *,
    today: dt.date,
    sort: FirmSort = FirmSort.no_shows,
    max_no_shows: int | None = None,
    kind: OrganizationKind | None = None,
) -> list[FirmRow]:
    """Every firm that took part in one of the campaign's sessions, with its sessions,
    meetings and no-shows (over all past sessions, not only the campaign's)."""
    campaign = service.get(session, caller, campaign_id)
    ids = service.event_ids(session, campaign.id)
    people = session.execute(
        select(EventParticipant.id, EventParticipant.organization_id).where(
            EventParticipant.event_id.in_(ids), EventParticipant.status.in_(TAKING_PART)
        )
    ).all()
    org_of = dict(people)
    sessions: Counter[int] = Counter(org_of.values())
    meetings: Counter[int] = Counter()
    for buyer, sme in session.execute(
        select(EventMeeting.buyer_participant_id, EventMeeting.sme_participant_id).where(
            EventMeeting.event_id.in_(ids)
        )
    ).all():
        for pid in (buyer, sme):
            if pid in org_of:
                meetings[org_of[pid]] += 1
    orgs = session.scalars(select(Organization).where(Organization.id.in_(sessions))).all()
    history = noshows.counts(session, list(sessions), before=today)
    rows = [
        FirmRow(
            organization_id=o.id,
            name=o.name,
            kind=o.kind,
            tier=o.tier,
            region_code=o.region_code,
            sessions=sessions[o.id],
            meetings=meetings[o.id],
            no_shows=history.get(o.id, 0),
        )
        for o in orgs
        if (kind is None or o.kind == kind.value)
        and (max_no_shows is None or history.get(o.id, 0) <= max_no_shows)
    ]
    if sort is FirmSort.name:
        rows.sort(key=lambda r: (r.name, r.organization_id))
    else:
        sign = -1 if sort is FirmSort.most_no_shows else 1
        rows.sort(key=lambda r: (sign * r.no_shows, r.name, r.organization_id))
    return rows
