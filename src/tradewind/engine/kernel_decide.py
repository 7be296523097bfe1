"""Step 4 of the compiled loop's row (numba): signal edges at the close become orders.

Each book with an edge at this row's close (on a delivered bar) wants `target x size`;
the order is the wanted position minus the current one, replaces the book's unfilled
order, passes `risk.check_order` before anything is sent, and is recorded in the order
log (the journal's source). Under THIS_CLOSE an approved order fills at once
(`fill_at_close`); otherwise it rests (filled at the next open, or sent to a venue
under `FILLS_AT_VENUE`).
"""

from __future__ import annotations

import numpy as np

from tradewind.engine.cash import affordable_qty, reserved_cash
from tradewind.engine.kernel_fill import after_fill, fill_book
from tradewind.engine.kernel_records import (
    KIND_MARKET,
    SIZE_EQUITY_FRACTION,
    STATUS_CANCELED,
    STATUS_DENIED,
    STATUS_OPEN,
    BookArrays,
    FillLog,
    MarketArrays,
    OrderLog,
    Positions,
    RiskArrays,
    Scratch,
    Tally,
    no_refcount,
)
from tradewind.execution.costs import apply_slippage, round_down_to_lot
from tradewind.risk.check import AccountExposure, ProposedOrder, RiskRules, check_order
from tradewind.risk.correlated import correlated_exposure
from tradewind.risk.ladder import StateField
from tradewind.risk.limits import LimitField

__all__ = ["decide_book", "exposures_into", "fill_at_close"]

# Orders worth less than this fraction of equity are denied rather than filled as dust.
_DUST = 1e-9
_STATE = int(StateField.STATE)
_REASON = int(StateField.REASON)
_CASH_ACCOUNT = int(LimitField.CASH_ACCOUNT)


@no_refcount
def decide_book(
    t: int,
    k: int,
    tally: Tally,
    market: MarketArrays,
    books: BookArrays,
    risk: RiskArrays,
    orders: OrderLog,
    positions: Positions,
    scratch: Scratch,
) -> tuple[Tally, int, bool]:
    """Step 4 at row t for book k, whose signal has an edge on a delivered bar: the
    order it asks for, checked and logged. Returns the tally, the order to work (-1 =
    none: no change, or denied) and whether the order log was full."""
    cash, equity, n_orders, n_fills, _ = tally
    p, o, n = positions, orders, books.symbol[k]
    ref = market.close[t, n] if not np.isnan(market.close[t, n]) else p.last_mark[n]
    if np.isnan(ref) or ref <= 0.0:
        return tally, -1, False
    wanted = books.target[k, t] * _units(t, k, n, ref, equity, market, books)
    if p.pending[k] >= 0:  # an unfilled order is replaced by the new decision
        o.status[p.pending[k]] = STATUS_CANCELED
        p.pending[k] = -1
    delta = wanted - p.pos[k]
    if delta == 0.0:
        return tally, -1, False
    if n_orders >= o.row.shape[0]:
        return Tally(cash, equity, n_orders, n_fills, True), -1, True
    side = 1 if delta > 0 else -1
    rules = RiskRules(
        int(risk.risk_state[_STATE]), int(risk.risk_state[_REASON]), risk.limits_global,
        risk.limits_market, risk.limits_strategy,
    )  # fmt: skip
    approved, reason = check_order(
        _proposal(t, k, delta, ref, cash, market, books, risk, o, p),
        _account(t, k, equity, market, books, risk, p, scratch),
        rules,
    )
    if approved * ref * market.value_scale[t, n] < _DUST * max(equity, 1.0):
        approved = 0.0  # a sliver left by float rounding at a limit is no order
    i = n_orders
    o.row[i], o.book[i], o.side[i], o.kind[i] = t, k, side, KIND_MARKET
    o.req[i], o.ok[i], o.reason[i], o.price[i] = abs(delta), approved, reason, ref
    o.contrib[i] = books.contributors[k, t]
    o.status[i] = STATUS_OPEN if approved > 0.0 else STATUS_DENIED
    p.entry_stop[k] = books.stop[k, t]
    p.entry_take[k] = books.take[k, t]
    now = Tally(cash, equity, n_orders + 1, n_fills, tally.overflow)
    return now, i if approved > 0.0 else -1, False


@no_refcount
def fill_at_close(
    t: int,
    k: int,
    i: int,
    tally: Tally,
    market: MarketArrays,
    books: BookArrays,
    orders: OrderLog,
    fills: FillLog,
    positions: Positions,
) -> tuple[Tally, bool]:
    """THIS_CLOSE: fill book k's approved order i at row t's close at once. Returns the
    tally and whether the fill log was full (nothing filled)."""
    cash, equity, n_orders, n_fills, overflow = tally
    if n_fills >= orders.row.shape[0]:
        return Tally(cash, equity, n_orders, n_fills, True), True
    n, side = books.symbol[k], orders.side[i]
    price = apply_slippage(side, orders.price[i], market.slippage_bps[n])
    qty = side * orders.ok[i]
    fee, opened = fill_book(n_fills, i, k, n, t, qty, price, market, orders, fills, positions)
    cash -= qty * price * market.value_scale[t, n] + fee
    n_orders = after_fill(
        k, price, opened, -1, i, n_orders, books.stop_pct, books.take_pct, orders, positions
    )
    equity -= fee  # equity after a fill at the close equals equity before, less costs
    return Tally(cash, equity, n_orders, n_fills + 1, overflow), False


