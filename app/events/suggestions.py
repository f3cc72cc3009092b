"""Who should meet whom at a session: pair scores from the matching engine, both directions.

A buyer's side of a pair is its open needs ranked over the session's SMEs (the need's
shortlist restricted to them); the pair's score is its best need's score. The SME's side is
the same scores read the other way: how the SME ranks the session's buyers. A pair both
sides rank high comes first (ordered by the worse of the two ranks, then by score), as in
reciprocal recommendation: a buyer's first choice that ranks the buyer last is a weaker
suggestion than two firms that are each other's second choice.
"""

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.principal import Principal
from app.errors import Forbidden
from app.events import service
from app.events.schemas import SuggestedPair, SuggestionNeed, Suggestions
from app.matches.index import MatchingIndex
from app.matches.schemas import MatchedProduct
from app.messages import tr
from app.models import (
    DAY_STATUSES,
    CapabilityProfile,
    EventParticipant,
    ParticipantStatus,
    Side,
    Wish,
)

__all__ = ["PairScore", "pair_scores", "suggestions"]


@dataclass(frozen=True, slots=True)
class PairScore:
    """The engine's view of one buyer–SME pair of a session."""

    buyer_id: int
    sme_id: int
    score: float
    need_id: int
    need_title: str
    matched_products: tuple[tuple[str, str], ...]
    buyer_rank: int = 0
    sme_rank: int = 0


def pair_scores(
    session: Session,
    index: MatchingIndex,
    people: list[EventParticipant],
    *,
    today: date,
    statuses: frozenset[str] = frozenset({ParticipantStatus.approved}),
    min_score: float | None = None,
) -> dict[tuple[int, int], PairScore]:
    """Scores of the buyer–SME pairs the engine matches, keyed by participant ids.

    Only participants of ``statuses`` (default: approved). Pairs the engine does not match
    (no need of the buyer wants anything the SME makes, or scores below ``min_score``,
    default the index's) are absent. Ranks are 1 for the best counterpart within the
    session, on each side.
    """
    approved = [p for p in people if p.status in statuses]
    buyers = {p.organization_id: p.id for p in approved if p.side == Side.buyer}
    smes = {p.organization_id: p.id for p in approved if p.side == Side.sme}
    if not buyers or not smes:
        return {}
    rows = session.execute(
        select(CapabilityProfile.id, CapabilityProfile.organization_id).where(
            CapabilityProfile.organization_id.in_(list(smes))
        )
    )
    profile_org: dict[int, int] = dict(rows.all())
    matches = index.pair_matches(list(buyers), list(profile_org), today=today, min_score=min_score)
    scored = {
        (buyers[org], smes[profile_org[profile_id]]): PairScore(
            buyer_id=buyers[org],
            sme_id=smes[profile_org[profile_id]],
            score=round(match.score, 4),
            need_id=need.record.id,
            need_title=need.title,
            matched_products=match.reasons.matched_products,
        )
        for (org, profile_id), (match, need) in matches.items()
    }
    return _ranked(scored)


def _ranked(scored: dict[tuple[int, int], PairScore]) -> dict[tuple[int, int], PairScore]:
    """The same pairs with each side's rank of the other filled in (ties by participant id)."""
    by_buyer: dict[int, list[PairScore]] = defaultdict(list)
    by_sme: dict[int, list[PairScore]] = defaultdict(list)
    for pair in scored.values():
        by_buyer[pair.buyer_id].append(pair)
        by_sme[pair.sme_id].append(pair)
    buyer_rank = {
        (p.buyer_id, p.sme_id): i
        for pairs in by_buyer.values()
        for i, p in enumerate(sorted(pairs, key=lambda p: (-p.score, p.sme_id)), start=1)
    }
    sme_rank = {
        (p.buyer_id, p.sme_id): i
        for pairs in by_sme.values()
        for i, p in enumerate(sorted(pairs, key=lambda p: (-p.score, p.buyer_id)), start=1)
    }
    return {
        key: replace(p, buyer_rank=buyer_rank[key], sme_rank=sme_rank[key])
        for key, p in scored.items()
    }


def suggestions(
    session: Session,
    caller: Principal,
    index: MatchingIndex,
    event_id: int,
    *,
    limit: int,
    today: date,
) -> Suggestions:
    """Suggested pairs for the organizer (all) or for an approved participant (its own).

    The organizer sees both sides' wishes; a participant only its own.
    """
    event = service.get_visible(session, caller, event_id)
    people = service.participants(session, event.id)
    mine: int | None = None
    if not service.manages(caller, event):
        own = next((p for p in people if p.organization_id == caller.organization_id), None)
        if own is None or own.status not in DAY_STATUSES:
            raise Forbidden(tr("only the organizer and approved participants see suggestions"))
        mine = own.id
    scores = pair_scores(session, index, people, today=today, statuses=DAY_STATUSES)
    wishes = _wishes_seen_by(service.preferences(session, event.id), mine)
    names = service.names_of(people)
    pairs = [p for p in scores.values() if mine is None or mine in (p.buyer_id, p.sme_id)]
    pairs.sort(key=lambda p: (max(p.buyer_rank, p.sme_rank), -p.score, p.buyer_id, p.sme_id))
    return Suggestions(
        event_id=event.id,
        total=len(pairs),
        items=[_to_read(p, names, wishes) for p in pairs[:limit]],
    )


def _wishes_seen_by(
    wishes: dict[tuple[int, int], Wish], participant_id: int | None
) -> dict[tuple[int, int], Wish]:
    """The wishes a viewer may see: the organizer (``None``) all, a participant its own.

    The other side's wish, "no" above all, stays between that side and the organizer.
    """
    if participant_id is None:
        return wishes
    return {key: wish for key, wish in wishes.items() if key[0] == participant_id}


def _to_read(
    pair: PairScore, names: dict[int, str], wishes: dict[tuple[int, int], Wish]
) -> SuggestedPair:
    return SuggestedPair(
        buyer_participant_id=pair.buyer_id,
        buyer_name=names[pair.buyer_id],
        sme_participant_id=pair.sme_id,
        sme_name=names[pair.sme_id],
        score=pair.score,
        buyer_rank=pair.buyer_rank,
        sme_rank=pair.sme_rank,
        need=SuggestionNeed(id=pair.need_id, title=pair.need_title),
        matched_products=[MatchedProduct(wanted=w, offered=o) for w, o in pair.matched_products],
        buyer_wish=wishes.get((pair.buyer_id, pair.sme_id)),
        sme_wish=wishes.get((pair.sme_id, pair.buyer_id)),
    )
