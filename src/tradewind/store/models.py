"""The journal's tables (SQLAlchemy 2 typed declarative).

The schema is created and changed only by the Alembic migrations in
`tradewind/store/migrations` (0001: trading tables; 0002: capital tables; 0003: the keys
of `Journal.write_row` and the run writers); `tests/store` checks that these models and
the migrated schema agree. Every table carries `run_id`.

These models are the journal schema's one definition: besides type, length and
nullability, a column's `info` says what it accepts when the type alone does not (a
vocabulary, a range, a JSON document; see `tradewind.store.column_checks`) and whether a
digest leaves it out (wall clock, code version, surrogate ids; `run_writers` whole).
`tradewind.store.tables` derives every write check and record read from them.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from tradewind.domain.order_enums import OrderStatus, OrderType
from tradewind.store.capital_records import AllocationBound, CapitalEventKind, SizingMethod
from tradewind.store.column_checks import (
    accepts,
    json_column,
    left_out_of_digest,
    nan_is_none,
    one_of,
)
from tradewind.store.column_types import Amount, Instant
from tradewind.store.documents import to_factors_json, to_json_object
from tradewind.store.records import RiskAction
from tradewind.store.values import to_unit

__all__ = [
    "AllocationRow",
    "Base",
    "CapitalEventRow",
    "CapitalStatusRow",
    "EquityRow",
    "FillRow",
    "OrderEventRow",
    "OrderRow",
    "PositionRow",
    "RiskDecisionRow",
    "RiskStateRow",
    "RunRow",
    "RunWriterRow",
    "SignalRow",
    "SizingDecisionRow",
]

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# SQLite only auto-increments a column declared exactly INTEGER PRIMARY KEY.
_SERIAL = BigInteger().with_variant(Integer, "sqlite")
_RUN_FK = "runs.run_id"
_WALL_CLOCK = left_out_of_digest()
_SIDE = one_of(("buy", "sell"), {1: "buy", -1: "sell"})


def _surrogate_id() -> Mapped[int]:
    """An auto-incremented primary key (insertion order; never in a digest)."""
    return mapped_column(_SERIAL, primary_key=True, info=left_out_of_digest())


class Base(DeclarativeBase):
    """Declarative base of the journal tables."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class RunRow(Base):
    """One backtest, paper, advisory or live run and its effective configuration."""

    __tablename__ = "runs"
    __table_args__ = (Index(None, "mode", "created_at"),)

    run_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    mode: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(Instant(), info=_WALL_CLOCK)
    config_json: Mapped[str] = mapped_column(Text)
    config_hash: Mapped[str] = mapped_column(String(64), index=True)
    code_version: Mapped[str] = mapped_column(String(64), info=left_out_of_digest())
    status: Mapped[str] = mapped_column(String(16))
    finished_at: Mapped[datetime | None] = mapped_column(Instant(), info=_WALL_CLOCK)
    summary_json: Mapped[str | None] = mapped_column(Text)


class SignalRow(Base):
    """A strategy signal or an aggregation decision, in emission order (`seq`)."""

    __tablename__ = "signals"
    __table_args__ = (Index(None, "run_id", "symbol", "ts"),)

    run_id: Mapped[str] = mapped_column(String(64), ForeignKey(_RUN_FK), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    ts: Mapped[datetime] = mapped_column(Instant())
    market: Mapped[str] = mapped_column(String(32))
    symbol: Mapped[str] = mapped_column(String(64))
    strategy: Mapped[str] = mapped_column(String(128))
    direction: Mapped[str] = mapped_column(
        String(8), info=one_of(("long", "short", "flat"), {1: "long", -1: "short", 0: "flat"})
    )
    strength: Mapped[float] = mapped_column(Float, info=accepts(to_unit))
    confidence: Mapped[float] = mapped_column(Float, info=accepts(to_unit))
    stop: Mapped[Decimal | None] = mapped_column(Amount())
    target: Mapped[Decimal | None] = mapped_column(Amount())
    advisory: Mapped[bool]
    aggregated: Mapped[bool]
    decision: Mapped[str] = mapped_column(Text)
    contributors: Mapped[str] = mapped_column(Text)


class RiskDecisionRow(Base):
    """A pre-trade risk verdict, in decision order (`seq`)."""

    __tablename__ = "risk_decisions"
    __table_args__ = (
        Index(None, "run_id", "symbol", "ts"),
        # The keys of `Journal.write_row` (0003; plain in a journal that held duplicates).
        Index(None, "run_id", "client_order_id", unique=True),
    )

    run_id: Mapped[str] = mapped_column(String(64), ForeignKey(_RUN_FK), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    ts: Mapped[datetime] = mapped_column(Instant())
    market: Mapped[str] = mapped_column(String(32))
    symbol: Mapped[str] = mapped_column(String(64))
    strategies: Mapped[str] = mapped_column(Text)
    requested_qty: Mapped[Decimal] = mapped_column(Amount())
    approved_qty: Mapped[Decimal] = mapped_column(Amount())
    action: Mapped[str] = mapped_column(String(8), info=one_of(RiskAction, read=RiskAction))
    reason_code: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text)
    client_order_id: Mapped[str | None] = mapped_column(String(96))


class OrderRow(Base):
    """An order, written before it is sent; `status` and `filled_qty` are current."""

    __tablename__ = "orders"
    __table_args__ = (
        UniqueConstraint("run_id", "seq"),
        Index(None, "run_id", "status"),
    )

    client_order_id: Mapped[str] = mapped_column(String(96), primary_key=True)
    run_id: Mapped[str] = mapped_column(String(64), ForeignKey(_RUN_FK))
    seq: Mapped[int] = mapped_column(Integer)
    ts_created: Mapped[datetime] = mapped_column(Instant())
    market: Mapped[str] = mapped_column(String(32))
    symbol: Mapped[str] = mapped_column(String(64))
    side: Mapped[str] = mapped_column(String(8), info=_SIDE)
    order_type: Mapped[str] = mapped_column(String(16), info=one_of(OrderType))
    quantity: Mapped[Decimal] = mapped_column(Amount())
    price: Mapped[Decimal | None] = mapped_column(Amount())
    trigger_price: Mapped[Decimal | None] = mapped_column(Amount())
    status: Mapped[str] = mapped_column(String(24), info=one_of(OrderStatus, read=OrderStatus))
    filled_qty: Mapped[Decimal] = mapped_column(Amount())
    strategies: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text)
    venue: Mapped[str | None] = mapped_column(String(32))
    venue_order_id: Mapped[str | None] = mapped_column(String(128))
    updated_at: Mapped[datetime] = mapped_column(Instant())


