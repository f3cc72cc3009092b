"""Deals after a session: one write path for the API and the console.

A deal joins a large firm and an SME; it is opened from a meeting they had or from a mutual
interest (both marked 感兴趣 on a need × profile pair) and moves 意向 → 送样/验厂 → 小批量 →
签约 → 稳定供货 one step at a time, or to 终止 from any stage with a reason. Every stage
change is kept with who and when (:class:`~app.models.DealStageChange`).

**Who.** One rule, as a SQL statement (:func:`readable`): admins see every deal, the two
firms their own, and an organizer the deals of its own sessions. Only the two firms
themselves (their own keys) or an admin open and change a deal; the organizer reads.

**账期.** 保障中小企业款项支付条例: a large firm pays an SME within 60 days of delivery unless
agreed otherwise. A payment term over ``XIESHOU_PAYMENT_TERM_LIMIT_DAYS`` (default 60; callers pass
``settings.payment_term_limit_days``) is
flagged on the deal (``payment_term_over_limit``, shown on the SME's deal page) and counted
in campaign reports.

**Follow-ups.** An open deal (not 稳定供货, not 终止) whose stage has not moved for 30 days is
due a follow-up, and again at 90 (:func:`follow_up_due`, :func:`follow_ups`).
"""

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import ColumnElement, Select, or_, select
from sqlalchemy.orm import Session

from app import audit, consent
from app.auth.principal import Principal, readable_rows
from app.deals import notices
from app.deals.schemas import (
    STAGE_ZH,
    DealCreate,
    DealDetail,
    DealRead,
    DealUpdate,
    StageChangeRead,
)
from app.errors import Conflict, FieldText, Forbidden, InvalidInput, NotFound
from app.messages import Text, tr
from app.models import (
    CONTRACTED,
    STAGE_ORDER,
    CapabilityProfile,
    ChainNode,
    Deal,
    DealStage,
    DealStageChange,
    Event,
    EventMeeting,
    EventParticipant,
    InterestMark,
    InterestValue,
    Organization,
    OrganizationKind,
    Outcome,
    ParticipantStatus,
    Placement,
    PlacementSource,
    Side,
    SupplyNeed,
)
from app.models.base import utcnow
from app.models.deal import plain_wan
from app.pagination import Page, PageParams
from app.platform.db import flush
from app.versioning import check_version

FOLLOW_UP_DAYS: tuple[int, ...] = (90, 30)  # checked longest first
OPEN_STAGES = frozenset(STAGE_ORDER) - {DealStage.supplying}


def over_limit(days: int | None, limit: int) -> bool:
    """Whether a payment term is longer than the limit (at 60: 60 days is fine, 61 is not)."""
    return days is not None and days > limit


def follow_up_due(deal: Deal, today: dt.date) -> int | None:
    """30 or 90 when an open deal's stage has not moved for that many days, else ``None``."""
    if DealStage(deal.stage) not in OPEN_STAGES:
        return None
    idle = (today - deal.stage_changed_at.date()).days
    return next((days for days in FOLLOW_UP_DAYS if idle >= days), None)


# -- who may see what -----------------------------------------------------------------------


def readable(caller: Principal) -> Select[Deal]:
    """The deals ``caller`` may read: all (admin), its firm's own, its sessions' (organizer)."""

    def rule(org: int) -> ColumnElement[bool]:
        own = or_(Deal.buyer_organization_id == org, Deal.sme_organization_id == org)
        if caller.is_organizer:
            own_events = select(Event.id).where(Event.organization_id == org)
            return or_(own, Deal.event_id.in_(own_events))
        return own

    return readable_rows(select(Deal), caller, rule)


def get_readable(session: Session, caller: Principal, deal_id: int) -> Deal:
    """The deal if ``caller`` may read it; 404 otherwise (others' deals do not exist for it)."""
    deal = session.scalar(readable(caller).where(Deal.id == deal_id))
    if deal is None:
        raise NotFound(tr("deal {id} not found", id=deal_id))
    return deal


