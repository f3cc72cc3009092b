"""This worker's matching index: built from the database, kept fresh from the change log.

Each worker process holds its own :class:`MatchingIndex`. It is built at start-up and
catches up with the change log from a background thread (every ``poll_interval_s``), and on
demand before a query when this process has committed a change since its last catch-up or
the last catch-up is older than ``max_staleness_s``: a worker sees its own writes at once and
everyone else's within a fraction of a second. Other caches of the worker (the API key cache)
follow the same log through ``watchers``. Writes to the in-memory indexes happen under
a lock; queries take the same lock, briefly. Reading the log does not take it.

When a learned re-ranker is active (see :mod:`app.learning.registry`), shortlists are the
engine's top ``RERANK_DEPTH`` re-ordered by it (:func:`matching.rerank.rerank`); the index
switches model when the change log says the active version changed.
"""

import gc
import logging
import threading
import time
from collections.abc import Callable, Collection, Sequence
from datetime import date
from typing import NamedTuple

from sqlalchemy import event, func, select
from sqlalchemy.orm import Session, sessionmaker

from app.availability import OutageLog
from app.errors import ServiceUnavailable
from app.learning import registry
from app.matches.changes import ChangeBatch, ChangeFeed, take_committed
from app.matches.loading import IndexedNeed, IndexedProfile, load_open_needs, load_profiles
from app.matches.marks import MarkBook, SideValues, load_marks
from app.messages import tr
from app.models import CapabilityProfile, Impression, SupplyNeed
from app.reference.tables import region_centres
from matching import NeedIndex, SupplierIndex
from matching.records import Match, NeedRecord, ProductItem, ProfileRecord
from matching.rerank import PairwiseReranker, Ranked, rerank
from matching.upstream import PredictedInput, UpstreamMatch, UpstreamPredictor

log = logging.getLogger("xieshou.matching")
_shipped_predictor: UpstreamPredictor | None = None
_predictor_lock = threading.Lock()


def shipped_predictor() -> UpstreamPredictor:
    """The input predictor fitted on the shipped chain links, once per process.

    Fitted on first use (about a second), not at start-up: start-up stays as fast as before,
    and workers that never answer chain discovery never pay for it.
    """
    global _shipped_predictor
    with _predictor_lock:
        if _shipped_predictor is None:
            started = time.perf_counter()
            _shipped_predictor = UpstreamPredictor().fit()
            log.info(
                "input predictor fitted on %d chain links in %.2f s",
                _shipped_predictor.n_links_,
                time.perf_counter() - started,
            )
        return _shipped_predictor


RERANK_DEPTH = 50
"""With a learned model, it re-orders this many of the engine's best (filtered) candidates."""


class ShortlistResult(NamedTuple):
    """A ranked shortlist, each entry with the facts a result shows, and the model used."""

    items: list[tuple[Ranked, IndexedProfile]]
    model_version_id: int | None


class IndexNotReady(ServiceUnavailable):
    """The index is still being built at start-up: 503 with Retry-After, never an empty list."""