class OrderEventRow(Base):
    """Append-only history of order status changes (the first is the order's creation)."""

    __tablename__ = "order_events"
    __table_args__ = (Index(None, "run_id", "event_id"),)

    event_id: Mapped[int] = _surrogate_id()
    run_id: Mapped[str] = mapped_column(String(64), ForeignKey(_RUN_FK))
    client_order_id: Mapped[str] = mapped_column(
        String(96), ForeignKey("orders.client_order_id"), index=True
    )
    ts: Mapped[datetime] = mapped_column(Instant())
    status: Mapped[str] = mapped_column(String(24))
    detail: Mapped[str] = mapped_column(Text)


class FillRow(Base):
    """An execution, stored once per `(venue, trade_id)`."""

    __tablename__ = "fills"
    __table_args__ = (
        UniqueConstraint("venue", "trade_id"),
        Index(None, "run_id", "ts"),
    )

    fill_id: Mapped[int] = _surrogate_id()
    run_id: Mapped[str] = mapped_column(String(64), ForeignKey(_RUN_FK))
    venue: Mapped[str] = mapped_column(String(32))
    trade_id: Mapped[str] = mapped_column(String(128))
    client_order_id: Mapped[str | None] = mapped_column(
        String(96), ForeignKey("orders.client_order_id"), index=True
    )
    ts: Mapped[datetime] = mapped_column(Instant())
    market: Mapped[str] = mapped_column(String(32))
    symbol: Mapped[str] = mapped_column(String(64))
    side: Mapped[str] = mapped_column(String(8), info=_SIDE)
    qty: Mapped[Decimal] = mapped_column(Amount())
    price: Mapped[Decimal] = mapped_column(Amount())
    commission: Mapped[Decimal] = mapped_column(Amount())
    strategies: Mapped[str] = mapped_column(Text)


class PositionRow(Base):
    """A position snapshot."""

    __tablename__ = "positions"
    __table_args__ = (Index(None, "run_id", "symbol", "ts"),)

    snapshot_id: Mapped[int] = _surrogate_id()
    run_id: Mapped[str] = mapped_column(String(64), ForeignKey(_RUN_FK))
    ts: Mapped[datetime] = mapped_column(Instant())
    market: Mapped[str] = mapped_column(String(32))
    symbol: Mapped[str] = mapped_column(String(64))
    qty: Mapped[Decimal] = mapped_column(Amount())
    avg_price: Mapped[Decimal] = mapped_column(Amount())
    realized_pnl: Mapped[Decimal] = mapped_column(Amount())
    unrealized_pnl: Mapped[Decimal] = mapped_column(Amount())


