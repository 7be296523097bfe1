"""Capital vocabulary shared by config, the capital router and the scaling engine."""

from __future__ import annotations

from tradewind.domain.vocabulary import CaseInsensitiveEnum

__all__ = ["AllocationStrategy", "CompoundingStrategy", "SizingMethod"]


class AllocationStrategy(CaseInsensitiveEnum):
    """How the global capital router splits capital across markets (any letter case).

    FIXED uses each market's configured share; BALANCED splits equally; ADAPTIVE scores
    markets on performance, macro regime and correlation; AGGRESSIVE concentrates in the
    top three; RISK_PARITY and HRP are skfolio portfolio constructions on market returns.
    """

    FIXED = "FIXED"
    BALANCED = "BALANCED"
    ADAPTIVE = "ADAPTIVE"
    AGGRESSIVE = "AGGRESSIVE"
    RISK_PARITY = "RISK_PARITY"
    HRP = "HRP"


class CompoundingStrategy(CaseInsensitiveEnum):
    """How much of realised profit is reinvested (any letter case)."""

    CONSERVATIVE = "conservative"
    MODERATE = "moderate"
    AGGRESSIVE = "aggressive"
    FULL_COMPOUND = "full_compound"


class SizingMethod(CaseInsensitiveEnum):
    """Where step 1 of sizing (the base position) comes from (any letter case).

    AUTONOMOUS: `base_position_pct` of the sizing capital (the document's method);
    KELLY: a fractional Kelly share of capital from the recorded trades;
    ATR: the notional that risks `atr_risk_pct` of capital at a stop `atr_stop_multiple`
    ATRs away. Steps 2-5 (leverage, regime, Sharpe, cap) apply to every method.
    """

    AUTONOMOUS = "autonomous"
    KELLY = "kelly"
    ATR = "atr"
