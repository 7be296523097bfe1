"""Run the engine over a panel: books -> compiled loop -> orders, fills, equity."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from tradewind.engine.books import BookSet, build_books
from tradewind.engine.capital import CapitalDriver, CapitalRecord
from tradewind.engine.correlation import confirm_books, panel_correlations
from tradewind.engine.inputs import kernel_inputs, run_rows
from tradewind.engine.logs import fills_frame, orders_frame
from tradewind.engine.panel import MarketPanel
from tradewind.engine.setup import EngineSpec
from tradewind.engine.state import KernelState
from tradewind.engine.trades import trades_of_run
from tradewind.risk.ladder import initial_state_vector
from tradewind.signals.confirmation import ConfirmationResult
from tradewind.strategies.api import BarWindow

__all__ = ["EngineRun", "run_engine"]


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
    """Closed round trips (`trades_of_run`)."""
    open_trades: pd.DataFrame
    """Positions still open after the last row, marked at the last close (`trades_of_run`)."""
    equity: np.ndarray
    cash: np.ndarray
    gross_exposure: np.ndarray
    risk_events: pd.DataFrame
    final_positions: np.ndarray
    final_avg_price: np.ndarray
    final_cash: float
    risk_state: np.ndarray
    confirmation: ConfirmationResult | None = None
    """Cross-market confirmation counts (None when it is off)."""
    capital: CapitalRecord | None = None
    """Sizing decisions, allocations and capital events (None without `spec.capital`)."""

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
    correlations = panel_correlations(panel, spec)
    books, confirmation = confirm_books(
        build_books(panel, windows, spec.markets, strategy_names), panel, spec, correlations
    )
    n_rows, n_symbols = panel.shape
    inputs = kernel_inputs(panel, spec, correlations)
    risk_state = initial_state_vector()
    state = KernelState.allocate(
        n_rows=n_rows,
        n_symbols=n_symbols,
        n_books=len(books.symbol),
        # Each edge makes at most one market order and two protective orders.
        capacity=3 * int(books.edge.sum()) + 3 * len(books.symbol) + 16,
        initial_cash=float(spec.initial_cash),
    )
    capital = None
    if spec.capital is None:
        run_rows(
            0, n_rows, panel, spec, inputs, books, len(strategy_names), spec.limits.markets,
            risk_state, state,
        )  # fmt: skip
    else:
        driver = CapitalDriver(spec, panel, books, windows, inputs)
        books = driver.books

        def step(start: int, stop: int) -> None:
            run_rows(
                start, stop, panel, spec, inputs, books, len(strategy_names),
                spec.limits.markets, risk_state, state,
            )  # fmt: skip

        driver.run_span(0, n_rows, step, state, spec.limits.markets)
        capital = driver.finish(state)
    fills = fills_frame(state, panel, books)
    last_scale = inputs.value_scale[-1] if n_rows else np.ones(n_symbols)
    closed, still_open = trades_of_run(fills, state, books, panel, last_scale)
    n_events = state.n_events
    return EngineRun(
        spec=spec,
        panel=panel,
        books=books,
        strategy_names=strategy_names,
        orders=orders_frame(state, panel, books, [m.name for m in spec.markets]),
        fills=fills,
        trades=closed,
        open_trades=still_open,
        equity=state.equity_out,
        cash=state.cash_out,
        gross_exposure=state.gross_out,
        risk_events=pd.DataFrame(
            {"row": state.event_row[:n_events], "bits": state.event_bits[:n_events]}
        ),
        final_positions=state.pos,
        final_avg_price=state.avg_px,
        final_cash=float(state.money[0]),
        risk_state=risk_state,
        confirmation=confirmation,
        capital=capital,
    )
