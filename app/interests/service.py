"""Interest marks on (need, candidate SME) pairs, and the contact reveal they unlock.

A need's firm marks candidate SMEs (side ``buyer``); an SME marks open needs (side ``sme``).
Each side acts only for itself: the need's own firm or the SME itself, or an admin acting
for it. A firm's contacts reach the other side only as :mod:`app.consent` allows (both said
``interested``, or the two firms met at a session and neither declined); every reveal and
every mark is audited.
"""

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, selectinload

from app import audit, consent
from app.auth.principal import Principal
from app.errors import Conflict, Forbidden
from app.interests.schemas import CandidateEntry, InterestEntry, InterestMarks, PairRead
from app.learning import capture
from app.messages import tr, word
from app.models import (
    CapabilityProfile,
    InterestMark,
    InterestValue,
    NeedKind,
    NeedStatus,
    Organization,
    Side,
    SupplyNeed,
    Tier,
)
from app.models.base import utcnow
from app.needs import service as needs
from app.notifications import triggers
from app.pagination import Page, PageParams
from app.platform import changes
from app.profiles import service as profiles
from app.profiles.schemas import OrganizationSummary

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Pair:
    """A need and a candidate profile, both loaded with their organizations."""

    need: SupplyNeed
    profile: CapabilityProfile


def acts_for(caller: Principal, org: Organization) -> bool:
    """Whether ``caller`` may speak for ``org`` in a pairing: the firm itself, or an admin.

    Stricter than :meth:`Principal.manages`: an organizer that registered a firm does not
    say "interested" for it, nor read the other side's contacts on its behalf.
    """
    return caller.is_admin or caller.organization_id == org.id


def buyer_pair(session: Session, caller: Principal, need_id: int, profile_id: int) -> Pair:
    """The pair as the need's firm addresses it; drafts of others are 404, others' needs 403."""
    need = needs.get_visible(session, caller, need_id)
    if not acts_for(caller, need.organization):
        raise Forbidden(tr("only the firm of need {id} marks its candidates", id=need_id))
    return Pair(need, profiles.get(session, profile_id))


def sme_pair(session: Session, caller: Principal, profile_id: int, need_id: int) -> Pair:
    """The pair as the SME addresses it; 403 for another SME's profile, 404 for drafts."""
    profile = profiles.get(session, profile_id)
    if not acts_for(caller, profile.organization):
        raise Forbidden(tr("only the SME of profile {id} marks its opportunities", id=profile_id))
    return Pair(needs.get_visible(session, caller, need_id), profile)


def _marks(session: Session, need_id: int, profile_id: int) -> dict[Side, InterestValue]:
    rows = session.execute(
        select(InterestMark.side, InterestMark.value).where(
            InterestMark.need_id == need_id, InterestMark.profile_id == profile_id
        )
    )
    return {Side(side): InterestValue(value) for side, value in rows}


def own_sides(caller: Principal, *, buyer_id: int, sme_id: int) -> frozenset[Side]:
    """The sides of a pair whose every mark ``caller`` may see: its own firm's side.

    A decline stays private to the firm that made it. Admins see both sides; organizers,
    even one that manages a firm, see neither side's decline (only ``interested`` marks,
    which the other side sees too): an organizer does not speak for a firm in a pairing.
    """
    if caller.is_admin:
        return frozenset(Side)
    firms = ((Side.buyer, buyer_id), (Side.sme, sme_id))
    return frozenset(side for side, org_id in firms if org_id == caller.organization_id)


def visible(marks: Mapping[Side, InterestValue], own: Collection[Side]) -> InterestMarks:
    """Both marks as a caller speaking for the ``own`` sides may see them: a mark of its own
    sides always, the other side's only when it is ``interested``."""
    shown = {
        side: value
        for side, value in marks.items()
        if side in own or value is InterestValue.interested
    }
    return InterestMarks(buyer=shown.get(Side.buyer), sme=shown.get(Side.sme))


def _mutual(marks: Mapping[Side, InterestValue]) -> bool:
    return marks.get(Side.buyer) is marks.get(Side.sme) is InterestValue.interested


