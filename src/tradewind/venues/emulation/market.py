"""The emulated market: accounts, order validation and matching against traded bars.

`EmulatedMarket(symbols, config)` holds per-api-key accounts. Orders are validated against
the symbol's filters, lock their funds (quote for buys, including the commission; base for
sells) and fill:

- market orders at once and completely at the last price (close of the latest bar, or the
  price given to `set_last_price`);
- marketable limit orders at once at the last price (their limit or better); IOC expires
  what did not fill, FOK fills all or expires; see `MarketSpec.immediate_fill_share`;
- resting limit orders when a bar trades through their price (buy: low <= price, filled at
  min(price, open)), together at most `max_volume_share` of the bar's volume per symbol, one
  trade per order per bar, oldest order first;
- stop-limit orders trigger when a bar trades through the stop (stop-loss buy: high >= stop;
  sell: low <= stop; take-profit the other way) and then work as a limit in the same bar;
  stop (stop-market) orders trigger the same way and fill at the stop (the open if the bar
  gapped through it), completely;
- DAY orders work like GTC until the last bar of the session they were placed in.

Market hours (`hours`, see `hours.py`): while a symbol's market is closed nothing fills
at entry; market orders are refused or queued (`MarketSpec.closed_market_orders`) and a
queued one fills at the open of the first bar opening after it was placed. A margin
account (`MarketSpec.margin_leverage`) locks nothing and may go short; `position()`
reports net positions rebuilt from the trades.

Commission is charged in the quote asset. Every time is on the market clock: the close of
the latest bar, or later when `advance_clock` moved it. All methods are thread-safe.
"""

from __future__ import annotations

import bisect
import threading
from collections.abc import Mapping
from contextlib import AbstractContextManager
from decimal import ROUND_DOWN, Decimal
from typing import Any

from tradewind.venues.emulation.book import Account, WorkingOrder
from tradewind.venues.emulation.funds import Funds
from tradewind.venues.emulation.hours import ALWAYS_OPEN, TradingHours
from tradewind.venues.emulation.matching import (
    check_against_last,
    check_bar,
    check_filters,
    immediate_price,
    resting_fill_price,
    stop_triggered,
)
from tradewind.venues.emulation.positions import PositionState, positions_of
from tradewind.venues.emulation.records import (
    Balance,
    Bar,
    MarketSpec,
    NewOrder,
    Order,
    OrderRejectedError,
    OrderStatus,
    OrderType,
    Placement,
    RejectReason,
    Side,
    SymbolSpec,
    TimeInForce,
    Trade,
)
from tradewind.venues.emulation.snapshot import account_from_state, account_state

__all__ = ["EmulatedMarket"]

_ZERO = Decimal(0)
_RESTING = frozenset({TimeInForce.GTC, TimeInForce.DAY})
_TRIGGERED_TYPES = frozenset({OrderType.STOP, OrderType.STOP_LIMIT})


