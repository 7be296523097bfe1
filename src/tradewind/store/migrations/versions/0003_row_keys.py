"""Idempotency keys for row-by-row writing and the table of run writers.

`Journal.write_row` stores each record of a session row at most once, keyed by its
natural identity: a signal by (run, ts, market, symbol, strategy), equity by (run, ts),
a risk decision by (run, client order id). Unique indexes back the last two up in the
database; the equity one replaces the plain index of 0001 on the same columns, so a
bulk write maintains no extra index. Signals keep their plain index (run, symbol, ts),
which the key check uses: the bulk writer `record_signals` has always accepted several
signals of one key, and that contract stays.

A journal written before this revision may already hold duplicates (a session killed
between two of its writes, then resumed, could store a row's signals twice). Such a
journal still opens: the index of a table that holds duplicates is created non-unique
(same name and columns), and `write_row` checks the keys itself in either case.

`run_writers` names who holds the writer lease of a run on PostgreSQL (the lease itself
is an advisory lock; see `tradewind.store.writer_lease`).

Revision ID: 0003
Revises: 0002
Create Date: 2025-03-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_INSTANT = sa.DateTime(timezone=True).with_variant(sa.String(32), "sqlite")

# (table, old index or None, new index, key columns); the key is unique when the data allow.
_KEYS = (
    ("equity", "ix_equity_run_id_ts", "ix_equity_run_id_ts", ("run_id", "ts")),
    (
        "risk_decisions",
        None,
        "ix_risk_decisions_run_id_client_order_id",
        ("run_id", "client_order_id"),
    ),
)


def _has_duplicates(table: str, columns: tuple[str, ...]) -> bool:
    listed = ", ".join(columns)
    not_null = " AND ".join(f"{column} IS NOT NULL" for column in columns)
    found = (
        op.get_bind()
        .exec_driver_sql(
            f"SELECT 1 FROM {table} WHERE {not_null} GROUP BY {listed} HAVING COUNT(*) > 1 LIMIT 1"
        )
        .first()
    )
    return found is not None


def upgrade() -> None:
    for table, old, new, columns in _KEYS:
        if old is not None:
            op.drop_index(old, table_name=table)
        unique = not _has_duplicates(table, columns)
        op.create_index(new, table, list(columns), unique=unique)
    op.create_table(
        "run_writers",
        sa.Column("run_id", sa.String(length=64), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("host", sa.String(length=255), nullable=False),
        sa.Column("since", _INSTANT, nullable=False),
        sa.PrimaryKeyConstraint("run_id", name=op.f("pk_run_writers")),
    )


def downgrade() -> None:
    op.drop_table("run_writers")
    for table, old, new, columns in reversed(_KEYS):
        op.drop_index(new, table_name=table)
        if old is not None:
            op.create_index(old, table, list(columns))