def is_party(caller: Principal, deal: Deal) -> bool:
    """Whether ``caller`` acts for one of the deal's two firms (its own key, or an admin)."""
    return caller.is_admin or caller.organization_id in (
        deal.buyer_organization_id,
        deal.sme_organization_id,
    )


def get_writable(session: Session, caller: Principal, deal_id: int) -> Deal:
    """The deal if ``caller`` may change it: 404 unseen, 403 seen only (the organizer)."""
    deal = get_readable(session, caller, deal_id)
    if not is_party(caller, deal):
        raise Forbidden(tr("only the two firms of deal {id} change it", id=deal_id))
    return deal


# -- reading ----------------------------------------------------------------------------------


def to_reads(session: Session, deals: Sequence[Deal], today: dt.date, limit: int) -> list[DealRead]:
    """Deals as the API shows them (names and node names in two queries)."""
    org_ids = {d.buyer_organization_id for d in deals} | {d.sme_organization_id for d in deals}
    names = dict(
        session.execute(
            select(Organization.id, Organization.name).where(Organization.id.in_(org_ids))
        ).all()
    )
    node_ids = {d.node_id for d in deals if d.node_id is not None}
    nodes = dict(
        session.execute(
            select(ChainNode.id, ChainNode.name).where(ChainNode.id.in_(node_ids))
        ).all()
    )
    return [
        DealRead(
            id=d.id,
            buyer_organization_id=d.buyer_organization_id,
            buyer_name=names.get(d.buyer_organization_id, ""),
            sme_organization_id=d.sme_organization_id,
            sme_name=names.get(d.sme_organization_id, ""),
            event_id=d.event_id,
            meeting_id=d.meeting_id,
            need_id=d.need_id,
            node_id=d.node_id,
            node_name=nodes.get(d.node_id) if d.node_id is not None else None,
            title=d.title,
            stage=DealStage(d.stage),
            stage_zh=STAGE_ZH[DealStage(d.stage)],
            amount_wan=plain_wan(d.amount_wan) if d.amount_wan is not None else None,
            expected_signing_on=d.expected_signing_on,
            expected_supply_on=d.expected_supply_on,
            payment_term_days=d.payment_term_days,
            payment_term_limit_days=limit,
            payment_term_over_limit=over_limit(d.payment_term_days, limit),
            end_reason=d.end_reason,
            stage_changed_at=d.stage_changed_at,
            signed_on=d.signed_on,
            follow_up_due=follow_up_due(d, today),
            version=d.version,
            created_at=d.created_at,
            updated_at=d.updated_at,
        )
        for d in deals
    ]


def history(session: Session, deal_id: int) -> list[StageChangeRead]:
    """The deal's stage changes, oldest first."""
    rows = session.scalars(
        select(DealStageChange)
        .where(DealStageChange.deal_id == deal_id)
        .order_by(DealStageChange.changed_at, DealStageChange.id)
    )
    return [
        StageChangeRead(
            from_stage=DealStage(r.from_stage) if r.from_stage else None,
            to_stage=DealStage(r.to_stage),
            changed_at=r.changed_at,
            by_role=r.by_role,
            by_organization_id=r.by_organization_id,
            note=r.note,
        )
        for r in rows
    ]


def detail(session: Session, deal: Deal, today: dt.date, limit: int) -> DealDetail:
    """The deal with its history."""
    (read,) = to_reads(session, [deal], today, limit)
    return DealDetail(**read.model_dump(), history=history(session, deal.id))


