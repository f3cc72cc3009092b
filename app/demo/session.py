"""The demo's published 洽谈会: buyers, the suppliers their shortlists name, meetings, outcomes.

Built through the same service functions as the API (events, scheduling), acting as the demo
organizer, so the event looks exactly like one an organizer ran in the console.
"""

import datetime as dt
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.principal import Principal
from app.deals import service as deals
from app.deals.schemas import DealCreate
from app.events import attendance, scheduling
from app.events import service as events
from app.events.schemas import (
    EventCreate,
    EventUpdate,
    OutcomeSet,
    ParticipantCreate,
    PreferenceSet,
    Slot,
)
from app.matches import service as matches
from app.matches.index import MatchingIndex
from app.models import (
    Attendance,
    Event,
    EventStatus,
    NeedStatus,
    Organization,
    Outcome,
    Role,
    SupplyNeed,
    Wish,
)

EVENT_NAME = "携手行动·智能制造产业链百场万企对接会（演示）"
#: Buyers that take part, and how many suppliers of each open need's shortlist they wish to meet.
BUYERS = ("600775.SH", "000625.SZ", "000049.SZ", "600839.SH", "600690.SH")
WISHES_PER_NEED = 3
DEAL_TITLE = "RV 减速器配套（示例）"
#: Outcomes recorded after the session, by (buyer, SME) stock codes.
OUTCOMES: dict[tuple[str, str], tuple[Outcome, str]] = {
    ("600775.SH", "002896.SZ"): (Outcome.intent, "约定两周内送样 RV 减速器 20 台做寿命测试"),
    ("000625.SZ", "002055.SZ"): (Outcome.signed, "签订新车型线束定点协议（示例）"),
    ("600839.SH", "002916.SZ"): (Outcome.informative, "交流 HDI 板工艺，待招标"),
}


def _org_ids(session: Session, codes: list[str]) -> dict[str, int]:
    rows = session.execute(
        select(Organization.external_id, Organization.id).where(Organization.external_id.in_(codes))
    ).all()
    return {code: org_id for code, org_id in rows if code}


def build(
    session: Session,
    organizer_id: int,
    index: MatchingIndex,
    *,
    today: dt.date,
    payment_term_limit_days: int = 60,
) -> Event:
    """Create, fill, schedule and publish the demo session; record outcomes and open a deal."""
    caller = Principal(None, Role.organizer, organizer_id)
    slots = [
        Slot(
            start=dt.time(9 + (i * 20) // 60, (i * 20) % 60),
            end=dt.time(9 + (i * 20 + 15) // 60, (i * 20 + 15) % 60),
        )
        for i in range(9)
    ]
    event = events.create(
        session,
        caller,
        EventCreate(
            name=EVENT_NAME,
            focus="工业机器人 / 新能源汽车 / 电子信息",
            region_code="320100",
            venue="南京国际博览中心（示例）",
            date=today - dt.timedelta(days=7),
            slots=slots,
            meeting_minutes=15,
        ),
    )
    events.update(session, caller, event.id, EventUpdate(status=EventStatus.registration), None)
    buyers = _org_ids(session, list(BUYERS))
    admin = Principal(None, Role.admin, None)
    buyer_part: dict[int, int] = {}
    wanted: list[tuple[int, int]] = []
    for code in BUYERS:
        org_id = buyers[code]
        buyer_part[org_id] = events.add_participant(
            session, caller, event.id, ParticipantCreate(organization_id=org_id, tables=2)
        ).id
        need_ids = session.scalars(
            select(SupplyNeed.id)
            .where(SupplyNeed.organization_id == org_id)
            .where(SupplyNeed.status == NeedStatus.open.value)
            .order_by(SupplyNeed.id)
        ).all()
        for need_id in need_ids:
            short = matches.shortlist(
                session,
                admin,
                index,
                need_id,
                limit=WISHES_PER_NEED,
                region=None,
                tier=None,
                min_score=None,
                today=today,
            )
            wanted.extend((org_id, entry.organization.id) for entry in short.items)
    sme_part: dict[int, int] = {}
    for _buyer, sme in wanted:
        if sme not in sme_part:
            sme_part[sme] = events.add_participant(
                session, caller, event.id, ParticipantCreate(organization_id=sme)
            ).id
    for buyer, sme in wanted:
        events.set_preference(
            session,
            caller,
            event.id,
            PreferenceSet(
                from_participant_id=buyer_part[buyer],
                to_participant_id=sme_part[sme],
                wish=Wish.would,
            ),
        )
    scheduling.run(session, caller, index, event.id, replan_all=False, today=today)
    scheduling.publish(session, caller, event.id)
    codes = _org_ids(session, [code for pair in OUTCOMES for code in pair])
    for meeting in events.meetings(session, event.id):
        people = {p.id: p.organization_id for p in events.participants(session, event.id)}
        pair = (people[meeting.buyer_participant_id], people[meeting.sme_participant_id])
        for (buyer_code, sme_code), (outcome, note) in OUTCOMES.items():
            if pair == (codes.get(buyer_code), codes.get(sme_code)):
                attendance.set_attendance(
                    session, caller, event.id, meeting.id, Attendance.both_present
                )
                events.set_outcome(
                    session, caller, event.id, meeting.id, OutcomeSet(outcome=outcome, note=note)
                )
                if outcome is Outcome.intent:
                    # The buyer opens a deal at 意向 from the meeting, as it would in the console.
                    opener = Principal(None, Role.large_firm, pair[0])
                    deals.create(
                        session,
                        opener,
                        DealCreate(
                            meeting_id=meeting.id,
                            title=DEAL_TITLE,
                            amount_wan=Decimal("120"),
                            payment_term_days=60,
                            expected_signing_on=today + dt.timedelta(days=45),
                        ),
                        payment_term_limit_days,
                    )
    return event
