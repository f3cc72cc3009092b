"""A campaign's report for a period: what its sessions did, against its targets.

For the period [from, to] (default the campaign's own):

- **sessions**: the campaign's sessions dated in the period; *held* = published or closed.
  Everything below about meetings and firms is about the sessions held.
- **firms**: distinct firms taking part (approved, or walked in), by kind and SME tier.
- **meetings**: scheduled = every meeting; *held* = marked both present, or (no attendance
  marked) recorded with a held outcome (无合作意向 / 交流了解 / 意向 / 签约); *no-show* = marked
  one side absent, or (no attendance marked) recorded 未举行.
- **意向**: pairs of firms (large firm, SME) that reached intent: a meeting recorded as 意向 or
  签约, or a campaign deal opened in the period; each pair once.
- **deals**: deals opened from a campaign session (any date) that existed at the period's end,
  at the stage they had then (from their history); *signed* = reached 签约 in the period, with
  their amounts (万元); 账期 over the limit counted.
- **by chain node, region and tier**: keyed on the SME (its city, its tier; for the node, a
  deal's node, else the SME's top placement).
- **firms without a meeting**: firms of the sessions held with no meeting in any of them.
- **weak-link gaps** (when the campaign names a chain): per node of the chain, in the
  campaign's region, the gap counting deals signed before the period and by its end
  (:func:`app.chains.weak_links.build` with ``signed_by``); *closed* when it narrowed.
"""

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, aliased

from app.auth.principal import Principal
from app.campaigns import noshows, service
from app.campaigns.schemas import (
    BreakdownRow,
    CampaignReport,
    FirmCount,
    FirmRow,
    NodeGap,
    StageRow,
    TargetProgress,
    Totals,
)
from app.chains import weak_links
from app.chains.placing import top_nodes
from app.chains.schemas import Level, WeakLinkReport
from app.deals.schemas import STAGE_ZH
from app.errors import InvalidInput
from app.messages import tr
from app.models import (
    DAY_STATUSES,
    HELD_OUTCOMES,
    Attendance,
    CapabilityProfile,
    ChainNode,
    Deal,
    DealStage,
    DealStageChange,
    Event,
    EventMeeting,
    EventParticipant,
    EventStatus,
    Organization,
    OrganizationKind,
    Outcome,
    Tier,
)
from app.models.deal import plain_wan

HELD_STATUSES = (EventStatus.published.value, EventStatus.closed.value)
#: Participant statuses that take part on the day (planned, standby and walk-in firms).
TAKING_PART = tuple(s.value for s in DAY_STATUSES)
TIER_ZH = {
    Tier.innovative.value: "创新型中小企业",
    Tier.specialized.value: "专精特新中小企业",
    Tier.little_giant.value: "专精特新“小巨人”",
    "none": "其他中小企业",
}
NO_NODE = "未定位环节"
ZERO = Decimal(0)


def end_of(day: dt.date) -> dt.datetime:
    """The last instant of ``day`` (UTC)."""
    return dt.datetime.combine(day, dt.time.max, tzinfo=dt.UTC)


_HELD = frozenset(o.value for o in HELD_OUTCOMES)
_ABSENT = frozenset({Attendance.buyer_absent.value, Attendance.sme_absent.value})


def meeting_state(attendance: str | None, outcome: str | None) -> str | None:
    """``held``, ``no_show`` or ``None`` (not known yet) — attendance first, then outcome."""
    if attendance == Attendance.both_present.value:
        return "held"
    if attendance in _ABSENT:
        return "no_show"
    if outcome in _HELD:
        return "held"
    if outcome == Outcome.not_held.value:
        return "no_show"
    return None


@dataclass
class _Tally:
    name: str
    meetings: int = 0
    held: int = 0
    no_shows: int = 0
    intents: set[tuple[int, int]] = field(default_factory=set)
    deals: int = 0
    signed: int = 0
    amount: Decimal = ZERO

    def row(self, key: str) -> BreakdownRow:
        return BreakdownRow(
            key=key,
            name=self.name,
            meetings=self.meetings,
            held=self.held,
            no_shows=self.no_shows,
            intents=len(self.intents),
            deals=self.deals,
            signed=self.signed,
            signed_amount_wan=plain_wan(self.amount),
        )


