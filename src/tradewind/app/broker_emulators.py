"""The forex and stocks brokers' emulators as `tradewind emulate` serves them.

Each broker's emulator package (`tradewind.venues.<broker>.emulator`) lists what it
replays (`BUNDLED`: venue symbol -> bundled series, its spec and trading hours), each
account's starting balances (`DEFAULT_BALANCES`), how its market behaves
(`MARKET_SPEC`: commission, margin, market orders while closed), the credentials it
accepts by default (`DEFAULT_CREDENTIALS`) and `build_emulator`. This module imports
a package only when its broker is asked for.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Mapping
from dataclasses import dataclass
from types import ModuleType
from typing import Any

__all__ = ["BROKER_EMULATORS", "BrokerEmulator", "broker_emulator"]

_WITHOUT_CREDENTIALS = frozenset({"ib"})

BROKER_EMULATORS: Mapping[str, str] = {
    "oanda": "tradewind.venues.oanda.emulator",
    "alpaca": "tradewind.venues.alpaca.emulator",
    "ib": "tradewind.venues.ib.emulator",
}
"""`tradewind emulate` name -> the emulator package."""


@dataclass(frozen=True, slots=True)
class BrokerEmulator:
    """One broker's emulator package, read through its uniform surface."""

    name: str
    module: ModuleType

    @property
    def bundled(self) -> Mapping[str, Any]:
        """Venue symbol -> `BundledSeries` (market, series, spec, hours)."""
        return dict(self.module.BUNDLED)

    @property
    def default_balances(self) -> Mapping[str, Any]:
        return dict(self.module.DEFAULT_BALANCES)

    @property
    def market_spec(self) -> Any:
        return self.module.MARKET_SPEC

    def credentials(self) -> dict[str, str]:
        """`TRADEWIND_EMULATOR_API_KEY` / `_SECRET` when set (OANDA: the token and its
        comma-separated account ids), else the package's defaults; IB has no credentials
        (TWS holds the login)."""
        key = os.environ.get("TRADEWIND_EMULATOR_API_KEY")
        if key and self.name not in _WITHOUT_CREDENTIALS:
            return {key: os.environ.get("TRADEWIND_EMULATOR_SECRET", "")}
        return dict(self.module.DEFAULT_CREDENTIALS)

    def build(self, market: Any, **options: Any) -> Any:
        return self.module.build_emulator(market, self.credentials(), **options)


def broker_emulator(name: str) -> BrokerEmulator | None:
    """The emulator of broker `name` (None: not a broker; the crypto exchanges are
    served by `venues.ccxt.emulator`)."""
    module_name = BROKER_EMULATORS.get(name)
    if module_name is None:
        return None
    return BrokerEmulator(name, importlib.import_module(module_name))
