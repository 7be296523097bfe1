"""The records the compiled loop reads and writes, and its order/fill codes.

Each record is a `NamedTuple` of arrays (and a few scalars) that numba compiles as one
argument; the loop's functions take these records instead of dozens of arrays. Array
shapes: T rows, N symbols, K books, M markets, S strategies, C log capacity, F limit
fields. Prices are in the quote currency; `value_scale` turns price x quantity into the
account currency. Records hold views of the same arrays (`engine.state.KernelState`,
`engine.inputs.KernelInputs`, `engine.books.BookSet`): writing through a record writes
the state.

Why the loop's helpers are compiled with `no_refcount`: numba updates the reference
count of every array in a record each time a function receives the record (an atomic
operation per array), which cost microseconds per order at these record sizes and made
the loop several times slower. The helpers allocate nothing, return no arrays to a
counting caller, and only work on arrays their caller holds for the whole call, so
they run without numba's runtime (`_nrt=False`, as numba's own allocation-free helpers
do); `step_rows`, which allocates its `Scratch`, keeps it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple, TypeVar, cast

import numpy as np
from numba import njit

__all__ = [
    "FILLS_AT_VENUE",
    "KIND_MARKET",
    "KIND_STOP_LOSS",
    "KIND_TAKE_PROFIT",
    "SIZE_EQUITY_FRACTION",
    "SIZE_UNITS",
    "STATUS_CANCELED",
    "STATUS_DENIED",
    "STATUS_FILLED",
    "STATUS_OPEN",
    "BookArrays",
    "FillLog",
    "Ledger",
    "MarketArrays",
    "OrderLog",
    "Positions",
    "RiskArrays",
    "Scratch",
    "Tally",
    "no_refcount",
]

KIND_MARKET = 0
KIND_STOP_LOSS = 1
KIND_TAKE_PROFIT = 2
STATUS_OPEN = 0
STATUS_FILLED = 1
STATUS_CANCELED = 2
STATUS_DENIED = 3

_F = TypeVar("_F", bound=Callable[..., Any])


def no_refcount(function: _F) -> _F:
    """`njit` for the loop's allocation-free helpers: cached, without numba's runtime
    (see the module docstring)."""
    options: dict[str, Any] = {"cache": True, "_nrt": False}
    return cast(_F, njit(**options)(function))


FILLS_AT_VENUE = -1
"""`fill_model` value: the loop only decides; a venue fills (`engine.venue_fills`)."""

SIZE_UNITS = 0
SIZE_EQUITY_FRACTION = 1


class MarketArrays(NamedTuple):
    """Bars (T x N; NaN = no bar), per-symbol trading terms (N) and the row grid."""

    open_: np.ndarray
    high: np.ndarray
    low: np.ndarray
    close: np.ndarray
    mark: np.ndarray
    fresh: np.ndarray
    """T x N: the bar was delivered at this row (orders fill and signals act only then)."""
    tradable: np.ndarray
    """T x N: trading hours allow new entries."""
    day_id: np.ndarray
    """T: the risk day of each row (daily loss resets when it changes)."""
    symbol_market: np.ndarray
    lot: np.ndarray
    value_scale: np.ndarray
    """T x N: contract multiplier x FX rate of the quote currency to the account's."""
    min_notional: np.ndarray
    """N: smallest order value, account currency."""
    commission_model: np.ndarray
    commission_params: np.ndarray
    slippage_bps: np.ndarray


class BookArrays(NamedTuple):
    """What each book (K) wants: signals per row (K x T) and its sizing and exits."""

    symbol: np.ndarray
    strategy: np.ndarray
    """K: the owning strategy under INDEPENDENT aggregation, -1 otherwise."""
    target: np.ndarray
    edge: np.ndarray
    """K x T: a decision is due at this row's close."""
    contributors: np.ndarray
    stop: np.ndarray
    """K x T: the signal's stop price (NaN = none)."""
    take: np.ndarray
    size_mode: np.ndarray
    size_value: np.ndarray
    stop_pct: np.ndarray
    take_pct: np.ndarray
    n_strategies: int


class RiskArrays(NamedTuple):
    """Limits, the risk state vector, capital allocation and correlations in force."""

    allocation: np.ndarray
    """T x M: each market's share of equity (NaN = no budget)."""
    limits_global: np.ndarray
    limits_market: np.ndarray
    limits_strategy: np.ndarray
    risk_state: np.ndarray
    """The `risk.ladder.StateField` vector, updated in place."""
    corr_block: np.ndarray
    """T: index into `corr_matrices` in force at each row (-1 = none yet)."""
    corr_matrices: np.ndarray
    corr_threshold: float


class OrderLog(NamedTuple):
    """The order log (C entries): the journal's source of orders and risk decisions."""

    row: np.ndarray
    book: np.ndarray
    side: np.ndarray
    kind: np.ndarray
    req: np.ndarray
    """Requested quantity, unsigned."""
    ok: np.ndarray
    """Approved quantity, unsigned."""
    reason: np.ndarray
    status: np.ndarray
    price: np.ndarray
    """Reference price of a market order; trigger level of a protective order."""
    contrib: np.ndarray


class FillLog(NamedTuple):
    """The fill log (C entries)."""

    order: np.ndarray
    row: np.ndarray
    qty: np.ndarray
    """Signed quantity (+ bought)."""
    price: np.ndarray
    fee: np.ndarray
    """Commission, account currency."""
    realized: np.ndarray
    entry: np.ndarray
    """The fill opened or increased a position."""


class Positions(NamedTuple):
    """Per-book (K) positions and working orders, per-symbol (N) net positions and marks."""

    pos: np.ndarray
    avg_px: np.ndarray
    pending: np.ndarray
    """K: the resting market order (-1 = none)."""
    stop_order: np.ndarray
    take_order: np.ndarray
    entry_row: np.ndarray
    """K: the row an entry filled at the open (its stops work from that bar), -1 else."""
    entry_stop: np.ndarray
    entry_take: np.ndarray
    sym_pos: np.ndarray
    last_mark: np.ndarray


class Ledger(NamedTuple):
    """Per-row outputs (T), risk events, and the counters and money carried between calls."""

    equity_out: np.ndarray
    gross_out: np.ndarray
    cash_out: np.ndarray
    event_row: np.ndarray
    event_bits: np.ndarray
    counters: np.ndarray
    """[orders, fills, events, overflow]."""
    money: np.ndarray
    """[cash, equity], account currency."""


class Scratch(NamedTuple):
    """Work arrays one call of the loop reuses for every order's risk check."""

    market_gross: np.ndarray
    open_market: np.ndarray
    market_budget: np.ndarray
    strategy_gross: np.ndarray
    open_strategy: np.ndarray


class Tally(NamedTuple):
    """The running scalars one phase of a row hands to the next."""

    cash: float
    equity: float
    n_orders: int
    n_fills: int
    overflow: bool
