"""What came of a session: meetings scheduled, held and missed, 意向 and 签约, by SME tier and by
chain node.

A meeting counts as held when both firms were marked present or its outcome says it took
place; as a no-show when one side was marked absent (``event_meetings.attendance``).
"""

from collections import Counter

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.principal import Principal
from app.chains import placing
from app.events import service
from app.events.schemas import EventReport, NodeCounts, TierCounts
from app.models import HELD_OUTCOMES, Attendance, CapabilityProfile, Outcome, Tier

HELD = HELD_OUTCOMES
NO_SHOW = frozenset({Attendance.buyer_absent, Attendance.sme_absent})


def event_report(session: Session, caller: Principal, event_id: int) -> EventReport:
    """Meetings held, 意向 and 签约, overall, by SME tier, and by chain node and tier.

    An SME's chain node is its top placement (an operator's first, then the most confident).
    """
    event = service.get_managed(session, caller, event_id)
    people = service.participants(session, event.id)
    tiers = {p.id: p.organization.tier or "none" for p in people}
    profile_of: dict[int, int] = {
        row[0]: row[1]
        for row in session.execute(
            select(CapabilityProfile.organization_id, CapabilityProfile.id).where(
                CapabilityProfile.organization_id.in_([p.organization_id for p in people])
            )
        )
    }
    tops = placing.top_nodes(session, profile_of.values())
    node_of: dict[int, tuple[int, str, str] | None] = {
        p.id: tops.get(profile_of.get(p.organization_id, -1)) for p in people
    }
    rows = service.meetings(session, event.id)
    by_tier: dict[str, Counter[str]] = {}
    by_node: dict[tuple[int, str, str] | None, dict[str, Counter[str]]] = {}
    total: Counter[str] = Counter()
    for m in rows:
        tier = tiers[m.sme_participant_id]
        counts = by_tier.setdefault(tier, Counter())
        node_counts = by_node.setdefault(node_of[m.sme_participant_id], {})
        outcome = Outcome(m.outcome) if m.outcome else None
        keys: list[str] = ["meetings"]
        if m.published:
            keys.append("published")
        if outcome is not None:
            keys.append("with_outcome")
        if outcome in HELD or m.attendance == Attendance.both_present:
            keys.append("held")
        if m.attendance in NO_SHOW:
            keys.append("no_shows")
        if outcome is Outcome.intent:
            keys.append("intents")
        if outcome is Outcome.signed:
            keys.append("signings")
        counts.update(keys)
        total.update(keys)
        node_counts.setdefault("all", Counter()).update(keys)
        node_counts.setdefault(tier, Counter()).update(keys)
    order = [t.value for t in Tier] + ["none"]

    def tier_list(groups: dict[str, Counter[str]]) -> list[TierCounts]:
        return [
            TierCounts(
                tier=tier,
                meetings=c["meetings"],
                held=c["held"],
                intents=c["intents"],
                signings=c["signings"],
            )
            for tier in order
            if (c := groups.get(tier)) is not None
        ]

    nodes = sorted(by_node, key=lambda k: (k is None, k[2] if k else "", k[0] if k else 0))
    return EventReport(
        event_id=event.id,
        meetings=total["meetings"],
        published=total["published"],
        with_outcome=total["with_outcome"],
        held=total["held"],
        no_shows=total["no_shows"],
        intents=total["intents"],
        signings=total["signings"],
        by_tier=tier_list(by_tier),
        by_node=[
            NodeCounts(
                node_id=key[0] if key else None,
                node_name=key[1] if key else None,
                chain_name=key[2] if key else None,
                meetings=by_node[key]["all"]["meetings"],
                held=by_node[key]["all"]["held"],
                intents=by_node[key]["all"]["intents"],
                signings=by_node[key]["all"]["signings"],
                by_tier=tier_list(by_node[key]),
            )
            for key in nodes
        ],
    )
