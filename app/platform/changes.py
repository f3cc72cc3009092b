"""The change log, written with every change the matching index mirrors, and read by each worker.

Every worker process keeps its own matching index and catches up by reading the change log
from where it left off. Ids come from a sequence, but transactions can commit out of order
(id 10 visible before id 9), so ids skipped over are remembered as *gaps* and looked for
again until they appear or time out (a rolled-back transaction leaves a gap for ever).

How soon a worker reads the log (PostgreSQL NOTIFY, or polling) is :mod:`app.platform.notify`'s
rule. The log is pruned (:func:`prune`): entries older than the retention (or than the oldest
index snapshot, when snapshots are kept) are deleted in batches, and a *pruned* entry naming
the horizon is logged first, so a worker whose position is below the horizon rebuilds its
index instead of missing the deleted changes.
"""

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import delete, func, insert, or_, select
from sqlalchemy.orm import Session, sessionmaker

from app.models import ChangeEntry
from app.models.base import utcnow
from app.platform import notify
from app.platform.background import PeriodicFlush

log = logging.getLogger("xieshou.changes")

PROFILE = "profile"
NEED = "need"
ORGANIZATION = "organization"
MODEL = "model"  # the active re-ranker version changed
API_KEY = "api_key"  # a key was revoked: workers drop it from their key caches
INTEREST = "interest"  # the interest marks on a need (the entity id) changed
EVERYTHING = "all"
#: The log was pruned below the entity id: a reader behind it must rebuild.
PRUNED = "pruned"
#: ``Session.info`` holds the changes a session logged, so its commit can wake the index.
CHANGES_KEY = "xieshou_changes"


def record(session: Session, entity: str, entity_id: int | None) -> None:
    """Log a change in the caller's transaction (it commits or rolls back with the change)."""
    session.add(ChangeEntry(entity=entity, entity_id=entity_id))
    session.info.setdefault(CHANGES_KEY, []).append((entity, entity_id))
    notify.mark(session)


def record_many(session: Session, entity: str, entity_ids: Iterable[int]) -> None:
    """Log a change of each of ``entity_ids`` in one multi-row insert (bulk writers)."""
    ids = list(entity_ids)
    if ids:
        session.execute(insert(ChangeEntry), [{"entity": entity, "entity_id": i} for i in ids])
        session.info.setdefault(CHANGES_KEY, []).extend((entity, i) for i in ids)
        notify.mark(session)


def take_committed(session: Session) -> "ChangeBatch":
    """The changes ``session`` logged, taken out of it (call once its transaction committed)."""
    batch = ChangeBatch()
    for entity, entity_id in session.info.pop(CHANGES_KEY, ()):
        batch.add(entity, entity_id)
    return batch


@dataclass
class ChangeBatch:
    """What changed since the last read, by kind of record."""

    profiles: set[int] = field(default_factory=set)
    needs: set[int] = field(default_factory=set)
    organizations: set[int] = field(default_factory=set)
    keys: set[int] = field(default_factory=set)
    interests: set[int] = field(default_factory=set)  # need ids
    rebuild: bool = False
    model: bool = False

    def add(self, entity: str, entity_id: int | None) -> None:
        """Count one change-log entry in."""
        if entity == EVERYTHING:
            self.rebuild = True
        elif entity == MODEL:
            self.model = True
        elif entity_id is not None:
            ids = {
                PROFILE: self.profiles,
                NEED: self.needs,
                ORGANIZATION: self.organizations,
                API_KEY: self.keys,
                INTEREST: self.interests,
            }.get(entity)
            if ids is not None:  # a kind this version does not know (a newer worker's) is skipped
                ids.add(entity_id)

    def __bool__(self) -> bool:
        return bool(
            self.profiles
            or self.needs
            or self.organizations
            or self.keys
            or self.interests
            or self.rebuild
            or self.model
        )


#: Ranges of missing ids a feed asks for by name; past this, it reads from the first gap on.
MAX_GAP_RANGES = 500


def _ranges(ids: Iterable[int]) -> list[tuple[int, int]]:
    """Consecutive ``ids`` as ``(first, last)`` ranges: ``[1, 2, 3, 7]`` → ``[(1, 3), (7, 7)]``."""
    out: list[tuple[int, int]] = []
    for i in sorted(ids):
        if out and i == out[-1][1] + 1:
            out[-1] = (out[-1][0], i)
        else:
            out.append((i, i))
    return out


