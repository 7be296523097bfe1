"""Alembic environment: migrations run only programmatically, on a connection the journal
passes in `config.attributes["connection"]` (see `tradewind.store.schema.migrate`)."""

from __future__ import annotations

from alembic import context

from tradewind.store.models import Base

connection = context.config.attributes.get("connection")
if connection is None or context.is_offline_mode():
    raise RuntimeError(
        "the journal migrations run only through tradewind.store.schema.migrate "
        "(an open connection), not from the alembic command line or offline"
    )
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",  # SQLite cannot ALTER most things
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