def list_page(
    session: Session,
    caller: Principal,
    paging: PageParams,
    *,
    today: dt.date,
    limit: int,
    stage: DealStage | None = None,
    event_id: int | None = None,
    follow_up: bool = False,
) -> Page[DealRead]:
    """The deals ``caller`` may read, newest change first; ``follow_up`` keeps those due
    a follow-up (待跟进: open, no stage change for 30 days or more)."""
    statement = readable(caller)
    if stage is not None:
        statement = statement.where(Deal.stage == stage.value)
    if event_id is not None:
        statement = statement.where(Deal.event_id == event_id)
    if follow_up:
        cutoff = dt.datetime.combine(
            today - dt.timedelta(days=min(FOLLOW_UP_DAYS)), dt.time.max, tzinfo=dt.UTC
        )
        statement = statement.where(
            Deal.stage.in_([s.value for s in OPEN_STAGES]), Deal.stage_changed_at <= cutoff
        )
    total = len(session.scalars(statement.with_only_columns(Deal.id)).all())
    rows = session.scalars(
        statement.order_by(Deal.stage_changed_at.desc(), Deal.id.desc())
        .offset(paging.offset)
        .limit(paging.page_size)
    ).all()
    return Page(
        items=to_reads(session, rows, today, limit),
        total=total,
        page=paging.page,
        page_size=paging.page_size,
    )


def follow_ups(session: Session, caller: Principal, today: dt.date, limit: int) -> list[DealRead]:
    """Every deal ``caller`` may read that is due a follow-up (待跟进), longest idle first."""
    rows = [
        d
        for d in session.scalars(
            readable(caller)
            .where(Deal.stage.in_([s.value for s in OPEN_STAGES]))
            .order_by(Deal.stage_changed_at, Deal.id)
        )
        if follow_up_due(d, today) is not None
    ]
    return to_reads(session, rows, today, limit)


# -- opening a deal ---------------------------------------------------------------------------


def _meeting_firms(session: Session, meeting: EventMeeting) -> tuple[int, int]:
    people = {
        p.id: p.organization_id
        for p in session.scalars(
            select(EventParticipant).where(
                EventParticipant.id.in_([meeting.buyer_participant_id, meeting.sme_participant_id])
            )
        )
    }
    return people[meeting.buyer_participant_id], people[meeting.sme_participant_id]


def _mutual(session: Session, need_id: int, profile_id: int) -> bool:
    values = dict(
        session.execute(
            select(InterestMark.side, InterestMark.value).where(
                InterestMark.need_id == need_id, InterestMark.profile_id == profile_id
            )
        ).all()
    )
    yes = InterestValue.interested.value
    return values.get(Side.buyer.value) == yes and values.get(Side.sme.value) == yes


def _took_part(session: Session, event_id: int, org_ids: Sequence[int]) -> bool:
    found = session.scalars(
        select(EventParticipant.organization_id).where(
            EventParticipant.event_id == event_id,
            EventParticipant.organization_id.in_(org_ids),
            EventParticipant.status == ParticipantStatus.approved.value,
        )
    ).all()
    return set(found) == set(org_ids)


def _top_node_of_need(session: Session, need_id: int) -> int | None:
    rows = session.execute(
        select(Placement.node_id, Placement.source, Placement.confidence).where(
            Placement.need_id == need_id, Placement.node_id.is_not(None)
        )
    ).all()
    best = max(
        rows,
        key=lambda r: (r[1] == PlacementSource.operator.value, r[2], -(r[0] or 0)),
        default=None,
    )
    return best[0] if best else None


def _top_node_of_firm(session: Session, org_id: int) -> int | None:
    from app.chains.placing import top_nodes

    profile_id = session.scalar(
        select(CapabilityProfile.id).where(CapabilityProfile.organization_id == org_id)
    )
    if profile_id is None:
        return None
    top = top_nodes(session, [profile_id]).get(profile_id)
    return top[0] if top else None


def _check_node(session: Session, node_id: int | None) -> None:
    if node_id is not None and session.get(ChainNode, node_id) is None:
        raise InvalidInput("body.node_id", tr("no chain node {id}", id=node_id))


