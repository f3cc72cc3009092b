"""This worker's matching index: built from the database, kept fresh from the change log.

Each worker process holds its own :class:`MatchingIndex`. It is built at start-up, and it
catches up with the change log both on demand (before every shortlist, so a worker sees its
own writes at once) and from a background thread (so an idle worker stays warm). Writes to
the in-memory indexes happen under a lock; queries take the same lock, briefly.
"""

import logging
import threading
import time
from datetime import date

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, selectinload, sessionmaker

from app.matches.changes import ChangeBatch, ChangeFeed
from app.matches.records import need_record, profile_record
from app.models import CapabilityProfile, NeedStatus, Organization, SupplyNeed
from app.reference.tables import region_centres
from matching import NeedIndex, SupplierIndex
from matching.records import Match, NeedRecord, ProfileRecord

log = logging.getLogger("xieshou.matching")
_BATCH = 2000


def _profiles_query() -> Select[CapabilityProfile]:
    return select(CapabilityProfile).options(
        selectinload(CapabilityProfile.organization).selectinload(Organization.industries)
    )


def _needs_query() -> Select[SupplyNeed]:
    return select(SupplyNeed).options(
        selectinload(SupplyNeed.organization).selectinload(Organization.industries)
    )


class MatchingIndex:
    """Supplier and need indexes for one worker, mirroring the database."""

    def __init__(self, sessions: sessionmaker[Session], *, poll_interval_s: float = 0.5) -> None:
        self._sessions = sessions
        self._poll_interval_s = poll_interval_s
        self._lock = threading.RLock()
        self._feed = ChangeFeed()
        self._suppliers = SupplierIndex(region_centres=region_centres())
        self._needs = NeedIndex(region_centres=region_centres())
        self._profile_ids: set[int] = set()
        self._need_ids: set[int] = set()
        self._by_org_profiles: dict[int, set[int]] = {}
        self._by_org_needs: dict[int, set[int]] = {}
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.built_at: float | None = None

    # -- life cycle ------------------------------------------------------------------------

    def build(self) -> None:
        """(Re)build both indexes from the database."""
        started = time.perf_counter()
        with self._sessions() as session, self._lock:
            self._feed.start(session)
            profiles = [
                profile_record(p)
                for p in session.scalars(_profiles_query().execution_options(yield_per=_BATCH))
            ]
            needs_rows = list(
                session.scalars(_needs_query().where(SupplyNeed.status == NeedStatus.open.value))
            )
            needs = [need_record(n) for n in needs_rows]
            self._suppliers = SupplierIndex(region_centres=region_centres()).fit(profiles)
            self._needs = NeedIndex(region_centres=region_centres()).fit(needs)
            self._profile_ids = {p.id for p in profiles}
            self._need_ids = {n.id for n in needs}
            self._by_org_profiles = {}
            self._by_org_needs = {}
            owners = session.execute(
                select(CapabilityProfile.id, CapabilityProfile.organization_id)
            )
            for profile_id, org_id in owners:
                self._by_org_profiles.setdefault(org_id, set()).add(profile_id)
            for n in needs_rows:
                self._by_org_needs.setdefault(n.organization_id, set()).add(n.id)
            self.built_at = time.time()
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
            batch = self._feed.read(session)
            if batch:
                self._apply(session, batch)

    def _apply(self, session: Session, batch: ChangeBatch) -> None:
        if batch.rebuild:
            self.build()
            return
        profile_ids = set(batch.profiles)
        need_ids = set(batch.needs)
        for org_id in batch.organizations:
            profile_ids |= self._by_org_profiles.get(org_id, set())
            need_ids |= self._by_org_needs.get(org_id, set())
            profile_ids |= set(
                session.scalars(
                    select(CapabilityProfile.id).where(CapabilityProfile.organization_id == org_id)
                )
            )
            need_ids |= set(
                session.scalars(select(SupplyNeed.id).where(SupplyNeed.organization_id == org_id))
            )
        if profile_ids:
            found = {
                p.id: p
                for p in session.scalars(
                    _profiles_query().where(CapabilityProfile.id.in_(profile_ids))
                )
            }
            for profile_id in profile_ids:
                self._put_profile(profile_id, found.get(profile_id))
        if need_ids:
            found_needs = {
                n.id: n for n in session.scalars(_needs_query().where(SupplyNeed.id.in_(need_ids)))
            }
            for need_id in need_ids:
                self._put_need(need_id, found_needs.get(need_id))

    def _put_profile(self, profile_id: int, profile: CapabilityProfile | None) -> None:
        for ids in self._by_org_profiles.values():
            ids.discard(profile_id)
        if profile is None:
            if profile_id in self._profile_ids:
                self._suppliers.remove(profile_id)
                self._profile_ids.discard(profile_id)
            return
        self._by_org_profiles.setdefault(profile.organization_id, set()).add(profile_id)
        record = profile_record(profile)
        if profile_id in self._profile_ids:
            self._suppliers.update(record)
        else:
            self._suppliers.add(record)
            self._profile_ids.add(profile_id)

    def _put_need(self, need_id: int, need: SupplyNeed | None) -> None:
        for ids in self._by_org_needs.values():
            ids.discard(need_id)
        if need is None or need.status != NeedStatus.open.value:
            if need_id in self._need_ids:
                self._needs.remove(need_id)
                self._need_ids.discard(need_id)
            return
        self._by_org_needs.setdefault(need.organization_id, set()).add(need_id)
        record = need_record(need)
        if need_id in self._need_ids:
            self._needs.update(record)
        else:
            self._needs.add(record)
            self._need_ids.add(need_id)

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
    ) -> list[Match]:
        """Ranked SMEs for ``need``, after catching up with the change log."""
        self.refresh()
        with self._lock:
            return self._suppliers.shortlist(
                need,
                k=limit,
                region_prefix=region_prefix,
                tier=tier,
                min_score=min_score,
                today=today,
            )

    def opportunities(
        self,
        profile: ProfileRecord,
        *,
        limit: int,
        region_prefix: str | None,
        min_score: float | None,
        today: date,
    ) -> list[Match]:
        """Ranked open needs for ``profile``, after catching up with the change log."""
        self.refresh()
        with self._lock:
            return self._needs.opportunities(
                profile, k=limit, region_prefix=region_prefix, min_score=min_score, today=today
            )

    @property
    def sizes(self) -> tuple[int, int]:
        """(profiles, open needs) indexed."""
        return len(self._profile_ids), len(self._need_ids)
