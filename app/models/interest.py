"""Interest marks: a buyer's mark on a candidate SME for a need, an SME's mark on a need."""

from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, TimestampMixin
from app.models.event import EnteredByMixin, Side, author_check


class InterestValue(StrEnum):
    """What one side says about a pairing."""

    interested = "interested"
    declined = "declined"


def _in(column: str, values: type[StrEnum]) -> str:
    return f"{column} IN ({', '.join(repr(v.value) for v in values)})"


class InterestMark(EnteredByMixin, TimestampMixin, Base):
    """One side's mark on a (need, profile) pair: at most one row per side.

    ``side`` ``buyer`` is the need's firm marking the SME of ``profile_id``; ``sme`` is that
    SME marking the need. Contacts are revealed when both sides are ``interested``
    (see :mod:`app.consent`).
    """

    __tablename__ = "interest_marks"
    __table_args__ = (
        CheckConstraint(_in("side", Side), name="side"),
        CheckConstraint(_in("value", InterestValue), name="value"),
        UniqueConstraint("need_id", "profile_id", "side"),
        author_check("entered_by"),
        Index("ix_interest_marks_profile_id", "profile_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    need_id: Mapped[int] = mapped_column(ForeignKey("supply_needs.id", ondelete="CASCADE"))
    profile_id: Mapped[int] = mapped_column(
        ForeignKey("capability_profiles.id", ondelete="CASCADE")
    )
    side: Mapped[str] = mapped_column(String(8))
    value: Mapped[str] = mapped_column(String(16))
