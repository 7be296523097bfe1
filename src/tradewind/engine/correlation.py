"""Trailing correlations on the panel and the two things they drive: the correlation
concentration rule (risk) and cross-market confirmation of entries (signals)."""

from __future__ import annotations

import dataclasses

import numpy as np

from tradewind.engine.books import BookSet
from tradewind.engine.panel import MarketPanel
from tradewind.engine.setup import EngineSpec
from tradewind.intelligence.trailing import (
    TrailingCorrelations,
    fresh_log_returns,
    trailing_correlations,
)
from tradewind.risk.limits import LimitField
from tradewind.signals.confirmation import ConfirmationResult, confirm_targets

__all__ = [
    "MAX_CORRELATION_BLOCKS",
    "MAX_CORRELATION_CELLS",
    "confirm_books",
    "correlations_needed",
    "panel_correlations",
]

MAX_CORRELATION_BLOCKS = 2_000
MAX_CORRELATION_CELLS = 25_000_000
"""Refreshes are spread out further on long or wide panels so that the stored matrices
(blocks x symbols x symbols float64) stay within about 200 MB."""


def correlations_needed(spec: EngineSpec) -> bool:
    """Whether any rule of `spec` uses correlations (else none are computed)."""
    limit = float(spec.limits.global_[LimitField.CORRELATED_PCT])
    return spec.correlation.confirm_required > 0 or bool(np.isfinite(limit))


def panel_correlations(panel: MarketPanel, spec: EngineSpec) -> TrailingCorrelations:
    """Trailing correlation matrices of the panel's symbols (none when not needed)."""
    n_rows, n_symbols = panel.shape
    if not correlations_needed(spec) or n_symbols < 2:
        return TrailingCorrelations.empty(n_symbols)
    settings = spec.correlation
    blocks = max(1, min(MAX_CORRELATION_BLOCKS, MAX_CORRELATION_CELLS // (n_symbols * n_symbols)))
    step = max(settings.step_rows, -(-n_rows // blocks))
    return trailing_correlations(fresh_log_returns(panel.close), settings.window_rows, step)


def confirm_books(
    books: BookSet, panel: MarketPanel, spec: EngineSpec, correlations: TrailingCorrelations
) -> tuple[BookSet, ConfirmationResult | None]:
    """Books with cross-market confirmation applied (unchanged when it is off)."""
    settings = spec.correlation
    if settings.confirm_required <= 0:
        return books, None
    symbol_market = np.zeros(panel.shape[1], dtype=np.int64)
    symbol_market[books.symbol] = books.market
    result = confirm_targets(
        books.target,
        books.symbol,
        symbol_market,
        panel.fresh,
        correlations.block_of_row(panel.shape[0]),
        correlations.matrices,
        settings.confirm_threshold,
        settings.confirm_required,
    )
    confirmed = dataclasses.replace(books, target=result.target, edge=result.edge)
    return confirmed, result
