"""The US equities the Alpaca emulator lists, and their `/v2/assets` JSON.

Every bundled symbol trades on the NYSE calendar (XNYS), in whole or fractional shares
(lot 1e-9, as Alpaca's fractional trading), priced in cents; all are marginable,
shortable and easy to borrow.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from tradewind.venues.alpaca.emulator.wire import asset_uuid, dec_str
from tradewind.venues.emulation import SymbolSpec
from tradewind.venues.emulation.hours import ExchangeHours, TradingHours

__all__ = [
    "BUNDLED",
    "FRACTION_LOT",
    "NYSE_HOURS",
    "AssetInfo",
    "BundledSeries",
    "asset_info",
    "asset_json",
    "equity_spec",
]

FRACTION_LOT = Decimal("0.000000001")
NYSE_HOURS: TradingHours = ExchangeHours("XNYS")


@dataclass(frozen=True, slots=True)
class BundledSeries:
    """A bundled catalog series replayed as one venue symbol.

    market / series: the catalog's `market=<market>/symbol=<series>` folder; spec: the
    symbol's filters in the emulated market; hours: when it trades.
    """

    market: str
    series: str
    spec: SymbolSpec
    hours: TradingHours


@dataclass(frozen=True, slots=True)
class AssetInfo:
    """What `/v2/assets` says about a symbol beyond its filters."""

    name: str
    exchange: str
    fractionable: bool = True
    shortable: bool = True


def equity_spec(symbol: str, *, fractionable: bool = True) -> SymbolSpec:
    """A USD equity: cent ticks, fractional (1e-9) or whole-share lots, no minimum notional."""
    lot = FRACTION_LOT if fractionable else Decimal(1)
    return SymbolSpec(symbol, "USD", Decimal("0.01"), lot, lot, Decimal(0))


_INFO: dict[str, AssetInfo] = {
    "AAPL": AssetInfo("Apple Inc. Common Stock", "NASDAQ"),
    "MSFT": AssetInfo("Microsoft Corporation Common Stock", "NASDAQ"),
    "SPY": AssetInfo("SPDR S&P 500 ETF Trust", "ARCA"),
    "DIA": AssetInfo("SPDR Dow Jones Industrial Average ETF Trust", "ARCA"),
    "JPM": AssetInfo("JPMorgan Chase & Co. Common Stock", "NYSE"),
    "XOM": AssetInfo("Exxon Mobil Corporation Common Stock", "NYSE"),
    "XLK": AssetInfo("Technology Select Sector SPDR Fund", "ARCA"),
    "XLF": AssetInfo("Financial Select Sector SPDR Fund", "ARCA"),
    "XLE": AssetInfo("Energy Select Sector SPDR Fund", "ARCA"),
    "EEM": AssetInfo("iShares MSCI Emerging Markets ETF", "ARCA"),
    "EFA": AssetInfo("iShares MSCI EAFE ETF", "ARCA"),
}

BUNDLED: Mapping[str, BundledSeries] = {
    symbol: BundledSeries("equities", symbol, equity_spec(symbol), NYSE_HOURS) for symbol in _INFO
}


def asset_info(symbol: str) -> AssetInfo:
    """The listing of a symbol; symbols outside the bundled table list on NYSE."""
    return _INFO.get(symbol, AssetInfo(symbol, "NYSE"))


def asset_json(symbol: str, spec: SymbolSpec) -> dict[str, Any]:
    """The `/v2/assets` object of one tradable symbol."""
    info = asset_info(symbol)
    fractionable = info.fractionable and spec.lot < 1
    return {
        "id": asset_uuid(symbol),
        "class": "us_equity",
        "exchange": info.exchange,
        "symbol": symbol,
        "name": info.name,
        "status": "active",
        "tradable": True,
        "marginable": True,
        "maintenance_margin_requirement": 30,
        "margin_requirement_long": "30",
        "margin_requirement_short": "30",
        "shortable": info.shortable,
        "easy_to_borrow": info.shortable,
        "fractionable": fractionable,
        "min_order_size": dec_str(spec.lot) if fractionable else "1",
        "min_trade_increment": dec_str(spec.lot) if fractionable else "1",
        "price_increment": dec_str(spec.price_tick),
        "attributes": [],
    }