class EmulatedMarket:
    """A spot market for a set of symbols; see the module docstring for the fill rules."""

    def __init__(
        self,
        symbols: Mapping[str, SymbolSpec],
        config: MarketSpec | None = None,
        *,
        hours: Mapping[str, TradingHours] | None = None,
    ) -> None:
        if not symbols:
            raise ValueError("symbols: expected at least one symbol")
        self._symbols = dict(symbols)
        self._config = config or MarketSpec()
        self._hours = {s: (hours or {}).get(s, ALWAYS_OPEN) for s in self._symbols}
        self._funds = Funds(self._config, self._mark_of)
        self._lock = threading.RLock()
        self._accounts: dict[str, Account] = {}
        self._trades: dict[str, list[Trade]] = {}
        self._bars: dict[str, list[Bar]] = {s: [] for s in self._symbols}
        self._last_price: dict[str, Decimal] = {}
        self._open: dict[str, dict[int, tuple[Account, WorkingOrder]]] = {
            s: {} for s in self._symbols
        }
        self._now_ms = 0
        self._next_order_id = 1
        self._next_trade_id = 1

    # -- reference data and clock -------------------------------------------------------
    @property
    def symbols(self) -> Mapping[str, SymbolSpec]:
        return dict(self._symbols)

    @property
    def config(self) -> MarketSpec:
        return self._config

    def atomic(self) -> AbstractContextManager[object]:
        """Hold the market still: what runs inside (several commands, e.g. a dialect's
        cancel-replace) happens as one step; the lock is re-entrant."""
        return self._lock

    def accounts(self) -> list[str]:
        """The accounts opened so far (api keys), in opening order."""
        with self._lock:
            return list(self._accounts)

    @property
    def now_ms(self) -> int:
        """The market clock in ms: the latest bar close or the latest `advance_clock`."""
        with self._lock:
            return self._now_ms

    def advance_clock(self, now_ms: int) -> None:
        """Move the market clock forward (never back) without trading a bar."""
        with self._lock:
            self._now_ms = max(self._now_ms, int(now_ms))

    def spec(self, symbol: str) -> SymbolSpec:
        """The symbol's spec; raises OrderRejectedError(UNKNOWN_SYMBOL)."""
        spec = self._symbols.get(symbol)
        if spec is None:
            raise OrderRejectedError(
                RejectReason.UNKNOWN_SYMBOL,
                f"unknown symbol {symbol!r}: expected one of {sorted(self._symbols)}",
            )
        return spec

    def hours(self, symbol: str) -> TradingHours:
        """The symbol's trading hours (always open unless given)."""
        self.spec(symbol)
        return self._hours[symbol]

    def is_open(self, symbol: str) -> bool:
        """Whether the symbol's market trades now, on the market clock."""
        with self._lock:
            return self.hours(symbol).is_open(self._now_ms)

    def last_price(self, symbol: str) -> Decimal | None:
        with self._lock:
            self.spec(symbol)
            return self._last_price.get(symbol)

    def set_last_price(self, symbol: str, price: Decimal) -> None:
        """Set the price market orders fill at, without trading a bar (manual mode)."""
        with self._lock:
            self.spec(symbol)
            if price <= 0:
                raise ValueError(f"price for {symbol}: expected > 0, got {price}")
            self._last_price[symbol] = Decimal(price)

    def bars(self, symbol: str, since_open_ms: int | None = None) -> list[Bar]:
        """The completed base bars of a symbol (open time >= since_open_ms), oldest first."""
        with self._lock:
            self.spec(symbol)
            bars = self._bars[symbol]
            if since_open_ms is None:
                return list(bars)
            first = bisect.bisect_left(bars, since_open_ms, key=lambda b: b.open_time_ms)
            return bars[first:]

    def bar_count(self, symbol: str) -> int:
        with self._lock:
            return len(self._bars[symbol])

    # -- accounts ------------------------------------------------------------------------
    def add_account(self, account: str, balances: Mapping[str, Decimal] | None = None) -> None:
        """Open an account (idempotent) with `balances` or the configured starting balances."""
        with self._lock:
            if account in self._accounts:
                return
            start = self._config.starting_balances if balances is None else balances
            self._accounts[account] = Account(
                account, free={k: Decimal(v) for k, v in start.items()}
            )
            self._trades[account] = []

    def has_account(self, account: str) -> bool:
        with self._lock:
            return account in self._accounts

    def balances(self, account: str) -> list[Balance]:
        """Free and locked per asset, sorted by asset."""
        with self._lock:
            return self._account(account).balances()

    def position(self, account: str, symbol: str) -> PositionState:
        """The account's net position in `symbol` (flat if never traded)."""
        return self.positions(account).get(symbol, PositionState())

    def positions(self, account: str) -> dict[str, PositionState]:
        """Net positions per traded symbol (flat ones included), from the trades."""
        with self._lock:
            self._account(account)
            return positions_of(self._trades[account])

    def deposit(self, account: str, asset: str, amount: Decimal) -> None:
        """Add (or with a negative amount remove) free funds; for tests and tooling."""
        with self._lock:
            self._account(account).credit(asset, Decimal(amount))

    # -- orders --------------------------------------------------------------------------
    def place_order(self, account: str, new: NewOrder) -> Placement:
        """Validate, lock funds, fill what is marketable now; raises OrderRejectedError."""
        with self._lock:
            acct = self._account(account)
            spec = self.spec(new.symbol)
            last = self._last_price.get(new.symbol)
            qty = self._order_qty(new, spec, last)
            check_filters(new, spec, qty, last)
            client_id = new.client_order_id or f"emu-{self._next_order_id}"
            if client_id in acct.open_client_ids():
                raise OrderRejectedError(
                    RejectReason.DUPLICATE_ORDER, f"client order id {client_id!r} is already open"
                )
            self._check_placement(new, last)
            working = self._funds.lock(acct, new, spec, qty, last)
            order = Order(
                order_id=self._next_order_id,
                client_order_id=client_id,
                account=account,
                symbol=new.symbol,
                side=new.side,
                order_type=new.order_type,
                tif=new.tif,
                qty=qty,
                price=new.price,
                stop_price=new.stop_price,
                take_profit=new.take_profit,
                limit_maker=new.limit_maker,
                status=OrderStatus.NEW,
                executed_qty=_ZERO,
                cumulative_quote=_ZERO,
                time_ms=self._now_ms,
                update_time_ms=self._now_ms,
                working_time_ms=None if new.order_type in _TRIGGERED_TYPES else self._now_ms,
                quote_order_qty=new.quote_order_qty,
            )
            working.order = order
            self._next_order_id += 1
            acct.orders[order.order_id] = working
            trades = self._fill_on_entry(acct, working, last)
            if working.order.status.is_open:
                self._open[new.symbol][order.order_id] = (acct, working)
            return Placement(working.order, tuple(trades))

    def cancel_order(
        self,
        account: str,
        symbol: str,
        order_id: int | None = None,
        client_order_id: str | None = None,
    ) -> Order:
        """Cancel one open order; raises OrderRejectedError(UNKNOWN_ORDER) if not open."""
        with self._lock:
            acct = self._account(account)
            self.spec(symbol)
            working = self._find_open(acct, symbol, order_id, client_order_id)
            self._close(acct, working, OrderStatus.CANCELED)
            return working.order

    def cancel_all(self, account: str, symbol: str) -> list[Order]:
        """Cancel every open order of the account on a symbol, oldest first."""
        with self._lock:
            acct = self._account(account)
            self.spec(symbol)
            canceled = []
            for working in list(acct.orders.values()):
                if working.order.symbol == symbol and working.order.status.is_open:
                    self._close(acct, working, OrderStatus.CANCELED)
                    canceled.append(working.order)
            return canceled

    def get_order(
        self,
        account: str,
        symbol: str,
        order_id: int | None = None,
        client_order_id: str | None = None,
    ) -> Order:
        """One order by venue id, or the latest with that client id."""
        with self._lock:
            self.spec(symbol)
            return self._account(account).find(symbol, order_id, client_order_id).order

    def orders(self, account: str, symbol: str | None = None) -> list[Order]:
        """Every order of the account (optionally of one symbol), oldest first."""
        with self._lock:
            return [
                w.order
                for w in self._account(account).orders.values()
                if symbol is None or w.order.symbol == symbol
            ]

    def open_orders(self, account: str, symbol: str | None = None) -> list[Order]:
        return [o for o in self.orders(account, symbol) if o.status.is_open]

    def trades(self, account: str, symbol: str | None = None) -> list[Trade]:
        """Every execution of the account (optionally of one symbol), oldest first."""
        with self._lock:
            self._account(account)
            return [t for t in self._trades[account] if symbol is None or t.symbol == symbol]

    # -- bars ----------------------------------------------------------------------------
    def trade_bar(
        self,
        symbol: str,
        open_time_ms: int,
        o: Decimal | float | str,
        h: Decimal | float | str,
        low: Decimal | float | str,
        c: Decimal | float | str,
        volume: Decimal | float | str,
        close_time_ms: int | None = None,
    ) -> list[Trade]:
        """Append a completed bar, move the clock to its close and work resting orders.

        close_time_ms defaults to open_time_ms + MarketSpec.bar_interval_ms. Bars of one
        symbol must come in increasing open time. Returns the trades the bar caused.
        """
        close_ms = (
            open_time_ms + self._config.bar_interval_ms if close_time_ms is None else close_time_ms
        )
        bar = Bar(int(open_time_ms), int(close_ms), *(_dec(v) for v in (o, h, low, c, volume)))
        check_bar(symbol, bar)
        with self._lock:
            self.spec(symbol)
            series = self._bars[symbol]
            if series and bar.open_time_ms <= series[-1].open_time_ms:
                raise ValueError(
                    f"bar for {symbol}: open_time_ms {bar.open_time_ms} must be after "
                    f"the previous bar's {series[-1].open_time_ms}"
                )
            series.append(bar)
            self._now_ms = max(self._now_ms, bar.close_time_ms)
            trades = self._work_bar(symbol, bar)
            self._last_price[symbol] = bar.close
            self._expire_day_orders(symbol, bar)
            return trades

    # -- internals -----------------------------------------------------------------------
    def _account(self, account: str) -> Account:
        acct = self._accounts.get(account)
        if acct is None:
            raise OrderRejectedError(RejectReason.UNKNOWN_ACCOUNT, "unknown account")
        return acct

    def _order_qty(self, new: NewOrder, spec: SymbolSpec, last: Decimal | None) -> Decimal:
        if new.quote_order_qty is None:
            if new.qty is None or new.qty <= 0:
                raise OrderRejectedError(RejectReason.BAD_PARAMETER, "quantity: expected > 0")
            return new.qty
        if new.order_type is not OrderType.MARKET or new.qty is not None:
            raise OrderRejectedError(
                RejectReason.BAD_PARAMETER,
                "quoteOrderQty: allowed only on market orders without quantity",
            )
        if last is None:
            raise OrderRejectedError(RejectReason.NO_PRICE, f"no last price for {new.symbol} yet")
        lots = (new.quote_order_qty / last / spec.lot).to_integral_value(rounding=ROUND_DOWN)
        return lots * spec.lot

    def _check_placement(self, new: NewOrder, last: Decimal | None) -> None:
        if new.order_type is OrderType.MARKET and last is None:
            raise OrderRejectedError(RejectReason.NO_PRICE, f"no last price for {new.symbol} yet")
        if (
            new.order_type is OrderType.MARKET
            and self._config.closed_market_orders == "reject"
            and not self._hours[new.symbol].is_open(self._now_ms)
        ):
            raise OrderRejectedError(
                RejectReason.MARKET_CLOSED, f"the market for {new.symbol} is closed"
            )
        if last is not None:
            check_against_last(new, last)

    def _mark_of(self, asset: str) -> Decimal:
        """Value of one unit of `asset` in quote units: 1 for a quote asset, else the
        last price of the symbol it is the base of."""
        for symbol, spec in self._symbols.items():
            if spec.base == asset:
                return self._last_price.get(symbol, _ZERO)
        return Decimal(1)

    def _fill_on_entry(
        self, acct: Account, working: WorkingOrder, last: Decimal | None
    ) -> list[Trade]:
        order = working.order
        if order.order_type in _TRIGGERED_TYPES or last is None:
            return []
        if not self._hours[order.symbol].is_open(self._now_ms):
            if order.tif not in _RESTING and order.order_type is not OrderType.MARKET:
                self._close(acct, working, OrderStatus.EXPIRED)
            return []
        price = (
            last
            if order.order_type is OrderType.MARKET
            else immediate_price(order.side, order.price, last)
        )
        if price is None:
            if order.tif not in _RESTING:
                self._close(acct, working, OrderStatus.EXPIRED)
            return []
        qty = order.qty if order.order_type is OrderType.MARKET else self._immediate_cap(order)
        if qty <= 0 or (order.tif is TimeInForce.FOK and qty < order.qty):
            self._close(acct, working, OrderStatus.EXPIRED)
            return []
        trade = self._fill(acct, working, price, qty, is_maker=False)
        if working.order.status.is_open and order.tif not in _RESTING:
            self._close(acct, working, OrderStatus.EXPIRED)
        return [trade]

    def _immediate_cap(self, order: Order) -> Decimal:
        share = self._config.immediate_fill_share
        bars = self._bars[order.symbol]
        if share is None or not bars:
            return order.qty
        return min(order.qty, _lots(bars[-1].volume * share, self._symbols[order.symbol].lot))

    def _work_bar(self, symbol: str, bar: Bar) -> list[Trade]:
        spec = self._symbols[symbol]
        budget = (
            _lots(bar.volume * self._config.max_volume_share, spec.lot)
            if spec.volume_known
            else spec.max_qty
        )
        trades = []
        for order_id in sorted(self._open[symbol]):
            acct, working = self._open[symbol][order_id]
            activation, is_maker = self._activation(working, bar)
            if activation is None:
                continue
            order = working.order
            if order.order_type in (OrderType.MARKET, OrderType.STOP):
                qty = working.remaining_qty
                trades.append(self._fill(acct, working, activation, qty, is_maker=False))
                continue
            price = resting_fill_price(order.side, order.price, activation, bar)
            qty = min(working.remaining_qty, budget)
            if order.tif not in _RESTING and (
                price is None
                or qty <= 0
                or (order.tif is TimeInForce.FOK and qty < working.remaining_qty)
            ):
                self._close(acct, working, OrderStatus.EXPIRED)
                continue
            if price is None or qty <= 0:
                continue
            budget -= qty
            trades.append(self._fill(acct, working, price, qty, is_maker=is_maker))
            if working.order.status.is_open and order.tif not in _RESTING:
                self._close(acct, working, OrderStatus.EXPIRED)
        return trades

    def _activation(self, working: WorkingOrder, bar: Bar) -> tuple[Decimal | None, bool]:
        """The price from which the order works in this bar, and whether it makes."""
        order = working.order
        if order.order_type is OrderType.MARKET:  # queued while the market was closed
            return (bar.open, False) if bar.open_time_ms >= order.time_ms else (None, False)
        if order.order_type not in _TRIGGERED_TYPES or working.triggered:
            return bar.open, True
        stop = order.stop_price or _ZERO
        if not stop_triggered(order.side, order.take_profit, stop, bar.high, bar.low):
            return None, False
        working.triggered = True
        working.update(working_time_ms=self._now_ms, update_time_ms=self._now_ms)
        gapped = stop_triggered(order.side, order.take_profit, stop, bar.open, bar.open)
        return (bar.open if gapped else stop), False

    def _fill(
        self, acct: Account, working: WorkingOrder, price: Decimal, qty: Decimal, *, is_maker: bool
    ) -> Trade:
        order = working.order
        spec = self._symbols[order.symbol]
        notional = price * qty
        commission = self._funds.settle(acct, working, spec, price, qty)
        executed = order.executed_qty + qty
        status = OrderStatus.FILLED if executed == order.qty else OrderStatus.PARTIALLY_FILLED
        working.update(
            executed_qty=executed,
            cumulative_quote=order.cumulative_quote + notional,
            status=status,
            update_time_ms=self._now_ms,
        )
        if status is OrderStatus.FILLED:
            self._open[order.symbol].pop(order.order_id, None)
        trade = Trade(
            trade_id=self._next_trade_id,
            order_id=order.order_id,
            symbol=order.symbol,
            side=order.side,
            price=price,
            qty=qty,
            quote_qty=notional,
            commission=commission,
            commission_asset=spec.quote,
            time_ms=self._now_ms,
            is_buyer=order.side is Side.BUY,
            is_maker=is_maker,
        )
        self._next_trade_id += 1
        self._trades[acct.name].append(trade)
        return trade

    def _expire_day_orders(self, symbol: str, bar: Bar) -> None:
        """Expire DAY orders once a bar closing at or after their session's close traded."""
        hours = self._hours[symbol]
        for _, (acct, working) in sorted(self._open[symbol].items()):
            order = working.order
            if order.tif is not TimeInForce.DAY:
                continue
            close_ms = hours.session_close_ms(order.time_ms)
            if close_ms is not None and bar.close_time_ms >= close_ms:
                self._close(acct, working, OrderStatus.EXPIRED)

    def _find_open(
        self, acct: Account, symbol: str, order_id: int | None, client_order_id: str | None
    ) -> WorkingOrder:
        if order_id is None and client_order_id is not None:
            for working in acct.orders.values():
                order = working.order
                if (
                    order.symbol == symbol
                    and order.client_order_id == client_order_id
                    and order.status.is_open
                ):
                    return working
        working = acct.find(symbol, order_id, client_order_id)
        if not working.order.status.is_open:
            raise OrderRejectedError(
                RejectReason.UNKNOWN_ORDER,
                f"order {working.order.order_id} is {working.order.status}",
            )
        return working

    def _close(self, acct: Account, working: WorkingOrder, status: OrderStatus) -> None:
        acct.set_status(working, status, self._now_ms)
        self._open[working.order.symbol].pop(working.order.order_id, None)

    # -- state (see state.py) ---------------------------------------------------------------
    def export_state(self) -> dict[str, Any]:
        """Accounts, orders, trades and counters as JSON-ready data (bars excluded)."""
        with self._lock:
            return {
                "now_ms": self._now_ms,
                "next_order_id": self._next_order_id,
                "next_trade_id": self._next_trade_id,
                "last_price": {s: str(p) for s, p in self._last_price.items()},
                "accounts": [
                    account_state(a, self._trades[a.name]) for a in self._accounts.values()
                ],
            }

    def import_state(self, data: Mapping[str, Any]) -> None:
        """Replace accounts, orders and trades with `export_state` data; keeps the bars."""
        with self._lock:
            self._accounts, self._trades = {}, {}
            self._open = {s: {} for s in self._symbols}
            for raw in data["accounts"]:
                acct, trades = account_from_state(raw)
                self._accounts[acct.name] = acct
                self._trades[acct.name] = trades
                for working in acct.orders.values():
                    if working.order.status.is_open:
                        self._open[working.order.symbol][working.order.order_id] = (acct, working)
            self._next_order_id = int(data["next_order_id"])
            self._next_trade_id = int(data["next_trade_id"])
            self._now_ms = max(self._now_ms, int(data["now_ms"]))
            for symbol, price in data.get("last_price", {}).items():
                self._last_price.setdefault(symbol, Decimal(price))


def _dec(value: Decimal | float | str) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _lots(amount: Decimal, lot: Decimal) -> Decimal:
    return (amount / lot).to_integral_value(rounding=ROUND_DOWN) * lot
