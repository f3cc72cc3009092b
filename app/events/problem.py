"""The scheduling problem of a session, built from the database: participants, wishes, scores."""

from collections.abc import Callable
from datetime import date

from sqlalchemy.orm import Session

from app.events.suggestions import pair_scores
from app.matches.index import MatchingIndex
from app.models import (
    DAY_STATUSES,
    Attendance,
    EventMeeting,
    EventParticipant,
    ParticipantStatus,
    Presence,
    Side,
    Wish,
)
from matching.scheduling import (
    Buyer,
    Meeting,
    PairInfo,
    Preference,
    ScheduleProblem,
    Sme,
    Table,
)

PREFERENCE = {Wish.must: Preference.MUST, Wish.would: Preference.WOULD, Wish.no: Preference.NO}


def table_id(buyer_id: int, number: int) -> str:
    """The scheduler's id of table ``number`` of a buyer."""
    return f"{buyer_id}#{number}"


def table_number(table_id: str) -> int:
    """The table number in a scheduler table id."""
    return int(table_id.rpartition("#")[2])


def build_problem(
    num_slots: int,
    people: list[EventParticipant],
    wishes: dict[tuple[int, int], Wish],
    scores: dict[tuple[int, int], float],
    *,
    taking_part: Callable[[EventParticipant], bool] | None = None,
) -> ScheduleProblem:
    """The scheduling problem of the participants taking part, their wishes and match scores.

    ``taking_part`` picks them (default: the approved ones). ``scores`` are keyed by
    (buyer, SME) participant ids; a pair is a candidate when either side stated a wish or
    the engine scored it (the scheduler then takes unasked pairs above its score threshold,
    and an SME's best scored pairs when it has no other, so that it is covered).
    """
    approved = [
        p
        for p in people
        if (taking_part(p) if taking_part else p.status == ParticipantStatus.approved)
    ]
    buyers = [p for p in approved if p.side == Side.buyer]
    smes = [p for p in approved if p.side == Side.sme]
    pairs = []
    for b in buyers:
        for s in smes:
            buyer_wish, sme_wish = wishes.get((b.id, s.id)), wishes.get((s.id, b.id))
            score = scores.get((b.id, s.id))
            if buyer_wish is None and sme_wish is None and score is None:
                continue
            pairs.append(
                PairInfo(
                    str(b.id),
                    str(s.id),
                    buyer_pref=PREFERENCE[buyer_wish] if buyer_wish else Preference.NONE,
                    sme_pref=PREFERENCE[sme_wish] if sme_wish else Preference.NONE,
                    score=score or 0.0,
                )
            )
    return ScheduleProblem(
        num_slots=num_slots,
        tables=tuple(
            Table(table_id(b.id, n), str(b.id)) for b in buyers for n in range(1, b.tables + 1)
        ),
        buyers=tuple(
            Buyer(str(b.id), cap=b.max_meetings, blocked_slots=frozenset(b.blocked_slots))
            for b in buyers
        ),
        smes=tuple(
            Sme(str(s.id), cap=s.max_meetings, blocked_slots=frozenset(s.blocked_slots))
            for s in smes
        ),
        pairs=tuple(pairs),
    )


def session_scores(
    session: Session,
    index: MatchingIndex,
    people: list[EventParticipant],
    *,
    today: date,
    statuses: frozenset[str] = frozenset({ParticipantStatus.approved}),
) -> dict[tuple[int, int], float]:
    """The engine's score of every pair it matches at all (no minimum), by participant ids.

    No minimum: a wished pair the engine scores low keeps its real score (issue 17: a
    must-wished pair showed 匹配度 0.0).
    """
    found = pair_scores(session, index, people, today=today, statuses=statuses, min_score=0.0)
    return {key: p.score for key, p in found.items()}


# -- the day ---------------------------------------------------------------------------------


def on_the_day(p: EventParticipant) -> bool:
    """Whether the participant is in the day's plan: approved, or standby / walk-in once it
    has checked in (or was marked absent: its kept meetings stay in the plan)."""
    if p.status == ParticipantStatus.approved:
        return True
    return p.status in DAY_STATUSES and p.presence is not None


def absent_ids(people: list[EventParticipant]) -> set[str]:
    """The scheduler ids of the participants marked absent (爽约)."""
    return {str(p.id) for p in people if p.presence == Presence.absent}


def attending(row: EventMeeting) -> bool:
    """Whether the meeting holds its place: nobody marked absent from it."""
    return row.attendance in (None, Attendance.both_present)


def as_meeting(row: EventMeeting) -> Meeting:
    """A meeting row as the scheduler's record."""
    return Meeting(
        str(row.buyer_participant_id),
        str(row.sme_participant_id),
        row.slot,
        table_id(row.buyer_participant_id, row.table_number),
        row.value,
    )


def met_pairs(rows: list[EventMeeting]) -> set[tuple[str, str]]:
    """Pairs with a meeting row, no-shows included: they never meet again."""
    return {(str(r.buyer_participant_id), str(r.sme_participant_id)) for r in rows}
