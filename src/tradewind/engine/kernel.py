"""The compiled event loop: signals' edges -> risk -> orders -> fills -> equity.

One loop over rows (bars of the common timeline) and books (a symbol, or a symbol and
strategy under INDEPENDENT aggregation). Per row, in this order:

1. pending market orders fill at the bar's open (NEXT_OPEN; fresh bars only: nothing
   fills while a market is closed, the order waits);
2. protective exits (stop-loss, take-profit) of open positions are checked on the bar;
3. equity is marked to the last closes and the risk state is updated (drawdown ladder,
   daily loss);
4. signal edges at this row's close become orders: the wanted position minus the
   current one, checked by `risk.check_order` before anything is sent, recorded in the
   order log (the journal's source) and, under THIS_CLOSE, filled at once.

A cash account (`LimitField.CASH_ACCOUNT`) pays for buys from its cash: orders are cut
to the cash not promised to resting buys, and a fill at an open that gapped up is cut
again (reason INSUFFICIENT_CASH), so cash never goes negative (see `engine.cash`).

Everything is float64/int arrays so that the loop compiles with numba; the per-bar step
is the same code paper and advisory runs drive row by row. With `fill_model ==
FILLS_AT_VENUE` the loop only decides (steps 3 and 4; orders stay pending): paper,
advisory and live runs send those orders to a venue and apply what it reports with
`engine.venue_fills`.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from tradewind.engine.cash import affordable_qty, reserved_cash
from tradewind.execution.costs import apply_slippage, commission, round_down_to_lot
from tradewind.execution.fills import EXIT_NONE, EXIT_STOP_LOSS, exit_on_bar
from tradewind.execution.models import FillModel
from tradewind.risk.check import check_order
from tradewind.risk.correlated import correlated_exposure
from tradewind.risk.ladder import StateField, update_on_equity
from tradewind.risk.limits import LimitField
from tradewind.risk.reasons import RiskReason

__all__ = [
    "FILLS_AT_VENUE",
    "KIND_MARKET",
    "KIND_STOP_LOSS",
    "KIND_TAKE_PROFIT",
    "STATUS_CANCELED",
    "STATUS_DENIED",
    "STATUS_FILLED",
    "STATUS_OPEN",
    "step_rows",
]

KIND_MARKET = 0
KIND_STOP_LOSS = 1
KIND_TAKE_PROFIT = 2
STATUS_OPEN = 0
STATUS_FILLED = 1
STATUS_CANCELED = 2
STATUS_DENIED = 3

FILLS_AT_VENUE = -1
"""`fill_model` value: the loop only decides; a venue fills (`engine.venue_fills`)."""

SIZE_UNITS = 0
SIZE_EQUITY_FRACTION = 1

_THIS_CLOSE = int(FillModel.THIS_CLOSE)
# Orders worth less than this fraction of equity are denied rather than filled as dust.
_DUST = 1e-9
_STATE = int(StateField.STATE)
_REASON = int(StateField.REASON)
_CASH_ACCOUNT = int(LimitField.CASH_ACCOUNT)
_R_INSUFFICIENT_CASH = int(RiskReason.INSUFFICIENT_CASH)


@njit(cache=True)
def _exposures(
    sym_pos: np.ndarray,
    mark: np.ndarray,
    multiplier: np.ndarray,
    symbol_market: np.ndarray,
    n_markets: int,
) -> tuple[float, np.ndarray, int, np.ndarray]:
    gross = 0.0
    market_gross = np.zeros(n_markets)
    open_market = np.zeros(n_markets, dtype=np.int64)
    open_global = 0
    for n in range(sym_pos.shape[0]):
        if sym_pos[n] != 0.0:
            value = abs(sym_pos[n] * mark[n] * multiplier[n])
            if np.isfinite(value):
                gross += value
                market_gross[symbol_market[n]] += value
            open_global += 1
            open_market[symbol_market[n]] += 1
    return gross, market_gross, open_global, open_market


@njit(cache=True)
def step_rows(
    t0: int,
    t1: int,
    open_: np.ndarray,
    high: np.ndarray,
    low: np.ndarray,
    close: np.ndarray,
    mark: np.ndarray,
    fresh: np.ndarray,
    tradable: np.ndarray,
    day_id: np.ndarray,
    symbol_market: np.ndarray,
    lot: np.ndarray,
    value_scale: np.ndarray,
    min_notional: np.ndarray,
    commission_model: np.ndarray,
    commission_params: np.ndarray,
    slippage_bps: np.ndarray,
    book_symbol: np.ndarray,
    book_strategy: np.ndarray,
    target: np.ndarray,
    edge: np.ndarray,
    contributors: np.ndarray,
    signal_stop: np.ndarray,
    signal_take: np.ndarray,
    size_mode: np.ndarray,
    size_value: np.ndarray,
    stop_pct: np.ndarray,
    take_pct: np.ndarray,
    fill_model: int,
    market_alloc: np.ndarray,
    n_strategies: int,
    limits_global: np.ndarray,
    limits_market: np.ndarray,
    limits_strategy: np.ndarray,
    risk_state: np.ndarray,
    corr_block: np.ndarray,
    corr_matrices: np.ndarray,
    corr_threshold: float,
    o_row: np.ndarray,
    o_book: np.ndarray,
    o_side: np.ndarray,
    o_kind: np.ndarray,
    o_req: np.ndarray,
    o_ok: np.ndarray,
    o_reason: np.ndarray,
    o_status: np.ndarray,
    o_price: np.ndarray,
    o_contrib: np.ndarray,
    f_order: np.ndarray,
    f_row: np.ndarray,
    f_qty: np.ndarray,
    f_price: np.ndarray,
    f_fee: np.ndarray,
    f_realized: np.ndarray,
    f_entry: np.ndarray,
    equity_out: np.ndarray,
    gross_out: np.ndarray,
    cash_out: np.ndarray,
    event_row: np.ndarray,
    event_bits: np.ndarray,
    pos: np.ndarray,
    avg_px: np.ndarray,
    pending: np.ndarray,
    stop_order: np.ndarray,
    take_order: np.ndarray,
    entry_row: np.ndarray,
    entry_stop: np.ndarray,
    entry_take: np.ndarray,
    sym_pos: np.ndarray,
    last_mark: np.ndarray,
    counters: np.ndarray,
    money: np.ndarray,
) -> None:
    """Process rows `t0 <= t < t1`, continuing from the state arrays (see `KernelState`)
    and updating them in place. `counters` holds [orders, fills, events, overflow] and
    `money` [cash, equity]. `value_scale` (T x N) turns price x quantity into account
    currency (contract multiplier times the FX rate of the quote currency). On
    overflow (logs full) it stops early with counters[3] = 1. `market_alloc` (T x M)
    is each market's share of equity at each row (NaN = no budget): the capital router's
    allocation in force."""
    n_symbols = close.shape[1]
    n_books = book_symbol.shape[0]
    n_markets = limits_market.shape[0]
    capacity = o_row.shape[0]

    n_orders = counters[0]
    n_fills = counters[1]
    n_events = counters[2]
    cash = money[0]
    equity = money[1]
    overflow = False
    cash_only = limits_global[_CASH_ACCOUNT] > 0.0
    # Steps 1 and 2 fill; when a venue fills, they have no books to work.
    n_filling = 0 if fill_model == FILLS_AT_VENUE else n_books

    for t in range(t0, t1):
        scale = value_scale[t]  # contract multiplier x FX rate to the account currency
        for n in range(n_symbols):
            if not np.isnan(mark[t, n]):
                last_mark[n] = mark[t, n]

        # 1. Resting market orders fill at this bar's open.
        for k in range(n_filling):
            i = pending[k]
            if i < 0:
                continue
            n = book_symbol[k]
            if not fresh[t, n]:
                continue
            side = o_side[i]
            price = apply_slippage(side, open_[t, n], slippage_bps[n])
            if cash_only and side > 0:
                fitted = affordable_qty(
                    cash, o_ok[i], price, scale[n], lot[n], commission_model[n],
                    commission_params[n],
                )  # fmt: skip
                if fitted < o_ok[i]:  # the open gapped above what the cash covers
                    o_reason[i] = _R_INSUFFICIENT_CASH
                    o_ok[i] = fitted if fitted * price * scale[n] >= min_notional[n] else 0.0
                    if o_ok[i] <= 0.0:
                        o_status[i] = STATUS_CANCELED
                        pending[k] = -1
                        continue
            qty = side * o_ok[i]
            if n_fills >= capacity:
                overflow = True
                break
            fee, opened = fill_book(
                k, n, i, t, qty, price, scale[n], commission_model[n], commission_params[n],
                pos, avg_px, sym_pos, o_status, f_order, f_row, f_qty, f_price, f_fee,
                f_realized, f_entry, n_fills,
            )  # fmt: skip
            cash -= qty * price * scale[n] + fee
            n_fills += 1
            pending[k] = -1
            n_orders = after_fill(
                k, t, price, opened, pos, stop_order, take_order, entry_row, entry_stop,
                entry_take, stop_pct, take_pct, o_row, o_book, o_side, o_kind, o_req, o_ok,
                o_reason, o_status, o_price, o_contrib, n_orders, capacity, i, True,
            )  # fmt: skip

        # 2. Protective exits on the bar.
        for k in range(n_filling):
            if pos[k] == 0.0 or (stop_order[k] < 0 and take_order[k] < 0):
                continue
            n = book_symbol[k]
            if not fresh[t, n]:
                continue
            stop = o_price[stop_order[k]] if stop_order[k] >= 0 else np.nan
            take = o_price[take_order[k]] if take_order[k] >= 0 else np.nan
            sign = 1 if pos[k] > 0 else -1
            code, px = exit_on_bar(
                sign, stop, take, open_[t, n], high[t, n], low[t, n], entry_row[k] == t
            )
            if code == EXIT_NONE:
                continue
            if n_fills >= capacity:
                overflow = True
                break
            i = stop_order[k] if code == EXIT_STOP_LOSS else take_order[k]
            other = take_order[k] if code == EXIT_STOP_LOSS else stop_order[k]
            qty = -pos[k]
            price = apply_slippage(-sign, px, slippage_bps[n])
            o_ok[i] = abs(qty)
            o_req[i] = abs(qty)
            if other >= 0:
                o_status[other] = STATUS_CANCELED
            stop_order[k] = -1
            take_order[k] = -1
            fee, opened = fill_book(
                k, n, i, t, qty, price, scale[n], commission_model[n], commission_params[n],
                pos, avg_px, sym_pos, o_status, f_order, f_row, f_qty, f_price, f_fee,
                f_realized, f_entry, n_fills,
            )  # fmt: skip
            cash -= qty * price * scale[n] + fee
            n_fills += 1

        # 3. Mark to market and update the risk state.
        equity = cash
        for n in range(n_symbols):
            if sym_pos[n] != 0.0 and not np.isnan(last_mark[n]):
                equity += sym_pos[n] * last_mark[n] * scale[n]
        bits = update_on_equity(risk_state, equity, day_id[t], limits_global)
        if bits != 0:
            event_row[n_events] = t
            event_bits[n_events] = bits
            n_events += 1

        # 4. Signal edges at this row's close become orders.
        for k in range(n_books):
            n = book_symbol[k]
            if not edge[k, t] or not fresh[t, n]:  # a signal needs its bar delivered
                continue
            ref = close[t, n] if not np.isnan(close[t, n]) else last_mark[n]
            if np.isnan(ref) or ref <= 0.0:
                continue
            if size_mode[k] == SIZE_EQUITY_FRACTION:
                units = round_down_to_lot(size_value[k] * equity / (ref * scale[n]), lot[n])
            else:
                units = size_value[k]
            wanted = target[k, t] * units
            if pending[k] >= 0:  # an unfilled order is replaced by the new decision
                o_status[pending[k]] = STATUS_CANCELED
                pending[k] = -1
            delta = wanted - pos[k]
            if delta == 0.0:
                continue
            if n_orders >= capacity:
                overflow = True
                break
            side = 1 if delta > 0 else -1
            gross, market_gross, open_global, open_market = _exposures(
                sym_pos, last_mark, scale, symbol_market, n_markets
            )
            strategy = book_strategy[k]
            open_strategy = np.zeros(max(n_strategies, 1), dtype=np.int64)
            strategy_gross = np.zeros(max(n_strategies, 1))
            if strategy >= 0:
                for j in range(n_books):
                    s = book_strategy[j]
                    if s >= 0 and pos[j] != 0.0:
                        open_strategy[s] += 1
                        strategy_gross[s] += abs(
                            pos[j] * last_mark[book_symbol[j]] * scale[book_symbol[j]]
                        )
            market = symbol_market[n]
            budget = market_alloc[t] * equity  # the router's shares in force at row t
            corr_exposure = np.nan  # no correlations yet: the rule cannot bind
            if corr_block[t] >= 0:
                corr_exposure = correlated_exposure(
                    n, side, sym_pos, last_mark, scale, corr_matrices[corr_block[t], n],
                    corr_threshold,
                )  # fmt: skip
            cash_qty = np.nan  # a margin account: only the leverage limits bind
            if cash_only and side > 0:
                promised = reserved_cash(
                    pending, o_side, o_ok, o_price, book_symbol, scale, slippage_bps,
                    commission_model, commission_params,
                )  # fmt: skip
                cash_qty = affordable_qty(
                    cash - promised, abs(delta), apply_slippage(1, ref, slippage_bps[n]),
                    scale[n], 0.0, commission_model[n], commission_params[n],
                )  # fmt: skip
            approved, reason = check_order(
                side, abs(delta), ref, scale[n], pos[k], equity, gross, market,
                market_gross, budget, open_global, open_market, open_strategy, strategy,
                strategy_gross, pos[k] == 0.0, tradable[t, n],
                int(risk_state[_STATE]), int(risk_state[_REASON]), lot[n], min_notional[n],
                limits_global, limits_market, limits_strategy, corr_exposure, cash_qty,
            )  # fmt: skip
            if approved * ref * scale[n] < _DUST * max(equity, 1.0):
                approved = 0.0  # a sliver left by float rounding at a limit is no order
            i = n_orders
            o_row[i], o_book[i], o_side[i], o_kind[i] = t, k, side, KIND_MARKET
            o_req[i], o_ok[i], o_reason[i], o_price[i] = abs(delta), approved, reason, ref
            o_contrib[i] = contributors[k, t]
            o_status[i] = STATUS_OPEN if approved > 0.0 else STATUS_DENIED
            n_orders += 1
            entry_stop[k] = signal_stop[k, t]
            entry_take[k] = signal_take[k, t]
            if approved <= 0.0:
                continue
            if fill_model != _THIS_CLOSE:
                pending[k] = i
                continue
            if n_fills >= capacity:
                overflow = True
                break
            price = apply_slippage(side, ref, slippage_bps[n])
            qty = side * approved
            fee, opened = fill_book(
                k, n, i, t, qty, price, scale[n], commission_model[n], commission_params[n],
                pos, avg_px, sym_pos, o_status, f_order, f_row, f_qty, f_price, f_fee,
                f_realized, f_entry, n_fills,
            )  # fmt: skip
            cash -= qty * price * scale[n] + fee
            n_fills += 1
            n_orders = after_fill(
                k, -1, price, opened, pos, stop_order, take_order, entry_row, entry_stop,
                entry_take, stop_pct, take_pct, o_row, o_book, o_side, o_kind, o_req, o_ok,
                o_reason, o_status, o_price, o_contrib, n_orders, capacity, i, False,
            )  # fmt: skip
            # Equity after a fill at the close equals equity before, less costs.
            equity -= fee

        equity_out[t] = equity
        cash_out[t] = cash
        gross_out[t], _, _, _ = _exposures(sym_pos, last_mark, scale, symbol_market, n_markets)
        if overflow:
            break

    counters[0] = n_orders
    counters[1] = n_fills
    counters[2] = n_events
    counters[3] = 1 if overflow else 0
    money[0] = cash
    money[1] = equity


@njit(cache=True)
def fill_book(
    k: int,
    n: int,
    i: int,
    t: int,
    qty: float,
    price: float,
    scale: float,
    commission_model: int,
    commission_params: np.ndarray,
    pos: np.ndarray,
    avg_px: np.ndarray,
    sym_pos: np.ndarray,
    o_status: np.ndarray,
    f_order: np.ndarray,
    f_row: np.ndarray,
    f_qty: np.ndarray,
    f_price: np.ndarray,
    f_fee: np.ndarray,
    f_realized: np.ndarray,
    f_entry: np.ndarray,
    j: int,
) -> tuple[float, bool]:
    """Fill order i of book k (symbol n) at row t: positions, order status and fill log
    entry j; returns the commission (account currency) and whether it opened exposure.
    The caller moves cash and advances the fill count."""
    fee = commission(commission_model, qty, price, scale, commission_params)
    realized, opened = apply_to_book(k, qty, price, scale, pos, avg_px)
    sym_pos[n] = _net(sym_pos[n] + qty)
    o_status[i] = STATUS_FILLED
    f_order[j], f_row[j], f_qty[j] = i, t, qty
    f_price[j], f_fee[j] = price, fee
    f_realized[j], f_entry[j] = realized, opened
    return fee, opened


@njit(cache=True)
def _net(position: float) -> float:
    # Books of one symbol (INDEPENDENT strategies) sum with float residue; a residue far
    # below any lot is flat, or it would count as an open position.
    return 0.0 if abs(position) < 1e-10 else position


@njit(cache=True)
def apply_to_book(
    k: int, qty: float, price: float, multiplier: float, pos: np.ndarray, avg_px: np.ndarray
) -> tuple[float, bool]:
    """Apply a signed fill to book k; returns (realized P&L, opened-or-increased)."""
    old = pos[k]
    new = old + qty
    realized = 0.0
    opened = False
    if old == 0.0 or old * qty > 0.0:  # open or add
        avg_px[k] = (avg_px[k] * abs(old) + price * abs(qty)) / abs(new)
        opened = True
    else:  # reduce, close or flip
        closed = min(abs(qty), abs(old))
        realized = closed * (price - avg_px[k]) * (1.0 if old > 0 else -1.0) * multiplier
        if new == 0.0:
            avg_px[k] = 0.0
        elif new * old < 0.0:  # flipped: the remainder opens at this price
            avg_px[k] = price
            opened = True
    pos[k] = _net(new)
    return realized, opened


@njit(cache=True)
def after_fill(
    k: int,
    row: int,
    price: float,
    opened: bool,
    pos: np.ndarray,
    stop_order: np.ndarray,
    take_order: np.ndarray,
    entry_row: np.ndarray,
    entry_stop: np.ndarray,
    entry_take: np.ndarray,
    stop_pct: np.ndarray,
    take_pct: np.ndarray,
    o_row: np.ndarray,
    o_book: np.ndarray,
    o_side: np.ndarray,
    o_kind: np.ndarray,
    o_req: np.ndarray,
    o_ok: np.ndarray,
    o_reason: np.ndarray,
    o_status: np.ndarray,
    o_price: np.ndarray,
    o_contrib: np.ndarray,
    n_orders: int,
    capacity: int,
    parent: int,
    at_open: bool,
) -> int:
    """Cancel the old protective orders; after an entry, place new ones (resting from
    the fill bar on when the fill was at the open)."""
    for j in (stop_order[k], take_order[k]):
        if j >= 0:
            o_status[j] = STATUS_CANCELED
    stop_order[k] = -1
    take_order[k] = -1
    entry_row[k] = -1
    if not opened or pos[k] == 0.0:
        return n_orders
    sign = 1.0 if pos[k] > 0 else -1.0
    stop = entry_stop[k]
    if np.isnan(stop) and not np.isnan(stop_pct[k]):
        stop = price * (1.0 - sign * stop_pct[k])
    take = entry_take[k]
    if np.isnan(take) and not np.isnan(take_pct[k]):
        take = price * (1.0 + sign * take_pct[k])
    entry_row[k] = row if at_open else -1
    for kind, level in ((KIND_STOP_LOSS, stop), (KIND_TAKE_PROFIT, take)):
        if np.isnan(level) or n_orders >= capacity:
            continue
        i = n_orders
        o_row[i], o_book[i], o_side[i], o_kind[i] = o_row[parent], k, -int(sign), kind
        o_req[i], o_ok[i], o_reason[i], o_price[i] = abs(pos[k]), abs(pos[k]), 0, level
        o_contrib[i], o_status[i] = o_contrib[parent], STATUS_OPEN
        if kind == KIND_STOP_LOSS:
            stop_order[k] = i
        else:
            take_order[k] = i
        n_orders += 1
    return n_orders
