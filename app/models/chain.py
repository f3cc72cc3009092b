"""产业链图谱: chains, their nodes (环节, upstream → downstream), input → output edges, and the
placements of profiles and needs on nodes."""

from enum import StrEnum

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, JSONType, TimestampMixin


class PlacementSource(StrEnum):
    """Who put a profile or need on a node."""

    model = "model"  # the similarity model (recomputed on every write of the subject)
    operator = "operator"  # an operator's override (never replaced by the model)


class Chain(TimestampMixin, Base):
    """An industry chain (新能源汽车, 集成电路 …)."""

    __tablename__ = "chains"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=1)

    nodes: Mapped[list["ChainNode"]] = relationship(
        back_populates="chain",
        lazy="raise",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="(ChainNode.stage, ChainNode.id)",
    )

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class ChainNode(TimestampMixin, Base):
    """A link (环节) of a chain: ``stage`` 0 is the most upstream."""

    __tablename__ = "chain_nodes"
    __table_args__ = (
        UniqueConstraint("chain_id", "name", name="uq_chain_nodes_chain_id_name"),
        CheckConstraint("stage >= 0", name="stage"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    chain_id: Mapped[int] = mapped_column(ForeignKey("chains.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    stage: Mapped[int] = mapped_column(Integer, default=0)
    description: Mapped[str] = mapped_column(Text, default="")
    products: Mapped[list[str]] = mapped_column(JSONType, default=list)
    keywords: Mapped[list[str]] = mapped_column(JSONType, default=list)

    chain: Mapped[Chain] = relationship(back_populates="nodes", lazy="raise")


class ChainEdge(Base):
    """``input_node`` supplies ``output_node`` (both of the same chain)."""

    __tablename__ = "chain_edges"
    __table_args__ = (
        UniqueConstraint(
            "input_node_id", "output_node_id", name="uq_chain_edges_input_node_id_output"
        ),
        CheckConstraint("input_node_id <> output_node_id", name="no_self_loop"),
        Index("ix_chain_edges_chain_id", "chain_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    chain_id: Mapped[int] = mapped_column(ForeignKey("chains.id", ondelete="CASCADE"))
    input_node_id: Mapped[int] = mapped_column(ForeignKey("chain_nodes.id", ondelete="CASCADE"))
    output_node_id: Mapped[int] = mapped_column(ForeignKey("chain_nodes.id", ondelete="CASCADE"))


class Placement(TimestampMixin, Base):
    """A profile or a need placed on a chain node, with a confidence in [0, 1].

    An operator's ``node_id IS NULL`` row says "this subject is on no node of this chain"; any
    operator row (or a reviewed model row) of a subject in a chain freezes that chain's
    placements of the subject against the model.
    """

    __tablename__ = "placements"
    __table_args__ = (
        CheckConstraint("(profile_id IS NULL) <> (need_id IS NULL)", name="one_subject"),
        CheckConstraint("confidence >= 0 AND confidence <= 1", name="confidence"),
        CheckConstraint("source IN ('model', 'operator')", name="source"),
        CheckConstraint("node_id IS NOT NULL OR source = 'operator'", name="empty_is_operator"),
        Index("ix_placements_chain_id_node_id", "chain_id", "node_id"),
        Index("ix_placements_profile_id", "profile_id"),
        Index("ix_placements_need_id", "need_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    chain_id: Mapped[int] = mapped_column(ForeignKey("chains.id", ondelete="CASCADE"))
    node_id: Mapped[int | None] = mapped_column(ForeignKey("chain_nodes.id", ondelete="CASCADE"))
    profile_id: Mapped[int | None] = mapped_column(
        ForeignKey("capability_profiles.id", ondelete="CASCADE")
    )
    need_id: Mapped[int | None] = mapped_column(ForeignKey("supply_needs.id", ondelete="CASCADE"))
    confidence: Mapped[float] = mapped_column(Float)
    source: Mapped[str] = mapped_column(String(8), default=PlacementSource.model.value)
    reviewed: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    #: The product or wanted term that put the subject here ("" for an operator's choice).
    term: Mapped[str] = mapped_column(String(200), default="")
