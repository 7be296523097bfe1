"""A deterministic journal and config for the dashboard's read models and web tests.

`seed_journal(path)` writes, through the journal's public API only, one finished
backtest and one paper session still running (heartbeat with a markets block), plus a
control command with acks and a promotion; `Seed` holds the figures the tests expect,
computed by hand here (not by the code under test).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tradewind.config import TradewindConfig, load_config
from tradewind.store import (
    AllocationRecord,
    ControlCommand,
    EquityRecord,
    FillRecord,
    Journal,
    OrderRecord,
    PromotionRecord,
    SignalRecord,
    client_order_id,
)
from tradewind.store.row_batch import RowBatch

__all__ = ["D1", "D2", "ExpectedPosition", "Seed", "seed_config_text", "seed_journal"]

D1 = datetime(2024, 3, 4, tzinfo=UTC)
"""The session's first bar (row 0)."""
D2 = datetime(2024, 3, 5, tzinfo=UTC)
"""The session's second bar (row 1): "today" on the bar clock."""


def seed_config_text(journal: Path) -> str:
    """Three sim markets (crypto, forex, stocks as equities); max drawdown 20 %, daily
    loss limit 3 %, default ladder (0.8, 0.9, 1.0)."""
    return f"""\
markets:
  crypto:
    provider: sim
    symbols: [BTC-USD, ETH-USD]
    strategies: [momentum_v1, trend_following_v1]
    risk_allocation_pct: 40
  forex:
    provider: sim
    symbols: [EUR-USD]
    strategies: [mean_reversion_v2]
    risk_allocation_pct: 20
  stocks:
    market_class: equities
    provider: sim
    symbols: [AAPL, MSFT]
    strategies: [sma_cross]
    risk_allocation_pct: 30
risk:
  global:
    max_drawdown_pct: 20
    daily_loss_limit_pct: 3
backtest:
  journal: {journal}
"""


@dataclass(frozen=True, slots=True)
class ExpectedPosition:
    side: str
    qty: float
    entry_price: float
    current_price: float
    pnl: float
    pnl_pct: float
    notional_usd: float


@dataclass(frozen=True, slots=True)
class Seed:
    """Where the seed is and what the read models must find in it."""

    journal: Path
    config_path: Path
    backtest_run: str
    paper_run: str
    beat_at: datetime
    positions: dict[tuple[str, str], ExpectedPosition]
    realized_today: dict[str, float]
    exposure_usd: dict[str, float]
    allocation_usd: dict[str, float]
    allocation_pct: dict[str, float]
    venue_states: dict[str, str]
    latency_ms: dict[str, float | None]
    daily_pnl_usd: float
    daily_loss_pct: float
    equity_usd: float
    ladder: dict[str, float]
    backtest_points: int
    backtest_return_pct: float
    backtest_max_drawdown_pct: float
    signals_newest_first: dict[str, list[tuple[str, str]]] = field(default_factory=dict)


# (market, symbol, side, qty, price, commission) per row.
_ROW0 = [
    ("crypto", "BTC-USD", "buy", 0.25, 19_000.0, 0.0),
    ("crypto", "ETH-USD", "buy", 2.0, 1_000.0, 0.5),
    ("forex", "EUR-USD", "sell", 1_000.0, 1.10, 0.0),
    ("stocks", "MSFT", "buy", 20.0, 300.0, 1.0),
]
_ROW1 = [
    ("crypto", "BTC-USD", "buy", 0.25, 21_000.0, 0.0),
    ("crypto", "ETH-USD", "sell", 2.0, 1_100.0, 0.5),
    ("stocks", "AAPL", "buy", 10.0, 150.0, 1.0),
    ("stocks", "MSFT", "sell", 20.0, 310.0, 1.0),
]
# (market, symbol, strategy, direction, strength, confidence) per row.
_SIGNALS0 = [
    ("crypto", "BTC-USD", "momentum_v1", "long", 0.6, 0.8),
    ("crypto", "ETH-USD", "trend_following_v1", "long", 0.5, 0.7),
    ("forex", "EUR-USD", "mean_reversion_v2", "short", 0.4, 0.65),
    ("stocks", "MSFT", "sma_cross", "long", 1.0, 0.9),
]
_SIGNALS1 = [
    ("crypto", "ETH-USD", "trend_following_v1", "flat", 0.3, 0.55),
    ("stocks", "MSFT", "sma_cross", "flat", 1.0, 0.5),
    ("stocks", "AAPL", "sma_cross", "long", 1.0, 0.75),
]
_MARKS = {
    "crypto": {"BTC-USD": 21_000.0, "ETH-USD": 1_050.0},
    "forex": {"EUR-USD": 1.08},
    "stocks": {"AAPL": 155.0, "MSFT": 305.0},
}
_VENUES = {
    "crypto": ("connected", "", 12.5, D2),
    "forex": ("degraded", "slow responses", 850.0, D2),
    "stocks": ("down", "connection refused", None, D1),
}


