"""chain map: chains, chain_nodes, chain_edges, placements

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def _timestamps() -> list[sa.Column[object]]:
    return [
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    ]


def _fk(column: str, table: str, *, nullable: bool = False) -> sa.Column[int]:
    return sa.Column(
        column, sa.Integer(), sa.ForeignKey(f"{table}.id", ondelete="CASCADE"), nullable=nullable
    )


def upgrade() -> None:
    op.create_table(
        "chains",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        *_timestamps(),
        sa.UniqueConstraint("name", name="uq_chains_name"),
    )
    op.create_table(
        "chain_nodes",
        sa.Column("id", sa.Integer(), primary_key=True),
        _fk("chain_id", "chains"),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("stage", sa.Integer(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("products", JSON, nullable=False),
        sa.Column("keywords", JSON, nullable=False),
        *_timestamps(),
        sa.UniqueConstraint("chain_id", "name", name="uq_chain_nodes_chain_id_name"),
        sa.CheckConstraint("stage >= 0", name="stage"),
    )
    op.create_table(
        "chain_edges",
        sa.Column("id", sa.Integer(), primary_key=True),
        _fk("chain_id", "chains"),
        _fk("input_node_id", "chain_nodes"),
        _fk("output_node_id", "chain_nodes"),
        sa.UniqueConstraint(
            "input_node_id", "output_node_id", name="uq_chain_edges_input_node_id_output"
        ),
        sa.CheckConstraint("input_node_id <> output_node_id", name="no_self_loop"),
    )
    op.create_index("ix_chain_edges_chain_id", "chain_edges", ["chain_id"])
    op.create_table(
        "placements",
        sa.Column("id", sa.Integer(), primary_key=True),
        _fk("chain_id", "chains"),
        _fk("node_id", "chain_nodes", nullable=True),
        _fk("profile_id", "capability_profiles", nullable=True),
        _fk("need_id", "supply_needs", nullable=True),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("source", sa.String(8), nullable=False),
        sa.Column("reviewed", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("term", sa.String(200), nullable=False),
        *_timestamps(),
        sa.CheckConstraint("(profile_id IS NULL) <> (need_id IS NULL)", name="one_subject"),
        sa.CheckConstraint("confidence >= 0 AND confidence <= 1", name="confidence"),
        sa.CheckConstraint("source IN ('model', 'operator')", name="source"),
        sa.CheckConstraint("node_id IS NOT NULL OR source = 'operator'", name="empty_is_operator"),
    )
    op.create_index("ix_placements_chain_id_node_id", "placements", ["chain_id", "node_id"])
    op.create_index("ix_placements_profile_id", "placements", ["profile_id"])
    op.create_index("ix_placements_need_id", "placements", ["need_id"])


def downgrade() -> None:
    op.drop_table("placements")
    op.drop_table("chain_edges")
    op.drop_table("chain_nodes")
    op.drop_table("chains")
