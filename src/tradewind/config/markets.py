"""`markets.<name>`: one market's provider, symbols, strategies, timeframe and allocation."""

from __future__ import annotations

import re
from typing import Annotated, Any
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import InitErrorDetails

from tradewind.config.execution import ExecutionConfig, StrategyParams
from tradewind.config.fieldtypes import (
    CoarsePercent,
    ConfigModel,
    CurrencyCode,
    EndpointUrl,
    StrategyName,
    TimeframeField,
    config_error,
    did_you_mean,
)
from tradewind.config.symbols import normalize_symbol
from tradewind.config.vocabulary import (
    ACCEPTED_PROVIDER_NAMES,
    PROVIDER_ALIASES,
    PROVIDER_MARKET_CLASSES,
    PaperFills,
    Provider,
    resolve_provider_alias,
)
from tradewind.domain.errors import DomainError
from tradewind.domain.market import MarketClass
from tradewind.domain.timeframe import Timeframe

#: Exchanges' production API hosts: paper orders are never sent there.
PRODUCTION_HOSTS = frozenset(
    {
        "api.binance.com", "api1.binance.com", "api2.binance.com", "api3.binance.com",
        "api4.binance.com", "api.binance.us", "api.kraken.com", "api.coinbase.com",
        "api.exchange.coinbase.com", "api-fxtrade.oanda.com", "api.alpaca.markets",
    }
)  # fmt: skip

__all__ = [
    "MARKET_NAME_PATTERN",
    "PRODUCTION_HOSTS",
    "MarketConfig",
    "MarketName",
    "infer_market_classes",
    "normalize_provider_alias",
]

#: Market names are lowercase identifiers so that `TRADEWIND_MARKETS__<NAME>__...`
#: environment overrides address them unambiguously.
MARKET_NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
_EXCHANGE_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_CLASSES = ", ".join(m.value for m in MarketClass)


