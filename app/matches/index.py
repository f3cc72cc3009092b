"""This worker's matching index: built from the database, kept fresh from the change log.

Each worker process holds its own :class:`MatchingIndex`. It is built at start-up and
catches up with the change log from a background thread, woken by PostgreSQL NOTIFY or this
worker's own commits, and otherwise every ``freshness_s / 2`` (see
:mod:`app.platform.notify`): a worker sees its own writes at once and everyone else's within
``freshness_s``. A query reads the log itself only when that thread is late. Other caches of the worker (the API key cache)
follow the same log through ``watchers``. Writes to the in-memory indexes happen under
a lock; queries take the same lock, briefly. Reading the log does not take it.

When a learned re-ranker is active (see :mod:`app.learning.registry`), shortlists are the
engine's top ``RERANK_DEPTH`` re-ordered by it (:func:`matching.reorder.rerank`); the index
switches model when the change log says the active version changed.
"""

from __future__ import annotations

import gc
import logging
import threading
import time
from collections.abc import Callable, Collection, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from sqlalchemy import event, func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from app.availability import OutageLog
from app.errors import ServiceUnavailable
from app.learning import registry
from app.matches.loading import (
    IndexedNeed,
    IndexedProfile,
    ids_of_organizations,
    load_open_needs,
    load_profiles,
)
from app.matches.marks import MarkBook, SideValues, load_marks
from app.matches.snapshots import (
    IndexState,
    ProfileBook,
    build_lock,
    build_state,
    load_snapshot,
    release_memory,
    write_snapshot,
)
from app.messages import tr
from app.models import Impression
from app.platform.changes import ChangeBatch, ChangeFeed, take_committed
from app.platform.notify import Freshness
from app.reference.tables import region_centres
from matching import NeedIndex, SupplierIndex
from matching.reading import NeedReading, read_need
from matching.records import Match, NeedRecord, ProductItem, ProfileRecord
from matching.reorder import Ranked, rerank
from matching.upstream_records import PredictedInput, UpstreamMatch

if TYPE_CHECKING:  # both import scikit-learn: imported where a model is loaded or fitted
    from matching.rerank import PairwiseReranker
    from matching.upstream import UpstreamPredictor

log = logging.getLogger("xieshou.matching")
_shipped_predictor: UpstreamPredictor | None = None
_predictor_lock = threading.Lock()
_heap_frozen = False  # see MatchingIndex._settle_heap
_heap_lock = threading.Lock()


def shipped_predictor() -> UpstreamPredictor:
    """The input predictor fitted on the shipped chain links, once per process.

    Fitted on first use (about a second), not at start-up: start-up stays as fast as before,
    and workers that never answer chain discovery never pay for it.
    """
    global _shipped_predictor
    with _predictor_lock:
        if _shipped_predictor is None:
            from matching.upstream import UpstreamPredictor

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

WARM_BUDGET_S = 0.5
"""Seconds :func:`warm_state` may spend ranking open needs (it stops after the need that
passes them): time added to a preloading server's start, before it forks (50 open needs at
1M profiles took 0.23–0.54 s on the 2-core machine; each then answers faster at first)."""


