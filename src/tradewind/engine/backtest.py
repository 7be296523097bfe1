"""Run the engine over a panel: books -> compiled loop -> orders, fills, equity."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from tradewind.engine.books import BookSet, build_books
from tradewind.engine.kernel import run_kernel
from tradewind.engine.panel import MarketPanel
from tradewind.engine.setup import EngineSpec
from tradewind.engine.trades import round_trips
from tradewind.execution.costs import commission_params
from tradewind.risk.hours import trading_hours_mask
from tradewind.risk.ladder import initial_state_vector
from tradewind.risk.reasons import RiskReason
from tradewind.strategies.api import BarWindow

__all__ = ["EngineRun", "run_engine"]

_KINDS = np.array(["market", "stop_loss", "take_profit"])
_STATUS = np.array(["open", "filled", "canceled", "denied"])


@dataclass(frozen=True, slots=True)
class EngineRun:
    """Everything one run produced, as arrays and tables (see `orders`, `fills`)."""

    spec: EngineSpec
    panel: MarketPanel
    books: BookSet
    strategy_names: tuple[str, ...]
    orders: pd.DataFrame
    fills: pd.DataFrame
    trades: pd.DataFrame
    equity: np.ndarray
    gross_exposure: np.ndarray
    risk_events: pd.DataFrame
    final_positions: np.ndarray
    final_cash: float
    risk_state: np.ndarray

    @property
    def final_equity(self) -> float:
        return float(self.equity[-1]) if len(self.equity) else self.spec.initial_cash

    @property
    def entries(self) -> int:
        """Fills that opened or increased a position."""
        return int(self.fills["opens"].sum()) if len(self.fills) else 0


def run_engine(panel: MarketPanel, windows: Mapping[str, BarWindow], spec: EngineSpec) -> EngineRun:
    """Run `spec` over `panel`; `windows` holds each symbol's own bars (the ones the
    panel's `bar_rows` point at).

    Raises:
        TradewindError: from strategies, aggregation or risk set-up on bad input.
    """
    strategy_names = tuple(dict.fromkeys(s.name for m in spec.markets for s in m.strategies))
    books = build_books(panel, windows, spec.markets, strategy_names)
    n_rows, n_symbols = panel.shape
    symbol_market = np.zeros(n_symbols, dtype=np.int64)
    per_symbol = {name: np.zeros(n_symbols) for name in ("lot", "mult", "min_notional", "slip")}
    model = np.zeros(n_symbols, dtype=np.int64)
    params = np.zeros((n_symbols, 4))
    tradable = np.ones((n_rows, n_symbols), dtype=bool)
    symbol_index = {s: i for i, s in enumerate(panel.symbols)}
    for m, market in enumerate(spec.markets):
        costs = market.costs
        hours = (
            trading_hours_mask(panel.timestamps, market.name, spec.limits.trading_hours)
            if spec.limits.trading_hours
            else None
        )
        for symbol in market.symbols:
            n = symbol_index[symbol]
            symbol_market[n] = m
            per_symbol["lot"][n] = costs.lot
            per_symbol["mult"][n] = costs.multiplier
            per_symbol["min_notional"][n] = costs.min_notional
            per_symbol["slip"][n] = costs.slippage_bps
            model[n] = int(costs.commission_model)
            params[n] = commission_params(
                bps=costs.commission_bps,
                per_unit=costs.commission_per_unit,
                min_per_order=costs.commission_min,
                spread=costs.spread,
            )
            if hours is not None:
                tradable[:, n] = hours
    allocation = np.array([m.allocation for m in spec.markets], dtype=np.float64)
    day_id = spec.limits.daily_reset.day_ids(panel.timestamps)
    state = initial_state_vector()
    capacity = 3 * int(books.edge.sum()) + 16
    out = run_kernel(
        panel.open, panel.high, panel.low, panel.close, panel.mark, panel.fresh, tradable,
        day_id, symbol_market, per_symbol["lot"], per_symbol["mult"],
        per_symbol["min_notional"], model, params, per_symbol["slip"], books.symbol,
        books.strategy, books.target, books.edge, books.contributors, books.stop, books.take,
        books.size_mode, books.size_value, books.stop_pct, books.take_pct,
        int(spec.fill_model), float(spec.initial_cash), allocation, len(strategy_names),
        spec.limits.global_, spec.limits.markets, spec.limits.strategies, state, capacity,
    )  # fmt: skip
    (n_orders, o_row, o_book, o_side, o_kind, o_req, o_ok, o_reason, o_status, o_price,
     o_contrib, n_fills, f_order, f_row, f_qty, f_price, f_fee, f_realized, f_entry,
     equity, gross, n_events, event_row, event_bits, pos, _avg, cash, overflow) = out  # fmt: skip
    if overflow:
        raise RuntimeError("engine order log overflowed its capacity; this is a bug")
    orders = _orders_frame(
        panel, books, spec, n_orders, o_row, o_book, o_side, o_kind, o_req, o_ok, o_reason,
        o_status, o_price, o_contrib,
    )  # fmt: skip
    fills = pd.DataFrame(
        {
            "order_seq": f_order[:n_fills],
            "row": f_row[:n_fills],
            "ts": pd.to_datetime(panel.timestamps[f_row[:n_fills]], utc=True),
            "book": o_book[f_order[:n_fills]],
            "symbol": np.array(panel.symbols, dtype=object)[books.symbol[o_book[f_order[:n_fills]]]]
            if n_fills
            else np.array([], dtype=object),
            "qty": f_qty[:n_fills],
            "price": f_price[:n_fills],
            "commission": f_fee[:n_fills],
            "realized_pnl": f_realized[:n_fills],
            "opens": f_entry[:n_fills],
            "kind": _KINDS[o_kind[f_order[:n_fills]]],
        }
    )
    events = pd.DataFrame({"row": event_row[:n_events], "bits": event_bits[:n_events]})
    return EngineRun(
        spec=spec,
        panel=panel,
        books=books,
        strategy_names=strategy_names,
        orders=orders,
        fills=fills,
        trades=round_trips(fills, panel.timestamps),
        equity=equity,
        gross_exposure=gross,
        risk_events=events,
        final_positions=pos,
        final_cash=float(cash),
        risk_state=state,
    )


def _orders_frame(
    panel: MarketPanel,
    books: BookSet,
    spec: EngineSpec,
    n: int,
    row: np.ndarray,
    book: np.ndarray,
    side: np.ndarray,
    kind: np.ndarray,
    req: np.ndarray,
    ok: np.ndarray,
    reason: np.ndarray,
    status: np.ndarray,
    price: np.ndarray,
    contrib: np.ndarray,
) -> pd.DataFrame:
    book_ids = book[:n]
    symbols = np.array(panel.symbols, dtype=object)
    market_names = np.array([m.name for m in spec.markets], dtype=object)
    strategies = [
        ",".join(name for bit, name in enumerate(books.strategies[b]) if (int(mask) >> bit) & 1)
        for b, mask in zip(book_ids, contrib[:n], strict=True)
    ]
    reasons = {int(r): r.name for r in RiskReason}
    return pd.DataFrame(
        {
            "seq": np.arange(n, dtype=np.int64),
            "row": row[:n],
            "ts": pd.to_datetime(panel.timestamps[row[:n]], utc=True),
            "book": book_ids,
            "market": market_names[books.market[book_ids]] if n else market_names[:0],
            "symbol": symbols[books.symbol[book_ids]] if n else symbols[:0],
            "strategies": strategies,
            "side": np.where(side[:n] > 0, "buy", "sell"),
            "kind": _KINDS[kind[:n]],
            "requested_qty": req[:n],
            "approved_qty": ok[:n],
            "reason": [reasons.get(int(r), str(int(r))) for r in reason[:n]],
            "status": _STATUS[status[:n]],
            "price": price[:n],
        }
    )
