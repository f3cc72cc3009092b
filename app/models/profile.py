"""能力画像: an SME's capability profile (one per SME)."""

from typing import Any

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, JSONType, TimestampMixin
from app.models.organization import Organization


class CapabilityProfile(TimestampMixin, Base):
    """What an SME can make: products, technologies, processes, materials, certifications.

    List-valued fields are JSON arrays: they are read and written whole, and the matching
    index (not SQL) searches them.
    """

    __tablename__ = "capability_profiles"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), unique=True
    )
    #: ``[{"name": "车规级MCU", "share": 0.4}, …]``; share of revenue is optional.
    products: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    technologies: Mapped[list[str]] = mapped_column(JSONType, default=list)
    processes: Mapped[list[str]] = mapped_column(JSONType, default=list)
    materials: Mapped[list[str]] = mapped_column(JSONType, default=list)
    #: ``[{"standard": "IATF 16949", "number": "…", "valid_until": "2027-05-01"}, …]``
    certifications: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    capacity: Mapped[str | None] = mapped_column(String(500))
    minimum_order: Mapped[str | None] = mapped_column(String(500))
    regions_served: Mapped[list[str]] = mapped_column(JSONType, default=list)
    description: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=1)

    organization: Mapped[Organization] = relationship(back_populates="profile", lazy="raise")

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012
