"""Builders and a representative run shared by the journal tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from alembic.config import Config
from sqlalchemy import Connection

from tradewind.store import (
    EquityRecord,
    FillRecord,
    Journal,
    OrderRecord,
    PositionRecord,
    RiskDecisionRecord,
    SignalRecord,
    client_order_id,
)

T0 = datetime(2024, 1, 2, 21, 0, tzinfo=UTC)
CONFIG = {"mode": "paper", "markets": {"crypto": {"symbols": ["BTC-USD", "ETH-USD"]}}}


def migration_config(connection: Connection | None = None) -> Config:
    """Alembic's config for the journal's migrations (on `connection` when given)."""
    config = Config()
    config.set_main_option("script_location", "tradewind.store:migrations")
    config.set_main_option("path_separator", "os")
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def at(hours: int) -> datetime:
    return T0 + timedelta(hours=hours)


def order(seq: int, **changes: object) -> OrderRecord:
    fields: dict[str, object] = {
        "seq": seq,
        "ts_created": at(seq),
        "market": "crypto",
        "symbol": "BTC-USD",
        "side": "buy" if seq % 2 else "sell",
        "order_type": "market",
        "quantity": Decimal("0.5"),
        "strategies": "sma_cross,rsi_reversion",
        "reason": "CONSENSUS 2/3 -> LONG",
        "venue": "SIM",
    }
    fields.update(changes)
    return OrderRecord(**fields)  # type: ignore[arg-type]


def fill(run_id: str, seq: int, part: int = 1, **changes: object) -> FillRecord:
    coid = client_order_id(run_id, seq)
    fields: dict[str, object] = {
        "trade_id": f"{coid}-T{part}",
        "venue": "SIM",
        "client_order_id": coid,
        "ts": at(seq) + timedelta(minutes=1),
        "market": "crypto",
        "symbol": "BTC-USD",
        "side": "buy" if seq % 2 else "sell",
        "qty": Decimal("0.5"),
        "price": Decimal("42000.125") + seq,
        "commission": Decimal("10.50003"),
        "strategies": "sma_cross,rsi_reversion",
    }
    fields.update(changes)
    return FillRecord(**fields)  # type: ignore[arg-type]


def signal(index: int, **changes: object) -> SignalRecord:
    fields: dict[str, object] = {
        "ts": at(index),
        "market": "crypto",
        "symbol": "BTC-USD",
        "strategy": "sma_cross",
        "direction": "long" if index % 2 else "short",
        "strength": 0.75,
        "confidence": 0.6,
        "stop": Decimal("41000.5"),
        "target": None,
    }
    fields.update(changes)
    return SignalRecord(**fields)  # type: ignore[arg-type]


def populate(journal: Journal, run_id: str, *, last_price: str = "43000.25") -> None:
    """Write a small but complete run: every table gets rows, through every writer."""
    journal.record_signals(
        run_id,
        [
            signal(1),
            signal(1, strategy="rsi_reversion", confidence=0.4, stop=None),
            signal(
                1,
                strategy="aggregate",
                aggregated=True,
                decision="CONSENSUS 2/2 -> LONG",
                contributors="sma_cross,rsi_reversion",
            ),
        ],
    )
    journal.record_risk_decisions(
        run_id,
        [
            RiskDecisionRecord(
                ts=at(1),
                market="crypto",
                symbol="BTC-USD",
                strategies="sma_cross,rsi_reversion",
                requested_qty=Decimal("0.8"),
                approved_qty=Decimal("0.5"),
                action="reduce",
                reason_code=3,
                reason="position limit 0.5 BTC",
                client_order_id=client_order_id(run_id, 1),
            )
        ],
    )
    for seq in (1, 2):
        journal.record_order(run_id, order(seq))
        journal.update_order_status(client_order_id(run_id, seq), "submitted", at(seq))
        journal.update_order_status(
            client_order_id(run_id, seq), "accepted", at(seq), venue_order_id=f"V{seq}"
        )
        journal.apply_fill(run_id, fill(run_id, seq))
    journal.record_positions(
        run_id,
        [
            PositionRecord(
                ts=at(2),
                market="crypto",
                symbol="BTC-USD",
                qty=Decimal(0),
                avg_price=Decimal(0),
                realized_pnl=Decimal("0.5"),
                unrealized_pnl=Decimal(0),
            )
        ],
    )
    journal.record_equity(
        run_id,
        [
            EquityRecord(
                ts=at(hour),
                equity=Decimal(last_price) + hour,
                cash=Decimal("100000"),
                gross_exposure=Decimal("21000.0625"),
                net_exposure=Decimal("-21000.0625"),
                leverage=0.21,
                drawdown=0.0125 * hour,
            )
            for hour in range(3)
        ],
    )
    journal.save_risk_state(
        run_id,
        at(2),
        {"high_water_mark": "100250.5", "day": "2024-01-02", "trading_state": "ACTIVE"},
    )
