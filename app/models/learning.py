"""Learning from outcomes: shortlists shown, interactions, and re-ranker versions.

The two log tables carry plain ids without foreign keys (like the audit and change logs):
they are history, kept when the records they point to are gone, and written cheaply.
"""

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Boolean, CheckConstraint, Float, Index, Integer, String, false
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, JSONType, UTCDateTime, utcnow


class ModelStatus(StrEnum):
    """Life of a trained re-ranker version."""

    active = "active"  # the one shortlists use (at most one)
    retired = "retired"  # was active, replaced by a newer promotion
    rolled_back = "rolled_back"  # was active, withdrawn by ``xieshou model rollback``
    rejected = "rejected"  # trained, not better than the model it was compared with


class Impression(Base):
    """One candidate in one shortlist served to a buyer: its position and pair features."""

    __tablename__ = "impressions"
    __table_args__ = (
        Index("ix_impressions_need_id", "need_id", "profile_id"),
        Index("ix_impressions_profile_id", "profile_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    shown_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: One id per shortlist served (the rows of one shortlist share it).
    batch: Mapped[str] = mapped_column(String(32))
    need_id: Mapped[int] = mapped_column(Integer)
    profile_id: Mapped[int] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer)  # 1-based rank as shown
    score: Mapped[float] = mapped_column(Float)  # the engine's score
    features: Mapped[list[float]] = mapped_column(JSONType)
    model_version_id: Mapped[int | None] = mapped_column(Integer)
    explored: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class Interaction(Base):
    """Something one side did about a pairing: a mark, a meeting held, an outcome.

    Marks name the (need, profile) pair; meetings name the two organizations (a meeting is
    between firms, not about one need).
    """

    __tablename__ = "interactions"
    __table_args__ = (
        Index("ix_interactions_need_id", "need_id", "profile_id"),
        Index("ix_interactions_buyer_organization_id", "buyer_organization_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: ``buyer.interested``, ``sme.declined``, ``buyer.withdrawn``, ``meeting.intent`` …
    kind: Mapped[str] = mapped_column(String(32))
    need_id: Mapped[int | None] = mapped_column(Integer)
    profile_id: Mapped[int | None] = mapped_column(Integer)
    buyer_organization_id: Mapped[int | None] = mapped_column(Integer)
    sme_organization_id: Mapped[int | None] = mapped_column(Integer)
    meeting_id: Mapped[int | None] = mapped_column(Integer)


class ModelVersion(Base):
    """A trained shortlist re-ranker: plain coefficients (JSON, never a pickle) and metrics."""

    __tablename__ = "model_versions"
    __table_args__ = (
        CheckConstraint(
            f"status IN ({', '.join(repr(s.value) for s in ModelStatus)})", name="status"
        ),
        Index("ix_model_versions_status", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    status: Mapped[str] = mapped_column(String(16))
    artifact: Mapped[dict[str, Any]] = mapped_column(JSONType)
    metrics: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    promoted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: The version that was active when this one was promoted (rollback returns to it).
    previous_id: Mapped[int | None] = mapped_column(Integer)