def warm_state(
    state: IndexState, *, budget_s: float = WARM_BUDGET_S, today: date | None = None
) -> int:
    """Rank the open needs of ``state`` once each, until ``budget_s`` has passed; how many.

    Called by the server's parent process on the snapshot it preloads before forking its
    workers (``app.main.preload``). A supplier index builds some of what it answers from at
    its first queries, not when it is loaded: the lexicon's search text, the name variants'
    tables of the catalog's suffixes, each wanted term's related names; and those queries
    look up the shipped dictionaries (character readings, names) here and there. Made in a
    worker, all of that is the worker's own, and every object a worker merely looks at on a
    page the parent made costs it a copy of that page (CPython writes the reference count of
    every object it uses). 4 workers at 1M profiles each copied ~75 MB of the parent's
    ~200 MB heap within their first hundred shortlists; ranked here first, the catalog's
    tables, the cached terms and the code that ran are shared by every worker instead.
    Answers are unchanged: only caches are filled.
    """
    day = today or date.today()
    deadline = time.perf_counter() + budget_s
    ranked = 0
    for need in list(state.open_needs.values()):
        if ranked and time.perf_counter() >= deadline:
            break
        state.suppliers.shortlist(need.record, k=20, today=day)
        ranked += 1
    return ranked


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
        freshness_s: float = 0.5,
        listen: bool = True,
        watchers: Sequence[Callable[[ChangeBatch], None]] = (),
        min_score: float = 0.1,
        ready_wait_s: float = 10.0,
        build_delay_s: float = 0.0,
        snapshot_dir: Path | None = None,
        rebuild_above: int = 20_000,
    ) -> None:
        """``build_delay_s`` slows the first build (tests of start-up only). ``watchers`` are told of every change batch: this worker's own as each commits,
        and everyone's (its own again) as they are read from the log."""
        self._sessions = sessions
        self._min_score = min_score
        self._watchers = tuple(watchers)
        self._freshness = Freshness(
            getattr(sessions.kw.get("bind"), "url", None), freshness_s, listen=listen
        )
        self._lock = threading.RLock()
        self._catching_up = threading.Lock()  # taken before _lock, never after
        self._feed = ChangeFeed()
        self._suppliers = SupplierIndex(region_centres=region_centres(), min_score=min_score)
        self._needs = NeedIndex(region_centres=region_centres())
        self._profiles = ProfileBook()
        self._snapshot_dir = snapshot_dir
        self._rebuild_above = rebuild_above
        self._rebuild_wanted = threading.Event()
        self._rebuild_covering = 0  # the change id a wanted rebuild must reflect
        self._snapshot_token: str | None = None
        self._open_needs: dict[int, IndexedNeed] = {}
        self._marks = MarkBook()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._model: tuple[int, PairwiseReranker] | None = None
        self._impressions: dict[int, int] = {}
        self._ready_wait_s = ready_wait_s
        self._build_delay_s = build_delay_s
        self._built = threading.Event()
        event.listen(sessions, "after_commit", self._on_commit)

    def _on_commit(self, session: Session) -> None:
        batch = take_committed(session)
        if batch:
            self._freshness.committed()
            self._tell_watchers(batch)

    def _tell_watchers(self, batch: ChangeBatch) -> None:
        for watch in self._watchers:
            try:
                watch(batch)
            except Exception:  # a watcher's failure must not fail a commit or stop catching up
                log.exception("matching index: a change watcher failed")

    # -- life cycle ------------------------------------------------------------------------

    def build(self, *, covering: int = 0) -> None:
        """(Re)build both indexes, aside, and swap them in.

        From the newest snapshot that reflects change id ``covering`` when snapshots are kept
        (then the change log since it), else from the database (then written as a snapshot,
        under the folder's lock: other workers wait and load it). Queries go on answering from
        the current indexes meanwhile; no lock is held while building.
        """
        started = time.perf_counter()
        state, how = self._new_state(covering)
        marks, learning = MarkBook(), None
        with self._sessions() as session:
            rows = load_marks(session)
            marks.replace({m.need_id for m in rows}, rows)
            learning = self._read_learning(session)
        with self._catching_up:
            with self._lock:
                self._suppliers, self._needs = state.suppliers, state.needs
                self._profiles, self._open_needs = state.profiles, state.open_needs
                self._feed = state.feed()
                self._marks = marks
                self._model, self._impressions = learning
                self._snapshot_token = state.token
            self._catch_up()  # the change log since the snapshot (or since the build began)
        del state
        self._settle_heap()
        profiles, needs = self.sizes
        log.info(
            "matching index %s: %d profiles, %d open needs in %.2f s",
            how,
            profiles,
            needs,
            time.perf_counter() - started,
        )
        self._built.set()

    def _new_state(self, covering: int) -> tuple[IndexState, str]:
        """A new index state and how it was made (built from the database, or loaded)."""
        root = self._snapshot_dir
        with self._sessions() as session:
            if root is None:
                return build_state(session, min_score=self._min_score)[0], "built"
            state = load_snapshot(root, session, min_score=self._min_score, covering=covering)
            if state is not None:
                return state, f"loaded from snapshot {state.token} (change {state.change_id})"
        with build_lock(root), self._sessions() as session:
            # another worker may have written one while this one waited for the lock
            state = load_snapshot(root, session, min_score=self._min_score, covering=covering)
            if state is not None:
                return state, f"loaded from snapshot {state.token} (change {state.change_id})"
            built, profiles, needs = build_state(session, min_score=self._min_score)
            session.rollback()  # end the read transaction: the build may have taken a while
            try:
                token = write_snapshot(root, built, profiles, needs, self._sessions)
            except (OSError, ValueError, SQLAlchemyError) as exc:  # a full disk, read-only db
                log.warning("matching index: snapshot not written (%s); using the build", exc)
                return built, "built"
            del built, profiles, needs
            release_memory()  # the build's objects: the snapshot's shared arrays replace them
            state = load_snapshot(root, session, min_score=self._min_score, covering=covering)
            if state is None or state.token != token:
                raise RuntimeError("matching index: the snapshot just written cannot be read")
            return state, f"built and written as snapshot {token}"

    def _settle_heap(self) -> None:
        """Keep the collector off the process's long-lived objects, once per process.

        After the first build the heap (imported code, the name dictionaries the build loaded,
        that index) is collected once and frozen (``gc.freeze``): full collections no longer
        walk it. Later builds neither unfreeze nor freeze. Freezing after every rebuild kept
        each old index's garbage for ever (frozen objects are never collected); unfreezing and
        collecting the whole heap at every rebuild cost a quarter of a second of held GIL
        (every test's app start paid it). Now at most the first index's Python objects stay
        frozen, and with a snapshot those are few (its arrays are mapped files); later indexes
        are collected as usual.
        """
        global _heap_frozen
        with _heap_lock:
            if not _heap_frozen:
                gc.collect()
                gc.freeze()
                _heap_frozen = True

    def want_rebuild(self, covering: int | None = None) -> None:
        """Ask the background thread to rebuild aside (reflecting change id ``covering``,
        default the last one read)."""
        self._rebuild_covering = max(
            self._rebuild_covering, self._feed.last_id if covering is None else covering
        )
        self._rebuild_wanted.set()
        self._freshness.committed()  # wake the background thread

    def start(self, *, wait: bool = False) -> None:
        """Build, then keep catching up, in a background thread until :meth:`stop`.

        Returns at once unless ``wait`` (then after the first build, or its first failure).
        Starting an index that runs already changes nothing (a second start used to leave the
        first thread running, unstoppable, beside the new one).
        """
        if self.alive:
            if wait:
                self.wait_ready()
            return
        self._stop.clear()
        self._built.clear()  # started again (a test's app): built again, from the log's end
        self._thread = threading.Thread(target=self._run, name="matching-index", daemon=True)
        self._thread.start()
        self._freshness.start()
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
        return self._freshness.age_s

    @property
    def freshness(self) -> Freshness:
        """This worker's freshness rule (its caches follow it too)."""
        return self._freshness

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
        self._freshness.stop()
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
                if self._stop.wait(self._freshness.freshness_s):
                    return
            else:
                outage.succeeded()
        while not self._stop.is_set():
            self._freshness.wait()  # a NOTIFY, a commit here, a late request, or the poll
            if self._stop.is_set():
                return
            try:
                self.refresh()
                self._rebuild_if_wanted()
            except Exception as exc:  # keep polling: the next round may succeed
                outage.failed(exc)
            else:
                outage.succeeded()

    def _rebuild_if_wanted(self) -> None:
        """Rebuild aside when asked, or when this worker's changes since its snapshot grew
        past ``rebuild_above`` (they live in private memory; a new snapshot shares them)."""
        if self._snapshot_token is not None and self._profiles.changed > self._rebuild_above:
            self.want_rebuild()
        if self._rebuild_wanted.is_set():
            self._rebuild_wanted.clear()
            self.build(covering=self._rebuild_covering)

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
        if self._freshness.must_read():  # the catch-up thread is late: read here
            with self._catching_up:
                if self._stale():  # another thread may have caught up while this one waited
                    self._catch_up()

    def _stale(self) -> bool:
        return not self._freshness.is_fresh()

    def _catch_up(self) -> None:
        # The log is read without the index lock, so queries go on meanwhile; only applying
        # a change takes it (the catching-up lock keeps one reader of the log at a time).
        with self._sessions() as session:
            reading = self._freshness.reading()
            batch = self._feed.read(session)
            if batch:
                with self._lock:
                    self._apply(session, batch)
                self._tell_watchers(batch)
            self._freshness.read_done(reading)

    def _load_learning(self, session: Session) -> None:
        """The active re-ranker and how often each profile was shown (for exploration)."""
        self._model, self._impressions = self._read_learning(session)

    @staticmethod
    def _read_learning(
        session: Session,
    ) -> tuple[tuple[int, PairwiseReranker] | None, dict[int, int]]:
        try:
            model = registry.load_active(session)
        except (ValueError, KeyError):  # a bad artifact must not take shortlists down
            log.exception("matching index: the active model could not be loaded; engine order")
            model = None
        counts = select(Impression.profile_id, func.count()).group_by(Impression.profile_id)
        return model, {int(p): int(n) for p, n in session.execute(counts)}

    def _apply(self, session: Session, batch: ChangeBatch) -> None:
        if batch.rebuild:  # rebuilt aside by the background thread, not under the lock
            self.want_rebuild()
            return
        if batch.model:
            self._load_learning(session)
        profile_ids = set(batch.profiles)
        need_ids = set(batch.needs)
        if batch.organizations:
            orgs = batch.organizations
            profile_ids |= self._profiles.of_orgs(orgs)
            need_ids |= {n.record.id for n in self._open_needs.values() if n.firm.id in orgs}
            of_profiles, of_needs = ids_of_organizations(session, orgs)
            profile_ids |= of_profiles
            need_ids |= of_needs
        if len(profile_ids) > self._rebuild_above:  # an import: rebuild aside, then swap
            self.want_rebuild()
            profile_ids = set()
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
                self._profiles.put(profile_id, None)
            return
        if known:
            self._suppliers.update(profile.record)
        else:
            self._suppliers.add(profile.record)
        self._profiles.put(profile_id, profile)

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
            own = self._profiles.profile_of_org(buyer_id)
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

    def read(self, need: NeedRecord) -> NeedReading:
        """How a shortlist reads ``need``: its products grounded in the names this index's
        firms list (:func:`matching.reading.read_need`), once the index is built; before
        that, read without them."""
        if not self.ready:
            return read_need(need)
        with self._lock:
            return read_need(need, self._suppliers.lexicon_)

    def open_need(self, need_id: int) -> IndexedNeed | None:
        """An open need as indexed (its record is the shortlist's query, ready-made), if any.

        As fresh as the index: this worker's own writes at once, others' within
        ``freshness_s``.
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
