"""Challenges (榜单 / 询价) and responses: one write path for the API and the console.

A buyer publishes one of its open needs as a challenge: a 技术攻关 or 补链 need takes
proposals (揭榜对接表), a 配套 need takes quotations. An SME reads the confidentiality terms
and accepts them (a recorded click-through: version, time, who), then responds before the
deadline; it may revise (every revision is kept, with the attachments in effect) or withdraw
until then. Who sees what is :mod:`app.challenges.access`; review and selection are
:mod:`app.challenges.review`.
"""

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from app import audit, consent
from app.auth.principal import Principal
from app.challenges import access, notices
from app.challenges.schemas import (
    KIND_ZH,
    RESPONSE_ZH,
    STATUS_ZH,
    AttachmentRead,
    ChallengeCreate,
    ChallengeRead,
    Criterion,
    Indicator,
    Proposal,
    Quotation,
    ResponseDetail,
    ResponseRead,
    ResponseWrite,
    RevisionRead,
    TermsAcceptanceRead,
)
from app.errors import Conflict, FieldText, Forbidden, InvalidInput, NotFound
from app.learning import capture
from app.messages import tr
from app.models import (
    Attachment,
    CapabilityProfile,
    Challenge,
    ChallengeAccess,
    ChallengeInvitation,
    ChallengeKind,
    ChallengeResponse,
    ChallengeStatus,
    NeedKind,
    NeedStatus,
    Organization,
    OrganizationKind,
    ResponseRevision,
    ResponseStatus,
    SupplyNeed,
    TermsAcceptance,
)
from app.models.base import utcnow
from app.models.deal import plain_wan
from app.needs import service as needs
from app.pagination import Page, PageParams
from app.platform.db import flush

if TYPE_CHECKING:
    from app.matches.index import MatchingIndex

KIND_OF_NEED = {
    NeedKind.tech_challenge.value: ChallengeKind.proposal,
    NeedKind.chain_gap.value: ChallengeKind.proposal,
    NeedKind.supply.value: ChallengeKind.quotation,
}


def _conflict(field: str, message: Any) -> Conflict:
    text = tr(message) if isinstance(message, str) else message
    return Conflict(text, errors=[FieldText(field, text)])


def accepting(challenge: Challenge, now: dt.datetime) -> bool:
    """Open and before its deadline: responses may be filed, revised and withdrawn."""
    return challenge.status == ChallengeStatus.open.value and now < challenge.response_deadline


# -- publishing --------------------------------------------------------------------------------


def publish(
    session: Session, caller: Principal, need_id: int, data: ChallengeCreate, now: dt.datetime
) -> Challenge:
    """Publish the need as a challenge (发榜) or a request for quotation (询价)."""
    need = needs.get_visible(session, caller, need_id)
    if not caller.manages(need.organization):
        raise Forbidden(tr("you do not manage need {id}", id=need_id))
    if need.status != NeedStatus.open.value:
        raise _conflict("path.need_id", "only an open need is published as a challenge")
    if session.scalar(select(Challenge.id).where(Challenge.need_id == need.id)) is not None:
        raise _conflict("path.need_id", "the need already has a challenge")
    kind = KIND_OF_NEED[need.kind]
    if data.response_deadline <= now:
        raise InvalidInput("body.response_deadline", tr("must be in the future"))
    weights = sum(c.weight for c in data.criteria)
    if (data.criteria or kind is ChallengeKind.proposal) and weights != 100:
        raise InvalidInput(
            "body.criteria", tr("the weights must add up to 100 (now {total})", total=weights)
        )
    invited = sorted(set(data.invited_organization_ids))
    if data.access is ChallengeAccess.invited:
        if not invited:
            raise InvalidInput("body.invited_organization_ids", tr("name at least one SME"))
        smes = set(
            session.scalars(
                select(Organization.id).where(
                    Organization.id.in_(invited), Organization.kind == OrganizationKind.sme.value
                )
            )
        )
        if missing := [i for i in invited if i not in smes]:
            raise InvalidInput(
                "body.invited_organization_ids",
                tr("not SMEs: {ids}", ids=", ".join(map(str, missing))),
            )
    elif invited:
        raise InvalidInput("body.invited_organization_ids", tr("only for an invited challenge"))
    challenge = Challenge(
        need_id=need.id,
        organization_id=need.organization_id,
        kind=kind.value,
        status=ChallengeStatus.open.value,
        access=data.access.value,
        goals=data.goals,
        indicators=[i.model_dump() for i in data.indicators],
        budget_min_wan=data.budget_min_wan,
        budget_max_wan=data.budget_max_wan,
        # in UTC: SQLite keeps the wall time and drops the offset
        response_deadline=data.response_deadline.astimezone(dt.UTC),
        criteria=[c.model_dump() for c in data.criteria],
        terms_text=data.terms_text,
        terms_version=1,
        published_at=now,
        result_note="",
        **consent.author(caller),
    )
    session.add(challenge)
    flush(session, "the challenge")
    for org_id in invited:
        session.add(ChallengeInvitation(challenge_id=challenge.id, organization_id=org_id))
    session.flush()
    audit.record(session, caller, "challenge.publish", "challenge", challenge.id)
    return challenge


