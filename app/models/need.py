"""配套需求 / 补链需求 / 技术攻关: a large firm's supply need."""

from datetime import date

from sqlalchemy import CheckConstraint, Date, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, JSONType, TimestampMixin
from app.models.enums import NeedKind, NeedStatus
from app.models.organization import Organization


def _in(column: str, values: type[NeedKind] | type[NeedStatus]) -> str:
    return f"{column} IN ({', '.join(repr(v.value) for v in values)})"


class SupplyNeed(TimestampMixin, Base):
    """What a large firm needs (``products``) and what it is for (``application``)."""

    __tablename__ = "supply_needs"
    __table_args__ = (
        CheckConstraint(_in("kind", NeedKind), name="kind"),
        CheckConstraint(_in("status", NeedStatus), name="status"),
        Index("ix_supply_needs_organization_id", "organization_id"),
        Index("ix_supply_needs_status", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(8), default=NeedStatus.draft.value)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    products: Mapped[list[str]] = mapped_column(JSONType, default=list)
    application: Mapped[str] = mapped_column(String(500), default="")
    quantity: Mapped[float | None] = mapped_column(Float)
    quantity_unit: Mapped[str | None] = mapped_column(String(50))
    required_certifications: Mapped[list[str]] = mapped_column(JSONType, default=list)
    preferred_regions: Mapped[list[str]] = mapped_column(JSONType, default=list)
    deadline: Mapped[date | None] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer, default=1)

    organization: Mapped[Organization] = relationship(lazy="raise")

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012
