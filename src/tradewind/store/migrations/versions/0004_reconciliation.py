"""Reconciliation findings: what a pass comparing a run's journal with its venues found
and did (recovered fills, venue statuses journaled, adopted or flagged orders and
positions). Adopted venue orders need no new table: they are rows of `orders`.

Revision ID: 0004
Revises: 0003
Create Date: 2025-04-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_AMOUNT = sa.Numeric(38, 12).with_variant(sa.String(64), "sqlite")
_INSTANT = sa.DateTime(timezone=True).with_variant(sa.String(32), "sqlite")
_SERIAL = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "reconciliation_findings",
        sa.Column("finding_id", _SERIAL, nullable=False),
        sa.Column("run_id", sa.String(length=64), nullable=False),
        sa.Column("ts", _INSTANT, nullable=False),
        sa.Column("market", sa.String(length=32), nullable=False),
        sa.Column("venue", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("client_order_id", sa.String(length=96), nullable=True),
        sa.Column("trade_id", sa.String(length=128), nullable=True),
        sa.Column("instrument", sa.String(length=128), nullable=True),
        sa.Column("journal_value", sa.Text(), nullable=False),
        sa.Column("venue_value", sa.Text(), nullable=False),
        sa.Column("adjust_qty", _AMOUNT, nullable=True),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"], ["runs.run_id"], name=op.f("fk_reconciliation_findings_run_id_runs")
        ),
        sa.PrimaryKeyConstraint("finding_id", name=op.f("pk_reconciliation_findings")),
    )
    op.create_index(
        op.f("ix_reconciliation_findings_run_id_market_kind"),
        "reconciliation_findings",
        ["run_id", "market", "kind"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(
        op.f("ix_reconciliation_findings_run_id_market_kind"), table_name="reconciliation_findings"
    )
    op.drop_table("reconciliation_findings")
