"""Alpaca's account and position endpoints over an emulated margin account.

GET /v2/account, GET /v2/positions, GET /v2/positions/{symbol or asset id}, DELETE
/v2/positions/{symbol} (qty or percentage; a DAY market order), DELETE /v2/positions
(cancel_orders; 207 with one entry per position).

Marks are the last traded price; `lastday_price` is the close of the latest bar that
closed before the market day (New York) began. Equity is cash plus the marked long and
short positions; `multiplier` is the market's margin leverage, `buying_power` is
multiplier x equity minus the gross position value (what the market accepts next) and
`regt_buying_power` the same at 2x. Margin calls and interest are not emulated.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, time
from decimal import ROUND_DOWN, Decimal
from typing import Any

from tradewind.venues.alpaca.emulator.assets import asset_info
from tradewind.venues.alpaca.emulator.orders import OrderEndpoints
from tradewind.venues.alpaca.emulator.wire import (
    NEW_YORK,
    AlpacaError,
    Call,
    account_uuid,
    asset_uuid,
    dec_str,
    decimal_param,
    not_found,
    order_uuid,
    unprocessable,
)
from tradewind.venues.emulation import EmulatedMarket, Side
from tradewind.venues.emulation.positions import PositionState

__all__ = ["AccountEndpoints", "Mark"]

_ZERO = Decimal(0)
_CENT = Decimal("0.01")
_PCT_STEP = Decimal("0.0001")


@dataclass(frozen=True, slots=True)
class Mark:
    """One open position with its prices."""

    symbol: str
    state: PositionState
    price: Decimal
    lastday_price: Decimal

    @property
    def market_value(self) -> Decimal:
        return self.state.qty * self.price


class AccountEndpoints:
    """The account and position routes (closing positions goes through `orders`)."""

    def __init__(self, market: EmulatedMarket, orders: OrderEndpoints, currency: str = "USD"):
        self.market = market
        self.orders = orders
        self.currency = currency

    # -- account -----------------------------------------------------------------------------
    def account(self, call: Call) -> dict[str, Any]:
        cash = self._cash(call.account)
        marks = self.marks(call)
        long_value = sum((m.market_value for m in marks if m.state.qty > 0), _ZERO)
        short_value = sum((m.market_value for m in marks if m.state.qty < 0), _ZERO)
        gross = long_value - short_value
        equity = cash + long_value + short_value
        last_equity = cash + sum((m.state.qty * m.lastday_price for m in marks), _ZERO)
        leverage = self.market.config.margin_leverage or Decimal(1)
        buying_power = max(_ZERO, leverage * equity - gross)
        identifier = account_uuid(call.account)
        return {
            "id": identifier,
            "account_number": "PA" + identifier.replace("-", "")[:10].upper(),
            "status": "ACTIVE",
            "crypto_status": None,
            "currency": self.currency,
            "buying_power": _money(buying_power),
            "regt_buying_power": _money(max(_ZERO, 2 * equity - gross)),
            "daytrading_buying_power": _money(buying_power if leverage >= 4 else _ZERO),
            "effective_buying_power": _money(buying_power),
            "non_marginable_buying_power": _money(max(_ZERO, cash)),
            "bod_dtbp": "0",
            "cash": _money(cash),
            "accrued_fees": "0",
            "pending_transfer_in": "0",
            "pending_transfer_out": "0",
            "portfolio_value": _money(equity),
            "pattern_day_trader": False,
            "trading_blocked": False,
            "transfers_blocked": False,
            "account_blocked": False,
            "created_at": None,
            "trade_suspended_by_user": False,
            "multiplier": dec_str(leverage),
            "shorting_enabled": True,
            "equity": _money(equity),
            "last_equity": _money(last_equity),
            "long_market_value": _money(long_value),
            "short_market_value": _money(short_value),
            "position_market_value": _money(gross),
            "initial_margin": _money(gross / 2),
            "maintenance_margin": _money(gross * Decimal("0.3")),
            "last_maintenance_margin": "0",
            "sma": "0",
            "daytrade_count": 0,
            "options_approved_level": 0,
            "options_trading_level": 0,
            "options_buying_power": "0",
        }

    # -- positions ---------------------------------------------------------------------------
    def positions(self, call: Call) -> list[dict[str, Any]]:
        return [self._position_json(call, m) for m in self.marks(call)]

    def position(self, call: Call) -> dict[str, Any]:
        return self._position_json(call, self._mark_of(call, call.path_arg))

    def close_position(self, call: Call) -> dict[str, Any]:
        mark = self._mark_of(call, call.path_arg)
        qty = _close_qty(mark.state.qty, call.params, self.market.spec(mark.symbol).lot)
        side = Side.SELL if mark.state.qty > 0 else Side.BUY
        order = self.orders.place_market(call.account, mark.symbol, side, qty)
        return self.orders.render(call, order)

    def close_all(self, call: Call) -> list[dict[str, Any]]:
        if call.params.get("cancel_orders", "").lower() == "true":
            self.orders.cancel_all(call)
        answers = []
        for mark in self.marks(call):
            side = Side.SELL if mark.state.qty > 0 else Side.BUY
            try:
                order = self.orders.place_market(
                    call.account, mark.symbol, side, abs(mark.state.qty)
                )
            except AlpacaError as exc:
                answers.append({"symbol": mark.symbol, "status": exc.status, "body": exc.body()})
                continue
            answers.append(
                {
                    "symbol": mark.symbol,
                    "status": 200,
                    "order_id": order_uuid(order.order_id),
                    "body": self.orders.render(call, order),
                }
            )
        return answers

    def marks(self, call: Call) -> list[Mark]:
        """The account's open positions, by symbol."""
        states = self.market.positions(call.account)
        day_start_ms = _day_start_ms(call.now_ms)
        marks = []
        for symbol in sorted(states):
            state = states[symbol]
            if state.qty == 0:
                continue
            price = self.market.last_price(symbol) or state.avg_price
            lastday = _close_before(self.market, symbol, day_start_ms) or price
            marks.append(Mark(symbol, state, price, lastday))
        return marks

    # -- helpers -----------------------------------------------------------------------------
    def _cash(self, account: str) -> Decimal:
        for balance in self.market.balances(account):
            if balance.asset == self.currency:
                return balance.free + balance.locked
        return _ZERO

    def _mark_of(self, call: Call, symbol_or_id: str) -> Mark:
        wanted = symbol_or_id.upper()
        for mark in self.marks(call):
            if wanted in (mark.symbol, asset_uuid(mark.symbol).upper()):
                return mark
        raise not_found("position does not exist")

    def _position_json(self, call: Call, mark: Mark) -> dict[str, Any]:
        state = mark.state
        qty = state.qty
        cost = qty * state.avg_price
        unrealized = state.unrealized_pnl(mark.price)
        intraday = (mark.price - mark.lastday_price) * qty
        return {
            "asset_id": asset_uuid(mark.symbol),
            "symbol": mark.symbol,
            "exchange": asset_info(mark.symbol).exchange,
            "asset_class": "us_equity",
            "asset_marginable": True,
            "avg_entry_price": dec_str(state.avg_price.quantize(_PCT_STEP)),
            "qty": dec_str(qty),
            "side": "long" if qty > 0 else "short",
            "market_value": _money(mark.market_value),
            "cost_basis": _money(cost),
            "unrealized_pl": _money(unrealized),
            "unrealized_plpc": _ratio(unrealized, abs(cost)),
            "unrealized_intraday_pl": _money(intraday),
            "unrealized_intraday_plpc": _ratio(intraday, abs(qty * mark.lastday_price)),
            "current_price": dec_str(mark.price),
            "lastday_price": dec_str(mark.lastday_price),
            "change_today": _ratio(mark.price - mark.lastday_price, mark.lastday_price),
            "qty_available": dec_str(self._available(call.account, mark)),
        }

    def _available(self, account: str, mark: Mark) -> Decimal:
        closing = Side.SELL if mark.state.qty > 0 else Side.BUY
        held = sum(
            (
                o.qty - o.executed_qty
                for o in self.market.open_orders(account, mark.symbol)
                if o.side is closing
            ),
            _ZERO,
        )
        return max(_ZERO, abs(mark.state.qty) - held) * (1 if mark.state.qty > 0 else -1)