class _Breakdown:
    """Tallies by one key (node, region or tier)."""

    def __init__(self) -> None:
        self.tallies: dict[str, _Tally] = {}

    def at(self, key: str, name: str) -> _Tally:
        found = self.tallies.get(key)
        if found is None:
            found = self.tallies[key] = _Tally(name)
        return found

    def rows(self, order: Iterable[str] | None = None) -> list[BreakdownRow]:
        keys = list(order) if order is not None else sorted(self.tallies)
        return [self.tallies[k].row(k) for k in keys if k in self.tallies]


def _stage_at(session: Session, deal_ids: list[int], until: dt.datetime) -> dict[int, DealStage]:
    """Each deal's stage at ``until`` (its last stage change by then)."""
    out: dict[int, DealStage] = {}
    rows = session.execute(
        select(DealStageChange.deal_id, DealStageChange.to_stage)
        .where(DealStageChange.deal_id.in_(deal_ids), DealStageChange.changed_at <= until)
        .order_by(DealStageChange.changed_at, DealStageChange.id)
    ).all()
    for deal_id, stage in rows:
        out[deal_id] = DealStage(stage)
    return out


def build(
    session: Session,
    caller: Principal,
    campaign_id: int,
    *,
    period_from: dt.date | None,
    period_to: dt.date | None,
    limit: int,
    today: dt.date,
) -> CampaignReport:
    """The report of one campaign for [``period_from``, ``period_to``] (its organizer)."""
    campaign = service.get(session, caller, campaign_id)
    start = period_from or campaign.starts_on
    end = period_to or campaign.ends_on
    if end < start:
        raise InvalidInput("query.to", tr("is before from"))
    all_ids = service.event_ids(session, campaign.id)
    sessions = session.scalars(
        select(Event).where(Event.id.in_(all_ids), Event.date >= start, Event.date <= end)
    ).all()
    held_ids = [e.id for e in sessions if e.status in HELD_STATUSES]

    people = session.execute(
        select(
            EventParticipant.id,
            EventParticipant.event_id,
            EventParticipant.organization_id,
        ).where(EventParticipant.event_id.in_(held_ids), EventParticipant.status.in_(TAKING_PART))
    ).all()
    org_of = {pid: org_id for pid, _eid, org_id in people}
    sessions_of: Counter[int] = Counter(org_id for _pid, _eid, org_id in people)
    buyer_p, sme_p = aliased(EventParticipant), aliased(EventParticipant)

    def of_meetings(*columns: Any) -> Select[Any]:
        """``columns`` of the held sessions' meetings between firms taking part."""
        return (
            select(*columns)
            .select_from(EventMeeting)
            .join(buyer_p, buyer_p.id == EventMeeting.buyer_participant_id)
            .join(sme_p, sme_p.id == EventMeeting.sme_participant_id)
            .where(
                EventMeeting.event_id.in_(held_ids),
                buyer_p.status.in_(TAKING_PART),
                sme_p.status.in_(TAKING_PART),
            )
        )

    intent_outcomes = (Outcome.intent.value, Outcome.signed.value)
    per_sme = session.execute(
        of_meetings(
            sme_p.organization_id, EventMeeting.attendance, EventMeeting.outcome, func.count()
        ).group_by(sme_p.organization_id, EventMeeting.attendance, EventMeeting.outcome)
    ).all()
    met_buyers = set(session.scalars(of_meetings(buyer_p.organization_id).distinct()))
    intent_pairs = session.execute(
        of_meetings(buyer_p.organization_id, sme_p.organization_id)
        .where(EventMeeting.outcome.in_(intent_outcomes))
        .distinct()
    ).all()
    deals = session.execute(
        select(
            Deal.id,
            Deal.buyer_organization_id,
            Deal.sme_organization_id,
            Deal.node_id,
            Deal.stage,
            Deal.amount_wan,
            Deal.payment_term_days,
            Deal.created_at,
            Deal.signed_on,
        ).where(Deal.event_id.in_(all_ids), Deal.created_at <= end_of(end))
    ).all()
    org_ids = (
        set(org_of.values())
        | {d.sme_organization_id for d in deals}
        | {d.buyer_organization_id for d in deals}
    )
    orgs = {
        o.id: o for o in session.scalars(select(Organization).where(Organization.id.in_(org_ids)))
    }
    profile_of = dict(
        session.execute(
            select(CapabilityProfile.organization_id, CapabilityProfile.id).where(
                CapabilityProfile.organization_id.in_(org_ids)
            )
        ).all()
    )
    tops = top_nodes(session, profile_of.values())
    node_names = {
        n.id: n.name
        for n in session.scalars(
            select(ChainNode).where(
                ChainNode.id.in_({d.node_id for d in deals if d.node_id is not None})
            )
        )
    }

    def sme_node(org_id: int) -> tuple[str, str]:
        top = tops.get(profile_of.get(org_id, -1))
        return (str(top[0]), top[1]) if top else ("none", NO_NODE)

    def deal_node(node_id: int | None, sme_id: int) -> tuple[str, str]:
        if node_id is not None and node_id in node_names:
            return str(node_id), node_names[node_id]
        return sme_node(sme_id)

    by_node, by_region, by_tier = _Breakdown(), _Breakdown(), _Breakdown()
    names = {code: weak_links.region_name(code, Level.city) for code in _cities(orgs.values())}
    sme_keys: dict[int, tuple[_Tally, _Tally]] = {}
    for org_id, org in orgs.items():
        code = weak_links.region_of(org.region_code, Level.city)
        key = org.tier or "none"
        sme_keys[org_id] = (
            by_region.at(code or "none", names[code]),
            by_tier.at(key, TIER_ZH.get(key, key)),
        )

    def tallies(sme_id: int, node: tuple[str, str]) -> tuple[_Tally, _Tally, _Tally]:
        return (by_node.at(*node), *sme_keys[sme_id])

    held = no_shows = scheduled = 0
    pairs: dict[tuple[int, int], tuple[str, str]] = {}
    met_orgs: set[int] = set(met_buyers)
    for sme_id, attendance, outcome, count in per_sme:
        met_orgs.add(sme_id)
        state = meeting_state(attendance, outcome)
        is_held, is_absent = state == "held", state == "no_show"
        scheduled += count
        held += count * is_held
        no_shows += count * is_absent
        for t in tallies(sme_id, sme_node(sme_id)):
            t.meetings += count
            t.held += count * is_held
            t.no_shows += count * is_absent
    for buyer_id, sme_id in intent_pairs:
        pairs[(buyer_id, sme_id)] = sme_node(sme_id)

    stages = _stage_at(session, [d.id for d in deals], end_of(end))
    by_stage: dict[DealStage, list[Decimal]] = defaultdict(list)
    signed_deals, signed_amount, over = 0, ZERO, 0
    for d in deals:
        stage = stages.get(d.id, DealStage(d.stage))
        by_stage[stage].append(d.amount_wan or ZERO)
        if d.payment_term_days is not None and d.payment_term_days > limit:
            over += 1
        node = deal_node(d.node_id, d.sme_organization_id)
        if start <= d.created_at.date() <= end:
            pairs[(d.buyer_organization_id, d.sme_organization_id)] = node
        signed_now = d.signed_on is not None and start <= d.signed_on <= end
        for t in tallies(d.sme_organization_id, node):
            t.deals += 1
            if signed_now:
                t.signed += 1
                t.amount += d.amount_wan or ZERO
        if signed_now:
            signed_deals += 1
            signed_amount += d.amount_wan or ZERO
    for (_buyer, sme_id), node in pairs.items():
        for t in tallies(sme_id, node):
            t.intents.add((_buyer, sme_id))

    kinds = Counter(
        (orgs[o].kind, orgs[o].tier if orgs[o].kind == OrganizationKind.sme else None)
        for o in sessions_of
    )
    firm_counts = [
        FirmCount(
            kind=kind,
            tier=t,
            label="大企业" if kind == OrganizationKind.large_firm else TIER_ZH.get(t or "none", ""),
            firms=n,
        )
        for (kind, t), n in sorted(kinds.items(), key=lambda kv: _firm_order(*kv[0]))
    ]
    history = noshows.counts(session, list(sessions_of), before=today)
    without = [
        FirmRow(
            organization_id=o,
            name=orgs[o].name,
            kind=orgs[o].kind,
            tier=orgs[o].tier,
            region_code=orgs[o].region_code,
            sessions=sessions_of[o],
            meetings=0,
            no_shows=history.get(o, 0),
        )
        for o in sorted(sessions_of, key=lambda o: (orgs[o].kind, orgs[o].name, o))
        if o not in met_orgs
    ]
    firms = len(sessions_of)
    totals = Totals(
        sessions=len(sessions),
        sessions_held=len(held_ids),
        firms=firms,
        buyers=sum(1 for o in sessions_of if orgs[o].kind == OrganizationKind.large_firm),
        smes=sum(1 for o in sessions_of if orgs[o].kind == OrganizationKind.sme),
        meetings_scheduled=scheduled,
        meetings_held=held,
        no_shows=no_shows,
        intents=len(pairs),
        deals=len(deals),
        signed_deals=signed_deals,
        signed_amount_wan=plain_wan(signed_amount),
        payment_terms_over_limit=over,
    )
    tier_order = [t.value for t in Tier] + ["none"]
    return CampaignReport(
        campaign=service.to_read(session, campaign),
        period_from=start,
        period_to=end,
        payment_term_limit_days=limit,
        totals=totals,
        targets=[
            _progress("sessions", "洽谈会场次", campaign.target_sessions, len(held_ids)),
            _progress("firms", "参会企业数", campaign.target_firms, firms),
            _progress("intents", "达成意向对数", campaign.target_intents, len(pairs)),
            _progress(
                "signed_amount_wan", "签约金额（万元）", campaign.target_signed_wan, signed_amount
            ),
        ],
        firms=firm_counts,
        deals_by_stage=[
            StageRow(
                stage=s,
                stage_zh=STAGE_ZH[s],
                deals=len(by_stage.get(s, [])),
                amount_wan=plain_wan(sum(by_stage.get(s, []), ZERO)),
            )
            for s in DealStage
        ],
        by_node=by_node.rows(),
        by_region=by_region.rows(),
        by_tier=by_tier.rows(tier_order),
        firms_without_meeting=without,
        gaps=_gaps(session, caller, campaign.chain_id, campaign.region_code, start, end),
    )


