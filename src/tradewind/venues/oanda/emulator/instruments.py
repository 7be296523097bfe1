"""Instruments of the emulated v20 venue: reference data, quotes around the last price.

`InstrumentInfo` carries what v20's Instrument definition shows (pip location, display
precision, units precision, minimum size, margin rate) and the emulator's spread. The
market trades mid prices; bids and asks sit half the spread either side of the last price.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from tradewind.venues.oanda.emulator.wire import price_str, units_str

__all__ = ["InstrumentInfo", "Quote", "instrument_json"]


@dataclass(frozen=True, slots=True)
class InstrumentInfo:
    """v20 Instrument reference data; spread is the full bid/ask spread in price units."""

    name: str
    display_name: str
    pip_location: int = -4
    display_precision: int = 5
    trade_units_precision: int = 0
    minimum_trade_size: Decimal = Decimal(1)
    maximum_order_units: Decimal = Decimal(100_000_000)
    margin_rate: Decimal = Decimal("0.02")
    spread: Decimal = Decimal("0.00014")
    kind: str = "CURRENCY"

    def __post_init__(self) -> None:
        if self.spread < 0:
            raise ValueError(f"InstrumentInfo {self.name}.spread: expected >= 0, got {self.spread}")
        if not Decimal(0) < self.margin_rate <= Decimal(1):
            raise ValueError(
                f"InstrumentInfo {self.name}.margin_rate: expected in (0, 1], "
                f"got {self.margin_rate}"
            )

    @property
    def base(self) -> str:
        return self.name.split("_")[0]

    @property
    def quote(self) -> str:
        return self.name.split("_")[-1]

    def price(self, value: Decimal) -> str:
        return price_str(value, self.display_precision)

    def units(self, value: Decimal) -> str:
        return units_str(value, self.trade_units_precision)

    def quote_at(self, mid: Decimal) -> Quote:
        half = self.spread / 2
        return Quote(mid - half, mid + half, mid)


@dataclass(frozen=True, slots=True)
class Quote:
    """Bid, ask and mid of one instrument at one instant."""

    bid: Decimal
    ask: Decimal
    mid: Decimal


def instrument_json(info: InstrumentInfo) -> dict[str, Any]:
    """The v20 Instrument definition."""
    return {
        "name": info.name,
        "type": info.kind,
        "displayName": info.display_name,
        "pipLocation": info.pip_location,
        "displayPrecision": info.display_precision,
        "tradeUnitsPrecision": info.trade_units_precision,
        "minimumTradeSize": info.units(info.minimum_trade_size),
        "maximumTrailingStopDistance": "1.00000",
        "minimumTrailingStopDistance": "0.00050",
        "maximumPositionSize": "0",
        "maximumOrderUnits": info.units(info.maximum_order_units),
        "marginRate": str(info.margin_rate),
        "guaranteedStopLossOrderMode": "DISABLED",
        "tags": [{"type": "ASSET_CLASS", "name": info.kind}],
        "financing": {
            "longRate": "0",
            "shortRate": "0",
            "financingDaysOfWeek": [
                {"dayOfWeek": day, "daysCharged": 0}
                for day in (
                    "MONDAY",
                    "TUESDAY",
                    "WEDNESDAY",
                    "THURSDAY",
                    "FRIDAY",
                    "SATURDAY",
                    "SUNDAY",
                )
            ],
        },
    }