class ChangeFeed:
    """One worker's position in the change log."""

    def __init__(self, *, gap_timeout_s: float = 30.0, lookback: int = 1000) -> None:
        self.last_id = 0
        self.gaps: dict[int, float] = {}
        self.gap_timeout_s = gap_timeout_s
        self.lookback = lookback

    def start(self, session: Session) -> None:
        """Start at the head of the log (call before building the index from the database).

        Recent ids missing below the head may belong to transactions still in flight; they
        are watched as gaps.
        """
        head = session.scalar(select(func.max(ChangeEntry.id))) or 0
        present = set(
            session.scalars(select(ChangeEntry.id).where(ChangeEntry.id > head - self.lookback))
        )
        now = time.monotonic()
        self.gaps = {
            i: now for i in range(max(1, head - self.lookback + 1), head + 1) if i not in present
        }
        self.last_id = head

    def read(self, session: Session) -> ChangeBatch:
        """The changes logged since the last read (or still-missing gaps that appeared).

        When the log was pruned above this feed's position (it fell behind by more than the
        retention), the batch asks for a rebuild.
        """
        now = time.monotonic()
        position = self.last_id
        self.gaps = {i: t for i, t in self.gaps.items() if now - t < self.gap_timeout_s}
        condition = ChangeEntry.id > self.last_id
        if self.gaps:
            # As ranges, not one IN (…) of ids: a bulk import in flight leaves a gap of as many
            # ids as it writes rows (~100,000), past PostgreSQL's 65,535 parameters. Scattered
            # gaps (writers interleaving) are read from the first on, and filtered here.
            ranges = _ranges(self.gaps)
            if len(ranges) > MAX_GAP_RANGES:
                ranges = [(ranges[0][0], self.last_id)]
            condition = or_(condition, *(ChangeEntry.id.between(lo, hi) for lo, hi in ranges))
        rows = session.execute(
            select(ChangeEntry.id, ChangeEntry.entity, ChangeEntry.entity_id)
            .where(condition)
            .order_by(ChangeEntry.id)
        ).all()
        batch = ChangeBatch()
        for row_id, entity, entity_id in rows:
            if row_id <= position and row_id not in self.gaps:
                continue  # read before
            self.gaps.pop(row_id, None)
            if row_id > self.last_id:
                self.gaps.update((i, now) for i in range(self.last_id + 1, row_id))
                self.last_id = row_id
            if entity == PRUNED:
                if entity_id is not None and entity_id - 1 > position:
                    batch.rebuild = True  # entries this feed never read may be gone
                continue
            batch.add(entity, entity_id)
        return batch


#: Entries younger than this are never pruned: a feed watches a gap for 30 s at most.
MIN_AGE = timedelta(hours=1)


def prune_horizon(
    session: Session, *, retention: timedelta, keep_from: int | None = None
) -> int | None:
    """The lowest id to keep: entries below it may be deleted (``None``: nothing to prune).

    Entries newer than ``retention`` (and than :data:`MIN_AGE`) are kept; so is every entry
    from ``keep_from`` on (the change id the oldest index snapshot covers, plus one), and the
    newest entry (SQLite would hand a deleted top id out again).
    """
    cutoff = utcnow() - max(retention, MIN_AGE)
    head = session.scalar(select(func.max(ChangeEntry.id)))
    if head is None:
        return None
    first_recent = session.scalar(select(func.min(ChangeEntry.id)).where(ChangeEntry.at >= cutoff))
    horizon = int(head if first_recent is None else min(first_recent, head))
    if keep_from is not None:
        horizon = min(horizon, keep_from)
    oldest = session.scalar(select(func.min(ChangeEntry.id)))
    if oldest is None or horizon <= oldest:
        return None
    return horizon


def prune(
    factory: sessionmaker[Session],
    *,
    retention: timedelta = timedelta(days=7),
    keep_from: int | None = None,
    batch_size: int = 5000,
    pause_s: float = 0.0,
) -> int:
    """Delete the entries below :func:`prune_horizon` in batches; returns how many.

    The first transaction logs a :data:`PRUNED` entry naming the horizon before anything is
    deleted, so a feed still below it rebuilds instead of reading past the hole. Each batch
    commits on its own (a short write lock on SQLite); ``pause_s`` sleeps between batches.
    """
    with factory() as session:
        horizon = prune_horizon(session, retention=retention, keep_from=keep_from)
        if horizon is None:
            return 0
        record(session, PRUNED, horizon)
        session.commit()
    deleted = 0
    while True:
        with factory() as session:
            ids = list(
                session.scalars(
                    select(ChangeEntry.id)
                    .where(ChangeEntry.id < horizon)
                    .order_by(ChangeEntry.id)
                    .limit(batch_size)
                )
            )
            if not ids:
                break
            session.execute(delete(ChangeEntry).where(ChangeEntry.id.in_(ids)))
            session.commit()
        deleted += len(ids)
        if len(ids) < batch_size:
            break
        if pause_s:
            time.sleep(pause_s)
    log.info("change log pruned below id %d: %d entries deleted", horizon, deleted)
    return deleted


class Pruner(PeriodicFlush):
    """Prunes the change log from a background thread every ``interval_s`` (default an hour).

    Every worker may run one: a second pruner finds nothing left to delete. ``keep_from``
    (when given) names the lowest change id an index snapshot still needs.
    """

    def __init__(
        self,
        factory: sessionmaker[Session],
        *,
        retention: timedelta,
        interval_s: float = 3600.0,
        keep_from: Callable[[], int | None] | None = None,
    ) -> None:
        super().__init__(thread_name="change-log-pruner", interval_s=interval_s)
        self._factory = factory
        self._retention = retention
        self._keep_from = keep_from

    def stop(self) -> None:
        """Stop the pruner (without a last pass: pruning can wait for the next worker)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None

    def flush(self) -> int:
        """Prune once (failures are logged: the next pass tries again)."""
        try:
            keep = self._keep_from() if self._keep_from is not None else None
            return prune(self._factory, retention=self._retention, keep_from=keep, pause_s=0.05)
        except Exception:
            log.exception("change log: pruning failed; trying again at the next pass")
            return 0
