"""Real-time parameter optimization with out-of-sample rollback.

After each recorded trade, the optimizer looks at the trades of the last
`optimization_window_days` (counted back from the latest trade's timestamp) and does
nothing with fewer than `min_trades_for_optimization` of them. It tunes:

* each regime's allocation (bounds `regime_allocation_bounds`, default [0.1, 1.2]; a
  change moves it by `regime_allocation_step` relative, default 5%), with at least
  `min_trades_per_regime` trades of that regime in the window: up when their win rate is
  above `win_rate_increase_above` and their mean net P&L is positive; down when the win
  rate is below `win_rate_decrease_below` or the mean net P&L is negative;
* `volatility_leverage_sensitivity` (bounds [0.5, 2.0], step 0.1). Each trade's net P&L
  is divided by the leverage it carried (P&L per unit of base size), and trades are split
  into calm (`vol_ratio < 1`) and volatile (`vol_ratio > 1`), each group needing
  `min_trades_per_volatility_group`. Up when calm trades earn and volatile trades lose
  per unit (respond harder to volatility); down in the reverse case; else unchanged.

A value outside its bounds (set so by the user, e.g. an allocation of 0) is never moved.
Every change is a `ParameterChange` judged out of sample on the next
`rollback_evaluation_trades` trades it affected (same regime for an allocation; any trade
with a known vol ratio for the sensitivity): their realised net P&L against what they
would have made at the old value (sizes scale linearly: `pnl * old_mult / new_mult`).
A change that did worse is rolled back (old value restored, the change marked
ROLLED_BACK and a ROLLBACK entry logged; the parameter then rests for the same number
of trades); otherwise it is KEPT. While a change is under evaluation its parameter is
not changed again. The user's config object is never mutated: live values live here.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from types import MappingProxyType

import numpy as np

from tradewind.capital.scaling.config import AutonomousScalingConfig
from tradewind.capital.scaling.factors import clamp, volatility_leverage
from tradewind.capital.scaling.trades import REGIME_CODES, TradeLog, TradeRecord
from tradewind.domain.regimes import MarketRegime

__all__ = [
    "SENSITIVITY_PARAMETER",
    "ChangeStatus",
    "LiveParameters",
    "ParameterChange",
    "ParameterOptimizer",
    "regime_parameter",
]

logger = logging.getLogger(__name__)

SENSITIVITY_PARAMETER = "volatility_leverage_sensitivity"
"""Name of the sensitivity in the change log."""


def regime_parameter(regime: MarketRegime) -> str:
    """Name of a regime's allocation in the change log, e.g. "regime_allocations.CRISIS"."""
    return f"regime_allocations.{regime.value}"


class ChangeStatus(StrEnum):
    """APPLIED: in force, under evaluation; KEPT / ROLLED_BACK: judged; ROLLBACK: the
    entry that restored the old value of change `rollback_of`."""

    APPLIED = "applied"
    KEPT = "kept"
    ROLLED_BACK = "rolled_back"
    ROLLBACK = "rollback"


@dataclass(frozen=True, slots=True)
class ParameterChange:
    """One parameter change in the optimizer's log.

    `trades_used` is how many trades the rule looked at; `trade_index` the index of the
    trade after which it happened; `realised_pnl` / `counterfactual_pnl` the out-of-sample
    net P&L at the new value and as it would have been at the old one (None until judged).
    """

    change_id: int
    timestamp: datetime
    parameter: str
    old: float
    new: float
    reason: str
    trades_used: int
    status: ChangeStatus
    trade_index: int
    realised_pnl: float | None = None
    counterfactual_pnl: float | None = None
    rollback_of: int | None = None

    def as_dict(self) -> dict[str, object]:
        """Plain values (status as its string)."""
        return {
            "change_id": self.change_id,
            "timestamp": self.timestamp,
            "parameter": self.parameter,
            "old": self.old,
            "new": self.new,
            "reason": self.reason,
            "trades_used": self.trades_used,
            "status": self.status.value,
            "trade_index": self.trade_index,
            "realised_pnl": self.realised_pnl,
            "counterfactual_pnl": self.counterfactual_pnl,
            "rollback_of": self.rollback_of,
        }


@dataclass(frozen=True, slots=True)
class LiveParameters:
    """The parameter values in force (what sizing uses now)."""

    regime_allocations: Mapping[MarketRegime, float]
    volatility_leverage_sensitivity: float
    reinvest_share: float


@dataclass(slots=True)
class _Evaluation:
    change_id: int
    regime: MarketRegime | None
    old: float
    new: float
    trades: int = 0
    realised: float = 0.0
    counterfactual: float = 0.0