def create(session: Session, caller: Principal, data: DealCreate, limit: int) -> Deal:
    """Open a deal at 意向 for one of the caller's firms (or as an admin)."""
    event_id = data.event_id
    meeting_id: int | None = None
    need_id: int | None = None
    if data.meeting_id is not None:
        if data.need_id is not None or data.profile_id is not None:
            raise InvalidInput(
                "body.need_id", tr("give a meeting_id, or a need_id and a profile_id")
            )
        meeting = session.get(EventMeeting, data.meeting_id)
        if meeting is None:
            raise InvalidInput("body.meeting_id", tr("no meeting {id}", id=data.meeting_id))
        buyer_id, sme_id = _meeting_firms(session, meeting)
        if not (caller.is_admin or caller.organization_id in (buyer_id, sme_id)):
            raise Forbidden(tr("only the two firms of a meeting open a deal from it"))
        if meeting.outcome == Outcome.not_held.value:
            raise Conflict(
                tr("the meeting was not held"),
                errors=[FieldText("body.meeting_id", tr("the meeting was not held"))],
            )
        if event_id not in (None, meeting.event_id):
            raise InvalidInput("body.event_id", tr("must be the meeting's session"))
        event_id, meeting_id = meeting.event_id, meeting.id
    elif data.need_id is not None and data.profile_id is not None:
        need = session.get(SupplyNeed, data.need_id)
        profile = session.get(CapabilityProfile, data.profile_id)
        if need is None:
            raise InvalidInput("body.need_id", tr("no need {id}", id=data.need_id))
        if profile is None:
            raise InvalidInput("body.profile_id", tr("no profile {id}", id=data.profile_id))
        buyer_id, sme_id = need.organization_id, profile.organization_id
        if not (caller.is_admin or caller.organization_id in (buyer_id, sme_id)):
            raise Forbidden(tr("only the two firms of a pair open a deal from it"))
        if not _mutual(session, need.id, profile.id):
            raise Conflict(
                tr("the interest is not mutual"),
                errors=[FieldText("body.need_id", tr("both sides must mark 感兴趣 first"))],
            )
        if event_id is not None and not _took_part(session, event_id, [buyer_id, sme_id]):
            raise InvalidInput(
                "body.event_id", tr("both firms must have taken part in the session")
            )
        need_id = need.id
    else:
        raise InvalidInput(
            "body.meeting_id", tr("give a meeting_id, or a need_id and a profile_id")
        )
    kinds = dict(
        session.execute(
            select(Organization.id, Organization.kind).where(
                Organization.id.in_([buyer_id, sme_id])
            )
        ).all()
    )
    if (
        kinds.get(buyer_id) != OrganizationKind.large_firm
        or kinds.get(sme_id) != OrganizationKind.sme
    ):
        raise InvalidInput("body.meeting_id", tr("a deal is between a large firm and an SME"))
    _check_node(session, data.node_id)
    node_id = data.node_id
    if node_id is None and need_id is not None:
        node_id = _top_node_of_need(session, need_id)
    if node_id is None:
        node_id = _top_node_of_firm(session, sme_id)
    deal = open_at_intent(
        session,
        caller,
        Deal(
            buyer_organization_id=buyer_id,
            sme_organization_id=sme_id,
            event_id=event_id,
            meeting_id=meeting_id,
            need_id=need_id,
            node_id=node_id,
            title=data.title,
            amount_wan=data.amount_wan,
            expected_signing_on=data.expected_signing_on,
            expected_supply_on=data.expected_supply_on,
            payment_term_days=data.payment_term_days,
        ),
    )
    audit.record(session, caller, "deal.create", "deal", deal.id)
    if over_limit(deal.payment_term_days, limit):
        _flag_payment_term(session, deal, limit)
    return deal


def open_at_intent(session: Session, caller: Principal, deal: Deal, note: str = "") -> Deal:
    """Store ``deal`` (its firms, origin and terms filled in) at 意向, authored by ``caller``,
    with the first line of its stage history: the one way a deal is opened (from a meeting or
    a mutual interest here, from a challenge's selection in ``app.challenges``)."""
    now = utcnow()
    deal.stage = DealStage.intent.value
    deal.end_reason = ""
    deal.stage_changed_at = now
    for column, value in consent.author(caller).items():
        setattr(deal, column, value)
    session.add(deal)
    flush(session, "the deal")
    _record_change(session, caller, deal, None, DealStage.intent, note, now)
    return deal


# -- changing a deal --------------------------------------------------------------------------