class MatchingIndex:
    """Supplier and need indexes for one worker, mirroring the database.

    :meth:`start` returns at once: the first build runs in the background thread, so the
    worker answers ``/healthz`` while it builds. Queries wait up to ``ready_wait_s`` for it,
    then raise :class:`IndexNotReady`.
    """

    def __init__(
        self,
        sessions: sessionmaker[Session],
        *,
        poll_interval_s: float = 0.5,
        max_staleness_s: float = 0.25,
        watchers: Sequence[Callable[[ChangeBatch], None]] = (),
        min_score: float = 0.1,
        ready_wait_s: float = 10.0,
        build_delay_s: float = 0.0,
    ) -> None:
        """``build_delay_s`` slows the first build (tests of start-up only). ``watchers`` are told of every change batch: this worker's own as each commits,
        and everyone's (its own again) as they are read from the log."""
        self._sessions = sessions
        self._min_score = min_score
        self._watchers = tuple(watchers)
        self._poll_interval_s = poll_interval_s
        self._max_staleness_s = max_staleness_s
        self._lock = threading.RLock()
        self._catching_up = threading.Lock()  # taken before _lock, never after
        self._feed = ChangeFeed()
        self._suppliers = SupplierIndex(region_centres=region_centres(), min_score=min_score)
        self._needs = NeedIndex(region_centres=region_centres())
        self._profiles: dict[int, IndexedProfile] = {}
        self._profile_of_org: dict[int, int] = {}
        self._open_needs: dict[int, IndexedNeed] = {}
        self._marks = MarkBook()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._refreshed_at = 0.0
        self._dirty = False
        self._model: tuple[int, PairwiseReranker] | None = None
        self._impressions: dict[int, int] = {}
        self._ready_wait_s = ready_wait_s
        self._build_delay_s = build_delay_s
        self._built = threading.Event()
        self._caught_up_at = 0.0  # last time the change log was read through (or built)
        event.listen(sessions, "after_commit", self._on_commit)

    def _on_commit(self, session: Session) -> None:
        batch = take_committed(session)
        if batch:
            self._dirty = True
            self._tell_watchers(batch)

    def _tell_watchers(self, batch: ChangeBatch) -> None:
        for watch in self._watchers:
            try:
                watch(batch)
            except Exception:  # a watcher's failure must not fail a commit or stop catching up
                log.exception("matching index: a change watcher failed")

    # -- life cycle ------------------------------------------------------------------------

    def build(self) -> None:
        """(Re)build both indexes from the database."""
        started = time.perf_counter()
        with self._lock, self._sessions() as session:
            self._feed.start(session)
            profiles = load_profiles(session)
            needs = load_open_needs(session)
            self._suppliers = SupplierIndex(
                region_centres=region_centres(), min_score=self._min_score
            ).fit([p.record for p in profiles])
            self._needs = NeedIndex(region_centres=region_centres()).fit([n.record for n in needs])
            self._profiles = {p.record.id: p for p in profiles}
            self._profile_of_org = {p.firm.id: p.record.id for p in profiles}
            self._open_needs = {n.record.id: n for n in needs}
            marks = load_marks(session)
            self._marks = MarkBook()
            self._marks.replace({m.need_id for m in marks}, marks)
            self._load_learning(session)
            self._refreshed_at = self._caught_up_at = time.monotonic()
        # The index is long-lived: each full collection would walk all of its objects (about a
        # million at 100,000 profiles) and find nothing. Keep the collector off them.
        gc.collect()
        gc.freeze()
        log.info(
            "matching index built: %d profiles, %d open needs in %.2f s",
            len(profiles),
            len(needs),
            time.perf_counter() - started,
        )
        self._built.set()

    def start(self, *, wait: bool = False) -> None:
        """Build, then keep catching up, in a background thread until :meth:`stop`.

        Returns at once unless ``wait`` (then after the first build, or its first failure).
        """
        self._stop.clear()
        self._built.clear()  # started again (a test's app): built again, from the log's end
        self._thread = threading.Thread(target=self._run, name="matching-index", daemon=True)
        self._thread.start()
        if wait:
            self.wait_ready()

    @property
    def ready(self) -> bool:
        """Whether the index has been built (queries answer from it)."""
        return self._built.is_set()

    @property
    def alive(self) -> bool:
        """Whether the background thread (first build, then catching up) runs."""
        return self._thread is not None and self._thread.is_alive()

    @property
    def age_s(self) -> float | None:
        """Seconds since the change log was last read through; ``None`` before the build."""
        if not self.ready:
            return None
        return time.monotonic() - self._caught_up_at

    def wait_ready(self, timeout_s: float | None = None) -> None:
        """Wait for the first build; :class:`IndexNotReady` (503) after ``timeout_s``."""
        wait_s = self._ready_wait_s if timeout_s is None else timeout_s
        if not self._built.wait(wait_s):
            raise IndexNotReady(
                tr("the matching index is still being built; retry shortly"),
                retry_after_s=5,
            )

    def stop(self) -> None:
        """Stop the background thread."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def _run(self) -> None:
        # An outage is logged when it starts and when it ends, not on every poll.
        outage = OutageLog(log, "matching index: catching up")
        if self._build_delay_s and self._stop.wait(self._build_delay_s):
            return
        while not self._built.is_set():
            try:
                self.build()
            except Exception as exc:  # the database may come up later: keep trying
                outage.failed(exc)
                if self._stop.wait(self._poll_interval_s):
                    return
            else:
                outage.succeeded()
        while not self._stop.wait(self._poll_interval_s):
            try:
                self.refresh()
            except Exception as exc:  # keep polling: the next round may succeed
                outage.failed(exc)
            else:
                outage.succeeded()

    # -- catching up -----------------------------------------------------------------------

    def refresh(self) -> None:
        """Apply every change logged since the last refresh."""
        if not self._built.is_set():
            self.wait_ready()
        with self._catching_up:
            self._catch_up()

    def _refresh_if_stale(self) -> None:
        if not self._built.is_set():
            self.wait_ready()
        if self._stale():
            with self._catching_up:
                if self._stale():  # another thread may have caught up while this one waited
                    self._catch_up()

    def _stale(self) -> bool:
        return self._dirty or time.monotonic() - self._refreshed_at > self._max_staleness_s

    def _catch_up(self) -> None:
        # The log is read without the index lock, so queries go on meanwhile; only applying
        # a change takes it (the catching-up lock keeps one reader of the log at a time).
        with self._sessions() as session:
            self._dirty = False
            batch = self._feed.read(session)
            if batch:
                with self._lock:
                    self._apply(session, batch)
                self._tell_watchers(batch)
            self._refreshed_at = self._caught_up_at = time.monotonic()

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
        if marked := batch.interests | need_ids:
            self._marks.replace(marked, load_marks(session, marked))

    def _put_profile(self, profile_id: int, profile: IndexedProfile | None) -> None:
        known = profile_id in self._profiles
        if profile is None:
            if known:
                self._suppliers.remove(profile_id)
                old = self._profiles.pop(profile_id)
                if self._profile_of_org.get(old.firm.id) == profile_id:
                    del self._profile_of_org[old.firm.id]
            return
        if known:
            self._suppliers.update(profile.record)
        else:
            self._suppliers.add(profile.record)
        self._profiles[profile_id] = profile
        self._profile_of_org[profile.firm.id] = profile_id

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

    def upstream_suppliers(
        self,
        buyer_id: int,
        products: list[ProductItem],
        *,
        region_code: str | None,
        industry_codes: tuple[str, ...],
        limit: int,
        region_prefix: str | None,
        tier: str | None,
        min_score: float | None,
        today: date,
    ) -> tuple[list[PredictedInput], list[tuple[UpstreamMatch, IndexedProfile]]]:
        """The predicted inputs of a buyer's products, and the SMEs ranked to supply them.

        The buyer's own profile (if it has one) never appears.
        """
        predictor = shipped_predictor()
        inputs = predictor.predict_inputs(products)
        self._refresh_if_stale()
        with self._lock:
            own = self._profile_of_org.get(buyer_id)
            matches = predictor.rank_suppliers(
                self._suppliers,
                products,
                k=limit,
                exclude=() if own is None else (own,),
                region_code=region_code,
                industry_codes=industry_codes,
                region_prefix=region_prefix,
                tier=tier,
                min_score=min_score,
                today=today,
                inputs=inputs,
            )
            return inputs, [(m, self._profiles[m.id]) for m in matches]

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

    def pair_matches(
        self,
        buyer_org_ids: Collection[int],
        profile_ids: Collection[int],
        *,
        today: date,
        min_score: float | None = None,
    ) -> dict[tuple[int, int], tuple[Match, IndexedNeed]]:
        """Each buyer's best open need for each profile: ``(buyer org, profile) → (match, need)``.

        Every open need of the buyers is ranked over ``profile_ids`` only (hard filters
        apply); a pair is present when at least one of the buyer's needs matches the profile
        (scoring at least ``min_score``, default the index's).
        """
        self._refresh_if_stale()
        buyers, only = set(buyer_org_ids), list(profile_ids)
        best: dict[tuple[int, int], tuple[Match, IndexedNeed]] = {}
        if not buyers or not only:
            return best
        with self._lock:
            for need in [n for n in self._open_needs.values() if n.firm.id in buyers]:
                for match in self._suppliers.shortlist(
                    need.record, k=len(only), only=only, today=today, min_score=min_score
                ):
                    key = (need.firm.id, match.id)
                    if key not in best or match.score > best[key][0].score:
                        best[key] = (match, need)
        return best

    def open_need(self, need_id: int) -> IndexedNeed | None:
        """An open need as indexed (its record is the shortlist's query, ready-made), if any.

        As fresh as the index: this worker's own writes at once, others' within
        ``max_staleness_s``.
        """
        self._refresh_if_stale()
        with self._lock:
            return self._open_needs.get(need_id)

    def marks_on_need(self, need_id: int, profile_ids: Collection[int]) -> dict[int, SideValues]:
        """The interest marks on a need of each of these profiles (see :mod:`app.matches.marks`)."""
        self._refresh_if_stale()
        with self._lock:
            return self._marks.on_need(need_id, profile_ids)

    def marks_on_profile(self, profile_id: int, need_ids: Collection[int]) -> dict[int, SideValues]:
        """The interest marks on a profile of each of these needs."""
        self._refresh_if_stale()
        with self._lock:
            return self._marks.on_profile(profile_id, need_ids)

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
