"""Index snapshots: which persisted matching index covers which change-log id."""

from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, UTCDateTime, utcnow


class IndexSnapshot(Base):
    """A matching-index snapshot a worker wrote to its machine's snapshot folder.

    ``token`` names the folder (and is repeated in its manifest): a worker loads a folder only
    if this database lists it, so a snapshot of another (or a re-created) database is never
    used. ``change_id`` is the last change-log id the snapshot covers: the change log may be
    pruned up to the oldest snapshot's (:func:`app.matches.snapshots.oldest_snapshot_change_id`).
    """

    __tablename__ = "index_snapshots"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token: Mapped[str] = mapped_column(String(32), unique=True)
    format_version: Mapped[int] = mapped_column(Integer)
    change_id: Mapped[int] = mapped_column(Integer)
    profiles: Mapped[int] = mapped_column(Integer)
    open_needs: Mapped[int] = mapped_column(Integer)
    host: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
