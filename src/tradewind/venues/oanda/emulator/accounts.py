"""v20 account figures from a ledger and the market's last prices.

Open trades are marked at the mid price. positionValue = sum |units| x mark,
marginUsed = sum |units| x mark x marginRate, NAV = balance + unrealizedPL,
marginAvailable = max(NAV - marginUsed, 0); the closeout percent is marginUsed / 2 / NAV
(a closeout happens at 100%, when NAV falls to half the margin used).
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from tradewind.venues.emulation import EmulatedMarket
from tradewind.venues.oanda.emulator.ledger import AccountLedger
from tradewind.venues.oanda.emulator.records import TradeRecord, order_json, trade_json
from tradewind.venues.oanda.emulator.wire import Ms, money

__all__ = ["account_json", "position_json", "positions_json", "summary_json"]

_ZERO = Decimal(0)


def summary_json(ledger: AccountLedger, market: EmulatedMarket) -> dict[str, Any]:
    """The v20 AccountSummary."""
    open_trades = [t for t in ledger.trades.values() if t.is_open]
    unrealized, value, margin = _exposure(open_trades, market)
    nav = ledger.balance + unrealized
    pending = sum(1 for o in ledger.orders.values() if o.state == "PENDING")
    positions = {t.instrument for t in open_trades}
    pl = sum((sum(sides.values(), _ZERO) for sides in ledger.realized_pl.values()), _ZERO)
    available = max(nav - margin, _ZERO)
    closeout = margin / 2 / nav if nav > 0 else Decimal(0)
    return {
        "id": ledger.id,
        "alias": "Tradewind emulator",
        "currency": ledger.currency,
        "createdByUserID": 1,
        "createdTime": Ms(ledger.created_ms),
        "guaranteedStopLossOrderMode": "DISABLED",
        "hedgingEnabled": False,
        "balance": money(ledger.balance),
        "pl": money(pl),
        "resettablePL": money(pl),
        "resettablePLTime": "0",
        "financing": "0.0000",
        "commission": "0.0000",
        "dividendAdjustment": "0",
        "guaranteedExecutionFees": "0.0000",
        "marginRate": _margin_rate(ledger),
        "openTradeCount": len(open_trades),
        "openPositionCount": len(positions),
        "pendingOrderCount": pending,
        "unrealizedPL": money(unrealized),
        "NAV": money(nav),
        "marginUsed": money(margin),
        "marginAvailable": money(available),
        "positionValue": money(value),
        "marginCloseoutUnrealizedPL": money(unrealized),
        "marginCloseoutNAV": money(nav),
        "marginCloseoutMarginUsed": money(margin),
        "marginCloseoutPercent": str(closeout.quantize(Decimal("0.00001"))),
        "marginCloseoutPositionValue": money(value),
        "withdrawalLimit": money(available),
        "marginCallMarginUsed": money(margin),
        "marginCallPercent": str(closeout.quantize(Decimal("0.00001"))),
        "lastTransactionID": str(ledger.last_id),
    }


def account_json(ledger: AccountLedger, market: EmulatedMarket) -> dict[str, Any]:
    """The full v20 Account: the summary plus open trades, positions and pending orders."""
    account = summary_json(ledger, market)
    account["trades"] = [
        _trade_summary(t, ledger, market) for t in ledger.trades.values() if t.is_open
    ]
    account["positions"] = positions_json(ledger, market, open_only=False)
    account["orders"] = [
        order_json(o, ledger.instruments[o.instrument])
        for o in ledger.orders.values()
        if o.state == "PENDING"
    ]
    return account


def positions_json(
    ledger: AccountLedger, market: EmulatedMarket, *, open_only: bool
) -> list[dict[str, Any]]:
    """Every instrument the account traded (open_only: those with open units)."""
    instruments = sorted({t.instrument for t in ledger.trades.values()})
    out = [position_json(ledger, market, name) for name in instruments]
    if open_only:
        return [p for p in out if p["long"]["units"] != "0" or p["short"]["units"] != "0"]
    return out


def position_json(ledger: AccountLedger, market: EmulatedMarket, instrument: str) -> dict[str, Any]:
    """The v20 Position of one instrument: long and short sides from the open trades."""
    pl = ledger.realized_pl.get(instrument, {"long": _ZERO, "short": _ZERO})
    sides = {}
    total_unrealized = total_margin = _ZERO
    for side, sign in (("long", 1), ("short", -1)):
        trades = [
            t
            for t in ledger.trades.values()
            if t.instrument == instrument and t.is_open and (t.current_units > 0) == (sign > 0)
        ]
        unrealized, _, margin = _exposure(trades, market)
        total_unrealized += unrealized
        total_margin += margin
        sides[side] = _side_json(ledger, instrument, trades, pl[side], unrealized)
    return {
        "instrument": instrument,
        "pl": money(pl["long"] + pl["short"]),
        "resettablePL": money(pl["long"] + pl["short"]),
        "unrealizedPL": money(total_unrealized),
        "marginUsed": money(total_margin),
        "financing": "0.0000",
        "commission": "0.0000",
        "dividendAdjustment": "0.0000",
        "guaranteedExecutionFees": "0.0000",
        "long": sides["long"],
        "short": sides["short"],
    }


def _side_json(
    ledger: AccountLedger,
    instrument: str,
    trades: list[TradeRecord],
    pl: Decimal,
    unrealized: Decimal,
) -> dict[str, Any]:
    info = ledger.instruments[instrument]
    units = sum((t.current_units for t in trades), _ZERO)
    out: dict[str, Any] = {
        "units": info.units(units),
        "pl": money(pl),
        "resettablePL": money(pl),
        "unrealizedPL": money(unrealized),
        "financing": "0.0000",
        "dividendAdjustment": "0.0000",
        "guaranteedExecutionFees": "0.0000",
    }
    if units != 0:
        average = sum((t.current_units * t.price for t in trades), _ZERO) / units
        out["averagePrice"] = info.price(average)
        out["tradeIDs"] = [str(t.id) for t in trades]
    return out


def _trade_summary(
    trade: TradeRecord, ledger: AccountLedger, market: EmulatedMarket
) -> dict[str, Any]:
    return trade_json(
        trade, ledger.instruments[trade.instrument], market.last_price(trade.instrument)
    )


def _exposure(
    trades: Iterable[TradeRecord], market: EmulatedMarket
) -> tuple[Decimal, Decimal, Decimal]:
    """Unrealized P&L, position value and margin used of open trades at the last prices."""
    unrealized = value = margin = _ZERO
    for trade in trades:
        mark = market.last_price(trade.instrument) or trade.price
        unrealized += trade.current_units * (mark - trade.price)
        value += abs(trade.current_units) * mark
        margin += abs(trade.current_units) * mark * trade.margin_rate
    return unrealized, value, margin


def _margin_rate(ledger: AccountLedger) -> str:
    rates = {info.margin_rate for info in ledger.instruments.values()}
    return str(max(rates)) if rates else "0.02"
