"""The one-line summary of the scaling engine, in the scaling document's layout.

    💰 $10,145.00 (+1.5% ROI) | ✅ TRADING | 🛡️ NORMAL | 🎯 Next: $25K (41%)
    | 📈 BULL_TRENDING | 🟡 Vol:25%

(one line; wrapped here).

Parts: capital and ROI; `✅ TRADING` or `⛔ HALTED`; `🛡️ {level}` only with drawdown
protection on; `🎯 Next: {label} ({progress:.0f}%)` only while a milestone is ahead; the
regime and volatility icons with the regime name and volatility (percent, no decimals),
or `❓ No market data` before any conditions.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Final

from tradewind.domain.regimes import MarketConditions, MarketRegime, VolatilityState

__all__ = ["REGIME_ICONS", "VOLATILITY_ICONS", "format_quick_summary"]

REGIME_ICONS: Final = MappingProxyType(
    {
        MarketRegime.BULL_TRENDING: "📈",
        MarketRegime.BEAR_TRENDING: "📉",
        MarketRegime.RANGING: "↔️",
        MarketRegime.VOLATILE: "⚡",
        MarketRegime.CRISIS: "🚨",
    }
)
"""Icon per market regime."""

VOLATILITY_ICONS: Final = MappingProxyType(
    {
        VolatilityState.VERY_LOW: "😴",
        VolatilityState.LOW: "🟢",
        VolatilityState.NORMAL: "🟡",
        VolatilityState.HIGH: "🟠",
        VolatilityState.EXTREME: "🔴",
    }
)
"""Icon per volatility state."""


def format_quick_summary(
    *,
    capital: float,
    roi_pct: float,
    halted: bool,
    protection_level: str | None,
    next_milestone: str | None,
    milestone_progress_pct: float | None,
    conditions: MarketConditions | None,
) -> str:
    """The summary line; `protection_level` None = protection off (part omitted)."""
    roi = round(roi_pct, 1) + 0.0  # no "-0.0" for a tiny loss
    parts = [
        f"💰 ${capital:,.2f} ({roi:+.1f}% ROI)",
        "⛔ HALTED" if halted else "✅ TRADING",
    ]
    if protection_level is not None:
        parts.append(f"🛡️ {protection_level}")
    if next_milestone is not None and milestone_progress_pct is not None:
        parts.append(f"🎯 Next: {next_milestone} ({milestone_progress_pct:.0f}%)")
    if conditions is None:
        parts.append("❓ No market data")
    else:
        parts.append(f"{REGIME_ICONS[conditions.regime]} {conditions.regime.value}")
        parts.append(
            f"{VOLATILITY_ICONS[conditions.volatility_state]} Vol:{conditions.volatility_pct:.0f}%"
        )
    return " | ".join(parts)