def _record_change(
    session: Session,
    caller: Principal,
    deal: Deal,
    before: DealStage | None,
    after: DealStage,
    note: str,
    at: dt.datetime,
) -> None:
    session.add(
        DealStageChange(
            deal_id=deal.id,
            from_stage=before.value if before else None,
            to_stage=after.value,
            changed_at=at,
            by_role=caller.role.value,
            by_organization_id=caller.organization_id,
            by_key_id=caller.key_id,
            note=note,
        )
    )
    session.flush()


def check_transition(current: DealStage, wanted: DealStage, *, end_reason: str) -> None:
    """Refuse a stage change that is not the next step or 终止 (409 naming ``body.stage``),
    and 终止 without a reason (422 naming ``body.end_reason``)."""

    def refuse(message: Text) -> Conflict:
        return Conflict(message, errors=[FieldText("body.stage", message)])

    if current is DealStage.ended:
        raise refuse(tr("an ended deal does not change stage"))
    if wanted is DealStage.ended:
        if not end_reason.strip():
            raise InvalidInput("body.end_reason", tr("say why the deal ended"))
        return
    here, there = STAGE_ORDER.index(current), STAGE_ORDER.index(wanted)
    if there != here + 1:
        raise refuse(
            tr(
                "a deal at {current} moves to {next} or 终止, not {wanted}",
                current=STAGE_ZH[current],
                next=STAGE_ZH[STAGE_ORDER[here + 1]],
                wanted=STAGE_ZH[wanted],
            )
            if here + 1 < len(STAGE_ORDER)
            else tr("a deal at {current} can only end (终止)", current=STAGE_ZH[current])
        )


def update(
    session: Session,
    caller: Principal,
    deal_id: int,
    data: DealUpdate,
    version: int | None,
    *,
    today: dt.date,
    limit: int,
) -> Deal:
    """Change a deal's fields and/or move its stage, if the client read the current version."""
    deal = get_writable(session, caller, deal_id)
    check_version(deal.version, version)
    fields = data.model_dump(exclude_unset=True)
    for name in ("title", "stage"):
        if name in fields and fields[name] is None:
            raise InvalidInput(f"body.{name}", tr("cannot be null"))
    if "node_id" in fields:
        _check_node(session, data.node_id)
    was_over = over_limit(deal.payment_term_days, limit)
    for name in (
        "title",
        "node_id",
        "amount_wan",
        "expected_signing_on",
        "expected_supply_on",
        "payment_term_days",
    ):
        if name in fields:
            setattr(deal, name, fields[name])
    current = DealStage(deal.stage)
    wanted = data.stage
    if wanted is not None and wanted is not current:
        end_reason = data.end_reason or ""
        check_transition(current, wanted, end_reason=end_reason)
        if wanted in CONTRACTED and deal.amount_wan is None:
            raise InvalidInput("body.amount_wan", tr("签约 needs the contract amount (万元)"))
        now = utcnow()
        deal.stage = wanted.value
        deal.stage_changed_at = now
        if wanted is DealStage.signed:
            deal.signed_on = today
        if wanted is DealStage.ended:
            deal.end_reason = end_reason.strip()
        _record_change(session, caller, deal, current, wanted, data.note, now)
    elif data.end_reason is not None and current is DealStage.ended:
        deal.end_reason = data.end_reason
    deal.updated_at = utcnow()
    flush(session, f"deal {deal.id}")
    audit.record(session, caller, "deal.update", "deal", deal.id, fields=sorted(fields))
    if over_limit(deal.payment_term_days, limit) and not was_over:
        _flag_payment_term(session, deal, limit)
    return deal


def _flag_payment_term(session: Session, deal: Deal, limit: int) -> None:
    """Tell the SME its deal's payment term went over the limit (the deal page shows it too)."""
    notices.payment_term(session, deal, limit)
    audit.record(
        session,
        None,
        "deal.payment_term_over_limit",
        "deal",
        deal.id,
        days=deal.payment_term_days,
        limit=limit,
    )


def contracted(deal: Deal) -> bool:
    """签约 or later: the deal counts as supply on its chain node."""
    return DealStage(deal.stage) in CONTRACTED
