"""The change log: what every worker's matching index must catch up with."""

from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, UTCDateTime, utcnow


class ChangeEntry(Base):
    """One write to a record the matching index mirrors (profile, need or organization).

    Written in the same transaction as the change, so a worker that reads it can read the
    change too. ``entity`` ``"all"`` asks every worker to rebuild its index.
    """

    __tablename__ = "change_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    entity: Mapped[str] = mapped_column(String(16))
    entity_id: Mapped[int | None] = mapped_column(Integer)
