"""Who may see a firm's private contacts (person, phone, e-mail): the one rule.

Every response that carries contacts takes them from here: :func:`own_contacts` for those
who manage the firm, :func:`reveal` from one firm to another (audited). Nothing else puts
``contact_*`` columns in a response.

**Managing.** Whoever manages a firm sees its contacts: the firm's own keys, admins, and the
organizer that registered it (:func:`app.auth.principal.manages`).

**Firm to firm.** A large firm and an SME see each other's contacts once both said yes
themselves (DESIGN.md, Security):

1. *mutual interest*: in one place both said yes: both marked ``interested`` on one
   need × profile pair, or both wished ``must`` / ``would`` about the other at one session;
2. *a meeting both attended*: a meeting between them recorded as held (no interest,
   informative, intent, signed) by one of the two firms itself, or by an admin or an
   organizer that manages both firms; and neither firm declined the other (a ``declined``
   mark on any need, or a ``no`` wish at any session).

A mark, wish or outcome speaks for a firm only if its author (the row's ``entered_by_*`` or
``outcome_by_*`` columns) is the firm's own key, an admin, or the organizer that registered
the firm. A wish or outcome that an organizer enters for a firm it does not manage, and rows
from before authors were recorded, count for nothing. A decline is honoured whoever entered
it (refusing a reveal is never a risk) and beats a meeting, but not a mutual yes: both
saying yes in one place is the firms' own word, and a decline elsewhere (on another need)
does not take it back.

Reveals go to a firm's own keys, or an admin acting for it, and each is audited with the
ids of the organizations revealed and the basis, never the values.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session, aliased

from app import audit
from app.auth.principal import Principal, manages
from app.errors import Forbidden
from app.fields import Email, PersonName, Phone
from app.messages import tr
from app.models import (
    HELD_OUTCOMES,
    CapabilityProfile,
    EventMeeting,
    EventParticipant,
    EventPreference,
    InterestMark,
    InterestValue,
    Organization,
    OrganizationKind,
    Side,
    SupplyNeed,
    Wish,
)

__all__ = [
    "Basis",
    "Contacts",
    "Reveal",
    "Standing",
    "author",
    "own_contacts",
    "reveal",
    "speaks_for",
    "standings",
]

Basis = Literal["mutual_interest", "meeting_held"]


class Contacts(BaseModel):
    """Private contacts: shown only to those who manage the organization."""

    model_config = ConfigDict(extra="forbid")

    person: PersonName | None = None
    phone: Phone | None = None
    email: Email | None = None


_YES = frozenset({Wish.must.value, Wish.would.value})
_SIDE_OF_KIND = {
    OrganizationKind.large_firm.value: Side.buyer,
    OrganizationKind.sme.value: Side.sme,
}


@dataclass(frozen=True, slots=True)
class Standing:
    """What two firms said to each other, counting only what speaks for each of them."""

    mutual: bool = False  # both said yes in one place
    met: bool = False  # a held meeting, recorded by one of them or by whoever speaks for both
    declined: bool = False  # either said no, anywhere

    @property
    def basis(self) -> Basis | None:
        """Why the two may see each other's contacts, or ``None`` if they may not."""
        if self.mutual:
            return "mutual_interest"
        if self.met and not self.declined:
            return "meeting_held"
        return None


@dataclass(frozen=True, slots=True)
class Reveal:
    """A counterpart's standing with the firm, and its contacts when the firm may have them."""

    standing: Standing
    contacts: Contacts | None


def speaks_for(role: str | None, organization_id: int | None, firm: Organization) -> bool:
    """Whether a row entered by a key of ``role`` held by ``organization_id`` is ``firm``'s word.

    The firm's own keys, admins, and the organizer that registered the firm; nobody else.
    """
    return manages(role, organization_id, firm)


