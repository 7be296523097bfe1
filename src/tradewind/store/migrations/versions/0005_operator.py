"""Operator mode: the control channel (commands and their acknowledgements), session
heartbeats, promotions between stages and drift checks. Audit records on the wall
clock, left out of every run digest.

Revision ID: 0005
Revises: 0004
Create Date: 2025-05-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_INSTANT = sa.DateTime(timezone=True).with_variant(sa.String(32), "sqlite")
_SERIAL = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    _control_tables()
    op.create_table(
        "heartbeats",
        sa.Column("run_id", sa.String(length=64), nullable=False),
        sa.Column("mode", sa.String(length=16), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("host", sa.String(length=255), nullable=False),
        sa.Column("beat_at", _INSTANT, nullable=False),
        sa.Column("detail_json", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("run_id", name=op.f("pk_heartbeats")),
    )
    _promotion_tables()


def _control_tables() -> None:
    op.create_table(
        "control_commands",
        sa.Column("command_id", _SERIAL, nullable=False),
        sa.Column("issued_at", _INSTANT, nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("market", sa.String(length=32), nullable=True),
        sa.Column("user_name", sa.String(length=128), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.PrimaryKeyConstraint("command_id", name=op.f("pk_control_commands")),
    )
    op.create_table(
        "control_acks",
        sa.Column("ack_id", _SERIAL, nullable=False),
        sa.Column("command_id", _SERIAL, nullable=False),
        sa.Column("run_id", sa.String(length=64), nullable=False),
        sa.Column("applied_at", _INSTANT, nullable=False),
        sa.Column("outcome", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["command_id"],
            ["control_commands.command_id"],
            name=op.f("fk_control_acks_command_id_control_commands"),
        ),
        sa.PrimaryKeyConstraint("ack_id", name=op.f("pk_control_acks")),
    )
    op.create_index(
        op.f("ix_control_acks_command_id"), "control_acks", ["command_id"], unique=False
    )


def _promotion_tables() -> None:
    op.create_table(
        "promotions",
        sa.Column("promotion_id", _SERIAL, nullable=False),
        sa.Column("at", _INSTANT, nullable=False),
        sa.Column("market", sa.String(length=32), nullable=False),
        sa.Column("strategy", sa.String(length=64), nullable=False),
        sa.Column("from_stage", sa.String(length=16), nullable=False),
        sa.Column("to_stage", sa.String(length=16), nullable=False),
        sa.Column("evidence_json", sa.Text(), nullable=False),
        sa.Column("override", sa.Boolean(), nullable=False),
        sa.Column("user_name", sa.String(length=128), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("promotion_id", name=op.f("pk_promotions")),
    )
    op.create_index(
        op.f("ix_promotions_market_strategy"), "promotions", ["market", "strategy"], unique=False
    )
    op.create_table(
        "drift_checks",
        sa.Column("check_id", _SERIAL, nullable=False),
        sa.Column("run_id", sa.String(length=64), nullable=False),
        sa.Column("market", sa.String(length=32), nullable=False),
        sa.Column("checked_at", _INSTANT, nullable=False),
        sa.Column("rows_compared", sa.Integer(), nullable=False),
        sa.Column("metrics_json", sa.Text(), nullable=False),
        sa.Column("breaches_json", sa.Text(), nullable=False),
        sa.Column("within_bounds", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"], ["runs.run_id"], name=op.f("fk_drift_checks_run_id_runs")
        ),
        sa.PrimaryKeyConstraint("check_id", name=op.f("pk_drift_checks")),
    )
    op.create_index(
        op.f("ix_drift_checks_run_id_market"), "drift_checks", ["run_id", "market"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_drift_checks_run_id_market"), table_name="drift_checks")
    op.drop_table("drift_checks")
    op.drop_index(op.f("ix_promotions_market_strategy"), table_name="promotions")
    op.drop_table("promotions")
    op.drop_table("heartbeats")
    op.drop_index(op.f("ix_control_acks_command_id"), table_name="control_acks")
    op.drop_table("control_acks")
    op.drop_table("control_commands")
