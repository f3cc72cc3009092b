"""Who may see and do what with challenges and responses: the rules, as SQL statements.

**Challenges (榜单).** Admins see all; the buyer (the need's firm) its own; an organizer those
of the buyers it manages (registered); an SME the open ones, those it was invited to, and
those it responded to.

**Responses.** Only the responding SME, the buyer's own people, the organizer that manages
the buyer, and admins; never another SME. Reviewing, clarifying as the buyer and selecting
are for the buyer's own people (and admins); the organizer reads.
"""

from sqlalchemy import ColumnElement, Select, and_, exists, or_, select
from sqlalchemy.orm import Session

from app.auth.principal import Principal, readable_rows
from app.errors import Forbidden, NotFound
from app.messages import tr
from app.models import (
    Challenge,
    ChallengeAccess,
    ChallengeInvitation,
    ChallengeResponse,
    ChallengeStatus,
    Organization,
    OrganizationKind,
    Role,
)


def _managed_buyers(org_id: int) -> Select[int]:
    return select(Organization.id).where(Organization.registered_by_id == org_id)


def readable_challenges(caller: Principal) -> Select[Challenge]:
    """The challenges ``caller`` may read."""

    def rule(org: int) -> ColumnElement[bool]:
        own = Challenge.organization_id == org
        if caller.is_organizer:
            return or_(own, Challenge.organization_id.in_(_managed_buyers(org)))
        if caller.role is not Role.sme:
            return own
        invited = exists().where(
            ChallengeInvitation.challenge_id == Challenge.id,
            ChallengeInvitation.organization_id == org,
        )
        responded = exists().where(
            ChallengeResponse.challenge_id == Challenge.id,
            ChallengeResponse.organization_id == org,
        )
        listed = and_(
            Challenge.status != ChallengeStatus.cancelled.value,
            or_(Challenge.access == ChallengeAccess.open.value, invited),
        )
        return or_(own, listed, responded)

    return readable_rows(select(Challenge), caller, rule)


def readable_responses(caller: Principal) -> Select[ChallengeResponse]:
    """The responses ``caller`` may read (joined to their challenge)."""

    def rule(org: int) -> ColumnElement[bool]:
        own = or_(ChallengeResponse.organization_id == org, Challenge.organization_id == org)
        if caller.is_organizer:
            return or_(own, Challenge.organization_id.in_(_managed_buyers(org)))
        return own

    statement = select(ChallengeResponse).join(
        Challenge, Challenge.id == ChallengeResponse.challenge_id
    )
    return readable_rows(statement, caller, rule)


def get_challenge(session: Session, caller: Principal, challenge_id: int) -> Challenge:
    """The challenge if ``caller`` may read it; 404 otherwise."""
    challenge = session.scalar(readable_challenges(caller).where(Challenge.id == challenge_id))
    if challenge is None:
        raise NotFound(tr("challenge {id} not found", id=challenge_id))
    return challenge


def get_response(session: Session, caller: Principal, response_id: int) -> ChallengeResponse:
    """The response if ``caller`` may read it; 404 otherwise (others' responses do not exist)."""
    response = session.scalar(readable_responses(caller).where(ChallengeResponse.id == response_id))
    if response is None:
        raise NotFound(tr("response {id} not found", id=response_id))
    return response


def is_buyer(caller: Principal, challenge: Challenge) -> bool:
    """The buyer's own people (its users and keys) or an admin."""
    return caller.is_admin or caller.organization_id == challenge.organization_id


def buyer_side(caller: Principal, challenge: Challenge, buyer: Organization) -> bool:
    """Those who read every response: the buyer, the organizer that manages it, admins."""
    return is_buyer(caller, challenge) or (
        caller.is_organizer
        and caller.organization_id is not None
        and buyer.registered_by_id == caller.organization_id
    )


def require_buyer(caller: Principal, challenge: Challenge) -> None:
    """403 unless the caller is the buyer's own (reviewing, asking, selecting)."""
    if not is_buyer(caller, challenge):
        raise Forbidden(tr("only the buyer's own people review and select"))


def require_sme(session: Session, caller: Principal) -> Organization:
    """The caller's SME; 403 for anyone else (a response is the firm's own word)."""
    org = session.get(Organization, caller.organization_id) if caller.organization_id else None
    if caller.role is not Role.sme or org is None or org.kind != OrganizationKind.sme.value:
        raise Forbidden(tr("only an SME responds, with its own account"))
    return org
