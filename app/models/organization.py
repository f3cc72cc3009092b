"""Organizations: large firms, SMEs and organizers."""

from typing import TYPE_CHECKING

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, TimestampMixin
from app.models.enums import OrganizationKind, Tier

if TYPE_CHECKING:
    from app.models.profile import CapabilityProfile


def _in(column: str, values: type[OrganizationKind] | type[Tier]) -> str:
    return f"{column} IN ({', '.join(repr(v.value) for v in values)})"


class Organization(TimestampMixin, Base):
    """A firm or an organizer, identified by its 统一社会信用代码 (USCC)."""

    __tablename__ = "organizations"
    __table_args__ = (
        CheckConstraint(_in("kind", OrganizationKind), name="kind"),
        CheckConstraint(f"tier IS NULL OR {_in('tier', Tier)}", name="tier"),
        Index("ix_organizations_region_code", "region_code"),
        # deleting a firm looks up those it registered (ON DELETE SET NULL on itself)
        Index("ix_organizations_registered_by_id", "registered_by_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(200))
    uscc: Mapped[str] = mapped_column(String(18), unique=True)
    region_code: Mapped[str | None] = mapped_column(String(6))
    #: True when ``region_code`` was inferred (e.g. from the registered name), not declared.
    region_inferred: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    #: An id from the system the record was imported from; unique when present.
    external_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    tier: Mapped[str | None] = mapped_column(String(16))
    tier_year: Mapped[int | None] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(Text, default="")
    website: Mapped[str | None] = mapped_column(String(500))
    contact_person: Mapped[str | None] = mapped_column(String(100))
    contact_phone: Mapped[str | None] = mapped_column(String(50))
    contact_email: Mapped[str | None] = mapped_column(String(320))
    registered_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="SET NULL")
    )
    version: Mapped[int] = mapped_column(Integer, default=1)

    industries: Mapped[list["OrganizationIndustry"]] = relationship(
        back_populates="organization",
        cascade="all, delete-orphan",
        passive_deletes=True,
        lazy="raise",
        order_by="OrganizationIndustry.position",
    )
    products: Mapped[list["OrganizationProduct"]] = relationship(
        back_populates="organization",
        cascade="all, delete-orphan",
        passive_deletes=True,
        lazy="raise",
        order_by="OrganizationProduct.position",
    )
    profile: Mapped["CapabilityProfile | None"] = relationship(
        back_populates="organization", lazy="raise", passive_deletes=True
    )

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012

    @property
    def industry_codes(self) -> list[str]:
        """The organization's GB/T 4754 codes, in the order given."""
        return [row.code for row in self.industries]


class OrganizationIndustry(Base):
    """One GB/T 4754-2017 code of an organization (a table, so code prefixes can be searched)."""

    __tablename__ = "organization_industries"
    __table_args__ = (Index("ix_organization_industries_code", "code"),)

    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), primary_key=True
    )
    code: Mapped[str] = mapped_column(String(5), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)

    organization: Mapped[Organization] = relationship(back_populates="industries", lazy="raise")


class OrganizationProduct(Base):
    """One of a firm's own main products (主营产品), with its share of revenue when known.

    Large firms have no capability profile; chain discovery (补链) reads what they make here.
    """

    __tablename__ = "organization_products"
    __table_args__ = (
        CheckConstraint("share IS NULL OR (share >= 0 AND share <= 1)", name="share"),
    )

    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    share: Mapped[float | None] = mapped_column(Float)

    organization: Mapped[Organization] = relationship(back_populates="products", lazy="raise")
