"""Review and selection (评审 / 遴选): scores, the shortlist, clarifications, the comparison
table and the announced result.

The buyer's own people score each response against the criteria (0–100, one score per
reviewer per criterion); the comparison table averages the reviewers per criterion and
weighs the criteria. Clarifications are threaded per response between the buyer and the
responding SME. Selecting one or more responses (after the deadline) opens a deal at 意向
for each, tells every responder, and logs each selection as a strong signal for learning.
"""

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app import audit
from app.auth.principal import Principal
from app.challenges import access, notices, service
from app.challenges.schemas import (
    ClarificationRead,
    ClarificationWrite,
    Comparison,
    ComparisonRow,
    Criterion,
    Proposal,
    Quotation,
    ScoreRead,
    ScoresWrite,
    SelectionWrite,
)
from app.deals.service import open_at_intent
from app.errors import Conflict, FieldText, Forbidden, InvalidInput
from app.learning import capture
from app.messages import tr
from app.models import (
    Challenge,
    ChallengeKind,
    ChallengeResponse,
    ChallengeStatus,
    Clarification,
    Deal,
    Organization,
    ResponseScore,
    ResponseStatus,
    SupplyNeed,
)
from app.models.base import utcnow
from app.platform.db import flush


def _reviewer(caller: Principal) -> str:
    return f"user:{caller.user_id}" if caller.user_id is not None else f"key:{caller.key_id}"


def _buyer_of(session: Session, challenge: Challenge) -> Organization:
    buyer = session.get(Organization, challenge.organization_id)
    assert buyer is not None
    return buyer


# -- scores and the shortlist --------------------------------------------------------------------


def score(
    session: Session, caller: Principal, response_id: int, data: ScoresWrite
) -> list[ScoreRead]:
    """Set the calling reviewer's scores of a response (the buyer's own people)."""
    response = access.get_response(session, caller, response_id)
    challenge = service.get_challenge_of(session, response)
    access.require_buyer(caller, challenge)
    if response.status == ResponseStatus.withdrawn.value:
        raise Conflict(
            tr("the response was withdrawn"),
            errors=[FieldText("path.response_id", tr("the response was withdrawn"))],
        )
    for i, item in enumerate(data.scores):
        if item.criterion >= len(challenge.criteria):
            raise InvalidInput(
                f"body.scores.{i}.criterion",
                tr("the challenge has {n} criteria", n=len(challenge.criteria)),
            )
    reviewer = _reviewer(caller)
    criteria = sorted({item.criterion for item in data.scores})
    session.execute(
        delete(ResponseScore).where(
            ResponseScore.response_id == response.id,
            ResponseScore.reviewer == reviewer,
            ResponseScore.criterion.in_(criteria),
        )
    )
    for item in data.scores:
        session.add(
            ResponseScore(
                response_id=response.id,
                criterion=item.criterion,
                reviewer=reviewer,
                score=item.score,
                note=item.note,
            )
        )
    flush(session, "the scores")
    audit.record(session, caller, "challenge.score", "challenge_response", response.id)
    return scores_of(session, caller, response_id)


def scores_of(session: Session, caller: Principal, response_id: int) -> list[ScoreRead]:
    """The reviewers' scores of a response (the buyer's side; never the SME)."""
    response = access.get_response(session, caller, response_id)
    challenge = service.get_challenge_of(session, response)
    if not access.buyer_side(caller, challenge, _buyer_of(session, challenge)):
        raise Forbidden(tr("scores are for the buyer's side"))
    rows = session.scalars(
        select(ResponseScore)
        .where(ResponseScore.response_id == response.id)
        .order_by(ResponseScore.criterion, ResponseScore.reviewer)
    )
    return [
        ScoreRead(criterion=r.criterion, reviewer=r.reviewer, score=r.score, note=r.note)
        for r in rows
    ]


def shortlist(
    session: Session, caller: Principal, response_id: int, shortlisted: bool
) -> ChallengeResponse:
    """Put a response on the buyer's shortlist (入围) or take it off."""
    response = access.get_response(session, caller, response_id)
    access.require_buyer(caller, service.get_challenge_of(session, response))
    response.shortlisted = shortlisted
    flush(session, "the response")
    audit.record(
        session, caller, "challenge.shortlist", "challenge_response", response.id, on=shortlisted
    )
    return response


# -- clarifications ----------------------------------------------------------------------------


