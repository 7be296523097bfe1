"""Kraken spot public endpoints: Time, SystemStatus, Assets, AssetPairs, Ticker, OHLC, Depth.

Every time is on the market clock. OHLC serves, like Kraken, at most the latest 720
candles (`since` only filters them, exclusively), the candle in progress last, and `last`
the open time (s) of the newest committed candle. The order book is synthetic (a few
levels one tick apart around the last price); public trades and spreads are empty.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from tradewind.venues.ccxt.emulator.kraken_wire import (
    Call,
    KrakenError,
    asset_altname,
    decimals_of,
    fmt,
    pair_altname,
)
from tradewind.venues.emulation import (
    EmulatedMarket,
    SymbolSpec,
    UnsupportedIntervalError,
    aggregate_klines,
)

__all__ = ["INTERVALS_MIN", "PublicEndpoints"]

INTERVALS_MIN = (1, 5, 15, 30, 60, 240, 1440, 10080, 21600)
_OHLC_KEEP = 720
_DAY_MS = 86_400_000
_BOOK_LEVELS = 25
_FIAT_DECIMALS = 4
_CRYPTO_DECIMALS = 10


class PublicEndpoints:
    """Handlers of the public endpoints; each takes a Call and returns the `result`."""

    def __init__(self, market: EmulatedMarket, base_interval_ms: Mapping[str, int]) -> None:
        self.market = market
        self.base_interval_ms = dict(base_interval_ms)

    # -- names ---------------------------------------------------------------------------
    def pair(self, name: str) -> tuple[str, SymbolSpec]:
        """The pair id and spec for a pair id or altname; EQuery:Unknown asset pair."""
        wanted = name.strip().upper()
        for pair_id, spec in self.market.symbols.items():
            if wanted in (pair_id, pair_altname(spec)):
                return pair_id, spec
        raise KrakenError("EQuery:Unknown asset pair")

    def pairs(self, call: Call, name: str = "pair") -> list[tuple[str, SymbolSpec]]:
        raw = str(call.params.get(name) or "")
        if not raw:
            return list(self.market.symbols.items())
        return [self.pair(item) for item in raw.split(",") if item.strip()]

    def assets(self) -> list[str]:
        codes: set[str] = set()
        for spec in self.market.symbols.values():
            codes.update((spec.base, spec.quote))
        return sorted(codes)

    # -- endpoints -----------------------------------------------------------------------
    def time(self, call: Call) -> Any:
        moment = datetime.fromtimestamp(call.now_ms / 1000, tz=UTC)
        return {
            "unixtime": call.now_ms // 1000,
            "rfc1123": moment.strftime("%a, %d %b %y %H:%M:%S +0000"),
        }

    def system_status(self, call: Call) -> Any:
        moment = datetime.fromtimestamp(call.now_ms // 1000, tz=UTC)
        return {"status": "online", "timestamp": moment.strftime("%Y-%m-%dT%H:%M:%SZ")}

    def asset_info(self, call: Call) -> Any:
        codes = self.assets()
        raw = str(call.params.get("asset") or "")
        if raw:
            wanted = {item.strip().upper() for item in raw.split(",") if item.strip()}
            codes = [c for c in codes if c in wanted or asset_altname(c) in wanted]
            if not codes:
                raise KrakenError("EQuery:Unknown asset")
        return {code: _asset_json(code) for code in codes}

    def asset_pairs(self, call: Call) -> Any:
        return {pair_id: _pair_json(pair_id, spec) for pair_id, spec in self.pairs(call)}

    def ticker(self, call: Call) -> Any:
        return {
            pair_id: self._ticker(pair_id, spec, call.now_ms) for pair_id, spec in self.pairs(call)
        }

    def ohlc(self, call: Call) -> Any:
        pair_id, spec = self.pair(str(call.params.get("pair") or ""))
        interval_min = _int(call.params, "interval", 1)
        if interval_min not in INTERVALS_MIN:
            raise KrakenError("EGeneral:Invalid arguments")
        interval_ms = interval_min * 60_000
        since_s = _int(call.params, "since", None)
        first_ms = call.now_ms - (_OHLC_KEEP + 2) * interval_ms
        bars = self.market.bars(pair_id, since_open_ms=first_ms - interval_ms)
        base_ms = self.base_interval_ms.get(pair_id, self.market.config.bar_interval_ms)
        try:
            klines = aggregate_klines(bars, base_ms, interval_ms, call.now_ms, limit=_OHLC_KEEP)
        except UnsupportedIntervalError:
            raise KrakenError("EGeneral:Invalid arguments") from None
        last_s = klines[-2].open_time_ms // 1000 if len(klines) > 1 else (since_s or 0)
        if since_s is not None:
            klines = [k for k in klines if k.open_time_ms // 1000 > since_s]
        px = decimals_of(spec.price_tick)
        rows = [
            [
                k.open_time_ms // 1000,
                fmt(k.open, px),
                fmt(k.high, px),
                fmt(k.low, px),
                fmt(k.close, px),
                fmt(k.quote_volume / k.volume if k.volume else k.close, px),
                fmt(k.volume, 8),
                k.bar_count,
            ]
            for k in klines
        ]
        return {pair_id: rows, "last": last_s}

    def depth(self, call: Call) -> Any:
        pair_id, spec = self.pair(str(call.params.get("pair") or ""))
        count = min(max(_int(call.params, "count", 100), 1), 500)
        bids, asks = self._book(pair_id, spec, min(count, _BOOK_LEVELS), call.now_ms // 1000)
        return {pair_id: {"asks": asks, "bids": bids}}

    def trades(self, call: Call) -> Any:
        pair_id, _ = self.pair(str(call.params.get("pair") or ""))
        return {pair_id: [], "last": str(call.now_ms * 1_000_000)}

    def spread(self, call: Call) -> Any:
        pair_id, _ = self.pair(str(call.params.get("pair") or ""))
        return {pair_id: [], "last": call.now_ms // 1000}

    # -- helpers ---------------------------------------------------------------------------
    def _ticker(self, pair_id: str, spec: SymbolSpec, now_ms: int) -> dict[str, Any]:
        px = decimals_of(spec.price_tick)
        day = self.market.bars(pair_id, since_open_ms=now_ms - _DAY_MS)
        today = [b for b in day if b.open_time_ms >= now_ms - now_ms % _DAY_MS]
        last = self.market.last_price(pair_id) or Decimal(0)
        bids, asks = self._book(pair_id, spec, 1, now_ms // 1000)
        bid = bids[0] if bids else ["0", "0", 0]
        ask = asks[0] if asks else ["0", "0", 0]
        return {
            "a": [ask[0], "1", fmt(Decimal(str(ask[1])), 3)],
            "b": [bid[0], "1", fmt(Decimal(str(bid[1])), 3)],
            "c": [fmt(last, px), "0.00000000"],
            "v": [fmt(_volume(today), 8), fmt(_volume(day), 8)],
            "p": [fmt(_vwap(today, last), px), fmt(_vwap(day, last), px)],
            "t": [len(today), len(day)],
            "l": [fmt(_low(today, last), px), fmt(_low(day, last), px)],
            "h": [fmt(_high(today, last), px), fmt(_high(day, last), px)],
            "o": fmt(today[0].open if today else last, px),
        }

    def _book(
        self, pair_id: str, spec: SymbolSpec, levels: int, now_s: int
    ) -> tuple[list[list[Any]], list[list[Any]]]:
        last = self.market.last_price(pair_id)
        if last is None:
            return [], []
        px = decimals_of(spec.price_tick)
        qty = max(spec.min_qty, spec.lot) * 20
        bids, asks = [], []
        for level in range(1, levels + 1):
            step = spec.price_tick * level
            if last - step > 0:
                bids.append([fmt(last - step, px), fmt(qty * level, 8), now_s])
            asks.append([fmt(last + step, px), fmt(qty * level, 8), now_s])
        return bids, asks


def _asset_json(code: str) -> dict[str, Any]:
    fiat = code.startswith("Z") and len(code) == 4
    decimals = _FIAT_DECIMALS if fiat else _CRYPTO_DECIMALS
    return {
        "aclass": "currency",
        "altname": asset_altname(code),
        "decimals": decimals,
        "display_decimals": 2 if fiat else 5,
        "collateral_value": 1.0,
        "status": "enabled",
    }


def _pair_json(pair_id: str, spec: SymbolSpec) -> dict[str, Any]:
    base, quote = asset_altname(spec.base), asset_altname(spec.quote)
    taker = [[0, 0.26], [50000, 0.24], [100000, 0.22], [250000, 0.2], [500000, 0.18]]
    maker = [[0, 0.16], [50000, 0.14], [100000, 0.12], [250000, 0.1], [500000, 0.08]]
    return {
        "altname": base + quote,
        "wsname": f"{base}/{quote}",
        "aclass_base": "currency",
        "base": spec.base,
        "aclass_quote": "currency",
        "quote": spec.quote,
        "lot": "unit",
        "cost_decimals": 5,
        "pair_decimals": decimals_of(spec.price_tick),
        "lot_decimals": decimals_of(spec.lot),
        "lot_multiplier": 1,
        "leverage_buy": [],
        "leverage_sell": [],
        "fees": taker,
        "fees_maker": maker,
        "fee_volume_currency": "ZUSD",
        "margin_call": 80,
        "margin_stop": 40,
        "ordermin": format(spec.min_qty.normalize(), "f"),
        "costmin": format(spec.min_notional.normalize(), "f"),
        "tick_size": format(spec.price_tick.normalize(), "f"),
        "status": "online",
    }


def _int(params: Mapping[str, Any], name: str, default: int | None) -> Any:
    raw = params.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(str(raw))
    except ValueError:
        raise KrakenError(f"EGeneral:Invalid arguments:{name}") from None


def _volume(bars: list[Any]) -> Decimal:
    return sum((b.volume for b in bars), Decimal(0))


def _vwap(bars: list[Any], last: Decimal) -> Decimal:
    volume = _volume(bars)
    return sum((b.volume * b.close for b in bars), Decimal(0)) / volume if volume else last


def _low(bars: list[Any], last: Decimal) -> Decimal:
    return min((b.low for b in bars), default=last)


def _high(bars: list[Any], last: Decimal) -> Decimal:
    return max((b.high for b in bars), default=last)
