"""Capital tables: position-sizing decisions, capital router allocations, capital events
and the scaling engine's latest status per run.

Column types are spelled out here (not imported from the models) so this revision never
changes: instants are TIMESTAMP WITH TIME ZONE (ISO-8601 UTC text on SQLite); the sizing
and allocation figures are explanations, stored as floats; JSON documents are text.

Revision ID: 0002
Revises: 0001
Create Date: 2025-02-01
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_INSTANT = sa.DateTime(timezone=True).with_variant(sa.String(32), "sqlite")


def _run_columns() -> list[sa.Column[Any]]:
    """`run_id` (part of the primary key) and `seq`, as in signals and risk_decisions."""
    return [
        sa.Column("run_id", sa.String(length=64), nullable=False),
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "sizing_decisions",
        *_run_columns(),
        sa.Column("ts", _INSTANT, nullable=False),
        sa.Column("market", sa.String(length=32), nullable=False),
        sa.Column("symbol", sa.String(length=64), nullable=False),
        sa.Column("strategies", sa.Text(), nullable=False),
        sa.Column("method", sa.String(length=16), nullable=False),
        sa.Column("available_balance", sa.Float(), nullable=False),
        sa.Column("capital", sa.Float(), nullable=False),
        sa.Column("base_position", sa.Float(), nullable=False),
        sa.Column("vol_leverage", sa.Float(), nullable=False),
        sa.Column("regime", sa.String(length=32), nullable=True),
        sa.Column("regime_multiplier", sa.Float(), nullable=False),
        sa.Column("sharpe", sa.Float(), nullable=True),
        sa.Column("sharpe_factor", sa.Float(), nullable=False),
        sa.Column("protection_level", sa.String(length=32), nullable=False),
        sa.Column("protection_multiplier", sa.Float(), nullable=False),
        sa.Column("final_position", sa.Float(), nullable=False),
        sa.Column("binding", sa.String(length=32), nullable=False),
        sa.Column("client_order_id", sa.String(length=96), nullable=True),
        sa.Column("factors", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"], ["runs.run_id"], name=op.f("fk_sizing_decisions_run_id_runs")
        ),
        sa.PrimaryKeyConstraint("run_id", "seq", name=op.f("pk_sizing_decisions")),
    )
    op.create_index(
        op.f("ix_sizing_decisions_run_id_symbol_ts"),
        "sizing_decisions",
        ["run_id", "symbol", "ts"],
        unique=False,
    )
    op.create_table(
        "allocations",
        *_run_columns(),
        sa.Column("ts", _INSTANT, nullable=False),
        sa.Column("market", sa.String(length=32), nullable=False),
        sa.Column("strategy", sa.String(length=128), nullable=False),
        sa.Column("share", sa.Float(), nullable=False),
        sa.Column("amount", sa.Float(), nullable=False),
        sa.Column("bound", sa.String(length=8), nullable=True),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"], ["runs.run_id"], name=op.f("fk_allocations_run_id_runs")
        ),
        sa.PrimaryKeyConstraint("run_id", "seq", name=op.f("pk_allocations")),
    )
    op.create_index(
        op.f("ix_allocations_run_id_market_ts"),
        "allocations",
        ["run_id", "market", "ts"],
        unique=False,
    )
    op.create_table(
        "capital_events",
        *_run_columns(),
        sa.Column("ts", _INSTANT, nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"], ["runs.run_id"], name=op.f("fk_capital_events_run_id_runs")
        ),
        sa.PrimaryKeyConstraint("run_id", "seq", name=op.f("pk_capital_events")),
    )
    op.create_index(
        op.f("ix_capital_events_run_id_kind"), "capital_events", ["run_id", "kind"], unique=False
    )
    op.create_table(
        "capital_status",
        sa.Column("run_id", sa.String(length=64), nullable=False),
        sa.Column("ts", _INSTANT, nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"], ["runs.run_id"], name=op.f("fk_capital_status_run_id_runs")
        ),
        sa.PrimaryKeyConstraint("run_id", name=op.f("pk_capital_status")),
    )


def downgrade() -> None:
    op.drop_table("capital_status")
    op.drop_table("capital_events")
    op.drop_table("allocations")
    op.drop_table("sizing_decisions")