@no_refcount
def _units(
    t: int, k: int, n: int, ref: float, equity: float, market: MarketArrays, books: BookArrays
) -> float:
    # Book k's size at reference price `ref`: fixed units, or a fraction of equity.
    if books.size_mode[k] == SIZE_EQUITY_FRACTION:
        return round_down_to_lot(
            books.size_value[k] * equity / (ref * market.value_scale[t, n]), market.lot[n]
        )
    return float(books.size_value[k])


@no_refcount
def _proposal(
    t: int,
    k: int,
    delta: float,
    ref: float,
    cash: float,
    market: MarketArrays,
    books: BookArrays,
    risk: RiskArrays,
    orders: OrderLog,
    positions: Positions,
) -> ProposedOrder:
    # Book k's order for `delta` (signed) at `ref`, in the terms `check_order` reads.
    p, n = positions, books.symbol[k]
    side = 1 if delta > 0 else -1
    corr_exposure = np.nan  # no correlations yet: the rule cannot bind
    if risk.corr_block[t] >= 0:
        corr_exposure = correlated_exposure(
            n, side, p.sym_pos, p.last_mark, market.value_scale[t],
            risk.corr_matrices[risk.corr_block[t], n], risk.corr_threshold,
        )  # fmt: skip
    cash_qty = np.nan  # a margin account: only the leverage limits bind
    if risk.limits_global[_CASH_ACCOUNT] > 0.0 and side > 0:
        promised = reserved_cash(t, books.symbol, market, orders, p)
        cash_qty = affordable_qty(
            cash - promised, abs(delta), apply_slippage(1, ref, market.slippage_bps[n]),
            market.value_scale[t, n], 0.0, market.commission_model[n],
            market.commission_params[n],
        )  # fmt: skip
    return ProposedOrder(
        side, abs(delta), ref, market.value_scale[t, n], p.pos[k], p.pos[k] == 0.0,
        market.tradable[t, n], market.symbol_market[n], books.strategy[k], market.lot[n],
        market.min_notional[n], corr_exposure, cash_qty,
    )  # fmt: skip


@no_refcount
def _account(
    t: int,
    k: int,
    equity: float,
    market: MarketArrays,
    books: BookArrays,
    risk: RiskArrays,
    positions: Positions,
    scratch: Scratch,
) -> AccountExposure:
    # Exposures, open counts (account, markets, book k's strategy) and market budgets
    # at row t, in `scratch`.
    p, s, scale = positions, scratch, market.value_scale[t]
    gross, open_global = exposures_into(
        p.sym_pos, p.last_mark, scale, market.symbol_market, s.market_gross, s.open_market
    )
    for j in range(s.open_strategy.shape[0]):
        s.open_strategy[j] = 0
        s.strategy_gross[j] = 0.0
    if books.strategy[k] >= 0:
        for j in range(books.symbol.shape[0]):
            strategy = books.strategy[j]
            if strategy >= 0 and p.pos[j] != 0.0:
                s.open_strategy[strategy] += 1
                n = books.symbol[j]
                s.strategy_gross[strategy] += abs(p.pos[j] * p.last_mark[n] * scale[n])
    for m in range(s.market_budget.shape[0]):
        s.market_budget[m] = risk.allocation[t, m] * equity  # the router's shares at row t
    return AccountExposure(
        equity, gross, s.market_gross, s.market_budget, s.strategy_gross, open_global,
        s.open_market, s.open_strategy,
    )  # fmt: skip


@no_refcount
def exposures_into(
    sym_pos: np.ndarray,
    mark: np.ndarray,
    multiplier: np.ndarray,
    symbol_market: np.ndarray,
    market_gross: np.ndarray,
    open_market: np.ndarray,
) -> tuple[float, int]:
    """Gross exposure (account currency) of the account and the open position count,
    from net symbol positions at `mark`; per market into `market_gross` and
    `open_market` (overwritten)."""
    gross = 0.0
    open_global = 0
    for m in range(market_gross.shape[0]):
        market_gross[m] = 0.0
        open_market[m] = 0
    for n in range(sym_pos.shape[0]):
        if sym_pos[n] != 0.0:
            value = abs(sym_pos[n] * mark[n] * multiplier[n])
            if np.isfinite(value):
                gross += value
                market_gross[symbol_market[n]] += value
            open_global += 1
            open_market[symbol_market[n]] += 1
    return gross, open_global
