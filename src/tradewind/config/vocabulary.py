"""Closed vocabularies of the configuration: providers, strategies, enums, secret names."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from tradewind.domain.market import MarketClass
from tradewind.domain.vocabulary import CaseInsensitiveEnum

__all__ = [
    "BUILTIN_STRATEGIES",
    "PROVIDER_MARKET_CLASSES",
    "SECRET_KEY_NAMES",
    "CaseInsensitiveEnum",
    "Provider",
    "RunMode",
]


class RunMode(CaseInsensitiveEnum):
    """How Tradewind runs: replay history, simulate live, suggest only, or trade."""

    BACKTEST = "backtest"
    PAPER = "paper"
    ADVISORY = "advisory"
    LIVE = "live"


class Provider(CaseInsensitiveEnum):
    """Where a market's data and executions come from."""

    SIM = "sim"
    CCXT = "ccxt"
    OANDA = "oanda"
    ALPACA = "alpaca"
    IB = "ib"


#: Market classes each provider can serve; `None` means any class.
PROVIDER_MARKET_CLASSES: Mapping[Provider, frozenset[MarketClass] | None] = MappingProxyType(
    {
        Provider.SIM: None,
        Provider.IB: None,
        Provider.CCXT: frozenset({MarketClass.CRYPTO}),
        Provider.OANDA: frozenset({MarketClass.FOREX, MarketClass.COMMODITIES}),
        Provider.ALPACA: frozenset({MarketClass.EQUITIES, MarketClass.CRYPTO}),
    }
)

#: Strategy names shipped with Tradewind. The composition root may pass a larger set
#: (plugins) to `load_config(..., known_strategies=...)`.
BUILTIN_STRATEGIES: tuple[str, ...] = (
    "sma_cross",
    "momentum_v1",
    "mean_reversion_v2",
    "breakout_v1",
    "trend_following_v1",
    "rsi_volume_breakout",
)

#: Key names (or `_`-suffixes of key names) that hold credentials. Such keys are refused
#: anywhere in a YAML file: credentials come from the environment or `.env` only.
SECRET_KEY_NAMES: tuple[str, ...] = (
    "api_key",
    "apikey",
    "secret",
    "secret_key",
    "password",
    "passphrase",
    "token",
    "private_key",
    "access_key",
)
