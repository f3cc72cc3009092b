"""Capture interactions as training data, in the caller's transaction.

Each hook is one cheap insert where the thing it records is written: interest marks
(:mod:`app.interests.service`) and meeting outcomes (:mod:`app.events.service`) in the same
transaction. Shortlists shown (:mod:`app.matches.service`) are buffered in memory and
written in batches by :class:`ImpressionLog`, so a shortlist stays a read.
"""

import logging
import threading
import uuid
from collections.abc import Callable, Iterable, Sequence

from sqlalchemy import insert, select
from sqlalchemy.orm import Session, sessionmaker

from app.availability import OutageLog, is_unavailable
from app.models import CapabilityProfile, EventMeeting, EventParticipant, Impression, Interaction
from app.models.base import utcnow
from app.platform.background import PeriodicFlush
from app.turns import Turns

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


class ImpressionLog(PeriodicFlush):
    """Shortlists shown, buffered in memory and written in batches from one background thread.

    A shortlist request only appends its rows (no database work); every ``interval_s`` the
    thread writes all buffered rows in one transaction (one multi-row INSERT per batch of
    shortlists), on SQLite after taking its turn among the process's writers like any writer
    (:class:`~app.turns.Turns`; the thread waits, blocking only itself). Rows still
    buffered when the process dies are lost, which is acceptable for training data and keeps
    a shortlist a pure read. :meth:`stop` writes what is left.
    """

    def __init__(
        self,
        sessions: sessionmaker[Session],
        turns: Turns | None,
        *,
        interval_s: float = 1.0,
        max_buffered: int = 100_000,
        max_wait_s: float = 10.0,
    ) -> None:
        self._sessions = sessions
        self._turns = turns
        super().__init__(thread_name="xieshou-impressions", interval_s=interval_s)
        self._max_wait_s = max_wait_s
        self._max_buffered = max_buffered
        self._buffer: list[tuple[int, Shown, int | None]] = []
        self._rows = 0
        self._mutex = threading.Lock()
        self._outage = OutageLog(log, "logging shortlists shown")

    def add(self, need_id: int, shown: Shown, model_version_id: int | None) -> None:
        """Buffer one served shortlist (dropped, with a warning, if the buffer is full)."""
        rows = [(p, s, list(f), e) for p, s, f, e in shown]  # copy: arrays may be reused
        with self._mutex:
            if self._rows + len(rows) > self._max_buffered:
                log.warning(
                    "impression buffer full: the shortlist of need %s is not logged", need_id
                )
                return
            self._buffer.append((need_id, rows, model_version_id))
            self._rows += len(rows)

    def flush(self) -> int:
        """Write everything buffered now; returns how many shortlists were written."""
        with self._mutex:
            batch, self._buffer, self._rows = self._buffer, [], 0
        if not batch:
            return 0
        if self._turns is not None and not self._turns.acquire_blocking(self._max_wait_s):
            self._put_back(batch)  # writers kept the turn all along: try again next time
            return 0
        try:
            _write(self._sessions, batch)
        except Exception as exc:
            self._outage.failed(exc)  # logged once, not on every round of an outage
            if is_unavailable(exc):
                self._put_back(batch)  # written when the database is back
            return 0
        finally:
            if self._turns is not None:
                self._turns.release()
        self._outage.succeeded()
        return len(batch)

    def _put_back(self, batch: list[tuple[int, Shown, int | None]]) -> None:
        rows = sum(len(shown) for _, shown, _ in batch)
        with self._mutex:
            if self._rows + rows > self._max_buffered:
                log.warning("impression buffer full: %d shortlists are not logged", len(batch))
                return
            self._buffer[:0] = batch
            self._rows += rows


def _write(sessions: sessionmaker[Session], batch: list[tuple[int, Shown, int | None]]) -> None:
    with sessions() as session, session.begin():
        for need_id, shown, model_version_id in batch:
            shortlist_shown(session, need_id, shown, model_version_id=model_version_id)
