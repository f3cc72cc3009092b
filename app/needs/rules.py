"""The rules of a supply need, written once for the API, the console and the importer."""

from app.messages import tr, word
from app.models import NeedStatus, OrganizationKind
from app.rules import RuleProblem

#: Allowed status changes; anything else is 409.
TRANSITIONS: dict[NeedStatus, frozenset[NeedStatus]] = {
    NeedStatus.draft: frozenset({NeedStatus.open, NeedStatus.closed}),
    NeedStatus.open: frozenset({NeedStatus.closed}),
    NeedStatus.closed: frozenset(),
}


def poster_problem(kind: str) -> RuleProblem | None:
    """Supply needs are posted by large firms."""
    if kind != OrganizationKind.large_firm:
        return RuleProblem("organization_id", tr("supply needs are posted by large firms only"))
    return None


def new_status_problem(status: str) -> RuleProblem | None:
    """A new need starts as a draft or open."""
    if status == NeedStatus.closed:
        return RuleProblem("status", tr("a new need is draft or open"))
    return None


def transition_problem(current: str, wanted: str) -> RuleProblem | None:
    """A need's status moves only along :data:`TRANSITIONS` (staying put is no change)."""
    before, after = NeedStatus(current), NeedStatus(wanted)
    if after == before or after in TRANSITIONS[before]:
        return None
    return RuleProblem(
        "status",
        tr("a {current} need cannot become {wanted}", current=word(before), wanted=word(after)),
        conflict=True,
    )
