"""The fixed inputs of the engine loop: per-symbol costs and grid, hours, limits."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tradewind.engine.books import BookSet
from tradewind.engine.fx import value_scale
from tradewind.engine.kernel import FILLS_AT_VENUE, step_rows
from tradewind.engine.kernel_records import BookArrays, MarketArrays, RiskArrays
from tradewind.engine.panel import MarketPanel
from tradewind.engine.setup import EngineSpec
from tradewind.engine.state import KernelState
from tradewind.execution.costs import commission_params
from tradewind.intelligence.trailing import TrailingCorrelations
from tradewind.risk.hours import trading_hours_mask

__all__ = ["KernelInputs", "kernel_inputs", "run_rows"]


@dataclass(frozen=True, slots=True)
class KernelInputs:
    """Per-symbol arrays (N), per-row masks (T x N) and per-market values (M)."""

    symbol_market: np.ndarray
    lot: np.ndarray
    multiplier: np.ndarray
    value_scale: np.ndarray
    min_notional: np.ndarray
    commission_model: np.ndarray
    commission_params: np.ndarray
    slippage_bps: np.ndarray
    tradable: np.ndarray
    day_id: np.ndarray
    allocation: np.ndarray
    """Each market's share of equity per row (T x M, NaN = no budget); the capital
    router rewrites rows from a rebalance on."""
    corr_block: np.ndarray
    """Index into `corr_matrices` of the correlations in force at each row (-1 = none)."""
    corr_matrices: np.ndarray
    corr_threshold: float


def kernel_inputs(
    panel: MarketPanel, spec: EngineSpec, correlations: TrailingCorrelations | None = None
) -> KernelInputs:
    """Costs, lot grid, trading-hours mask, day ids and correlations for `spec`."""
    n_rows, n_symbols = panel.shape
    if correlations is None:
        correlations = TrailingCorrelations.empty(n_symbols)
    symbol_index = {s: i for i, s in enumerate(panel.symbols)}
    symbol_market = np.zeros(n_symbols, dtype=np.int64)
    lot, mult, min_notional, slip = (np.zeros(n_symbols) for _ in range(4))
    model = np.zeros(n_symbols, dtype=np.int64)
    params = np.zeros((n_symbols, 4))
    tradable = np.ones((n_rows, n_symbols), dtype=bool)
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
            lot[n], mult[n] = costs.lot, costs.multiplier
            min_notional[n], slip[n] = costs.min_notional, costs.slippage_bps
            model[n] = int(costs.commission_model)
            params[n] = commission_params(
                bps=costs.commission_bps,
                per_unit=costs.commission_per_unit,
                min_per_order=costs.commission_min,
                spread=costs.spread,
            )
            if hours is not None:
                tradable[:, n] = hours
    return KernelInputs(
        symbol_market=symbol_market,
        lot=lot,
        multiplier=mult,
        value_scale=value_scale(panel, mult, spec.quote_currencies, spec.base_currency),
        min_notional=min_notional,
        commission_model=model,
        commission_params=params,
        slippage_bps=slip,
        tradable=tradable,
        day_id=spec.limits.daily_reset.day_ids(panel.timestamps),
        allocation=np.tile(
            np.array([m.allocation for m in spec.markets], dtype=np.float64), (n_rows, 1)
        ),
        corr_block=correlations.block_of_row(n_rows).astype(np.int64),
        corr_matrices=np.ascontiguousarray(correlations.matrices, dtype=np.float64),
        corr_threshold=float(spec.correlation.risk_threshold),
    )


def run_rows(
    t0: int,
    t1: int,
    panel: MarketPanel,
    spec: EngineSpec,
    inputs: KernelInputs,
    books: BookSet,
    n_strategies: int,
    market_limits: np.ndarray,
    risk_state: np.ndarray,
    state: KernelState,
    *,
    fills_at_venue: bool = False,
) -> None:
    """Run the loop over rows `t0 <= t < t1`, continuing `state` and `risk_state`.

    `market_limits` is the per-market limits array in force (a disabled market has
    its DISABLED field set); it may change between calls. With `fills_at_venue` the
    loop only decides and a venue fills (`engine.venue_fills`).

    Raises:
        RuntimeError: the order log overflowed (callers size it; this is a bug).
    """
    p, b, i = panel, books, inputs
    fill_model = FILLS_AT_VENUE if fills_at_venue else int(spec.fill_model)
    market = MarketArrays(
        p.open, p.high, p.low, p.close, p.mark, p.fresh, i.tradable, i.day_id,
        i.symbol_market, i.lot, i.value_scale, i.min_notional, i.commission_model,
        i.commission_params, i.slippage_bps,
    )  # fmt: skip
    book_arrays = BookArrays(
        b.symbol, b.strategy, b.target, b.edge, b.contributors, b.stop, b.take, b.size_mode,
        b.size_value, b.stop_pct, b.take_pct, n_strategies,
    )  # fmt: skip
    risk = RiskArrays(
        i.allocation, spec.limits.global_, market_limits, spec.limits.strategies, risk_state,
        i.corr_block, i.corr_matrices, i.corr_threshold,
    )  # fmt: skip
    step_rows(
        t0, t1, fill_model, market, book_arrays, risk, state.orders(), state.fills(),
        state.positions(), state.ledger(),
    )  # fmt: skip
    if state.overflowed:
        raise RuntimeError("engine order log overflowed its capacity; this is a bug")