def _upsert(
    session: Session, caller: Principal, pair: Pair, side: Side, value: InterestValue
) -> None:
    """Insert or update the one row of (need, profile, side), race-free on both databases.

    The row keeps who set it (:func:`app.consent.author`).
    """
    now = utcnow()
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(InterestMark).values(
        need_id=pair.need.id,
        profile_id=pair.profile.id,
        side=side.value,
        value=value.value,
        created_at=now,
        updated_at=now,
        **consent.author(caller),
    )
    excluded = statement.excluded
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["need_id", "profile_id", "side"],
            set_={
                "value": excluded.value,
                "updated_at": excluded.updated_at,
                "entered_by_role": excluded.entered_by_role,
                "entered_by_organization_id": excluded.entered_by_organization_id,
            },
        )
    )


def _log(session: Session, pair: Pair, kind: str) -> None:
    capture.interaction(
        session,
        kind,
        need_id=pair.need.id,
        profile_id=pair.profile.id,
        buyer_organization_id=pair.need.organization_id,
        sme_organization_id=pair.profile.organization_id,
    )


def set_mark(
    session: Session, caller: Principal, pair: Pair, side: Side, value: InterestValue
) -> None:
    """Set ``side``'s mark (idempotent: the same value again changes and logs nothing)."""
    if pair.need.status != NeedStatus.open.value:
        raise Conflict(
            tr(
                "need {id} is {status}: only open needs are marked",
                id=pair.need.id,
                status=word(pair.need.status),
            )
        )
    if _marks(session, pair.need.id, pair.profile.id).get(side) is value:
        return
    _upsert(session, caller, pair, side, value)
    changes.record(session, changes.INTEREST, pair.need.id)
    audit.record(
        session,
        caller,
        "interest.set",
        "need",
        pair.need.id,
        profile=pair.profile.id,
        side=side.value,
        value=value.value,
    )
    _log(session, pair, f"{side.value}.{value.value}")
    if value is InterestValue.interested:
        triggers.interest_marked(session, pair.need, pair.profile)


def withdraw(session: Session, caller: Principal, pair: Pair, side: Side) -> None:
    """Remove ``side``'s mark, if any (idempotent)."""
    removed = session.execute(
        delete(InterestMark).where(
            InterestMark.need_id == pair.need.id,
            InterestMark.profile_id == pair.profile.id,
            InterestMark.side == side.value,
        )
    )
    if not getattr(removed, "rowcount", 0):
        return
    changes.record(session, changes.INTEREST, pair.need.id)
    audit.record(
        session,
        caller,
        "interest.withdraw",
        "need",
        pair.need.id,
        profile=pair.profile.id,
        side=side.value,
    )
    _log(session, pair, f"{side.value}.withdrawn")


def summary(org: Organization) -> OrganizationSummary:
    """The public facts of a firm."""
    return OrganizationSummary(
        id=org.id,
        name=org.name,
        region_code=org.region_code,
        tier=Tier(org.tier) if org.tier else None,
    )


def _own_sides_of(caller: Principal, pair: Pair) -> frozenset[Side]:
    return own_sides(
        caller, buyer_id=pair.need.organization_id, sme_id=pair.profile.organization_id
    )


def pair_view(session: Session, caller: Principal, pair: Pair, viewer: Side) -> PairRead:
    """Both marks as the caller may see them, and the other side's contacts when
    :mod:`app.consent` lets the viewer's firm have them (that reveal is audited)."""
    marks = _marks(session, pair.need.id, pair.profile.id)
    own, other = (
        (pair.need.organization, pair.profile.organization)
        if viewer is Side.buyer
        else (pair.profile.organization, pair.need.organization)
    )
    found = consent.reveal(
        session,
        caller,
        own,
        [other],
        entity="organization",
        entity_id=other.id,
        need=pair.need.id,
        profile=pair.profile.id,
    )[other.id]
    return PairRead(
        need_id=pair.need.id,
        profile_id=pair.profile.id,
        interest=visible(marks, _own_sides_of(caller, pair)),
        mutual=_mutual(marks),
        meeting_held=found.standing.met,
        counterpart=summary(other),
        contacts=found.contacts,
        contacts_basis=found.standing.basis,
    )


def visible_marks(
    raw: Mapping[int, Mapping[str, str]],
    caller: Principal,
    firms: Mapping[int, tuple[int, int]],
) -> dict[int, InterestMarks]:
    """Marks as the matching index keeps them (id → side → value), as ``caller`` may see them.

    ``firms`` gives each id's pair as (buyer organization id, SME organization id).
    """
    shown = {}
    for key, marks in raw.items():
        buyer_id, sme_id = firms[key]
        own = own_sides(caller, buyer_id=buyer_id, sme_id=sme_id)
        shown[key] = visible({Side(s): InterestValue(v) for s, v in marks.items()}, own)
    return shown