def author(caller: Principal | None) -> dict[str, Any]:
    """The ``entered_by_*`` values of a row ``caller`` writes (none for the command line)."""
    return {
        "entered_by_role": caller.role.value if caller else None,
        "entered_by_organization_id": caller.organization_id if caller else None,
    }


def _contacts_of(org: Organization) -> Contacts:
    return Contacts(person=org.contact_person, phone=org.contact_phone, email=org.contact_email)


def own_contacts(caller: Principal, org: Organization) -> Contacts | None:
    """``org``'s contacts if ``caller`` manages it (its own record, not a reveal), else ``None``."""
    return _contacts_of(org) if caller.manages(org) else None


def reveal(
    session: Session,
    caller: Principal,
    firm: Organization,
    others: Sequence[Organization],
    *,
    entity: str,
    entity_id: int,
    **detail: Any,
) -> dict[int, Reveal]:
    """How ``firm`` stands with each of ``others``, with the contacts it may now have.

    ``caller`` must be ``firm``'s own key or an admin. When anything is revealed, one audit
    entry (``contacts.reveal`` on ``entity``/``entity_id``, plus ``detail``) lists the
    organizations and the bases.
    """
    if not (caller.is_admin or caller.organization_id == firm.id):
        raise Forbidden(tr("contacts are revealed to organization {id} itself", id=firm.id))
    found = standings(session, firm, others)
    result = {
        other.id: Reveal(
            found[other.id], _contacts_of(other) if found[other.id].basis is not None else None
        )
        for other in others
    }
    shown = [other.id for other in others if result[other.id].contacts is not None]
    if shown:
        audit.record(
            session,
            caller,
            "contacts.reveal",
            entity,
            entity_id,
            organizations=shown,
            basis=[found[org_id].basis for org_id in shown],
            **detail,
        )
    return result


def standings(
    session: Session, firm: Organization, others: Sequence[Organization]
) -> dict[int, Standing]:
    """How ``firm`` stands with each of ``others``; only a large firm and an SME can be mutual
    or have met (anyone else stands nowhere)."""
    side = _SIDE_OF_KIND.get(firm.kind)
    counterparts = {
        o.id: o for o in others if side is not None and _SIDE_OF_KIND.get(o.kind, side) is not side
    }
    if not counterparts:
        return {o.id: Standing() for o in others}
    firms = {firm.id: firm, **counterparts}
    if side is Side.buyer:
        buyers, smes = [firm.id], list(counterparts)
    else:
        buyers, smes = list(counterparts), [firm.id]

    def other_of(a: int, b: int) -> int:
        return b if a == firm.id else a

    yes: dict[tuple[int, str, int], set[int]] = defaultdict(set)
    declined: set[int] = set()
    met: set[int] = set()
    for buyer, sme, need_id, mark_side, value, role, author in _marks(session, buyers, smes):
        speaker = buyer if mark_side == Side.buyer.value else sme
        other = other_of(buyer, sme)
        if value == InterestValue.declined.value:
            declined.add(other)
        elif speaks_for(role, author, firms[speaker]):
            yes[(other, "need", need_id)].add(speaker)
    for source, target, event_id, wish, role, author in _wishes(session, firm.id, counterparts):
        other = other_of(source, target)
        if wish == Wish.no.value:
            declined.add(other)
        elif wish in _YES and speaks_for(role, author, firms[source]):
            yes[(other, "event", event_id)].add(source)
    for buyer, sme, role, author in _held_meetings(session, buyers, smes):
        if _meeting_counts(role, author, firms[buyer], firms[sme]):
            met.add(other_of(buyer, sme))
    mutual = {other for (other, _, _), said in yes.items() if said == {firm.id, other}}
    return {
        o.id: Standing(mutual=o.id in mutual, met=o.id in met, declined=o.id in declined)
        for o in others
    }


