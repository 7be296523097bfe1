"""`SizingDecision`: one position size with every factor that made it, and what bound it.

The size is `base_position * method_factor * vol_leverage * regime_multiplier *
sharpe_factor * protection_multiplier`, capped at the available balance and floored at
zero (zero when halted). `binding` names the ONE thing that set the final size:

1. "halted" when drawdown protection has halted sizing;
2. "available_balance" when the cap at the available balance cut the size;
3. otherwise the factor furthest from 1 in ratio terms (largest `|log(multiplier)|`,
   ties to the earlier of method, vol_leverage, regime, sharpe, protection); when that
   factor is the volatility leverage and its clamp set it, "min_leverage" or
   "max_leverage" instead of "vol_leverage";
4. "base" when every factor is exactly 1.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from tradewind.capital.scaling.config import AutonomousScalingConfig, SizingMethod
from tradewind.capital.scaling.factors import atr_notional, kelly_share
from tradewind.capital.scaling.trades import TradeLog

__all__ = ["SizingDecision", "choose_binding", "make_decision", "method_factor_for"]


@dataclass(frozen=True, slots=True)
class SizingDecision:
    """An explained position size (amounts in account currency).

    Attributes:
        method: "autonomous", "kelly", "atr", or "kelly_fallback" / "atr_fallback" when
            the alternative could not run and the percentage base was used (see `note`).
        available_balance: the balance the caller offered.
        capital: sizing capital, `min(available_balance, tradeable_capital)`.
        base_position: step 1, `base_position_pct * capital`.
        method_factor: Kelly or ATR notional / `base_position` (1 for "autonomous").
        vol_leverage_raw: `(normal_vol / current_vol) ** sensitivity` before the clamp.
        vol_leverage: the clamped leverage applied (1 when off or without conditions).
        regime: the regime sized for (its name), or None without conditions.
        regime_multiplier: the regime's allocation (1 when off or without conditions).
        sharpe: the Sharpe ratio of the expected return, or None when not computed.
        sharpe_factor: `sharpe / target` clamped (1 when not computed).
        protection_level: drawdown protection level name.
        protection_multiplier: its size multiplier.
        position_before_cap: the product of base and every factor.
        final_position: `min(position_before_cap, available_balance)`, >= 0; 0 if halted.
        halted: drawdown protection has halted sizing.
        binding: what set the final size (see the module docstring).
        note: why an alternative method fell back, else "".
    """

    method: str
    available_balance: float
    capital: float
    base_position: float
    method_factor: float
    vol_leverage_raw: float
    vol_leverage: float
    regime: str | None
    regime_multiplier: float
    sharpe: float | None
    sharpe_factor: float
    protection_level: str
    protection_multiplier: float
    position_before_cap: float
    final_position: float
    halted: bool
    binding: str
    note: str = ""

    def factors(self) -> dict[str, float]:
        """Every multiplier applied to `base_position`, by name (for the journal)."""
        named: dict[str, float] = {}
        if self.method in ("kelly", "atr"):
            named[self.method] = self.method_factor
        named["vol_leverage"] = self.vol_leverage
        named["regime"] = self.regime_multiplier
        named["sharpe"] = self.sharpe_factor
        named["protection"] = self.protection_multiplier
        return named


def _distance_from_one(multiplier: float) -> float:
    return math.inf if multiplier <= 0 else abs(math.log(multiplier))


def choose_binding(decision: SizingDecision) -> str:
    """The binding name of a decision, by the rule in the module docstring."""
    if decision.halted:
        return "halted"
    if decision.position_before_cap > decision.available_balance:
        return "available_balance"
    factors = decision.factors()
    if all(m == 1.0 for m in factors.values()):
        return "base"
    name = max(factors, key=lambda key: _distance_from_one(factors[key]))
    if name == "vol_leverage" and decision.vol_leverage != decision.vol_leverage_raw:
        return (
            "min_leverage" if decision.vol_leverage_raw < decision.vol_leverage else "max_leverage"
        )
    return name


def make_decision(
    *,
    method: str,
    available_balance: float,
    capital: float,
    base_position: float,
    method_factor: float,
    vol_leverage_raw: float,
    vol_leverage: float,
    regime: str | None,
    regime_multiplier: float,
    sharpe: float | None,
    sharpe_factor: float,
    protection_level: str,
    protection_multiplier: float,
    halted: bool,
    note: str = "",
) -> SizingDecision:
    """Multiply the factors out, cap, and name the binding factor."""
    position = (
        base_position
        * method_factor
        * vol_leverage
        * regime_multiplier
        * sharpe_factor
        * protection_multiplier
    )
    if math.isnan(position):  # inf * 0: a zero factor wins
        position = 0.0
    final = 0.0 if halted else max(0.0, min(position, available_balance))
    draft = SizingDecision(
        method=method,
        available_balance=available_balance,
        capital=capital,
        base_position=base_position,
        method_factor=method_factor,
        vol_leverage_raw=vol_leverage_raw,
        vol_leverage=vol_leverage,
        regime=regime,
        regime_multiplier=regime_multiplier,
        sharpe=sharpe,
        sharpe_factor=sharpe_factor,
        protection_level=protection_level,
        protection_multiplier=protection_multiplier,
        position_before_cap=position,
        final_position=final,
        halted=halted,
        binding="",
        note=note,
    )
    return replace(draft, binding=choose_binding(draft))


def method_factor_for(
    config: AutonomousScalingConfig,
    base_position_pct: float,
    trades: TradeLog,
    atr_pct: float | None,
) -> tuple[str, float, str]:
    """`(method, factor, note)` of step 1: the Kelly or ATR notional over the percentage base.

    Kelly uses the last `kelly_lookback_trades` trades and needs `kelly_min_trades`;
    ATR needs `atr_pct`. Without them the method is "<name>_fallback", the factor 1 and
    the note says why. Both notionals are proportional to the sizing capital, so the
    factor is a ratio of fractions: `kelly_share / base_position_pct` and
    `atr_risk_pct / (atr_stop_multiple * atr_pct) / base_position_pct`.
    """
    if config.method is SizingMethod.KELLY:
        n = len(trades)
        if n < config.kelly_min_trades:
            note = f"kelly needs {config.kelly_min_trades} trades, {n} recorded: percent base"
            return "kelly_fallback", 1.0, note
        recent = slice(max(0, n - config.kelly_lookback_trades), n)
        share = kelly_share(
            trades.net_pnl[recent],
            trades.is_win[recent],
            config.kelly_fraction,
            config.max_kelly_fraction,
        )
        return "kelly", share / base_position_pct, ""
    if config.method is SizingMethod.ATR:
        if atr_pct is None:
            return "atr_fallback", 1.0, "atr sizing needs atr_pct (ATR / price): percent base"
        share = atr_notional(1.0, config.atr_risk_pct, config.atr_stop_multiple, atr_pct)
        return "atr", share / base_position_pct, ""
    return SizingMethod.AUTONOMOUS.value, 1.0, ""