def seed_journal(path: Path) -> Seed:
    """Write the seed journal at `path` and its config at `path.with_suffix(".yaml")`."""
    config_path = path.with_suffix(".yaml")
    config_path.write_text(seed_config_text(path), encoding="utf-8")
    config = load_config(config_path, apply_env=False)
    with Journal.open(path) as journal:
        backtest = _backtest(journal, config)
        paper = _paper(journal, config)
        beat_at = _controls(journal, paper)
    return Seed(
        journal=path,
        config_path=config_path,
        backtest_run=backtest,
        paper_run=paper,
        beat_at=beat_at,
        positions={
            # BTC: 0.25 @ 19,000 + 0.25 @ 21,000 -> 0.5 @ 20,000; mark 21,000.
            ("crypto", "BTC-USD"): ExpectedPosition(
                "long", 0.5, 20_000.0, 21_000.0, 500.0, 5.0, 10_500.0
            ),
            # EUR-USD short 1,000 @ 1.10; mark 1.08: +20 on a 1,100 basis.
            ("forex", "EUR-USD"): ExpectedPosition(
                "short", 1_000.0, 1.10, 1.08, 20.0, 20.0 / 1_100.0 * 100.0, 1_080.0
            ),
            ("stocks", "AAPL"): ExpectedPosition(
                "long", 10.0, 150.0, 155.0, 50.0, 50.0 / 1_500.0 * 100.0, 1_550.0
            ),
        },
        # D2 fills only: ETH 2 x (1,100 - 1,000) - 0.5; MSFT 20 x 10 - 1, AAPL -1.
        realized_today={"crypto": 199.5, "forex": 0.0, "stocks": 198.0},
        exposure_usd={"crypto": 10_500.0, "forex": 1_080.0, "stocks": 1_550.0},
        allocation_usd={"crypto": 40_000.0, "forex": 20_000.0, "stocks": 30_000.0},
        allocation_pct={"crypto": 40.0, "forex": 20.0, "stocks": 30.0},
        venue_states={m: v[0] for m, v in _VENUES.items()},
        latency_ms={m: v[2] for m, v in _VENUES.items()},
        daily_pnl_usd=-1_000.0,
        daily_loss_pct=1.0,
        equity_usd=99_000.0,
        ladder={"warn": 16.0, "reduce": 18.0, "pause": 20.0},
        backtest_points=500,
        backtest_return_pct=10.0,
        backtest_max_drawdown_pct=5.0,
        signals_newest_first={
            "crypto": [
                ("ETH-USD", "flat"),
                ("ETH-USD", "long"),
                ("BTC-USD", "long"),
            ],
            "forex": [("EUR-USD", "short")],
            "stocks": [("AAPL", "long"), ("MSFT", "flat"), ("MSFT", "long")],
        },
    )


def _config_doc(config: TradewindConfig) -> dict[str, object]:
    return json.loads(config.model_dump_json()) | {"venues": {"crypto": "sim"}}


def _backtest(journal: Journal, config: TradewindConfig) -> str:
    """500 daily points from 1,000,000 to 1,100,000 with one 5 % dip at point 100."""
    run_id = journal.start_run("backtest", _config_doc(config), run_id="bt-seed-0001")
    start = datetime(2023, 1, 1, tzinfo=UTC)
    points = []
    for i in range(500):
        equity = 1_000_000.0 + i * 100_000.0 / 499
        drawdown = 0.05 if i == 100 else 0.0
        equity = equity * (1 - drawdown)
        points.append(
            EquityRecord(
                ts=start + timedelta(days=i),
                equity=equity,
                cash=equity,
                gross_exposure=0,
                net_exposure=0,
                leverage=0.0,
                drawdown=drawdown,
            )
        )
    journal.record_equity(run_id, points)
    orders = [
        OrderRecord(seq=i, ts_created=start, market="crypto", symbol="BTC-USD", side=side,
                    order_type="market", quantity=1, status="filled", filled_qty=1)
        for i, side in ((1, "buy"), (2, "sell"))
    ]  # fmt: skip
    journal.record_orders(run_id, orders)
    fills = [
        FillRecord(
            trade_id=f"bt-{o.seq}",
            venue="SIM",
            client_order_id=client_order_id(run_id, o.seq),
            ts=start,
            market="crypto",
            symbol="BTC-USD",
            side=o.side,
            qty=1,
            price=16_000,
            strategies="momentum_v1",
        )
        for o in orders
    ]
    journal.record_fills(run_id, fills)
    journal.finish_run(run_id, summary={"final_equity": 1_100_000.0, "initial_cash": 1_000_000.0})
    return run_id