class ParameterOptimizer:
    """Live regime allocations and volatility sensitivity, tuned from recent trades."""

    def __init__(self, config: AutonomousScalingConfig) -> None:
        self._config = config
        self._allocations = {r: config.allocation_for(r) for r in MarketRegime}
        self._sensitivity = float(config.volatility_leverage_sensitivity)
        self._changes: list[ParameterChange] = []
        self._pending: dict[str, _Evaluation] = {}
        self._resting_until: dict[str, int] = {}

    @property
    def sensitivity(self) -> float:
        """Live volatility leverage sensitivity."""
        return self._sensitivity

    @property
    def regime_allocations(self) -> Mapping[MarketRegime, float]:
        """Live regime allocations (a read-only copy)."""
        return MappingProxyType(dict(self._allocations))

    def allocation(self, regime: MarketRegime) -> float:
        """Live allocation of `regime`."""
        return self._allocations[regime]

    @property
    def changes(self) -> tuple[ParameterChange, ...]:
        """The change log, oldest first (statuses updated as changes are judged)."""
        return tuple(self._changes)

    def leverage_at(self, vol_ratio: float, sensitivity: float) -> float:
        """Clamped leverage at `vol_ratio` (current / normal volatility)."""
        cfg = self._config
        raw = volatility_leverage(1.0, vol_ratio, sensitivity)
        return clamp(raw, cfg.min_leverage, cfg.max_leverage)

    def on_trade(self, log: TradeLog) -> list[ParameterChange]:
        """Judge pending changes with the newest trade, then optimize; returns new entries."""
        if not self._config.enable_realtime_optimization or len(log) == 0:
            return []
        trade = log.records[-1]
        events = self._evaluate(trade)
        events.extend(self._optimize(log, trade))
        return events

    # -- evaluation ----------------------------------------------------------------------

    def _evaluate(self, trade: TradeRecord) -> list[ParameterChange]:
        events: list[ParameterChange] = []
        for parameter, pending in list(self._pending.items()):
            ratio = self._multiplier_ratio(pending, trade)
            if ratio is None:
                continue
            pending.trades += 1
            pending.realised += trade.net_pnl
            pending.counterfactual += trade.net_pnl * ratio
            if pending.trades >= self._config.rollback_evaluation_trades:
                del self._pending[parameter]
                events.extend(self._judge(parameter, pending, trade))
        return events

    def _multiplier_ratio(self, pending: _Evaluation, trade: TradeRecord) -> float | None:
        """old / new size multiplier for an affected trade, None if it was not affected."""
        if pending.regime is not None:
            return pending.old / pending.new if trade.regime is pending.regime else None
        if trade.vol_ratio is None:
            return None
        old = self.leverage_at(trade.vol_ratio, pending.old)
        new = self.leverage_at(trade.vol_ratio, pending.new)
        return old / new

    def _judge(
        self, parameter: str, pending: _Evaluation, trade: TradeRecord
    ) -> list[ParameterChange]:
        position = next(i for i, c in enumerate(self._changes) if c.change_id == pending.change_id)
        did_worse = pending.realised < pending.counterfactual
        status = ChangeStatus.ROLLED_BACK if did_worse else ChangeStatus.KEPT
        judged = replace(
            self._changes[position],
            status=status,
            realised_pnl=pending.realised,
            counterfactual_pnl=pending.counterfactual,
        )
        self._changes[position] = judged
        if not did_worse:
            logger.info("kept %s = %g (change #%d)", parameter, pending.new, pending.change_id)
            return [judged]
        self._set(parameter, pending.regime, pending.old)
        self._resting_until[parameter] = trade.index + self._config.rollback_evaluation_trades
        rollback = ParameterChange(
            change_id=len(self._changes),
            timestamp=trade.timestamp,
            parameter=parameter,
            old=pending.new,
            new=pending.old,
            reason=(
                f"rollback of change #{pending.change_id}: realised net P&L "
                f"{pending.realised:+.2f} < {pending.counterfactual:+.2f} at the old value "
                f"over {pending.trades} trades"
            ),
            trades_used=pending.trades,
            status=ChangeStatus.ROLLBACK,
            trade_index=trade.index,
            realised_pnl=pending.realised,
            counterfactual_pnl=pending.counterfactual,
            rollback_of=pending.change_id,
        )
        self._changes.append(rollback)
        logger.info("%s", rollback.reason)
        return [judged, rollback]

    # -- optimization --------------------------------------------------------------------

    def _optimize(self, log: TradeLog, trade: TradeRecord) -> list[ParameterChange]:
        window = log.window_indices(self._config.optimization_window_days)
        if window.size < self._config.min_trades_for_optimization:
            return []
        events: list[ParameterChange] = []
        if self._config.enable_regime_allocation:
            for regime in MarketRegime:
                change = self._tune_regime(log, window, regime, trade)
                if change is not None:
                    events.append(change)
        if self._config.enable_volatility_leverage:
            change = self._tune_sensitivity(log, window, trade)
            if change is not None:
                events.append(change)
        return events

    def _tune_regime(
        self, log: TradeLog, window: np.ndarray, regime: MarketRegime, trade: TradeRecord
    ) -> ParameterChange | None:
        cfg = self._config
        parameter = regime_parameter(regime)
        if not self._free(parameter, trade):
            return None
        rows = window[log.regime_code[window] == REGIME_CODES[regime]]
        if rows.size < cfg.min_trades_per_regime:
            return None
        win_rate = float(log.is_win[rows].mean())
        mean_net = float(log.net_pnl[rows].mean())
        stats = (
            f"win rate {win_rate:.0%}, mean net P&L {mean_net:+.2f} over {rows.size} "
            f"{regime.value} trades in {cfg.optimization_window_days} days"
        )
        current = self._allocations[regime]
        if win_rate > cfg.win_rate_increase_above and mean_net > 0:
            new, reason = current * (1 + cfg.regime_allocation_step), f"raise: {stats}"
        elif win_rate < cfg.win_rate_decrease_below or mean_net < 0:
            new, reason = current * (1 - cfg.regime_allocation_step), f"lower: {stats}"
        else:
            return None
        return self._apply(
            parameter,
            regime,
            current,
            new,
            cfg.regime_allocation_bounds,
            reason,
            int(rows.size),
            trade,
        )

    def _tune_sensitivity(
        self, log: TradeLog, window: np.ndarray, trade: TradeRecord
    ) -> ParameterChange | None:
        cfg = self._config
        if not self._free(SENSITIVITY_PARAMETER, trade):
            return None
        ratio = log.vol_ratio[window]
        leverage = log.vol_leverage[window]
        known = np.isfinite(ratio) & np.isfinite(leverage) & (leverage > 0)
        per_unit = log.net_pnl[window][known] / leverage[known]
        calm = per_unit[ratio[known] < 1.0]
        volatile = per_unit[ratio[known] > 1.0]
        needed = cfg.min_trades_per_volatility_group
        if calm.size < needed or volatile.size < needed:
            return None
        calm_mean, volatile_mean = float(calm.mean()), float(volatile.mean())
        stats = (
            f"net P&L per unit of size {calm_mean:+.2f} over {calm.size} calm trades vs "
            f"{volatile_mean:+.2f} over {volatile.size} volatile trades"
        )
        current = self._sensitivity
        if calm_mean > 0 > volatile_mean:
            new, reason = current + cfg.sensitivity_step, f"raise: {stats}"
        elif volatile_mean > 0 > calm_mean:
            new, reason = current - cfg.sensitivity_step, f"lower: {stats}"
        else:
            return None
        return self._apply(
            SENSITIVITY_PARAMETER,
            None,
            current,
            round(new, 10),
            cfg.sensitivity_bounds,
            reason,
            int(calm.size + volatile.size),
            trade,
        )

    def _free(self, parameter: str, trade: TradeRecord) -> bool:
        resting = trade.index < self._resting_until.get(parameter, -1)
        return parameter not in self._pending and not resting

    def _apply(
        self,
        parameter: str,
        regime: MarketRegime | None,
        current: float,
        proposed: float,
        bounds: tuple[float, float],
        reason: str,
        trades_used: int,
        trade: TradeRecord,
    ) -> ParameterChange | None:
        low, high = bounds
        if not low <= current <= high:
            return None
        new = clamp(proposed, low, high)
        if new == current:
            return None
        change = ParameterChange(
            change_id=len(self._changes),
            timestamp=trade.timestamp,
            parameter=parameter,
            old=current,
            new=new,
            reason=reason,
            trades_used=trades_used,
            status=ChangeStatus.APPLIED,
            trade_index=trade.index,
        )
        self._changes.append(change)
        self._pending[parameter] = _Evaluation(change.change_id, regime, current, new)
        self._set(parameter, regime, new)
        logger.info("%s: %g -> %g (%s)", parameter, current, new, reason)
        return change

    def _set(self, parameter: str, regime: MarketRegime | None, value: float) -> None:
        if regime is None:
            self._sensitivity = value
        else:
            self._allocations[regime] = value
