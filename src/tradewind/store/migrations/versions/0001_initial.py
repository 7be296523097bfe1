"""Initial journal schema: runs, signals, risk decisions, orders and their events,
fills, position snapshots, equity curve and risk state.

Column types are spelled out here (not imported from the models) so this revision never
changes: amounts are NUMERIC(38, 12) (canonical text on SQLite), instants TIMESTAMP WITH
TIME ZONE (ISO-8601 UTC text on SQLite).

Revision ID: 0001
Revises:
Create Date: 2025-01-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

_AMOUNT = sa.Numeric(38, 12).with_variant(sa.String(64), "sqlite")
_INSTANT = sa.DateTime(timezone=True).with_variant(sa.String(32), "sqlite")
_SERIAL = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "runs",
        sa.Column("run_id", sa.String(length=64), nullable=False),
        sa.Column("mode", sa.String(length=16), nullable=False),
        sa.Column("created_at", _INSTANT, nullable=False),
        sa.Column("config_json", sa.Text(), nullable=False),
        sa.Column("config_hash", sa.String(length=64), nullable=False),
        sa.Column("code_version", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("finished_at", _INSTANT, nullable=True),
        sa.Column("summary_json", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("run_id", name=op.f("pk_runs")),
    )
    op.create_index(op.f("ix_runs_config_hash"), "runs", ["config_hash"], unique=False)
    op.create_index(op.f("ix_runs_mode_created_at"), "runs", ["mode", "created_at"], unique=False)
    op.create_table(
        "equity",
        sa.Column("point_id", _SERIAL, nullable=False),
        sa.Column("run_id", sa.String(length=64), nullable=False),
        sa.Column("ts", _INSTANT, nullable=False),
        sa.Column("equity", _AMOUNT, nullable=False),
        sa.Column("cash", _AMOUNT, nullable=False),
        sa.Column("gross_exposure", _AMOUNT, nullable=False),
        sa.Column("net_exposure", _AMOUNT, nullable=False),
        sa.Column("leverage", sa.Float(), nullable=False),
        sa.Column("drawdown", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(["run_id"], ["runs.run_id"], name=op.f("fk_equity_run_id_runs")),
        sa.PrimaryKeyConstraint("point_id", name=op.f("pk_equity")),
    )
    op.create_index(op.f("ix_equity_run_id_ts"), "equity", ["run_id", "ts"], unique=False)
    op.create_table(
        "orders",
        sa.Column("client_order_id", sa.String(length=96), nullable=False),
        sa.Column("run_id", sa.String(length=64), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("ts_created", _INSTANT, nullable=False),
        sa.Column("market", sa.String(length=32), nullable=False),
        sa.Column("symbol", sa.String(length=64), nullable=False),
        sa.Column("side", sa.String(length=8), nullable=False),
        sa.Column("order_type", sa.String(length=16), nullable=False),
        sa.Column("quantity", _AMOUNT, nullable=False),
        sa.Column("price", _AMOUNT, nullable=True),
        sa.Column("trigger_price", _AMOUNT, nullable=True),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("filled_qty", _AMOUNT, nullable=False),
        sa.Column("strategies", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("venue", sa.String(length=32), nullable=True),
        sa.Column("venue_order_id", sa.String(length=128), nullable=True),
        sa.Column("updated_at", _INSTANT, nullable=False),
        sa.ForeignKeyConstraint(["run_id"], ["runs.run_id"], name=op.f("fk_orders_run_id_runs")),
        sa.PrimaryKeyConstraint("client_order_id", name=op.f("pk_orders")),
        sa.UniqueConstraint("run_id", "seq", name=op.f("uq_orders_run_id_seq")),
    )
    op.create_index(op.f("ix_orders_run_id_status"), "orders", ["run_id", "status"], unique=False)
    op.create_table(
        "positions",
        sa.Column("snapshot_id", _SERIAL, nullable=False),
        sa.Column("run_id", sa.String(length=64), nullable=False),
        sa.Column("ts", _INSTANT, nullable=False),
        sa.Column("market", sa.String(length=32), nullable=False),
        sa.Column("symbol", sa.String(length=64), nullable=False),
        sa.Column("qty", _AMOUNT, nullable=False),
        sa.Column("avg_price", _AMOUNT, nullable=False),
        sa.Column("realized_pnl", _AMOUNT, nullable=False),
        sa.Column("unrealized_pnl", _AMOUNT, nullable=False),
        sa.ForeignKeyConstraint(["run_id"], ["runs.run_id"], name=op.f("fk_positions_run_id_runs")),
        sa.PrimaryKeyConstraint("snapshot_id", name=op.f("pk_positions")),
    )
    op.create_index(
        op.f("ix_positions_run_id_symbol_ts"), "positions", ["run_id", "symbol", "ts"], unique=False
    )
    op.create_table(
        "risk_decisions",
        sa.Column("run_id", sa.String(length=64), nullable=False),
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("ts", _INSTANT, nullable=False),
        sa.Column("market", sa.String(length=32), nullable=False),
        sa.Column("symbol", sa.String(length=64), nullable=False),
        sa.Column("strategies", sa.Text(), nullable=False),
        sa.Column("requested_qty", _AMOUNT, nullable=False),
        sa.Column("approved_qty", _AMOUNT, nullable=False),
        sa.Column("action", sa.String(length=8), nullable=False),
        sa.Column("reason_code", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("client_order_id", sa.String(length=96), nullable=True),
        sa.ForeignKeyConstraint(
            ["run_id"], ["runs.run_id"], name=op.f("fk_risk_decisions_run_id_runs")
        ),
        sa.PrimaryKeyConstraint("run_id", "seq", name=op.f("pk_risk_decisions")),
    )
    op.create_index(
        op.f("ix_risk_decisions_run_id_symbol_ts"),
        "risk_decisions",
        ["run_id", "symbol", "ts"],
        unique=False,
    )
    op.create_table(
        "risk_state",
        sa.Column("state_id", _SERIAL, nullable=False),
        sa.Column("run_id", sa.String(length=64), nullable=False),
        sa.Column("ts", _INSTANT, nullable=False),
        sa.Column("state_json", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"], ["runs.run_id"], name=op.f("fk_risk_state_run_id_runs")
        ),
        sa.PrimaryKeyConstraint("state_id", name=op.f("pk_risk_state")),
    )
    op.create_index(
        op.f("ix_risk_state_run_id_state_id"), "risk_state", ["run_id", "state_id"], unique=False
    )
    op.create_table(
        "signals",
        sa.Column("run_id", sa.String(length=64), nullable=False),
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("ts", _INSTANT, nullable=False),
        sa.Column("market", sa.String(length=32), nullable=False),
        sa.Column("symbol", sa.String(length=64), nullable=False),
        sa.Column("strategy", sa.String(length=128), nullable=False),
        sa.Column("direction", sa.String(length=8), nullable=False),
        sa.Column("strength", sa.Float(), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("stop", _AMOUNT, nullable=True),
        sa.Column("target", _AMOUNT, nullable=True),
        sa.Column("advisory", sa.Boolean(), nullable=False),
        sa.Column("aggregated", sa.Boolean(), nullable=False),
        sa.Column("decision", sa.Text(), nullable=False),
        sa.Column("contributors", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["run_id"], ["runs.run_id"], name=op.f("fk_signals_run_id_runs")),
        sa.PrimaryKeyConstraint("run_id", "seq", name=op.f("pk_signals")),
    )
    op.create_index(
        op.f("ix_signals_run_id_symbol_ts"), "signals", ["run_id", "symbol", "ts"], unique=False
    )
    op.create_table(
        "fills",
        sa.Column("fill_id", _SERIAL, nullable=False),
        sa.Column("run_id", sa.String(length=64), nullable=False),
        sa.Column("venue", sa.String(length=32), nullable=False),
        sa.Column("trade_id", sa.String(length=128), nullable=False),
        sa.Column("client_order_id", sa.String(length=96), nullable=True),
        sa.Column("ts", _INSTANT, nullable=False),
        sa.Column("market", sa.String(length=32), nullable=False),
        sa.Column("symbol", sa.String(length=64), nullable=False),
        sa.Column("side", sa.String(length=8), nullable=False),
        sa.Column("qty", _AMOUNT, nullable=False),
        sa.Column("price", _AMOUNT, nullable=False),
        sa.Column("commission", _AMOUNT, nullable=False),
        sa.Column("strategies", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_order_id"],
            ["orders.client_order_id"],
            name=op.f("fk_fills_client_order_id_orders"),
        ),
        sa.ForeignKeyConstraint(["run_id"], ["runs.run_id"], name=op.f("fk_fills_run_id_runs")),
        sa.PrimaryKeyConstraint("fill_id", name=op.f("pk_fills")),
        sa.UniqueConstraint("venue", "trade_id", name=op.f("uq_fills_venue_trade_id")),
    )
    op.create_index(op.f("ix_fills_client_order_id"), "fills", ["client_order_id"], unique=False)
    op.create_index(op.f("ix_fills_run_id_ts"), "fills", ["run_id", "ts"], unique=False)
    op.create_table(
        "order_events",
        sa.Column("event_id", _SERIAL, nullable=False),
        sa.Column("run_id", sa.String(length=64), nullable=False),
        sa.Column("client_order_id", sa.String(length=96), nullable=False),
        sa.Column("ts", _INSTANT, nullable=False),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_order_id"],
            ["orders.client_order_id"],
            name=op.f("fk_order_events_client_order_id_orders"),
        ),
        sa.ForeignKeyConstraint(
            ["run_id"], ["runs.run_id"], name=op.f("fk_order_events_run_id_runs")
        ),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_order_events")),
    )
    op.create_index(
        op.f("ix_order_events_client_order_id"), "order_events", ["client_order_id"], unique=False
    )
    op.create_index(
        op.f("ix_order_events_run_id_event_id"),
        "order_events",
        ["run_id", "event_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_table("order_events")
    op.drop_table("fills")
    op.drop_table("signals")
    op.drop_table("risk_state")
    op.drop_table("risk_decisions")
    op.drop_table("positions")
    op.drop_table("orders")
    op.drop_table("equity")
    op.drop_table("runs")
