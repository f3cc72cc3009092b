"""This worker's matching index: built from the database, kept fresh from the change log.

Each worker process holds its own :class:`MatchingIndex`. It is built at start-up and
catches up with the change log from a background thread (every ``poll_interval_s``), and on
demand before a query when this process has committed a change since its last catch-up or
the last catch-up is older than ``max_staleness_s``: a worker sees its own writes at once and
everyone else's within a fraction of a second. Writes to the in-memory indexes happen under
a lock; queries take the same lock, briefly.

When a learned re-ranker is active (see :mod:`app.learning.registry`), shortlists are the
engine's top ``RERANK_DEPTH`` re-ordered by it (:func:`matching.rerank.rerank`); the index
switches model when the change log says the active version changed.
"""

import logging
import threading
import time
from datetime import date
from typing import NamedTuple

from sqlalchemy import event, func, select
from sqlalchemy.orm import Session, sessionmaker

from app.learning import registry
from app.matches.changes import CHANGES_KEY, ChangeBatch, ChangeFeed
from app.matches.loading import IndexedNeed, IndexedProfile, load_open_needs, load_profiles
from app.models import CapabilityProfile, Impression, SupplyNeed
from app.reference.tables import region_centres
from matching import NeedIndex, SupplierIndex
from matching.records import Match, NeedRecord, ProfileRecord
from matching.rerank import PairwiseReranker, Ranked, rerank

log = logging.getLogger("xieshou.matching")

RERANK_DEPTH = 50
"""With a learned model, it re-orders this many of the engine's best (filtered) candidates."""


class ShortlistResult(NamedTuple):
    """A ranked shortlist, each entry with the facts a result shows, and the model used."""

    items: list[tuple[Ranked, IndexedProfile]]
    model_version_id: int | None