def _relevant(
    marks: Mapping[Side, InterestValue],
    viewer: Side,
    own: InterestValue | None,
    mutual: bool | None,
) -> bool:
    """Listed for ``viewer``: it marked the pair, or the other side said interested."""
    other = Side.sme if viewer is Side.buyer else Side.buyer
    if viewer not in marks and marks.get(other) is not InterestValue.interested:
        return False
    if own is not None and marks.get(viewer) is not own:
        return False
    return mutual is None or _mutual(marks) == mutual


def candidates(
    session: Session,
    caller: Principal,
    need_id: int,
    params: PageParams,
    *,
    interest: InterestValue | None,
    mutual: bool | None,
) -> Page[CandidateEntry]:
    """The need's candidates that its firm marked or that said they are interested."""
    need = needs.get_visible(session, caller, need_id)
    if not acts_for(caller, need.organization):
        raise Forbidden(tr("the candidates of need {id} are for its firm", id=need_id))
    rows = session.execute(
        select(InterestMark, CapabilityProfile)
        .join(CapabilityProfile, InterestMark.profile_id == CapabilityProfile.id)
        .where(InterestMark.need_id == need_id)
        .options(selectinload(CapabilityProfile.organization))
        .order_by(InterestMark.profile_id)
    ).all()
    grouped: dict[int, tuple[CapabilityProfile, dict[Side, InterestMark]]] = {}
    for mark, profile in rows:
        grouped.setdefault(profile.id, (profile, {}))[1][Side(mark.side)] = mark
    entries = []
    for profile, by_side in grouped.values():
        marks = {side: InterestValue(m.value) for side, m in by_side.items()}
        if _relevant(marks, Side.buyer, interest, mutual):
            entries.append(
                CandidateEntry(
                    profile_id=profile.id,
                    organization=summary(profile.organization),
                    interest=visible(
                        marks,
                        own_sides(
                            caller, buyer_id=need.organization_id, sme_id=profile.organization_id
                        ),
                    ),
                    mutual=_mutual(marks),
                    updated_at=max(m.updated_at for m in by_side.values()),
                )
            )
    return _page(entries, params)


def own_interests(
    session: Session,
    caller: Principal,
    profile_id: int,
    params: PageParams,
    *,
    interest: InterestValue | None,
    mutual: bool | None,
) -> Page[InterestEntry]:
    """Needs the SME marked, or whose firm said it is interested in the SME (no drafts)."""
    profile = profiles.get(session, profile_id)
    if not acts_for(caller, profile.organization):
        raise Forbidden(tr("the interests of profile {id} are for its SME", id=profile_id))
    rows = session.execute(
        select(InterestMark, SupplyNeed)
        .join(SupplyNeed, InterestMark.need_id == SupplyNeed.id)
        .where(
            InterestMark.profile_id == profile_id,
            SupplyNeed.status != NeedStatus.draft.value,
        )
        .options(selectinload(SupplyNeed.organization))
        .order_by(InterestMark.need_id)
    ).all()
    grouped: dict[int, tuple[SupplyNeed, dict[Side, InterestMark]]] = {}
    for mark, need in rows:
        grouped.setdefault(need.id, (need, {}))[1][Side(mark.side)] = mark
    entries = []
    for need, by_side in grouped.values():
        marks = {side: InterestValue(m.value) for side, m in by_side.items()}
        if _relevant(marks, Side.sme, interest, mutual):
            entries.append(
                InterestEntry(
                    need_id=need.id,
                    title=need.title,
                    kind=NeedKind(need.kind),
                    status=NeedStatus(need.status),
                    organization=summary(need.organization),
                    interest=visible(
                        marks,
                        own_sides(
                            caller, buyer_id=need.organization_id, sme_id=profile.organization_id
                        ),
                    ),
                    mutual=_mutual(marks),
                    updated_at=max(m.updated_at for m in by_side.values()),
                )
            )
    return _page(entries, params)


def _page(entries: list[T], params: PageParams) -> Page[T]:
    return Page[T](
        items=entries[params.offset : params.offset + params.page_size],
        total=len(entries),
        page=params.page,
        page_size=params.page_size,
    )
