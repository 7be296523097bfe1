"""Closed vocabularies of the configuration: providers, strategies, enums, secret names."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from tradewind.domain.market import MarketClass
from tradewind.domain.vocabulary import CaseInsensitiveEnum

__all__ = [
    "ACCEPTED_PROVIDER_NAMES",
    "BUILTIN_STRATEGIES",
    "PROVIDER_ALIASES",
    "PROVIDER_MARKET_CLASSES",
    "SECRET_KEY_NAMES",
    "CaseInsensitiveEnum",
    "PaperFills",
    "Provider",
    "ProviderAlias",
    "RunMode",
    "provider_display_name",
    "resolve_provider_alias",
]


class RunMode(CaseInsensitiveEnum):
    """How Tradewind runs: replay history, simulate live, suggest only, or trade."""

    BACKTEST = "backtest"
    PAPER = "paper"
    ADVISORY = "advisory"
    LIVE = "live"


class PaperFills(CaseInsensitiveEnum):
    """Where a paper or advisory run's orders fill."""

    SIMULATED = "simulated"
    """The simulated venue, over the bars the market's data source delivers."""
    VENUE = "venue"
    """The market's `endpoint`: a testnet or Tradewind's emulator, never a real account."""


class Provider(CaseInsensitiveEnum):
    """Where a market's data and executions come from."""

    SIM = "sim"
    CCXT = "ccxt"
    OANDA = "oanda"
    ALPACA = "alpaca"
    IB = "ib"


@dataclass(frozen=True, slots=True)
class ProviderAlias:
    """What a provider name as the product's documents write it stands for: a
    `Provider` and, for a ccxt exchange, the exchange id (`binance` -> ccxt + binance)."""

    provider: Provider
    exchange: str | None = None


#: Provider names as the documents write them, normalized on input (lower case).
#: Another ccxt exchange is written `provider: ccxt` with `exchange: <id>`.
PROVIDER_ALIASES: Mapping[str, ProviderAlias] = MappingProxyType(
    {
        "binance": ProviderAlias(Provider.CCXT, "binance"),
        "coinbase": ProviderAlias(Provider.CCXT, "coinbase"),
        "kraken": ProviderAlias(Provider.CCXT, "kraken"),
        "interactive_brokers": ProviderAlias(Provider.IB),
    }
)

#: Every provider name a configuration accepts: the `Provider` values, then the aliases.
ACCEPTED_PROVIDER_NAMES: tuple[str, ...] = (
    *(p.value for p in Provider),
    *PROVIDER_ALIASES,
)


def resolve_provider_alias(name: str) -> ProviderAlias | None:
    """The provider (and ccxt exchange) an alias such as `binance` or
    `interactive_brokers` stands for, in any letter case; None for any other name."""
    return PROVIDER_ALIASES.get(name.strip().lower())


def provider_display_name(provider: Provider) -> str:
    """`'ib' (interactive_brokers)` for a provider the documents spell otherwise,
    else `'<value>'`; used in messages so that either spelling is recognized."""
    spelled = [
        name
        for name, alias in PROVIDER_ALIASES.items()
        if alias.provider is provider and alias.exchange is None
    ]
    return f"{provider.value!r}" + (f" ({', '.join(spelled)})" if spelled else "")


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
