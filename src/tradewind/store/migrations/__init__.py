"""Alembic migrations of the journal schema (run by `tradewind.store.schema.migrate`)."""