class EquityRow(Base):
    """A point of the equity curve."""

    __tablename__ = "equity"
    __table_args__ = (Index(None, "run_id", "ts", unique=True),)  # see RiskDecisionRow

    point_id: Mapped[int] = _surrogate_id()
    run_id: Mapped[str] = mapped_column(String(64), ForeignKey(_RUN_FK))
    ts: Mapped[datetime] = mapped_column(Instant())
    equity: Mapped[Decimal] = mapped_column(Amount())
    cash: Mapped[Decimal] = mapped_column(Amount())
    gross_exposure: Mapped[Decimal] = mapped_column(Amount())
    net_exposure: Mapped[Decimal] = mapped_column(Amount())
    leverage: Mapped[float] = mapped_column(Float)
    drawdown: Mapped[float] = mapped_column(Float)


class RiskStateRow(Base):
    """Saved risk state (high-water mark, day start equity, trading state, ...) as
    canonical JSON; the latest row of a run is what a restart loads."""

    __tablename__ = "risk_state"
    __table_args__ = (Index(None, "run_id", "state_id"),)

    state_id: Mapped[int] = _surrogate_id()
    run_id: Mapped[str] = mapped_column(String(64), ForeignKey(_RUN_FK))
    ts: Mapped[datetime] = mapped_column(Instant())
    state_json: Mapped[str] = mapped_column(Text)


class SizingDecisionRow(Base):
    """A position-sizing decision and its factors, in decision order (`seq`)."""

    __tablename__ = "sizing_decisions"
    __table_args__ = (Index(None, "run_id", "symbol", "ts"),)

    run_id: Mapped[str] = mapped_column(String(64), ForeignKey(_RUN_FK), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    ts: Mapped[datetime] = mapped_column(Instant())
    market: Mapped[str] = mapped_column(String(32))
    symbol: Mapped[str] = mapped_column(String(64))
    strategies: Mapped[str] = mapped_column(Text)
    method: Mapped[str] = mapped_column(String(16), info=one_of(SizingMethod))
    available_balance: Mapped[float] = mapped_column(Float)
    capital: Mapped[float] = mapped_column(Float)
    base_position: Mapped[float] = mapped_column(Float)
    vol_leverage: Mapped[float] = mapped_column(Float)
    regime: Mapped[str | None] = mapped_column(String(32), info=nan_is_none())
    regime_multiplier: Mapped[float] = mapped_column(Float)
    sharpe: Mapped[float | None] = mapped_column(Float)
    sharpe_factor: Mapped[float] = mapped_column(Float)
    protection_level: Mapped[str] = mapped_column(String(32))
    protection_multiplier: Mapped[float] = mapped_column(Float)
    final_position: Mapped[float] = mapped_column(Float)
    binding: Mapped[str] = mapped_column(String(32))
    client_order_id: Mapped[str | None] = mapped_column(String(96), info=nan_is_none())
    factors: Mapped[str] = mapped_column(Text, info=json_column(to_factors_json))


class AllocationRow(Base):
    """A capital router share for one market, in decision order (`seq`)."""

    __tablename__ = "allocations"
    __table_args__ = (Index(None, "run_id", "market", "ts"),)

    run_id: Mapped[str] = mapped_column(String(64), ForeignKey(_RUN_FK), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    ts: Mapped[datetime] = mapped_column(Instant())
    market: Mapped[str] = mapped_column(String(32))
    strategy: Mapped[str] = mapped_column(String(128))
    share: Mapped[float] = mapped_column(Float)
    amount: Mapped[float] = mapped_column(Float)
    bound: Mapped[str | None] = mapped_column(
        String(8), info=one_of(AllocationBound, optional=True)
    )
    explanation: Mapped[str] = mapped_column(Text, info=json_column(to_json_object))


class CapitalEventRow(Base):
    """A capital event (milestone, halt, parameter change, ...), in order (`seq`)."""

    __tablename__ = "capital_events"
    __table_args__ = (Index(None, "run_id", "kind"),)

    run_id: Mapped[str] = mapped_column(String(64), ForeignKey(_RUN_FK), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    ts: Mapped[datetime] = mapped_column(Instant())
    kind: Mapped[str] = mapped_column(String(24), info=one_of(CapitalEventKind))
    detail: Mapped[str] = mapped_column(Text)
    data: Mapped[str] = mapped_column(Text, info=json_column(to_json_object))


class CapitalStatusRow(Base):
    """The scaling engine's latest status of a run (one row per run, replaced on save)."""

    __tablename__ = "capital_status"

    run_id: Mapped[str] = mapped_column(String(64), ForeignKey(_RUN_FK), primary_key=True)
    ts: Mapped[datetime] = mapped_column(Instant())
    summary: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(Text)


class RunWriterRow(Base):
    """Who holds the writer lease of a run on PostgreSQL (written when the lease is
    taken; the advisory lock, not this row, is the lease)."""

    __tablename__ = "run_writers"
    __table_args__ = ({"info": left_out_of_digest()},)  # who writes, not what was written

    run_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    pid: Mapped[int] = mapped_column(Integer)
    host: Mapped[str] = mapped_column(String(255))
    since: Mapped[datetime] = mapped_column(Instant())