def _row(run_id: str, row: int, ts: datetime, fills: list, signals: list, seq0: int) -> dict:
    orders, records = [], []
    for n, (market, symbol, side, qty, price, commission) in enumerate(fills):
        seq = seq0 + n
        orders.append(
            OrderRecord(seq=seq, ts_created=ts, market=market, symbol=symbol, side=side,
                        order_type="market", quantity=qty, venue="SIM")
        )  # fmt: skip
        records.append(
            FillRecord(trade_id=f"{run_id}-t{seq}", venue="SIM",
                       client_order_id=client_order_id(run_id, seq), ts=ts, market=market,
                       symbol=symbol, side=side, qty=qty, price=price, commission=commission)
        )  # fmt: skip
    return {
        "orders": orders,
        "fills": records,
        "signals": [
            SignalRecord(ts=ts, market=m, symbol=s, strategy=st, direction=d, strength=sg,
                         confidence=c, decision=f"{d} by {st}")
            for m, s, st, d, sg, c in signals
        ],
    }  # fmt: skip


def _allocations(ts: datetime, scale: float) -> list[AllocationRecord]:
    shares = {"crypto": (0.4, None), "forex": (0.2, "min"), "stocks": (0.3, None)}
    return [
        AllocationRecord(ts=ts, market=m, strategy="ADAPTIVE", share=s * scale,
                         amount=100_000.0 * s * scale, bound=b, explanation={"momentum": 0.5})
        for m, (s, b) in shares.items()
    ]  # fmt: skip


def _paper(journal: Journal, config: TradewindConfig) -> str:
    run_id = journal.start_run("paper", _config_doc(config), run_id="pp-seed-0001")
    state = {"state": "ACTIVE", "drawdown_state": "ACTIVE", "daily_halted": False,
             "paused": {}, "shutdown": None, "high_water_mark": 100_000.0}  # fmt: skip
    journal.write_row(
        run_id,
        RowBatch(
            row=0,
            ts=D1,
            risk_state=state
            | {"bar_row": 0, "day_start_equity": 100_000.0, "last_equity": 100_000.0},
            equity=[
                EquityRecord(
                    ts=D1,
                    equity=100_000,
                    cash=100_000,
                    gross_exposure=0,
                    net_exposure=0,
                    leverage=0.0,
                    drawdown=0.0,
                )
            ],
            allocations=_allocations(D1, 0.5),
            **_row(run_id, 0, D1, _ROW0, _SIGNALS0, 1),
        ),
    )
    journal.write_row(
        run_id,
        RowBatch(
            row=1,
            ts=D2,
            risk_state=state
            | {"bar_row": 1, "day_start_equity": 100_000.0, "last_equity": 99_000.0},
            equity=[
                EquityRecord(
                    ts=D2,
                    equity=99_000,
                    cash=86_000,
                    gross_exposure=13_130,
                    net_exposure=10_970,
                    leverage=0.1326,
                    drawdown=0.01,
                )
            ],
            allocations=_allocations(D2, 1.0),
            **_row(run_id, 1, D2, _ROW1, _SIGNALS1, 1 + len(_ROW0)),
        ),
    )
    markets = {
        m: {"venue": "sim", "state": state_, "reason": reason, "latency_ms": latency,
            "last_bar": last_bar.isoformat(), "marks": _MARKS[m]}
        for m, (state_, reason, latency, last_bar) in _VENUES.items()
    }  # fmt: skip
    journal.beat(run_id, "paper", {"mode": "paper", "row": 1, "paused": {}, "markets": markets})
    return run_id


def _controls(journal: Journal, paper: str) -> datetime:
    """A promotion of crypto to paper, a soft stop on stocks (acked in force, then done)
    and a disable of forex (not acked); returns the paper run's beat time."""
    journal.record_promotion(
        PromotionRecord(market="crypto", strategy="*", from_stage="advisory", to_stage="paper",
                        evidence={}, override=False, user="alice", reason="seed")
    )  # fmt: skip
    stop = journal.issue_control(
        ControlCommand(action="soft", market="stocks", user="alice", reason="earnings",
                       source="cli")
    )  # fmt: skip
    journal.acknowledge_control(stop.id, paper, "in force")
    journal.acknowledge_control(stop.id, paper, "done: soft stop")
    journal.issue_control(
        ControlCommand(action="disable", market="forex", user="bob", reason="", source="api")
    )
    (beat,) = [b for b in journal.heartbeats() if b.run_id == paper]
    return beat.beat_at