def _cities(orgs: Iterable[Organization]) -> set[str]:
    return {weak_links.region_of(o.region_code, Level.city) for o in orgs}


def _firm_order(kind: str, tier: str | None) -> tuple[int, int]:
    order = [t.value for t in Tier]
    return (
        0 if kind == OrganizationKind.large_firm else 1,
        -order.index(tier) if tier in order else 1,
    )


def _progress(key: str, name: str, target: Decimal | int, actual: Decimal | int) -> TargetProgress:
    t, a = Decimal(target), Decimal(actual)
    return TargetProgress(
        key=key,
        name=name,
        target=plain_wan(t),
        actual=plain_wan(a),
        share=round(float(a / t), 4) if t > 0 else None,
    )


def _gaps(
    session: Session,
    caller: Principal,
    chain_id: int | None,
    region_code: str | None,
    start: dt.date,
    end: dt.date,
) -> list[NodeGap]:
    """Per node of the campaign's chain, in its region: the gap before the period and at its end."""
    if chain_id is None:
        return []
    level = Level.province if not region_code or region_code.endswith("0000") else Level.city
    wanted = weak_links.region_of(region_code, level) if region_code else None
    before = weak_links.build(
        session, caller, chain_id, level, 0.5, signed_by=start - dt.timedelta(days=1)
    )
    after = weak_links.build(session, caller, chain_id, level, 0.5, signed_by=end)

    def per_node(report: WeakLinkReport) -> dict[int, tuple[int, float, int]]:
        sums: dict[int, list[float]] = defaultdict(lambda: [0, 0.0, 0])
        for c in report.cells:
            if wanted is None or c.region_code == wanted:
                s = sums[c.node_id]
                s[0] += c.demand
                s[1] += c.supply_weighted
                s[2] += c.supply_contracted
        return {k: (int(v[0]), float(v[1]), int(v[2])) for k, v in sums.items()}

    b, a = per_node(before), per_node(after)
    top = max((d for d, _s, _c in a.values()), default=0)
    chain = session.scalars(select(ChainNode).where(ChainNode.chain_id == chain_id)).all()
    out: list[NodeGap] = []
    for node in sorted(chain, key=lambda n: (n.stage, n.id)):
        if node.id not in a and node.id not in b:
            continue
        demand, s_after, c_after = a.get(node.id, (0, 0.0, 0))
        _d, s_before, c_before = b.get(node.id, (demand, 0.0, 0))
        g_before = weak_links.gap_score(demand, s_before, top)
        g_after = weak_links.gap_score(demand, s_after, top)
        out.append(
            NodeGap(
                node_id=node.id,
                node_name=node.name,
                stage=node.stage,
                demand=demand,
                supply_before=s_before,
                supply_after=s_after,
                contracted_before=c_before,
                contracted_after=c_after,
                gap_before=g_before,
                gap_after=g_after,
                closed=g_after < g_before,
            )
        )
    return out
