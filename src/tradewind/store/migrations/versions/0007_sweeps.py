"""Parameter sweeps and their finished trials (one per sweep, segment and parameters).
Research records on the wall clock, left out of every run digest.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

_INSTANT = sa.DateTime(timezone=True).with_variant(sa.String(32), "sqlite")
_SERIAL = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "sweeps",
        sa.Column("sweep_id", sa.String(length=32), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("label", sa.String(length=256), nullable=False),
        sa.Column("request_json", sa.Text(), nullable=False),
        sa.Column("total_trials", sa.Integer(), nullable=False),
        sa.Column("created_at", _INSTANT, nullable=False),
        sa.Column("finished_at", _INSTANT, nullable=True),
        sa.PrimaryKeyConstraint("sweep_id", name=op.f("pk_sweeps")),
    )
    op.create_index(op.f("ix_sweeps_fingerprint"), "sweeps", ["fingerprint"], unique=False)
    op.create_table(
        "sweep_trials",
        sa.Column("trial_id", _SERIAL, nullable=False),
        sa.Column("sweep_id", sa.String(length=32), nullable=False),
        sa.Column("segment", sa.String(length=64), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("params_key", sa.String(length=64), nullable=False),
        sa.Column("params_json", sa.Text(), nullable=False),
        sa.Column("payload_json", sa.Text(), nullable=False),
        sa.Column("worker", sa.String(length=128), nullable=False),
        sa.Column("finished_at", _INSTANT, nullable=False),
        sa.ForeignKeyConstraint(
            ["sweep_id"],
            ["sweeps.sweep_id"],
            name=op.f("fk_sweep_trials_sweep_id_sweeps"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("trial_id", name=op.f("pk_sweep_trials")),
        sa.UniqueConstraint(
            "sweep_id",
            "segment",
            "params_key",
            name=op.f("uq_sweep_trials_sweep_id_segment_params_key"),
        ),
    )


def downgrade() -> None:
    op.drop_table("sweep_trials")
    op.drop_index(op.f("ix_sweeps_fingerprint"), table_name="sweeps")
    op.drop_table("sweeps")