def _close_qty(held: Decimal, params: Mapping[str, str], lot: Decimal) -> Decimal:
    qty = decimal_param(params.get("qty"), "qty")
    percentage = decimal_param(params.get("percentage"), "percentage")
    if qty is not None and percentage is not None:
        raise unprocessable("only one of qty or percentage may be given")
    if percentage is not None:
        if not _ZERO < percentage <= 100:
            raise unprocessable(f"percentage must be in (0, 100], got {percentage}")
        lots = (abs(held) * percentage / 100 / lot).to_integral_value(rounding=ROUND_DOWN)
        qty = lots * lot
    if qty is None:
        return abs(held)
    if not _ZERO < qty <= abs(held):
        raise AlpacaError(
            403,
            40310000,
            f"insufficient qty available for order (requested: {qty}, available: {abs(held)})",
        )
    return qty


def _day_start_ms(now_ms: int) -> int:
    local = datetime.fromtimestamp(now_ms / 1000, tz=NEW_YORK)
    midnight = datetime.combine(local.date(), time(0), tzinfo=NEW_YORK)
    return int(midnight.timestamp() * 1000)


def _close_before(market: EmulatedMarket, symbol: str, before_ms: int) -> Decimal | None:
    for bar in reversed(market.bars(symbol)):
        if bar.close_time_ms <= before_ms:
            return bar.close
    return None


def _money(value: Decimal) -> str:
    return dec_str(value.quantize(_CENT)) or "0"


def _ratio(numerator: Decimal, denominator: Decimal) -> str:
    if denominator == 0:
        return "0"
    return dec_str((numerator / denominator).quantize(_PCT_STEP)) or "0"
