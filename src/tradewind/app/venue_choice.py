"""Which providers have a venue adapter, and why a market or a mode cannot run.

Kept free of the adapters themselves so that `tradewind config check` can say it
without importing them; `app.venue_routes` builds the adapters and checks that it
serves exactly `ADAPTER_PROVIDERS`.
"""

from __future__ import annotations

from tradewind.config import MarketConfig, TradewindConfig
from tradewind.config.secrets import Secrets
from tradewind.config.vocabulary import PaperFills, Provider, RunMode, provider_display_name

__all__ = [
    "ADAPTER_PROVIDERS",
    "backtest_venues",
    "credentials_problem",
    "live_mode_problem",
    "provider_problem",
]

ADAPTER_PROVIDERS = frozenset(
    {Provider.SIM, Provider.CCXT, Provider.OANDA, Provider.ALPACA, Provider.IB}
)
"""Providers with a venue adapter in this version."""


def provider_problem(market: str, config: MarketConfig) -> str:
    """Why `market`'s provider cannot serve a paper, advisory or live run ('' if it can).

    The provider is named as configured and, where the documents spell it otherwise,
    that way too (`'ib' (interactive_brokers)`)."""
    if config.provider in ADAPTER_PROVIDERS:
        return ""
    name = provider_display_name(config.provider)
    if config.exchange:
        name += f" exchange {config.exchange}"
    missing = f"provider {name} has no venue adapter in this version"
    return (
        f"{missing}, so market {market!r} cannot paper-trade, advise or trade through it "
        "(it is never replaced by the simulator). Use `provider: sim` to paper-trade on "
        "the simulated venue over the catalog's bars, or run `tradewind backtest`"
    )


# Credentials a market needs in a paper or advisory run: the brokers serve bars only to
# an account; a crypto exchange's candles are public, its orders are not.
_DATA_CREDENTIALS: dict[Provider, tuple[str, ...]] = {
    Provider.OANDA: ("oanda_token",),
    Provider.ALPACA: ("alpaca_api_key", "alpaca_secret_key"),
}
_ORDER_CREDENTIALS: dict[Provider, tuple[str, ...]] = {
    Provider.CCXT: ("ccxt_api_key", "ccxt_secret"),
}


def credentials_problem(market: str, config: MarketConfig, secrets: Secrets) -> str:
    """Which credentials `market` lacks for a paper or advisory run ('' if none)."""
    needed = _DATA_CREDENTIALS.get(config.provider, ())
    if config.paper_fills is PaperFills.VENUE:
        needed = needed or _ORDER_CREDENTIALS.get(config.provider, ())
    missing = [f"TRADEWIND_{n.upper()}" for n in needed if getattr(secrets, n) is None]
    if not missing:
        return ""
    use = "its orders" if config.provider in _ORDER_CREDENTIALS else "its bars and orders"
    return (
        f"market {market!r} on provider {provider_display_name(config.provider)} needs "
        f"credentials for {use}: set {', '.join(missing)} in the environment or .env"
    )


def live_mode_problem(config: TradewindConfig) -> str:
    """Why the config's `mode` cannot run outside an operator session ('' if it can)."""
    if config.mode is not RunMode.LIVE:
        return ""
    return (
        "mode 'live' trades real orders: start it with `tradewind live --config FILE` "
        "(operator mode, with its confirmation); other commands need `mode: paper`, "
        "`advisory` or `backtest`"
    )


def backtest_venues(config: TradewindConfig) -> dict[str, dict[str, str]]:
    """Per enabled market of a backtest: its provider, that fills are simulated by the
    engine loop (no venue is contacted) and that bars come from the catalog."""
    return {
        name: {
            "provider": market.provider.value,
            "venue": "backtest fills simulated by the engine (no venue contacted)",
            "data": "catalog bars",
        }
        for name, market in config.enabled_markets.items()
    }