def _clarification_read(row: Clarification, challenge: Challenge, sme_id: int) -> ClarificationRead:
    side = (
        "buyer"
        if row.author_organization_id == challenge.organization_id
        else "sme"
        if row.author_organization_id == sme_id
        else "other"
    )
    return ClarificationRead(
        id=row.id,
        response_id=row.response_id,
        parent_id=row.parent_id,
        author_organization_id=row.author_organization_id,
        author_side=side,
        body=row.body,
        created_at=row.created_at,
    )


def clarify(
    session: Session, caller: Principal, response_id: int, data: ClarificationWrite
) -> ClarificationRead:
    """Ask (the buyer) or answer (the responding SME) on a response's thread."""
    response = access.get_response(session, caller, response_id)
    challenge = service.get_challenge_of(session, response)
    from_buyer = access.is_buyer(caller, challenge)
    from_sme = caller.organization_id == response.organization_id
    if not (from_buyer or from_sme):
        raise Forbidden(tr("only the buyer and the responding SME write in the thread"))
    if data.parent_id is not None:
        parent = session.get(Clarification, data.parent_id)
        if parent is None or parent.response_id != response.id:
            raise InvalidInput("body.parent_id", tr("not a message of this response"))
    row = Clarification(
        response_id=response.id,
        parent_id=data.parent_id,
        author_role=caller.role.value,
        author_organization_id=caller.organization_id,
        body=data.body,
        created_at=utcnow(),
    )
    session.add(row)
    flush(session, "the clarification")
    audit.record(session, caller, "challenge.clarify", "challenge_response", response.id)
    to_org = response.organization_id if from_buyer else challenge.organization_id
    notices.clarification(session, challenge, to_org, asked=from_buyer)
    return _clarification_read(row, challenge, response.organization_id)


def thread(session: Session, caller: Principal, response_id: int) -> list[ClarificationRead]:
    """A response's clarifications, oldest first (``parent_id`` gives the threads)."""
    response = access.get_response(session, caller, response_id)
    challenge = service.get_challenge_of(session, response)
    rows = session.scalars(
        select(Clarification)
        .where(Clarification.response_id == response.id)
        .order_by(Clarification.created_at, Clarification.id)
    )
    return [_clarification_read(r, challenge, response.organization_id) for r in rows]


# -- the comparison table ---------------------------------------------------------------------


