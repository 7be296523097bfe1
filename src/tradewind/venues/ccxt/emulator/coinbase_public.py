"""Coinbase public endpoints: v2 time, currencies and exchange rates; v3 products and candles.

Every time is on the market clock. Candles (`granularity` ONE_MINUTE .. ONE_DAY, `start`
and `end` in unix seconds, both required) are those opening in [start, end), newest first
as Coinbase serves them, the one in progress included; a request spanning more than 350
candles is refused. The order book is synthetic (a few levels one tick apart around the
last price) and the public trades are one synthetic trade per recent bar at its close.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from tradewind.venues.ccxt.emulator.coinbase_wire import (
    Call,
    api_error,
    iso_time,
    plain,
)
from tradewind.venues.emulation import (
    EmulatedMarket,
    SymbolSpec,
    UnsupportedIntervalError,
    aggregate_klines,
)

__all__ = ["GRANULARITIES_S", "PublicEndpoints", "is_fiat"]

GRANULARITIES_S = {
    "ONE_MINUTE": 60,
    "FIVE_MINUTE": 300,
    "FIFTEEN_MINUTE": 900,
    "THIRTY_MINUTE": 1800,
    "ONE_HOUR": 3600,
    "TWO_HOUR": 7200,
    "SIX_HOUR": 21600,
    "ONE_DAY": 86400,
}
_MAX_CANDLES = 350
_DAY_MS = 86_400_000
_BOOK_LEVELS = 25
_FIATS = frozenset({"USD", "EUR", "GBP", "CAD", "JPY", "AUD", "CHF", "SGD"})
_ASSET_NAMESPACE = uuid.UUID("2f1d6c1e-3b8a-4d55-9c0e-6a7b8c9d0e1f")


def is_fiat(code: str) -> bool:
    return code in _FIATS


class PublicEndpoints:
    """Handlers of the public endpoints; each takes a Call and returns the JSON body."""

    def __init__(self, market: EmulatedMarket, base_interval_ms: Mapping[str, int]) -> None:
        self.market = market
        self.base_interval_ms = dict(base_interval_ms)

    def product(self, product_id: str) -> SymbolSpec:
        """The spec of a product id (`BTC-USD`); 400 INVALID_ARGUMENT when unknown."""
        spec = self.market.symbols.get(product_id.strip().upper())
        if spec is None:
            raise api_error(400, "INVALID_ARGUMENT", f"ProductID {product_id!r} is invalid")
        return spec

    def assets(self) -> list[str]:
        codes: set[str] = set()
        for spec in self.market.symbols.values():
            codes.update((spec.base, spec.quote))
        return sorted(codes)

    # -- v2 ------------------------------------------------------------------------------
    def time_v2(self, call: Call) -> Any:
        return {"data": {"epoch": call.now_ms // 1000, "iso": iso_time(call.now_ms)[:19] + "Z"}}

    def currencies(self, call: Call) -> Any:
        data = [{"id": c, "name": c, "min_size": "0.01"} for c in self.assets() if is_fiat(c)]
        return {"data": data}

    def crypto_currencies(self, call: Call) -> Any:
        data = [
            {
                "asset_id": str(uuid.uuid5(_ASSET_NAMESPACE, code)),
                "code": code,
                "name": code,
                "color": "#0052FF",
                "sort_index": str(index),
                "exponent": "8",
                "type": "crypto",
                "address_regex": "",
            }
            for index, code in enumerate(c for c in self.assets() if not is_fiat(c))
        ]
        return {"data": data}

    def exchange_rates(self, call: Call) -> Any:
        base = str(call.params.get("currency") or "USD").upper()
        rates: dict[str, str] = {base: "1"}
        for product_id, spec in self.market.symbols.items():
            last = self.market.last_price(product_id)
            if spec.quote == base and last:
                rates[spec.base] = plain(round(Decimal(1) / last, 12))
        for code in self.assets():
            rates.setdefault(code, "0")
        return {"data": {"currency": base, "rates": rates}}

    # -- v3 ------------------------------------------------------------------------------
    def time_v3(self, call: Call) -> Any:
        return {
            "iso": iso_time(call.now_ms)[:19] + "Z",
            "epochSeconds": str(call.now_ms // 1000),
            "epochMillis": str(call.now_ms),
        }

    def products(self, call: Call) -> Any:
        if str(call.params.get("product_type") or "SPOT").upper() != "SPOT":
            return {"products": [], "num_products": 0}
        rows = [self._product_json(pid, spec, call.now_ms) for pid, spec in self._chosen(call)]
        return {"products": rows, "num_products": len(rows)}

    def product_one(self, call: Call) -> Any:
        product_id = call.path_args["product_id"].upper()
        return self._product_json(product_id, self.product(product_id), call.now_ms)

    def candles(self, call: Call) -> Any:
        product_id = call.path_args["product_id"].upper()
        self.product(product_id)
        granularity = str(call.params.get("granularity") or "")
        if granularity not in GRANULARITIES_S:
            raise api_error(
                400, "INVALID_ARGUMENT", f"granularity: expected one of {list(GRANULARITIES_S)}"
            )
        interval_ms = GRANULARITIES_S[granularity] * 1000
        start_s, end_s = _seconds(call.params, "start"), _seconds(call.params, "end")
        if end_s < start_s:
            raise api_error(400, "INVALID_ARGUMENT", "end: expected at or after start")
        if (end_s - start_s) * 1000 > _MAX_CANDLES * interval_ms:
            raise api_error(
                400,
                "INVALID_ARGUMENT",
                f"number of candles requested should be less than {_MAX_CANDLES}",
            )
        bars = self.market.bars(product_id, since_open_ms=start_s * 1000 - interval_ms)
        base_ms = self.base_interval_ms.get(product_id, self.market.config.bar_interval_ms)
        try:
            klines = aggregate_klines(
                bars,
                base_ms,
                interval_ms,
                call.now_ms,
                start_ms=start_s * 1000,
                end_ms=end_s * 1000 - 1,
                limit=_MAX_CANDLES,
            )
        except UnsupportedIntervalError:
            raise api_error(400, "INVALID_ARGUMENT", f"granularity {granularity}") from None
        rows = [
            {
                "start": str(k.open_time_ms // 1000),
                "low": plain(k.low),
                "high": plain(k.high),
                "open": plain(k.open),
                "close": plain(k.close),
                "volume": plain(k.volume),
            }
            for k in reversed(klines)
        ]
        return {"candles": rows}

    def ticker(self, call: Call) -> Any:
        product_id = call.path_args["product_id"].upper()
        spec = self.product(product_id)
        limit = max(1, min(_int(call.params, "limit", 1), 1000))
        bars = self.market.bars(product_id)[-limit:]
        trades = [
            {
                "trade_id": str(index + 1),
                "product_id": product_id,
                "price": plain(bar.close),
                "size": plain(bar.volume),
                "time": iso_time(bar.close_time_ms),
                "side": "BUY" if bar.close >= bar.open else "SELL",
                "bid": "",
                "ask": "",
            }
            for index, bar in reversed(list(enumerate(bars)))
        ]
        bids, asks = self._book(product_id, spec, 1)
        return {
            "trades": trades,
            "best_bid": bids[0]["price"] if bids else "",
            "best_ask": asks[0]["price"] if asks else "",
        }

    def product_book(self, call: Call) -> Any:
        product_id = str(call.params.get("product_id") or "").upper()
        spec = self.product(product_id)
        levels = max(1, min(_int(call.params, "limit", _BOOK_LEVELS), _BOOK_LEVELS))
        bids, asks = self._book(product_id, spec, levels)
        return {
            "pricebook": {
                "product_id": product_id,
                "bids": bids,
                "asks": asks,
                "time": iso_time(call.now_ms),
            }
        }

    # -- helpers ---------------------------------------------------------------------------
    def _chosen(self, call: Call) -> list[tuple[str, SymbolSpec]]:
        wanted = call.params.get("product_ids")
        if not wanted:
            return list(self.market.symbols.items())
        names = wanted if isinstance(wanted, list) else [wanted]
        return [(str(n).upper(), self.product(str(n))) for n in names]

    def _product_json(self, product_id: str, spec: SymbolSpec, now_ms: int) -> dict[str, Any]:
        last = self.market.last_price(product_id)
        day = self.market.bars(product_id, since_open_ms=now_ms - _DAY_MS)
        volume = sum((b.volume for b in day), Decimal(0))
        change = (last - day[0].open) * 100 / day[0].open if day and last else Decimal(0)
        return {
            "product_id": product_id,
            "price": plain(last) if last else "",
            "price_percentage_change_24h": plain(round(change, 8)),
            "volume_24h": plain(volume),
            "volume_percentage_change_24h": "0",
            "base_increment": plain(spec.lot),
            "quote_increment": plain(spec.price_tick),
            "quote_min_size": plain(spec.min_notional),
            "quote_max_size": plain(spec.max_qty * spec.max_price),
            "base_min_size": plain(spec.min_qty),
            "base_max_size": plain(spec.max_qty),
            "base_name": spec.base,
            "quote_name": spec.quote,
            "watched": False,
            "is_disabled": False,
            "new": False,
            "status": "online",
            "cancel_only": False,
            "limit_only": False,
            "post_only": False,
            "trading_disabled": False,
            "auction_mode": False,
            "product_type": "SPOT",
            "quote_currency_id": spec.quote,
            "base_currency_id": spec.base,
            "fcm_trading_session_details": None,
            "mid_market_price": "",
            "alias": "",
            "alias_to": [],
            "base_display_symbol": spec.base,
            "quote_display_symbol": spec.quote,
            "view_only": False,
            "price_increment": plain(spec.price_tick),
            "display_name": product_id,
            "product_venue": "CBE",
        }

    def _book(
        self, product_id: str, spec: SymbolSpec, levels: int
    ) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
        last = self.market.last_price(product_id)
        if last is None:
            return [], []
        qty = max(spec.min_qty * 20, Decimal(1))
        bids, asks = [], []
        for level in range(1, levels + 1):
            step = spec.price_tick * level
            if last - step > 0:
                bids.append({"price": plain(last - step), "size": plain(qty * level)})
            asks.append({"price": plain(last + step), "size": plain(qty * level)})
        return bids, asks


def _int(params: Mapping[str, Any], name: str, default: int) -> int:
    raw = params.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(str(raw))
    except ValueError:
        raise api_error(400, "INVALID_ARGUMENT", f"{name}: expected an integer") from None


def _seconds(params: Mapping[str, Any], name: str) -> int:
    raw = params.get(name)
    if raw is None or raw == "":
        raise api_error(400, "INVALID_ARGUMENT", f"{name}: required (unix seconds)")
    try:
        return int(str(raw))
    except ValueError:
        raise api_error(400, "INVALID_ARGUMENT", f"{name}: expected unix seconds") from None