# -- reading -------------------------------------------------------------------------------------


def _names(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(
        session.execute(
            select(Organization.id, Organization.name).where(Organization.id.in_(ids))
        ).all()
    )


def to_reads(
    session: Session, caller: Principal, challenges: Sequence[Challenge], now: dt.datetime
) -> list[ChallengeRead]:
    """Challenges as ``caller`` reads them (the buyer's side sees invitations and counts)."""
    ids = [c.id for c in challenges]
    names = _names(session, {c.organization_id for c in challenges})
    titles = dict(
        session.execute(
            select(SupplyNeed.id, SupplyNeed.title).where(
                SupplyNeed.id.in_([c.need_id for c in challenges])
            )
        ).all()
    )
    buyers = {
        o.id: o
        for o in session.scalars(
            select(Organization).where(Organization.id.in_({c.organization_id for c in challenges}))
        )
    }
    counts = dict(
        session.execute(
            select(ChallengeResponse.challenge_id, func.count())
            .where(
                ChallengeResponse.challenge_id.in_(ids),
                ChallengeResponse.status != ResponseStatus.withdrawn.value,
            )
            .group_by(ChallengeResponse.challenge_id)
        ).all()
    )
    invitations: dict[int, list[int]] = {}
    for cid, org_id in session.execute(
        select(ChallengeInvitation.challenge_id, ChallengeInvitation.organization_id)
        .where(ChallengeInvitation.challenge_id.in_(ids))
        .order_by(ChallengeInvitation.organization_id)
    ):
        invitations.setdefault(cid, []).append(org_id)
    mine: dict[int, int] = {}
    accepted: dict[int, int] = {}
    if caller.organization_id is not None:
        mine = dict(
            session.execute(
                select(ChallengeResponse.challenge_id, ChallengeResponse.id).where(
                    ChallengeResponse.challenge_id.in_(ids),
                    ChallengeResponse.organization_id == caller.organization_id,
                )
            ).all()
        )
        accepted = dict(
            session.execute(
                select(TermsAcceptance.challenge_id, func.max(TermsAcceptance.terms_version))
                .where(
                    TermsAcceptance.challenge_id.in_(ids),
                    TermsAcceptance.organization_id == caller.organization_id,
                )
                .group_by(TermsAcceptance.challenge_id)
            ).all()
        )
    reads = []
    for c in challenges:
        inside = access.buyer_side(caller, c, buyers[c.organization_id])
        reads.append(
            ChallengeRead(
                id=c.id,
                need_id=c.need_id,
                need_title=titles.get(c.need_id, ""),
                organization_id=c.organization_id,
                buyer_name=names.get(c.organization_id, ""),
                kind=ChallengeKind(c.kind),
                kind_zh=KIND_ZH[ChallengeKind(c.kind)],
                status=ChallengeStatus(c.status),
                status_zh=STATUS_ZH[ChallengeStatus(c.status)],
                access=ChallengeAccess(c.access),
                goals=c.goals,
                indicators=[Indicator(**i) for i in c.indicators],
                budget_min_wan=plain_wan(c.budget_min_wan)
                if c.budget_min_wan is not None
                else None,
                budget_max_wan=plain_wan(c.budget_max_wan)
                if c.budget_max_wan is not None
                else None,
                response_deadline=c.response_deadline,
                accepting=accepting(c, now),
                criteria=[Criterion(**x) for x in c.criteria],
                terms_text=c.terms_text,
                terms_version=c.terms_version,
                published_at=c.published_at,
                decided_at=c.decided_at,
                invited_organization_ids=invitations.get(c.id, []) if inside else None,
                responses=counts.get(c.id, 0) if inside else None,
                my_response_id=mine.get(c.id),
                terms_accepted_version=accepted.get(c.id),
            )
        )
    return reads


def list_page(
    session: Session,
    caller: Principal,
    paging: PageParams,
    now: dt.datetime,
    *,
    status: ChallengeStatus | None = None,
    mine: bool = False,
) -> Page[ChallengeRead]:
    """The challenges ``caller`` may read, newest first (``mine``: the caller firm's own)."""
    statement = access.readable_challenges(caller)
    if status is not None:
        statement = statement.where(Challenge.status == status.value)
    if mine:
        statement = statement.where(Challenge.organization_id == caller.organization_id)
    total = session.scalar(select(func.count()).select_from(statement.subquery())) or 0
    rows = session.scalars(
        statement.order_by(Challenge.published_at.desc(), Challenge.id.desc())
        .offset(paging.offset)
        .limit(paging.page_size)
    ).all()
    return Page(
        items=to_reads(session, caller, rows, now),
        total=total,
        page=paging.page,
        page_size=paging.page_size,
    )


def read(session: Session, caller: Principal, challenge_id: int, now: dt.datetime) -> ChallengeRead:
    """One challenge as ``caller`` reads it."""
    (one,) = to_reads(session, caller, [access.get_challenge(session, caller, challenge_id)], now)
    return one


# -- the click-through -----------------------------------------------------------------------


def accept_terms(
    session: Session, caller: Principal, challenge_id: int, terms_version: int
) -> TermsAcceptanceRead:
    """Record the SME's acceptance of the challenge's confidentiality terms (that version)."""
    challenge = access.get_challenge(session, caller, challenge_id)
    sme = access.require_sme(session, caller)
    if terms_version != challenge.terms_version:
        raise _conflict(
            "body.terms_version",
            tr("the terms are at version {version}", version=challenge.terms_version),
        )
    row = session.scalar(
        select(TermsAcceptance).where(
            TermsAcceptance.challenge_id == challenge.id,
            TermsAcceptance.organization_id == sme.id,
            TermsAcceptance.terms_version == terms_version,
        )
    )
    if row is None:
        row = TermsAcceptance(
            challenge_id=challenge.id,
            organization_id=sme.id,
            terms_version=terms_version,
            accepted_at=utcnow(),
            user_id=caller.user_id,
            key_id=caller.key_id,
        )
        session.add(row)
        flush(session, "the acceptance")
        audit.record(
            session,
            caller,
            "challenge.terms_accept",
            "challenge",
            challenge.id,
            version=terms_version,
        )
    return TermsAcceptanceRead(
        challenge_id=challenge.id,
        organization_id=sme.id,
        terms_version=row.terms_version,
        accepted_at=row.accepted_at,
    )


# -- responding ----------------------------------------------------------------------------------


def _content(challenge: Challenge, data: ResponseWrite) -> dict[str, Any]:
    kind = ChallengeKind(challenge.kind)
    if kind is ChallengeKind.proposal:
        if data.proposal is None or data.quotation is not None:
            raise InvalidInput("body.proposal", tr("a challenge takes a proposal"))
        return {"proposal": data.proposal.model_dump(mode="json")}
    if data.quotation is None or data.proposal is not None:
        raise InvalidInput("body.quotation", tr("a request for quotation takes a quotation"))
    return {"quotation": data.quotation.model_dump(mode="json")}


def _require_open(challenge: Challenge, now: dt.datetime) -> None:
    if not accepting(challenge, now):
        raise _conflict("path.challenge_id", "the challenge no longer takes responses")


def _add_revision(
    session: Session,
    caller: Principal,
    response: ChallengeResponse,
    number: int,
    content: dict[str, Any],
    attachment_ids: list[int],
    note: str,
) -> ResponseRevision:
    revision = ResponseRevision(
        response_id=response.id,
        number=number,
        content=content,
        attachment_ids=attachment_ids,
        note=note,
        created_at=utcnow(),
        by_user_id=caller.user_id,
        by_key_id=caller.key_id,
    )
    session.add(revision)
    response.revision = number
    flush(session, "the response")
    return revision


def current_revision(session: Session, response: ChallengeResponse) -> ResponseRevision:
    """The response's latest revision."""
    revision = session.scalar(
        select(ResponseRevision).where(
            ResponseRevision.response_id == response.id,
            ResponseRevision.number == response.revision,
        )
    )
    assert revision is not None
    return revision


def profile_of(session: Session, organization_id: int) -> int | None:
    """The SME's capability profile (for the learning log), if it has one."""
    return session.scalar(
        select(CapabilityProfile.id)
        .where(CapabilityProfile.organization_id == organization_id)
        .order_by(CapabilityProfile.id)
        .limit(1)
    )


def respond(
    session: Session, caller: Principal, challenge_id: int, data: ResponseWrite, now: dt.datetime
) -> ChallengeResponse:
    """File the SME's response (揭榜) after its click-through; a withdrawn one is filed again."""
    challenge = access.get_challenge(session, caller, challenge_id)
    sme = access.require_sme(session, caller)
    _require_open(challenge, now)
    if challenge.access == ChallengeAccess.invited.value and not session.scalar(
        select(ChallengeInvitation.id).where(
            ChallengeInvitation.challenge_id == challenge.id,
            ChallengeInvitation.organization_id == sme.id,
        )
    ):
        raise Forbidden(tr("the challenge is for invited SMEs"))
    accepted = session.scalar(
        select(TermsAcceptance.id).where(
            TermsAcceptance.challenge_id == challenge.id,
            TermsAcceptance.organization_id == sme.id,
            TermsAcceptance.terms_version == challenge.terms_version,
        )
    )
    if accepted is None:
        raise _conflict("body.terms_version", "accept the confidentiality terms first")
    content = _content(challenge, data)
    response = session.scalar(
        select(ChallengeResponse).where(
            ChallengeResponse.challenge_id == challenge.id,
            ChallengeResponse.organization_id == sme.id,
        )
    )
    if response is not None and response.status != ResponseStatus.withdrawn.value:
        raise _conflict("path.challenge_id", "you already responded; revise your response")
    if response is None:
        response = ChallengeResponse(
            challenge_id=challenge.id,
            organization_id=sme.id,
            status=ResponseStatus.submitted.value,
            revision=0,
            shortlisted=False,
        )
        session.add(response)
        flush(session, "the response")
        attachments: list[int] = []
    else:
        response.status = ResponseStatus.submitted.value
        attachments = current_revision(session, response).attachment_ids
    _add_revision(session, caller, response, response.revision + 1, content, attachments, data.note)
    capture.interaction(
        session,
        "challenge.responded",
        need_id=challenge.need_id,
        profile_id=profile_of(session, sme.id),
        buyer_organization_id=challenge.organization_id,
        sme_organization_id=sme.id,
    )
    audit.record(session, caller, "challenge.respond", "challenge_response", response.id)
    notices.response_filed(session, challenge, sme)
    return response


def _own_open_response(
    session: Session, caller: Principal, response_id: int, now: dt.datetime
) -> tuple[ChallengeResponse, Challenge]:
    response = access.get_response(session, caller, response_id)
    if not caller.is_admin and caller.organization_id != response.organization_id:
        raise Forbidden(tr("only the responding SME changes its response"))
    challenge = session.get(Challenge, response.challenge_id)
    assert challenge is not None
    _require_open(challenge, now)
    return response, challenge


def revise(
    session: Session, caller: Principal, response_id: int, data: ResponseWrite, now: dt.datetime
) -> ChallengeResponse:
    """A new revision of the SME's response before the deadline (the earlier ones are kept)."""
    response, challenge = _own_open_response(session, caller, response_id, now)
    if response.status != ResponseStatus.submitted.value:
        raise _conflict("path.response_id", "a withdrawn response is filed again, not revised")
    content = _content(challenge, data)
    previous = current_revision(session, response)
    _add_revision(
        session,
        caller,
        response,
        response.revision + 1,
        content,
        list(previous.attachment_ids),
        data.note,
    )
    audit.record(
        session,
        caller,
        "challenge.revise",
        "challenge_response",
        response.id,
        revision=response.revision,
    )
    return response


def withdraw(
    session: Session, caller: Principal, response_id: int, now: dt.datetime
) -> ChallengeResponse:
    """Withdraw the SME's response before the deadline (its revisions are kept)."""
    response, _challenge = _own_open_response(session, caller, response_id, now)
    if response.status != ResponseStatus.submitted.value:
        raise _conflict("path.response_id", "the response is already withdrawn")
    response.status = ResponseStatus.withdrawn.value
    flush(session, "the response")
    audit.record(session, caller, "challenge.withdraw", "challenge_response", response.id)
    return response


def change_attachments(
    session: Session,
    caller: Principal,
    response: ChallengeResponse,
    *,
    add: int | None = None,
    remove: int | None = None,
    note: str,
) -> None:
    """A new revision with one attachment added or removed (the content unchanged)."""
    previous = current_revision(session, response)
    ids = [i for i in previous.attachment_ids if i != remove]
    if add is not None:
        ids.append(add)
    _add_revision(
        session, caller, response, response.revision + 1, dict(previous.content), ids, note
    )


# -- reading responses -------------------------------------------------------------------------


def attachment_reads(session: Session, ids: Sequence[int]) -> dict[int, AttachmentRead]:
    """Attachments by id, as the API shows them."""
    if not ids:
        return {}
    return {
        a.id: AttachmentRead(
            id=a.id,
            response_id=a.response_id,
            filename=a.filename,
            media_type=a.media_type,
            size_bytes=a.size_bytes,
            sha256=a.sha256,
            created_at=a.created_at,
            url=f"/api/v1/attachments/{a.id}",
        )
        for a in session.scalars(select(Attachment).where(Attachment.id.in_(ids)))
    }


def _body(content: dict[str, Any]) -> tuple[Proposal | None, Quotation | None]:
    proposal = content.get("proposal")
    quotation = content.get("quotation")
    return (
        Proposal.model_validate(proposal) if proposal is not None else None,
        Quotation.model_validate(quotation) if quotation is not None else None,
    )


def response_reads(
    session: Session, caller: Principal, responses: Sequence[ChallengeResponse]
) -> list[ResponseRead]:
    """Responses with their current content (``shortlisted`` for the buyer's side only)."""
    if not responses:
        return []
    revisions = {
        r.response_id: r
        for r in session.scalars(
            select(ResponseRevision).where(
                ResponseRevision.response_id.in_([x.id for x in responses])
            )
        )
        if r.number == next(x.revision for x in responses if x.id == r.response_id)
    }
    names = _names(session, {r.organization_id for r in responses})
    files = attachment_reads(
        session, sorted({i for rev in revisions.values() for i in rev.attachment_ids})
    )
    reads = []
    for r in responses:
        revision = revisions[r.id]
        proposal, quotation = _body(revision.content)
        reads.append(
            ResponseRead(
                id=r.id,
                challenge_id=r.challenge_id,
                organization_id=r.organization_id,
                sme_name=names.get(r.organization_id, ""),
                status=ResponseStatus(r.status),
                status_zh=RESPONSE_ZH[ResponseStatus(r.status)],
                revision=r.revision,
                shortlisted=r.shortlisted if caller.organization_id != r.organization_id else None,
                deal_id=r.deal_id,
                proposal=proposal,
                quotation=quotation,
                attachments=[files[i] for i in revision.attachment_ids if i in files],
                created_at=r.created_at,
                updated_at=r.updated_at,
            )
        )
    return reads


def detail(session: Session, caller: Principal, response: ChallengeResponse) -> ResponseDetail:
    """The response with all its kept revisions."""
    (one,) = response_reads(session, caller, [response])
    rows = session.scalars(
        select(ResponseRevision)
        .where(ResponseRevision.response_id == response.id)
        .order_by(ResponseRevision.number)
    ).all()
    revisions = []
    for row in rows:
        proposal, quotation = _body(row.content)
        revisions.append(
            RevisionRead(
                number=row.number,
                proposal=proposal,
                quotation=quotation,
                attachment_ids=list(row.attachment_ids),
                note=row.note,
                created_at=row.created_at,
            )
        )
    return ResponseDetail(**one.model_dump(), revisions=revisions)


def responses_page(
    session: Session, caller: Principal, challenge_id: int, paging: PageParams
) -> Page[ResponseRead]:
    """A challenge's responses ``caller`` may read (an SME: only its own)."""
    access.get_challenge(session, caller, challenge_id)
    statement = access.readable_responses(caller).where(
        ChallengeResponse.challenge_id == challenge_id
    )
    total = session.scalar(select(func.count()).select_from(statement.subquery())) or 0
    rows = session.scalars(
        statement.order_by(ChallengeResponse.id).offset(paging.offset).limit(paging.page_size)
    ).all()
    return Page(
        items=response_reads(session, caller, rows),
        total=total,
        page=paging.page,
        page_size=paging.page_size,
    )


def get_challenge_of(session: Session, response: ChallengeResponse) -> Challenge:
    """The response's challenge."""
    challenge = session.get(Challenge, response.challenge_id)
    if challenge is None:
        raise NotFound(tr("challenge {id} not found", id=response.challenge_id))
    return challenge


# -- pushing a new challenge to the fitting SMEs ------------------------------------------------

#: How many of the best-fitting SMEs hear of an open challenge when it is published.
PUSH_LIMIT = 20


def announce(
    session: Session,
    challenge: Challenge,
    index: "MatchingIndex",
    *,
    min_score: float,
    today: dt.date,
) -> list[int]:
    """Tell the SMEs that fit the challenge's need (the index's shortlist above ``min_score``;
    an invited challenge: the invited SMEs); the organization ids told."""
    from app.matches.loading import need_record_for

    need = session.scalar(
        select(SupplyNeed)
        .options(joinedload(SupplyNeed.organization))
        .where(SupplyNeed.id == challenge.need_id)
        .execution_options(populate_existing=True)
    )
    assert need is not None
    buyer = need.organization
    if challenge.access == ChallengeAccess.invited.value:
        smes = list(
            session.scalars(
                select(ChallengeInvitation.organization_id)
                .where(ChallengeInvitation.challenge_id == challenge.id)
                .order_by(ChallengeInvitation.organization_id)
            )
        )
    else:
        result = index.shortlist(
            need_record_for(session, need),
            limit=PUSH_LIMIT,
            region_prefix=None,
            tier=None,
            min_score=min_score,
            today=today,
        )
        profile_ids = [ranked.match.id for ranked, _ in result.items]
        owners = dict(
            session.execute(
                select(CapabilityProfile.id, CapabilityProfile.organization_id).where(
                    CapabilityProfile.id.in_(profile_ids)
                )
            ).all()
        )
        smes = list(dict.fromkeys(owners[p] for p in profile_ids if p in owners))
    notices.published(session, challenge, need, buyer, smes)
    return smes


def open_for_needs(session: Session, caller: Principal, need_ids: Sequence[int]) -> dict[int, int]:
    """need id → id of its open challenge that ``caller`` may read (the opportunity feed's link)."""
    if not need_ids:
        return {}
    rows = session.execute(
        access.readable_challenges(caller)
        .with_only_columns(Challenge.need_id, Challenge.id)
        .where(
            Challenge.need_id.in_(list(need_ids)),
            Challenge.status == ChallengeStatus.open.value,
        )
    ).all()
    return {int(need_id): int(challenge_id) for need_id, challenge_id in rows}
