"""Deals after a session (意向 → 送样/验厂 → 小批量 → 签约 → 稳定供货, or 终止) and meeting ratings."""

import datetime as dt
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, TimestampMixin, UTCDateTime, utcnow
from app.models.event import EnteredByMixin, author_check


class DealStage(StrEnum):
    """Where a deal stands; the first five in order, 终止 from any of them."""

    intent = "intent"  # 意向
    sample = "sample"  # 送样/验厂
    trial = "trial"  # 小批量
    signed = "signed"  # 签约
    supplying = "supplying"  # 稳定供货
    ended = "ended"  # 终止


#: The stages a deal moves through, in order.
STAGE_ORDER: tuple[DealStage, ...] = (
    DealStage.intent,
    DealStage.sample,
    DealStage.trial,
    DealStage.signed,
    DealStage.supplying,
)
#: Stages at which a deal counts as a contract (签约 or later): supply on its chain node.
CONTRACTED = frozenset({DealStage.signed, DealStage.supplying})


def _in(column: str, values: type[StrEnum]) -> str:
    return f"{column} IN ({', '.join(repr(v.value) for v in values)})"


class WanAmount(TypeDecorator[Decimal]):
    """An amount in 万元, kept exactly as a whole number of 元 (万元 × 10 000).

    Integers sum exactly in SQL on both databases; SQLite has no decimal type.
    """

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> int | None:
        if value is None:
            return None
        return int((Decimal(value) * 10_000).to_integral_value())

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        return plain_wan(Decimal(int(value)) / 10_000)


def plain_wan(amount: Decimal) -> Decimal:
    """An amount in 万元 to the 元, without trailing zeros (``120.5``, ``120``, ``0.0001``)."""
    text = format(amount.quantize(Decimal("0.0001")), "f")
    return Decimal(text.rstrip("0").rstrip(".") if "." in text else text)


class Deal(EnteredByMixin, TimestampMixin, Base):
    """A deal between a large firm and an SME, born of a meeting or of a mutual interest.

    ``entered_by_*`` is who opened it. ``stage_changed_at`` is the last stage change (the
    follow-up prompts count from it); ``signed_on`` the day it reached 签约 (reports by period).
    """

    __tablename__ = "deals"
    __table_args__ = (
        CheckConstraint(_in("stage", DealStage), name="stage"),
        CheckConstraint("amount_yuan IS NULL OR amount_yuan >= 0", name="amount"),
        CheckConstraint("payment_term_days IS NULL OR payment_term_days >= 0", name="payment_term"),
        author_check("entered_by"),
        UniqueConstraint("meeting_id"),
        UniqueConstraint("need_id", "sme_organization_id"),
        Index("ix_deals_buyer_organization_id", "buyer_organization_id"),
        Index("ix_deals_sme_organization_id", "sme_organization_id"),
        Index("ix_deals_event_id", "event_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    buyer_organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE")
    )
    sme_organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE")
    )
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="SET NULL"))
    meeting_id: Mapped[int | None] = mapped_column(
        ForeignKey("event_meetings.id", ondelete="SET NULL")
    )
    need_id: Mapped[int | None] = mapped_column(ForeignKey("supply_needs.id", ondelete="SET NULL"))
    #: The chain node the deal supplies (from the need's or the SME's top placement, or given).
    node_id: Mapped[int | None] = mapped_column(ForeignKey("chain_nodes.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(200), default="")
    stage: Mapped[str] = mapped_column(String(16), default=DealStage.intent.value)
    #: 合同金额 (万元), stored as 元.
    amount_wan: Mapped[Decimal | None] = mapped_column("amount_yuan", WanAmount())
    expected_signing_on: Mapped[dt.date | None] = mapped_column(Date)
    expected_supply_on: Mapped[dt.date | None] = mapped_column(Date)
    #: 账期: days the large firm takes to pay the SME after delivery.
    payment_term_days: Mapped[int | None] = mapped_column(Integer)
    end_reason: Mapped[str] = mapped_column(Text, default="")
    stage_changed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    signed_on: Mapped[dt.date | None] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class DealStageChange(Base):
    """One change of a deal's stage: from, to, who and when (the deal's history)."""

    __tablename__ = "deal_stage_changes"
    __table_args__ = (
        author_check("by"),
        Index("ix_deal_stage_changes_deal_id", "deal_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    deal_id: Mapped[int] = mapped_column(ForeignKey("deals.id", ondelete="CASCADE"))
    from_stage: Mapped[str | None] = mapped_column(String(16))
    to_stage: Mapped[str] = mapped_column(String(16))
    changed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    by_role: Mapped[str | None] = mapped_column(String(16))
    by_organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="SET NULL")
    )
    by_key_id: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text, default="")


class MeetingRating(TimestampMixin, Base):
    """A firm's word on a meeting it had: useful or not, one line. Private to organizers."""

    __tablename__ = "meeting_ratings"
    __table_args__ = (
        author_check("entered_by"),
        UniqueConstraint("meeting_id", "organization_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("event_meetings.id", ondelete="CASCADE"))
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    useful: Mapped[bool] = mapped_column(Boolean)
    comment: Mapped[str] = mapped_column(String(200), default="")
    entered_by_role: Mapped[str | None] = mapped_column(String(16))
