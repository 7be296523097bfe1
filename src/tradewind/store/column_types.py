"""SQLAlchemy column types: amounts and instants stored identically on SQLite and PostgreSQL.

SQLite has no exact decimal or time-zone-aware type, so there amounts are canonical
fixed-point text and instants ISO-8601 text in UTC (fixed width, so they sort); PostgreSQL
uses NUMERIC(38, 12) and TIMESTAMP WITH TIME ZONE. Values are converted by
`tradewind.store.values` before they reach these types; reads return `Decimal` without
trailing zeros and aware UTC datetimes on both backends.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import DateTime, Dialect, Numeric, String
from sqlalchemy.types import TypeDecorator, TypeEngine

from tradewind.store.values import amount_text, normalized

__all__ = ["Amount", "Instant"]


class Amount(TypeDecorator[Decimal]):
    """An exact decimal amount (price, quantity, money)."""

    impl = Numeric(38, 12)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(String(64))
        return dialect.type_descriptor(Numeric(38, 12, asdecimal=True))

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None or dialect.name != "sqlite":
            return value
        return amount_text(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        return normalized(value if isinstance(value, Decimal) else Decimal(value))


class Instant(TypeDecorator[datetime]):
    """A UTC instant with microsecond resolution."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(String(32))
        return dialect.type_descriptor(DateTime(timezone=True))

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None or dialect.name != "sqlite":
            return value
        return value.isoformat(timespec="microseconds")

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        instant: datetime = datetime.fromisoformat(value) if isinstance(value, str) else value
        return instant.astimezone(UTC)