class _UnknownMarketName:
    """Placeholder `market_class` for a market whose name is no class: validating it
    reports the unknown market at `markets.<name>.market_class`."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name


def _market_class(value: Any) -> Any:
    if isinstance(value, _UnknownMarketName):
        raise ValueError(
            f"unknown market {value.name!r}: the name is not a market class, so set "
            f"market_class to one of {_CLASSES}"
        )
    return MarketClass.parse(value) if isinstance(value, str) else value


def _market_name(name: str) -> str:
    if not MARKET_NAME_PATTERN.match(name):
        raise ValueError(
            f"invalid market name {name!r}: expected lowercase letters, digits and underscores "
            "starting with a letter (overrides address it as TRADEWIND_MARKETS__<NAME>__...)"
        )
    return name


class _ExchangeConflict:
    """Placeholder `exchange` for a provider alias (`binance`) whose market also writes
    a different `exchange:`; validating it reports the conflict at `exchange`."""

    __slots__ = ("alias", "implied", "written")

    def __init__(self, alias: str, written: Any, implied: str) -> None:
        self.alias, self.written, self.implied = alias, written, implied


def _exchange(value: Any) -> Any:
    if isinstance(value, _ExchangeConflict):
        raise ValueError(
            f"exchange {value.written!r} disagrees with provider {value.alias!r}, which means "
            f"provider ccxt with exchange {value.implied}: expected exchange {value.implied} "
            f"or no exchange (or write provider: ccxt with exchange: {value.written})"
        )
    return value


def _provider(value: Any) -> Any:
    if not isinstance(value, str) or value.strip().lower() in ACCEPTED_PROVIDER_NAMES:
        return value  # a non-string is reported by the enum's own validation
    exchanges = [name for name, alias in PROVIDER_ALIASES.items() if alias.exchange]
    others = [
        f"{name} ({alias.provider.value})"
        for name, alias in PROVIDER_ALIASES.items()
        if not alias.exchange
    ]
    names = ", ".join(p.value for p in Provider)
    hint = did_you_mean(value.strip().lower(), ACCEPTED_PROVIDER_NAMES)
    raise ValueError(
        f"unknown provider {value!r}{hint}: expected one of {names}, or as the documents "
        f"write them {', '.join(exchanges)} (ccxt with that exchange), {', '.join(others)}; "
        "another ccxt exchange is written provider: ccxt with exchange: <ccxt id>"
    )


def normalize_provider_alias(market: Any) -> Any:
    """A market mapping with a documents' provider name replaced by what it stands for
    (`provider: binance` -> `provider: ccxt` + `exchange: binance`, `interactive_brokers`
    -> `ib`); other values are returned as they are."""
    if not isinstance(market, dict):
        return market
    raw = market.get("provider")
    if not isinstance(raw, str) or (alias := resolve_provider_alias(raw)) is None:
        return market
    normalized = {**market, "provider": alias.provider.value}
    if alias.exchange is not None:
        written = market.get("exchange")
        if written is None or (
            isinstance(written, str) and written.strip().lower() == alias.exchange
        ):
            normalized["exchange"] = alias.exchange
        else:
            normalized["exchange"] = _ExchangeConflict(raw, written, alias.exchange)
    return normalized


#: A market name: a lowercase identifier.
MarketName = Annotated[str, AfterValidator(_market_name)]


class MarketConfig(ConfigModel):
    """One tradable market: where its data and orders go and what runs on it."""

    enabled: bool = Field(
        True, description="Disabled markets keep their settings but do not trade."
    )
    market_class: Annotated[MarketClass, BeforeValidator(_market_class)] = Field(
        description="Asset class; inferred from the market name when the name is a class."
    )
    provider: Annotated[Provider, BeforeValidator(_provider)] = Field(
        description="Data/execution provider: sim, ccxt, oanda, alpaca, ib; also binance, "
        "coinbase, kraken (ccxt with that exchange) and interactive_brokers (ib)."
    )
    exchange: Annotated[str | None, BeforeValidator(_exchange)] = Field(
        None, description="ccxt exchange id (binance, kraken, ...)."
    )
    endpoint: EndpointUrl | None = Field(
        None,
        description="Base URL replacing the venue's real address (an emulator such as "
        "http://127.0.0.1:8765, a testnet): http or https, no credentials.",
    )
    paper_fills: PaperFills = Field(
        PaperFills.SIMULATED,
        description="Where paper and advisory orders fill: simulated (the simulated venue "
        "over the market's bars) or venue (sent to `endpoint`, a testnet or Tradewind's "
        "emulator; needs endpoint).",
    )
    operator: bool = Field(
        False,
        description="Operator mode: `tradewind live` may send this market's orders to "
        "its venue (it also needs a promotion to operator and the operator's "
        "confirmation at start).",
    )
    request_timeout_ms: int = Field(
        10_000,
        ge=100,
        le=300_000,
        description="How long one request to the market's venue may take before its "
        "outcome counts as unknown (the market then retries, paused meanwhile), ms.",
    )
    symbols: Annotated[list[str], Field(min_length=1)] = Field(
        description="Instruments, normalized per class (EUR/USD -> EUR-USD)."
    )
    strategies: list[StrategyName] = Field(default_factory=list)
    timeframe: TimeframeField = Field(default_factory=lambda: Timeframe.parse("1d"))
    risk_allocation_pct: CoarsePercent = Field(
        description="Share of total capital this market may use, in percent (1 to 100)."
    )
    quote_currency: CurrencyCode | None = Field(
        None,
        description="Currency prices are quoted in; default: the pair's quote currency "
        "(BTC-USD -> USD) for crypto and forex, else the base currency.",
    )
    strategy_params: StrategyParams = Field(
        default_factory=dict, description="Parameters per strategy, e.g. {sma_cross: {fast: 20}}."
    )
    execution: ExecutionConfig | None = Field(
        None, description="Replaces the top-level execution section for this market."
    )

    @field_validator("symbols")
    @classmethod
    def _normalize_symbols(cls, symbols: list[str], info: ValidationInfo) -> list[str]:
        market_class = info.data.get("market_class")
        if not isinstance(market_class, MarketClass):
            return symbols  # the class itself is invalid and reported on its own
        normalized: list[str] = []
        errors: list[InitErrorDetails] = []
        first_index: dict[str, int] = {}
        for index, symbol in enumerate(symbols):
            try:
                value = normalize_symbol(symbol, market_class)
            except ValueError as exc:
                errors.append(config_error("symbol", str(exc), (index,), symbol))
                continue
            if value in first_index:
                errors.append(
                    config_error(
                        "duplicate_symbol",
                        f"symbol {symbol!r} repeats {value} (item {first_index[value]}): "
                        "expected each symbol once",
                        (index,),
                        symbol,
                    )
                )
                continue
            first_index[value] = index
            normalized.append(value)
        if errors:
            raise ValidationError.from_exception_data("symbols", errors)
        return normalized

    @field_validator("strategies")
    @classmethod
    def _unique_strategies(cls, strategies: list[str]) -> list[str]:
        seen: set[str] = set()
        for name in strategies:
            if name in seen:
                raise ValueError(f"strategy {name!r} is listed twice: expected each strategy once")
            seen.add(name)
        return strategies

    @model_validator(mode="before")
    @classmethod
    def _normalize_provider_alias(cls, data: Any) -> Any:
        return normalize_provider_alias(data)

    @model_validator(mode="after")
    def _check_provider(self) -> MarketConfig:
        errors = [
            *self._class_errors(),
            *self._exchange_errors(),
            *self._endpoint_errors(),
            *self._paper_fills_errors(),
        ]
        if errors:
            raise ValidationError.from_exception_data("MarketConfig", errors)
        return self

    def _class_errors(self) -> list[InitErrorDetails]:
        classes = PROVIDER_MARKET_CLASSES[self.provider]
        if classes is None or self.market_class in classes:
            return []
        supported = " and ".join(sorted(c.value for c in classes))
        capable = [
            p.value
            for p in Provider
            if (cs := PROVIDER_MARKET_CLASSES[p]) is None or self.market_class in cs
        ]
        return [
            config_error(
                "provider_class",
                f"provider {self.provider.value!r} cannot serve {self.market_class} markets "
                f"(it serves {supported} only): expected one of {', '.join(capable)}",
                ("provider",),
                self.provider.value,
            )
        ]

    def _exchange_errors(self) -> list[InitErrorDetails]:
        if self.provider is not Provider.CCXT:
            if self.exchange is None:
                return []
            message = (
                f"exchange is only used with provider 'ccxt', not {self.provider.value!r}: "
                "remove it"
            )
            return [config_error("exchange_unused", message, ("exchange",), self.exchange)]
        if self.exchange is None:
            message = (
                "provider 'ccxt' needs an exchange: expected a ccxt exchange id such as "
                "binance, kraken or coinbase (or write provider: binance, coinbase or kraken)"
            )
            return [config_error("missing_exchange", message, ("exchange",), None)]
        if not _EXCHANGE_ID.match(self.exchange):
            message = (
                f"invalid exchange id {self.exchange!r}: expected a lowercase ccxt id "
                "such as binance or kraken"
            )
            return [config_error("exchange_id", message, ("exchange",), self.exchange)]
        return []

    def _paper_fills_errors(self) -> list[InitErrorDetails]:
        if self.paper_fills is not PaperFills.VENUE:
            return []
        host = urlsplit(self.endpoint).hostname or "" if self.endpoint else ""
        if self.endpoint is None or self.provider is Provider.SIM:
            problem = "needs an endpoint (a testnet or `tradewind emulate`) and a venue provider"
        elif host in PRODUCTION_HOSTS or _live_ib_port(self.provider, self.endpoint):
            problem = (
                f"refuses {self.endpoint}, a production address (live orders need operator mode)"
            )
        else:
            return []
        message = f"paper_fills 'venue' {problem}; use paper_fills: simulated otherwise"
        return [config_error("paper_fills", message, ("paper_fills",), self.paper_fills.value)]

    def _endpoint_errors(self) -> list[InitErrorDetails]:
        if self.endpoint is None:
            return []
        if self.provider is Provider.SIM:
            message = (
                "endpoint is unused with provider 'sim' (the simulated venue has no address): "
                "remove it, or set the provider whose venue (or emulator) listens there"
            )
            return [config_error("endpoint_unused", message, ("endpoint",), self.endpoint)]
        socket_api = self.provider is Provider.IB
        if socket_api == self.endpoint.startswith("tcp://"):
            return []
        expected = (
            "tcp://HOST:PORT (the TWS or IB Gateway API socket, e.g. tcp://127.0.0.1:7497)"
            if socket_api
            else "an http or https URL (only Interactive Brokers is reached at tcp://)"
        )
        message = (
            f"endpoint {self.endpoint!r} for provider {self.provider.value!r}: expected {expected}"
        )
        return [config_error("endpoint_scheme", message, ("endpoint",), self.endpoint)]


#: The API ports of TWS and IB Gateway logged in to a live (not paper) account.
IB_LIVE_PORTS = frozenset({7496, 4001})


def _live_ib_port(provider: Provider, endpoint: str) -> bool:
    return provider is Provider.IB and urlsplit(endpoint).port in IB_LIVE_PORTS


def infer_market_classes(markets: Any) -> Any:
    """Fill `market_class` from each market's name where it is missing (a name that is
    no class gets a placeholder that fails validation with an "unknown market" message)."""
    if not isinstance(markets, dict):
        return markets
    filled: dict[Any, Any] = {}
    for name, market in markets.items():
        filled[name] = market
        if isinstance(market, dict) and "market_class" not in market and isinstance(name, str):
            try:
                inferred: Any = MarketClass.parse(name).value
            except DomainError:
                inferred = _UnknownMarketName(name)
            filled[name] = {"market_class": inferred, **market}
    return filled
