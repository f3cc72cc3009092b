"""What deals tell firms through the notification outbox: an over-limit 账期, follow-ups.

Both go through :func:`app.notifications.outbox.enqueue` in the caller's transaction, to the
firm's contact e-mail (a firm without one gets the outbox row marked skipped). Follow-ups
carry a dedupe key (deal, 30/90, the day of the last stage change), so running the periodic
pass twice, or on several workers, sends each prompt once.
"""

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.consent import own_address
from app.deals.schemas import STAGE_ZH
from app.models import Deal, DealStage, Organization
from app.notifications.messages import Message
from app.notifications.outbox import enqueue
from app.notifications.triggers import every_hour


def _firm(session: Session, org_id: int) -> Organization:
    org = session.get(Organization, org_id)
    assert org is not None
    return org


def payment_term(session: Session, deal: Deal, limit: int) -> None:
    """Tell the SME that its deal's payment term is over the limit."""
    sme = _firm(session, deal.sme_organization_id)
    buyer = _firm(session, deal.buyer_organization_id)
    enqueue(
        session,
        Message(
            topic="deal.payment_term",
            to_email=own_address(sme),
            organization_id=sme.id,
            subject=f"账期提醒：与{buyer.name}的交易账期 {deal.payment_term_days} 天",
            text=(
                f"与{buyer.name}的交易「{deal.title or deal.id}」约定账期 "
                f"{deal.payment_term_days} 天，超过 {limit} 天。《保障中小企业款项支付条例》"
                f"规定大型企业应自货物、工程、服务交付之日起 60 日内支付中小企业款项（另有约定的"
                f"从其约定，但不得超过 60 日）。如有需要请与组织方联系。"
            ),
            dedupe_key=f"deal.payment_term:{deal.id}:{deal.payment_term_days}",
        ),
    )


def follow_up(session: Session, deal: Deal, due: int) -> int:
    """Prompt both firms to update a deal idle for ``due`` days; how many messages queued."""
    sent = 0
    stage = STAGE_ZH[DealStage(deal.stage)]
    since = deal.stage_changed_at.date().isoformat()
    for org_id, other_id in (
        (deal.sme_organization_id, deal.buyer_organization_id),
        (deal.buyer_organization_id, deal.sme_organization_id),
    ):
        firm, other = _firm(session, org_id), _firm(session, other_id)
        enqueue(
            session,
            Message(
                topic="deal.follow_up",
                to_email=own_address(firm),
                organization_id=firm.id,
                subject=f"跟进提醒：与{other.name}的交易已 {due} 天未更新",
                text=(
                    f"与{other.name}的交易「{deal.title or deal.id}」自 {since} 起停在「{stage}」，"
                    f"已超过 {due} 天。请登录携手更新进展（送样、小批量、签约或终止）。"
                ),
                dedupe_key=f"deal.follow_up:{deal.id}:{org_id}:{due}:{since}",
            ),
        )
        sent += 1
    return sent


def follow_up_pass(session: Session, today: dt.date) -> int:
    """The periodic pass: queue the 30- and 90-day prompts now due; how many deals prompted.

    Prompts already queued (same deal, threshold and stage-change day) are not queued again.
    """
    from app.deals.service import OPEN_STAGES, follow_up_due

    prompted = 0
    cutoff = dt.datetime.combine(today - dt.timedelta(days=30), dt.time.max, tzinfo=dt.UTC)
    for deal in session.scalars(
        select(Deal).where(
            Deal.stage.in_([s.value for s in OPEN_STAGES]), Deal.stage_changed_at <= cutoff
        )
    ):
        due = follow_up_due(deal, today)
        if due is not None:
            follow_up(session, deal, due)
            prompted += 1
    return prompted


every_hour("deal_follow_ups", follow_up_pass)