class MatchingIndex:
    """Supplier and need indexes for one worker, mirroring the database."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        *,
        poll_interval_s: float = 0.5,
        max_staleness_s: float = 0.25,
    ) -> None:
        self._sessions = sessions
        self._poll_interval_s = poll_interval_s
        self._max_staleness_s = max_staleness_s
        self._lock = threading.RLock()
        self._feed = ChangeFeed()
        self._suppliers = SupplierIndex(region_centres=region_centres())
        self._needs = NeedIndex(region_centres=region_centres())
        self._profiles: dict[int, IndexedProfile] = {}
        self._open_needs: dict[int, IndexedNeed] = {}
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._refreshed_at = 0.0
        self._dirty = False
        self._model: tuple[int, PairwiseReranker] | None = None
        self._impressions: dict[int, int] = {}
        event.listen(sessions, "after_commit", self._on_commit)

    def _on_commit(self, session: Session) -> None:
        if session.info.pop(CHANGES_KEY, False):
            self._dirty = True

    # -- life cycle ------------------------------------------------------------------------

    def build(self) -> None:
        """(Re)build both indexes from the database."""
        started = time.perf_counter()
        with self._lock, self._sessions() as session:
            self._feed.start(session)
            profiles = load_profiles(session)
            needs = load_open_needs(session)
            self._suppliers = SupplierIndex(region_centres=region_centres()).fit(
                [p.record for p in profiles]
            )
            self._needs = NeedIndex(region_centres=region_centres()).fit([n.record for n in needs])
            self._profiles = {p.record.id: p for p in profiles}
            self._open_needs = {n.record.id: n for n in needs}
            self._load_learning(session)
            self._refreshed_at = time.monotonic()
        log.info(
            "matching index built: %d profiles, %d open needs in %.2f s",
            len(profiles),
            len(needs),
            time.perf_counter() - started,
        )

    def start(self) -> None:
        """Build, then keep catching up in a background thread until :meth:`stop`."""
        self.build()
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="matching-index", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop the background thread."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def _run(self) -> None:
        while not self._stop.wait(self._poll_interval_s):
            try:
                self.refresh()
            except Exception:  # keep polling: the next round may succeed
                log.exception("matching index: catching up failed")

    # -- catching up -----------------------------------------------------------------------

    def refresh(self) -> None:
        """Apply every change logged since the last refresh."""
        with self._lock, self._sessions() as session:
            self._dirty = False
            batch = self._feed.read(session)
            if batch:
                self._apply(session, batch)
            self._refreshed_at = time.monotonic()

    def _refresh_if_stale(self) -> None:
        if self._dirty or time.monotonic() - self._refreshed_at > self._max_staleness_s:
            self.refresh()

    def _load_learning(self, session: Session) -> None:
        """The active re-ranker and how often each profile was shown (for exploration)."""
        try:
            self._model = registry.load_active(session)
        except (ValueError, KeyError):  # a bad artifact must not take shortlists down
            log.exception("matching index: the active model could not be loaded; engine order")
            self._model = None
        counts = select(Impression.profile_id, func.count()).group_by(Impression.profile_id)
        self._impressions = {int(p): int(n) for p, n in session.execute(counts)}

    def _apply(self, session: Session, batch: ChangeBatch) -> None:
        if batch.rebuild:
            self.build()
            return
        if batch.model:
            self._load_learning(session)
        profile_ids = set(batch.profiles)
        need_ids = set(batch.needs)
        if batch.organizations:
            orgs = batch.organizations
            profile_ids |= {p.record.id for p in self._profiles.values() if p.firm.id in orgs}
            need_ids |= {n.record.id for n in self._open_needs.values() if n.firm.id in orgs}
            profile_ids |= set(
                session.scalars(
                    select(CapabilityProfile.id).where(CapabilityProfile.organization_id.in_(orgs))
                )
            )
            need_ids |= set(
                session.scalars(select(SupplyNeed.id).where(SupplyNeed.organization_id.in_(orgs)))
            )
        if profile_ids:
            found = {p.record.id: p for p in load_profiles(session, profile_ids)}
            for profile_id in profile_ids:
                self._put_profile(profile_id, found.get(profile_id))
        if need_ids:
            found_needs = {n.record.id: n for n in load_open_needs(session, need_ids)}
            for need_id in need_ids:
                self._put_need(need_id, found_needs.get(need_id))

    def _put_profile(self, profile_id: int, profile: IndexedProfile | None) -> None:
        known = profile_id in self._profiles
        if profile is None:
            if known:
                self._suppliers.remove(profile_id)
                del self._profiles[profile_id]
            return
        if known:
            self._suppliers.update(profile.record)
        else:
            self._suppliers.add(profile.record)
        self._profiles[profile_id] = profile

    def _put_need(self, need_id: int, need: IndexedNeed | None) -> None:
        known = need_id in self._open_needs
        if need is None:  # deleted, or no longer open
            if known:
                self._needs.remove(need_id)
                del self._open_needs[need_id]
            return
        if known:
            self._needs.update(need.record)
        else:
            self._needs.add(need.record)
        self._open_needs[need_id] = need

    # -- queries ---------------------------------------------------------------------------

    def shortlist(
        self,
        need: NeedRecord,
        *,
        limit: int,
        region_prefix: str | None,
        tier: str | None,
        min_score: float | None,
        today: date,
    ) -> ShortlistResult:
        """Ranked SMEs for ``need``, each with the facts a result shows."""
        self._refresh_if_stale()
        with self._lock:
            model = self._model
            matches = self._suppliers.shortlist(
                need,
                k=max(limit, RERANK_DEPTH) if model else limit,
                region_prefix=region_prefix,
                tier=tier,
                min_score=min_score,
                today=today,
            )
            ranked = rerank(
                matches,
                limit,
                model=model[1] if model else None,
                impressions=self._impressions,
            )
            return ShortlistResult(
                [(r, self._profiles[r.match.id]) for r in ranked], model[0] if model else None
            )

    def count_shown(self, profile_ids: list[int]) -> None:
        """Count impressions this worker logged (other workers' are read at the next load)."""
        with self._lock:
            for profile_id in profile_ids:
                self._impressions[profile_id] = self._impressions.get(profile_id, 0) + 1

    def opportunities(
        self,
        profile_id: int,
        *,
        limit: int,
        region_prefix: str | None,
        min_score: float | None,
        today: date,
    ) -> list[tuple[Match, IndexedNeed]]:
        """Ranked open needs for an indexed profile (none if the profile is unknown)."""
        self._refresh_if_stale()
        with self._lock:
            profile = self._profiles.get(profile_id)
            if profile is None:
                return []
            matches = self._needs.opportunities(
                profile.record,
                k=limit,
                region_prefix=region_prefix,
                min_score=min_score,
                today=today,
            )
            return [(m, self._open_needs[m.id]) for m in matches]

    def profile(self, profile_id: int) -> ProfileRecord | None:
        """The indexed record of a profile, if any."""
        with self._lock:
            found = self._profiles.get(profile_id)
            return found.record if found else None

    @property
    def sizes(self) -> tuple[int, int]:
        """(profiles, open needs) indexed."""
        return len(self._profiles), len(self._open_needs)

    def __repr__(self) -> str:
        profiles, needs = self.sizes
        return f"MatchingIndex(profiles={profiles}, open_needs={needs})"