def _meeting_counts(
    role: str | None, author: int | None, buyer: Organization, sme: Organization
) -> bool:
    """A held outcome counts when one of the two firms recorded it, or whoever speaks for both."""
    by_a_firm = role is not None and author in (buyer.id, sme.id)
    return by_a_firm or (speaks_for(role, author, buyer) and speaks_for(role, author, sme))


_Row = tuple[Any, ...]


def _marks(session: Session, buyers: list[int], smes: list[int]) -> list[_Row]:
    """(buyer, SME, need, side, value, author role, author organization) of their marks."""
    rows = session.execute(
        select(
            SupplyNeed.organization_id,
            CapabilityProfile.organization_id,
            InterestMark.need_id,
            InterestMark.side,
            InterestMark.value,
            InterestMark.entered_by_role,
            InterestMark.entered_by_organization_id,
        )
        .join(SupplyNeed, SupplyNeed.id == InterestMark.need_id)
        .join(CapabilityProfile, CapabilityProfile.id == InterestMark.profile_id)
        .where(SupplyNeed.organization_id.in_(buyers), CapabilityProfile.organization_id.in_(smes))
    )
    return [tuple(row) for row in rows]


def _wishes(session: Session, firm_id: int, others: Iterable[int]) -> list[_Row]:
    """(from organization, to organization, event, wish, author role, author organization)."""
    source, target = aliased(EventParticipant), aliased(EventParticipant)
    ids = list(others)
    rows = session.execute(
        select(
            source.organization_id,
            target.organization_id,
            EventPreference.event_id,
            EventPreference.wish,
            EventPreference.entered_by_role,
            EventPreference.entered_by_organization_id,
        )
        .join(source, source.id == EventPreference.from_participant_id)
        .join(target, target.id == EventPreference.to_participant_id)
        .where(
            or_(
                and_(source.organization_id == firm_id, target.organization_id.in_(ids)),
                and_(target.organization_id == firm_id, source.organization_id.in_(ids)),
            )
        )
    )
    return [tuple(row) for row in rows]


def _held_meetings(session: Session, buyers: list[int], smes: list[int]) -> list[_Row]:
    """(buyer, SME, author role, author organization) of their meetings recorded as held."""
    buyer, sme = aliased(EventParticipant), aliased(EventParticipant)
    rows = session.execute(
        select(
            buyer.organization_id,
            sme.organization_id,
            EventMeeting.outcome_by_role,
            EventMeeting.outcome_by_organization_id,
        )
        .join(buyer, buyer.id == EventMeeting.buyer_participant_id)
        .join(sme, sme.id == EventMeeting.sme_participant_id)
        .where(
            buyer.organization_id.in_(buyers),
            sme.organization_id.in_(smes),
            EventMeeting.outcome.in_([o.value for o in HELD_OUTCOMES]),
        )
    )
    return [tuple(row) for row in rows]


def own_address(org: Organization) -> str | None:
    """A firm's contact e-mail, used only to mail the firm itself (its invitation to claim its
    record, its own notices and notification choices); never shown to anyone else."""
    return org.contact_email or None


def own_phone(org: Organization) -> str | None:
    """A firm's contact phone, used only to text the firm itself (its own notices)."""
    return org.contact_phone or None


def organizer_address(org: Organization | None) -> str | None:
    """An organizer's contact e-mail, named as the organizer of the calendar entries of its
    sessions (the firms it schedules may reply to it); a firm's address is never given out."""
    if org is None or org.kind != OrganizationKind.organizer.value:
        return None
    return org.contact_email or None


def has_own_address() -> Any:
    """SQL: the organization has a contact e-mail to invite it at (see :func:`own_address`)."""
    return and_(Organization.contact_email.is_not(None), Organization.contact_email != "")


def registrant_contacts(person: str, phone: str | None, email: str) -> Contacts:
    """A self-registered firm's contacts, as its own sign-up gave them (approval stores them
    on its new organization; nobody else is shown them)."""
    return Contacts(person=person, phone=phone, email=email)
