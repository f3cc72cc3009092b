"""百场万企 campaigns (活动): many sessions, by chain and region, with targets and a report."""

import datetime as dt
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, TimestampMixin
from app.models.deal import WanAmount


class Campaign(TimestampMixin, Base):
    """A campaign run by an organizer: its sessions, chain, region, period and targets."""

    __tablename__ = "campaigns"
    __table_args__ = (
        CheckConstraint("ends_on >= starts_on", name="period"),
        CheckConstraint(
            "target_sessions >= 0 AND target_firms >= 0 AND target_intents >= 0",
            name="targets",
        ),
        Index("ix_campaigns_organization_id", "organization_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    chain_id: Mapped[int | None] = mapped_column(ForeignKey("chains.id", ondelete="SET NULL"))
    region_code: Mapped[str | None] = mapped_column(String(6))
    starts_on: Mapped[dt.date] = mapped_column(Date)
    ends_on: Mapped[dt.date] = mapped_column(Date)
    target_sessions: Mapped[int] = mapped_column(Integer, default=0)
    target_firms: Mapped[int] = mapped_column(Integer, default=0)
    target_intents: Mapped[int] = mapped_column(Integer, default=0)
    target_signed_wan: Mapped[Decimal] = mapped_column(
        "target_signed_yuan", WanAmount(), default=Decimal(0)
    )
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class CampaignEvent(Base):
    """A session counted in a campaign."""

    __tablename__ = "campaign_events"
    __table_args__ = (Index("ix_campaign_events_event_id", "event_id"),)

    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), primary_key=True
    )
    event_id: Mapped[int] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), primary_key=True
    )