def comparison(session: Session, caller: Principal, challenge_id: int) -> Comparison:
    """Responses × criteria (mean of the reviewers), the weighted total, and the quotes."""
    challenge = access.get_challenge(session, caller, challenge_id)
    if not access.buyer_side(caller, challenge, _buyer_of(session, challenge)):
        raise Forbidden(tr("the comparison is for the buyer's side"))
    responses = session.scalars(
        select(ChallengeResponse)
        .where(
            ChallengeResponse.challenge_id == challenge.id,
            ChallengeResponse.status != ResponseStatus.withdrawn.value,
        )
        .order_by(ChallengeResponse.id)
    ).all()
    criteria = [Criterion(**c) for c in challenge.criteria]
    marks: dict[int, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
    reviewers: dict[int, set[str]] = defaultdict(set)
    for r in session.scalars(
        select(ResponseScore).where(ResponseScore.response_id.in_([x.id for x in responses]))
    ):
        marks[r.response_id][r.criterion].append(r.score)
        reviewers[r.response_id].add(r.reviewer)
    reads = {r.id: r for r in service.response_reads(session, caller, responses)}
    rows = []
    for response in responses:
        means: list[float | None] = []
        for i in range(len(criteria)):
            given = marks[response.id].get(i, [])
            means.append(round(sum(given) / len(given), 2) if given else None)
        total = (
            round(
                sum(m * c.weight for m, c in zip(means, criteria, strict=True) if m is not None)
                / 100,
                2,
            )
            if any(m is not None for m in means)
            else None
        )
        read = reads[response.id]
        row = ComparisonRow(
            response_id=response.id,
            organization_id=response.organization_id,
            sme_name=read.sme_name,
            status=ResponseStatus(response.status),
            shortlisted=response.shortlisted,
            criterion_scores=means,
            reviewers=len(reviewers[response.id]),
            weighted_total=total,
            attachments=len(read.attachments),
        )
        if read.proposal is not None:
            _proposal_columns(row, read.proposal)
        if read.quotation is not None:
            _quotation_columns(row, read.quotation)
        rows.append(row)
    if ChallengeKind(challenge.kind) is ChallengeKind.quotation and not criteria:
        rows.sort(key=lambda r: (r.unit_price_yuan or Decimal(0), r.response_id))
    else:
        rows.sort(key=lambda r: (-(r.weighted_total or -1.0), r.response_id))
    return Comparison(
        challenge_id=challenge.id, kind=ChallengeKind(challenge.kind), criteria=criteria, rows=rows
    )


def _proposal_columns(row: ComparisonRow, proposal: Proposal) -> None:
    row.price_min_wan = proposal.price_min_wan
    row.price_max_wan = proposal.price_max_wan
    row.duration_days = proposal.duration_days


def _quotation_columns(row: ComparisonRow, quote: Quotation) -> None:
    row.unit_price_yuan = quote.unit_price_yuan
    row.price_unit = quote.price_unit
    row.moq = quote.moq
    row.lead_time_days = quote.lead_time_days
    row.valid_until = quote.valid_until
    row.payment_term_days = quote.payment_term_days
    row.delivery_terms = quote.delivery_terms


# -- selection ----------------------------------------------------------------------------------


def _deal_for(
    session: Session, caller: Principal, challenge: Challenge, need: SupplyNeed, sme_id: int
) -> Deal:
    """The pair's deal on this need at 意向 (an existing one for the pair is kept)."""
    deal = session.scalar(
        select(Deal).where(Deal.need_id == need.id, Deal.sme_organization_id == sme_id)
    )
    if deal is not None:
        return deal
    deal = open_at_intent(
        session,
        caller,
        Deal(
            buyer_organization_id=challenge.organization_id,
            sme_organization_id=sme_id,
            need_id=need.id,
            title=need.title[:200],
        ),
        note="揭榜遴选入选",
    )
    audit.record(session, caller, "deal.create", "deal", deal.id, challenge_id=challenge.id)
    return deal


def select_responses(
    session: Session, caller: Principal, challenge_id: int, data: SelectionWrite, now: dt.datetime
) -> tuple[Challenge, list[ChallengeResponse], list[int]]:
    """Select responses after the deadline: deals at 意向, everyone told, learning logged."""
    challenge = access.get_challenge(session, caller, challenge_id)
    access.require_buyer(caller, challenge)
    if challenge.status != ChallengeStatus.open.value:
        raise Conflict(
            tr("the challenge was already decided"),
            errors=[FieldText("path.challenge_id", tr("the challenge was already decided"))],
        )
    if now < challenge.response_deadline:
        raise Conflict(
            tr("select after the response deadline"),
            errors=[FieldText("path.challenge_id", tr("select after the response deadline"))],
        )
    responses = session.scalars(
        select(ChallengeResponse)
        .where(ChallengeResponse.challenge_id == challenge.id)
        .order_by(ChallengeResponse.id)
    ).all()
    filed = {r.id: r for r in responses if r.status == ResponseStatus.submitted.value}
    wanted = list(dict.fromkeys(data.response_ids))
    for i, rid in enumerate(wanted):
        if rid not in filed:
            raise InvalidInput(
                f"body.response_ids.{i}", tr("not a standing response to this challenge")
            )
    need = session.get(SupplyNeed, challenge.need_id)
    assert need is not None
    chosen = [filed[rid] for rid in wanted]
    others = [r for r in filed.values() if r.id not in set(wanted)]
    for response in chosen:
        deal = _deal_for(session, caller, challenge, need, response.organization_id)
        response.status = ResponseStatus.selected.value
        response.deal_id = deal.id
        capture.interaction(
            session,
            "challenge.selected",
            need_id=need.id,
            profile_id=service.profile_of(session, response.organization_id),
            buyer_organization_id=challenge.organization_id,
            sme_organization_id=response.organization_id,
        )
    for response in others:
        response.status = ResponseStatus.not_selected.value
    challenge.status = ChallengeStatus.decided.value
    challenge.decided_at = now
    challenge.result_note = data.note
    flush(session, "the challenge")
    audit.record(
        session,
        caller,
        "challenge.select",
        "challenge",
        challenge.id,
        selected=[r.id for r in chosen],
    )
    notices.result(
        session,
        challenge,
        need,
        _buyer_of(session, challenge),
        [r.organization_id for r in chosen],
        [r.organization_id for r in others],
        data.note,
    )
    return challenge, list(chosen), [r.id for r in others]
