"""Rules that span sections of the configuration (allocations, leverage, names)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic_core import InitErrorDetails

from tradewind.config.fieldtypes import config_error, did_you_mean

if TYPE_CHECKING:
    from tradewind.config.model import TradewindConfig

__all__ = ["cross_field_errors"]

_TOLERANCE = 1e-9


def cross_field_errors(config: TradewindConfig) -> list[InitErrorDetails]:
    """Every cross-section problem of an otherwise valid configuration, each located at
    the field to change."""
    return [
        *_allocation_errors(config),
        *_market_reference_errors(config),
        *_leverage_errors(config),
        *_mmin_errors(config),
    ]


def _allocation_errors(config: TradewindConfig) -> list[InitErrorDetails]:
    enabled = config.enabled_markets
    if not enabled:
        names = ", ".join(config.markets) or "none"
        return [
            config_error(
                "no_enabled_market",
                f"no market is enabled (configured: {names}): expected at least one market "
                "with enabled: true",
                ("markets",),
                None,
            )
        ]
    errors: list[InitErrorDetails] = []
    total = sum(m.risk_allocation_pct for m in enabled.values())
    if total > 100.0 + _TOLERANCE:
        shares = ", ".join(f"{name} {m.risk_allocation_pct:g}%" for name, m in enabled.items())
        errors.append(
            config_error(
                "allocation_total",
                f"risk_allocation_pct of the enabled markets sums to {total:g}% ({shares}): "
                "expected at most 100%",
                ("markets",),
                total,
            )
        )
    floor = config.capital.min_allocation_pct
    if floor * len(enabled) > 100.0 + _TOLERANCE:
        errors.append(
            config_error(
                "allocation_floor",
                f"min_allocation_pct {floor:g}% for each of {len(enabled)} enabled markets needs "
                f"{floor * len(enabled):g}% of capital: expected at most {100 / len(enabled):g}",
                ("capital", "min_allocation_pct"),
                floor,
            )
        )
    return errors


def _market_reference_errors(config: TradewindConfig) -> list[InitErrorDetails]:
    errors: list[InitErrorDetails] = []
    known = list(config.markets)

    def unknown(name: str, loc: tuple[str | int, ...]) -> None:
        errors.append(
            config_error(
                "unknown_market_reference",
                f"market {name!r} is not configured{did_you_mean(name, known)}: expected one of "
                f"{', '.join(known)} (the names under markets)",
                loc,
                name,
            )
        )

    for name in config.risk.markets:
        if name not in config.markets:
            unknown(name, ("risk", "markets", name))
    for name in config.signal_aggregation.markets:
        if name not in config.markets:
            unknown(name, ("signal_aggregation", "markets", name))
    for index, rule in enumerate(config.risk.global_.trading_hours):
        for position, name in enumerate(rule.markets or ()):
            if name not in config.markets:
                unknown(name, ("risk", "global", "trading_hours", index, "markets", position))
    return errors


def _leverage_errors(config: TradewindConfig) -> list[InitErrorDetails]:
    ceiling = config.risk.global_.max_leverage
    errors: list[InitErrorDetails] = []
    scopes = (("markets", config.risk.markets), ("strategies", config.risk.strategies))
    for scope, limits_by_name in scopes:
        for name, limits in limits_by_name.items():
            if limits.max_leverage is not None and limits.max_leverage > ceiling + _TOLERANCE:
                errors.append(
                    config_error(
                        "leverage_above_global",
                        f"max_leverage {limits.max_leverage:g} for {name!r} is above the global "
                        f"max_leverage {ceiling:g}: expected at most {ceiling:g}",
                        ("risk", scope, name, "max_leverage"),
                        limits.max_leverage,
                    )
                )
    return errors


def _mmin_errors(config: TradewindConfig) -> list[InitErrorDetails]:
    mmin = config.mmin
    others = len(config.enabled_markets) - 1
    if mmin.enabled and mmin.cross_market_signals_required > max(others, 0):
        return [
            config_error(
                "confirmation_count",
                f"cross_market_signals_required {mmin.cross_market_signals_required} needs that "
                f"many other enabled markets, but only {max(others, 0)} are enabled besides the "
                f"signalling one: expected at most {max(others, 0)}",
                ("mmin", "cross_market_signals_required"),
                mmin.cross_market_signals_required,
            )
        ]
    return []
