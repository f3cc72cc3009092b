"""Capture interactions as training data, in the caller's transaction.

Each hook is one cheap insert where the thing it records is written: interest marks
(:mod:`app.interests.service`) and meeting outcomes (:mod:`app.events.service`) in the same
transaction. Shortlists shown (:mod:`app.matches.service`) are logged in one batched insert
after the response is sent (:func:`later`), so a shortlist stays a read: on SQLite the
insert takes its turn on the process's write lock like any writer.
"""

import logging
import threading
import uuid
from collections.abc import Callable, Iterable, Sequence

from fastapi import BackgroundTasks
from sqlalchemy import insert, select
from sqlalchemy.orm import Session, sessionmaker

from app.models import CapabilityProfile, EventMeeting, EventParticipant, Impression, Interaction
from app.models.base import utcnow

log = logging.getLogger("xieshou.learning")

Shown = Sequence[tuple[int, float, Iterable[float], bool]]
#: ``(need_id, shown, model_version_id)``: what :func:`app.matches.service.shortlist` reports.
ShownHook = Callable[[int, Shown, int | None], None]


def interaction(
    session: Session,
    kind: str,
    *,
    need_id: int | None = None,
    profile_id: int | None = None,
    buyer_organization_id: int | None = None,
    sme_organization_id: int | None = None,
    meeting_id: int | None = None,
) -> None:
    """Log one interaction (``buyer.interested``, ``sme.withdrawn``, ``meeting.intent`` …)."""
    session.add(
        Interaction(
            kind=kind,
            need_id=need_id,
            profile_id=profile_id,
            buyer_organization_id=buyer_organization_id,
            sme_organization_id=sme_organization_id,
            meeting_id=meeting_id,
        )
    )


def meeting_outcome(session: Session, meeting: EventMeeting) -> None:
    """Log the outcome just set on a meeting (``meeting.intent``, ``meeting.signed`` …).

    A meeting is between two firms; the SME's profile is noted too (one per SME), the need
    is not known (the buyer may have several).
    """
    buyer = session.get(EventParticipant, meeting.buyer_participant_id)
    sme = session.get(EventParticipant, meeting.sme_participant_id)
    if buyer is None or sme is None or meeting.outcome is None:
        return
    profile_id = session.scalar(
        select(CapabilityProfile.id).where(CapabilityProfile.organization_id == sme.organization_id)
    )
    interaction(
        session,
        f"meeting.{meeting.outcome}",
        profile_id=profile_id,
        buyer_organization_id=buyer.organization_id,
        sme_organization_id=sme.organization_id,
        meeting_id=meeting.id,
    )


def shortlist_shown(
    session: Session,
    need_id: int,
    shown: Shown,
    *,
    model_version_id: int | None,
) -> str:
    """Log a served shortlist, ``(profile_id, score, features, explored)`` best first.

    One multi-row INSERT for the whole shortlist. Returns the batch id the rows share.
    """
    batch = uuid.uuid4().hex
    if not shown:
        return batch
    now = utcnow()
    session.execute(
        insert(Impression),
        [
            {
                "shown_at": now,
                "batch": batch,
                "need_id": need_id,
                "profile_id": profile_id,
                "position": position,
                "score": score,
                "features": [round(float(x), 6) for x in features],
                "model_version_id": model_version_id,
                "explored": explored,
            }
            for position, (profile_id, score, features, explored) in enumerate(shown, start=1)
        ],
    )
    return batch


def later(
    background: BackgroundTasks, sessions: sessionmaker[Session], lock: "threading.Lock | None"
) -> ShownHook:
    """A hook that logs a shown shortlist in its own transaction after the response.

    A failure is logged and dropped: losing an impression must not fail a shortlist.
    """

    def write(need_id: int, shown: Shown, model_version_id: int | None) -> None:
        try:
            if lock is None:
                _write(sessions, need_id, shown, model_version_id)
            else:
                with lock:
                    _write(sessions, need_id, shown, model_version_id)
        except Exception:
            log.exception("could not log the shortlist of need %s", need_id)

    def hook(need_id: int, shown: Shown, model_version_id: int | None) -> None:
        rows = [(p, s, list(f), e) for p, s, f, e in shown]  # copy: arrays may be reused
        background.add_task(write, need_id, rows, model_version_id)

    return hook


def _write(
    sessions: sessionmaker[Session], need_id: int, shown: Shown, model_version_id: int | None
) -> None:
    with sessions() as session, session.begin():
        shortlist_shown(session, need_id, shown, model_version_id=model_version_id)
