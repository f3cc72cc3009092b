"""The change log, written with every change the matching index mirrors, and read by each worker.

Every worker process keeps its own matching index and catches up by reading the change log
from where it left off. Ids come from a sequence, but transactions can commit out of order
(id 10 visible before id 9), so ids skipped over are remembered as *gaps* and looked for
again until they appear or time out (a rolled-back transaction leaves a gap for ever).
"""

import time
from dataclasses import dataclass, field

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from app.models import ChangeEntry

PROFILE = "profile"
NEED = "need"
ORGANIZATION = "organization"
MODEL = "model"  # the active re-ranker version changed
API_KEY = "api_key"  # a key was revoked: workers drop it from their key caches
INTEREST = "interest"  # the interest marks on a need (the entity id) changed
EVERYTHING = "all"
#: ``Session.info`` holds the changes a session logged, so its commit can wake the index.
CHANGES_KEY = "xieshou_changes"


def record(session: Session, entity: str, entity_id: int | None) -> None:
    """Log a change in the caller's transaction (it commits or rolls back with the change)."""
    session.add(ChangeEntry(entity=entity, entity_id=entity_id))
    session.info.setdefault(CHANGES_KEY, []).append((entity, entity_id))


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
        """The changes logged since the last read (or still-missing gaps that appeared)."""
        now = time.monotonic()
        self.gaps = {i: t for i, t in self.gaps.items() if now - t < self.gap_timeout_s}
        condition = ChangeEntry.id > self.last_id
        if self.gaps:
            condition = or_(condition, ChangeEntry.id.in_(list(self.gaps)))
        rows = session.execute(
            select(ChangeEntry.id, ChangeEntry.entity, ChangeEntry.entity_id)
            .where(condition)
            .order_by(ChangeEntry.id)
        ).all()
        batch = ChangeBatch()
        for row_id, entity, entity_id in rows:
            self.gaps.pop(row_id, None)
            if row_id > self.last_id:
                self.gaps.update((i, now) for i in range(self.last_id + 1, row_id))
                self.last_id = row_id
            batch.add(entity, entity_id)
        return batch
