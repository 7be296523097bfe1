"""v20 trade and position endpoints: list, get, and close (a market order that reduces).

Closing a trade places a MARKET order (reason TRADE_CLOSE) that reduces that trade only;
closing a position places one per side asked (reason POSITION_CLOSEOUT). While the
market is closed such an order is created and cancelled MARKET_HALTED.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from tradewind.venues.oanda.emulator.accounts import position_json, positions_json
from tradewind.venues.oanda.emulator.books import Books
from tradewind.venues.oanda.emulator.ledger import AccountLedger
from tradewind.venues.oanda.emulator.orders import place
from tradewind.venues.oanda.emulator.records import OrderRecord, TradeRecord, trade_json
from tradewind.venues.oanda.emulator.wire import Call, OandaError, int_param

__all__ = ["PositionEndpoints"]

_ZERO = Decimal(0)


class PositionEndpoints:
    """Handlers of /trades... and /positions...; each takes a Call and returns the body."""

    def __init__(self, books: Books) -> None:
        self.books = books

    # -- trades ---------------------------------------------------------------------------
    def trades(self, call: Call) -> dict[str, Any]:
        ledger = self.books.ledger(call.account_id)
        state = call.params.get("state") or "OPEN"
        if state not in ("OPEN", "CLOSED", "CLOSE_WHEN_TRADEABLE", "ALL"):
            raise OandaError(400, "Invalid value specified for 'state'")
        count = int_param(call.params, "count", 50, 500)
        selected = [t for t in _newest_first(ledger) if _trade_matches(t, call.params, state)]
        return {
            "trades": [self._json(t) for t in selected[:count]],
            "lastTransactionID": str(ledger.last_id),
        }

    def open_trades(self, call: Call) -> dict[str, Any]:
        ledger = self.books.ledger(call.account_id)
        return {
            "trades": [self._json(t) for t in _newest_first(ledger) if t.is_open],
            "lastTransactionID": str(ledger.last_id),
        }

    def trade(self, call: Call) -> dict[str, Any]:
        ledger = self.books.ledger(call.account_id)
        trade = _find_trade(ledger, call.args[1])
        return {"trade": self._json(trade), "lastTransactionID": str(ledger.last_id)}

    def close_trade(self, call: Call) -> Any:
        ledger = self.books.ledger(call.account_id)
        body = call.json_body()
        with self.books.market.atomic():
            trade = _find_trade(ledger, call.args[1])
            if not trade.is_open:
                raise _no_trade(ledger)
            units = _close_units(body.get("units", "ALL"), abs(trade.current_units), "units")
            order = self._closing_order(
                ledger, trade.instrument, -units if trade.current_units > 0 else units, call.now_ms
            )
            order.reason, order.close_trade_id = "TRADE_CLOSE", trade.id
            result = self._place(ledger, order, call.now_ms)
        return _with_ids(ledger, result)

    # -- positions ------------------------------------------------------------------------
    def positions(self, call: Call) -> dict[str, Any]:
        ledger = self.books.ledger(call.account_id)
        return {
            "positions": positions_json(ledger, self.books.market, open_only=False),
            "lastTransactionID": str(ledger.last_id),
        }

    def open_positions(self, call: Call) -> dict[str, Any]:
        ledger = self.books.ledger(call.account_id)
        return {
            "positions": positions_json(ledger, self.books.market, open_only=True),
            "lastTransactionID": str(ledger.last_id),
        }

    def position(self, call: Call) -> dict[str, Any]:
        ledger = self.books.ledger(call.account_id)
        instrument = self.books.info(call.args[1], "instrument").name
        return {
            "position": position_json(ledger, self.books.market, instrument),
            "lastTransactionID": str(ledger.last_id),
        }

    def close_position(self, call: Call) -> Any:
        ledger = self.books.ledger(call.account_id)
        instrument = self.books.info(call.args[1], "instrument").name
        body = call.json_body()
        result: dict[str, Any] = {}
        with self.books.market.atomic():
            held = {
                side: sum(
                    (
                        t.current_units
                        for t in ledger.trades.values()
                        if t.is_open
                        and t.instrument == instrument
                        and (t.current_units > 0) == (side == "long")
                    ),
                    _ZERO,
                )
                for side in ("long", "short")
            }
            ledger.begin_batch()
            try:
                for side in ("long", "short"):
                    result.update(
                        self._close_side(ledger, instrument, side, held[side], body, call)
                    )
            finally:
                ledger.end_batch()
        if not result:
            raise OandaError(
                400,
                "The Position requested to be closed out does not exist",
                "CLOSEOUT_POSITION_DOESNT_EXIST",
                {"lastTransactionID": str(ledger.last_id)},
            )
        return _with_ids(ledger, result)

    def _close_side(
        self,
        ledger: AccountLedger,
        instrument: str,
        side: str,
        held: Decimal,
        body: Mapping[str, Any],
        call: Call,
    ) -> dict[str, Any]:
        raw = body.get(f"{side}Units")
        if (raw is None and held == 0) or raw == "NONE":
            return {}
        if held == 0:
            raise OandaError(
                400,
                f"The {side} Position requested to be closed out does not exist",
                "CLOSEOUT_POSITION_DOESNT_EXIST",
                {"lastTransactionID": str(ledger.last_id)},
            )
        units = _close_units(raw or "ALL", abs(held), f"{side}Units")
        order = self._closing_order(
            ledger, instrument, -units if side == "long" else units, call.now_ms
        )
        order.reason, order.closeout_side = "POSITION_CLOSEOUT", side
        placed = place(self.books, ledger, order, call.now_ms)
        names = {
            "orderCreateTransaction": f"{side}OrderCreateTransaction",
            "orderFillTransaction": f"{side}OrderFillTransaction",
            "orderCancelTransaction": f"{side}OrderCancelTransaction",
        }
        return {names[k]: v for k, v in placed.items()}

    def _closing_order(
        self, ledger: AccountLedger, instrument: str, units: Decimal, now_ms: int
    ) -> OrderRecord:
        return OrderRecord(
            id=ledger.new_order_id(),
            kind="MARKET",
            instrument=instrument,
            units=units,
            tif="FOK",
            create_ms=now_ms,
            position_fill="REDUCE_ONLY",
        )

    def _place(self, ledger: AccountLedger, order: OrderRecord, now_ms: int) -> dict[str, Any]:
        ledger.begin_batch()
        try:
            return place(self.books, ledger, order, now_ms)
        finally:
            ledger.end_batch()

    def _json(self, trade: TradeRecord) -> dict[str, Any]:
        info = self.books.info(trade.instrument)
        return trade_json(trade, info, self.books.market.last_price(trade.instrument))


def _newest_first(ledger: AccountLedger) -> list[TradeRecord]:
    return sorted(ledger.trades.values(), key=lambda t: -t.id)


def _trade_matches(trade: TradeRecord, params: Mapping[str, str], state: str) -> bool:
    if (state == "OPEN" and not trade.is_open) or (state == "CLOSED" and trade.is_open):
        return False
    if state == "CLOSE_WHEN_TRADEABLE":
        return False
    if params.get("instrument") and trade.instrument != params["instrument"]:
        return False
    before = params.get("beforeID")
    if before and before.isdigit() and trade.id >= int(before):
        return False
    ids = params.get("ids")
    return not ids or str(trade.id) in ids.split(",")


def _find_trade(ledger: AccountLedger, specifier: str) -> TradeRecord:
    trade = None
    if specifier.startswith("@"):
        matches = [
            t for t in ledger.trades.values() if (t.client_ext or {}).get("id") == specifier[1:]
        ]
        trade = matches[-1] if matches else None
    elif specifier.isdigit():
        trade = ledger.trades.get(int(specifier))
    else:
        raise OandaError(400, "Invalid value specified for 'tradeSpecifier'")
    if trade is None:
        raise _no_trade(ledger)
    return trade


def _no_trade(ledger: AccountLedger) -> OandaError:
    return OandaError(
        404,
        "The Trade specified does not exist or is not open",
        "TRADE_DOESNT_EXIST",
        {"lastTransactionID": str(ledger.last_id)},
    )


def _close_units(raw: Any, held: Decimal, name: str) -> Decimal:
    if raw == "ALL":
        return held
    try:
        units = Decimal(str(raw))
    except InvalidOperation:
        raise OandaError(400, f"Invalid value specified for '{name}'") from None
    if not units.is_finite() or not _ZERO < units <= held:
        raise OandaError(400, f"Invalid value specified for '{name}': expected 0 < units <= {held}")
    return units


def _with_ids(ledger: AccountLedger, result: Mapping[str, Any]) -> dict[str, Any]:
    ids = sorted({int(t["id"]) for t in result.values()})
    return {
        **result,
        "relatedTransactionIDs": [str(i) for i in ids],
        "lastTransactionID": str(ledger.last_id),
    }
