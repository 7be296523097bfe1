"""The base capital engine: compounding, drawdown protection, milestones, base position."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tradewind.capital.scaling._checks import check_range
from tradewind.capital.scaling.compounding import CompoundingLedger
from tradewind.capital.scaling.config import CapitalEngineConfig
from tradewind.capital.scaling.milestones import MilestoneReached, MilestoneTracker
from tradewind.capital.scaling.protection import DrawdownProtection, ProtectionLevel

__all__ = ["CapitalScalingEngine"]


class CapitalScalingEngine:
    """Tracks capital and sizes the base position.

    Args:
        base_capital: starting capital (account currency, > 0); ROI is measured from it.
        current_capital: capital now (>= 0); None = `base_capital`.
        config: settings; None = `CapitalEngineConfig()` defaults.

    Raises:
        ValueError: on a non-finite or out-of-range capital.
    """

    def __init__(
        self,
        base_capital: float,
        current_capital: float | None = None,
        config: CapitalEngineConfig | None = None,
    ) -> None:
        self.config = config if config is not None else CapitalEngineConfig()
        self.base_capital = check_range("base_capital", base_capital, 0.0, low_open=True)
        start = base_capital if current_capital is None else current_capital
        self.current_capital = check_range("current_capital", start, 0.0)
        self._ledger = CompoundingLedger(self.base_capital, self.config.effective_reinvest_share)
        self._protection = DrawdownProtection(
            enabled=self.config.enable_drawdown_protection,
            warning_threshold_pct=self.config.warning_threshold_pct,
            halt_threshold_pct=self.config.halt_threshold_pct,
            initial_capital=self.current_capital,
            base_capital=self.base_capital,
        )
        self._milestones = MilestoneTracker(
            self.config.milestones if self.config.enable_milestones else (),
            self.current_capital,
        )
        self._wins = 0
        self._trades = 0

    # -- state ---------------------------------------------------------------------------

    @property
    def roi_pct(self) -> float:
        """`(current - base) / base * 100`."""
        return (self.current_capital - self.base_capital) / self.base_capital * 100.0

    @property
    def tradeable_capital(self) -> float:
        """Capital sizing may use: base + reinvested profits - losses (>= 0)."""
        return self._ledger.tradeable_capital

    @property
    def preserved_profit(self) -> float:
        """Profit set aside by compounding (never sized with)."""
        return self._ledger.preserved_profit

    @property
    def reinvest_share(self) -> float:
        """Share of each net profit reinvested (adaptive compounding moves it)."""
        return self._ledger.reinvest_share

    @reinvest_share.setter
    def reinvest_share(self, share: float) -> None:
        self._ledger.reinvest_share = share

    @property
    def protection_level(self) -> ProtectionLevel:
        """Drawdown protection level in force (NORMAL when protection is disabled)."""
        return self._protection.level

    @property
    def protection_multiplier(self) -> float:
        """Size multiplier of the protection level (0 when halted)."""
        return self._protection.multiplier

    @property
    def drawdown_pct(self) -> float:
        """Drawdown of current capital from its peak, percent."""
        return self._protection.drawdown_pct

    @property
    def halted(self) -> bool:
        """True while drawdown protection has halted sizing (until `reset_halt`)."""
        return self._protection.halted

    @property
    def milestones(self) -> MilestoneTracker:
        """Milestone progress (empty when milestones are disabled)."""
        return self._milestones

    @property
    def trade_count(self) -> int:
        """Trades recorded."""
        return self._trades

    # -- commands ------------------------------------------------------------------------

    def record_trade(
        self,
        profit: float,
        fees: float,
        is_win: bool,
        new_capital: float,
        timestamp: datetime | None = None,
    ) -> float:
        """Book a closed trade (gross `profit`, `fees`, capital after it); returns net P&L.

        Raises:
            ValueError: on a non-finite amount or negative capital.
        """
        check_range("new_capital", new_capital, 0.0)
        net = self._ledger.record(profit, fees)
        self._trades += 1
        self._wins += bool(is_win)
        self.update_capital(new_capital, timestamp)
        return net

    def update_capital(
        self, capital: float, timestamp: datetime | None = None
    ) -> list[MilestoneReached]:
        """Mark capital (e.g. equity between trades); returns milestones it reached."""
        self.current_capital = check_range("capital", capital, 0.0)
        self._protection.update(self.current_capital)
        return self._milestones.update(self.current_capital, timestamp)

    def reset_halt(self) -> None:
        """Clear a drawdown halt; the peak restarts at the current capital."""
        self._protection.reset_halt()

    def can_trade(self) -> tuple[bool, str]:
        """`(allowed, reason)`: False while halted."""
        if self.halted:
            return False, (
                f"halted: drawdown reached {self.config.halt_threshold_pct:g}% of peak "
                f"{self._protection.peak_capital:.2f}; call reset_halt() to resume"
            )
        return True, "trading allowed"

    # -- sizing --------------------------------------------------------------------------

    def sizing_capital(self, available_balance: float) -> float:
        """`min(available_balance, tradeable_capital)`: the capital a position is sized on."""
        available = check_range("available_balance", available_balance, 0.0)
        return min(available, self.tradeable_capital)

    def unprotected_base_position(self, available_balance: float) -> float:
        """`base_position_pct * sizing_capital` before the protection multiplier."""
        return self.config.base_position_pct * self.sizing_capital(available_balance)

    def get_optimal_position_size(self, available_balance: float) -> float:
        """Base position: `base_position_pct * min(available, tradeable)` times the
        protection multiplier, never above `available_balance` (0 when halted)."""
        position = self.unprotected_base_position(available_balance) * self.protection_multiplier
        return min(position, available_balance)

    # -- reporting -----------------------------------------------------------------------

    def get_capital_status(self) -> dict[str, Any]:
        """Capital, compounding, protection and milestone figures as plain values."""
        tracker = self._milestones
        return {
            "base_capital": self.base_capital,
            "current_capital": self.current_capital,
            "total_profit": self.current_capital - self.base_capital,
            "roi_pct": self.roi_pct,
            "tradeable_capital": self.tradeable_capital,
            "preserved_profit": self.preserved_profit,
            "net_realised_profit": self._ledger.net_profit,
            "fees_paid": self._ledger.fees,
            "reinvest_share": self.reinvest_share,
            "compounding_strategy": self.config.strategy.value,
            "trades": self._trades,
            "win_rate": self._wins / self._trades if self._trades else None,
            "protection_enabled": self.config.enable_drawdown_protection,
            "protection_level": self.protection_level.value,
            "protection_multiplier": self.protection_multiplier,
            "drawdown_pct": self.drawdown_pct,
            "peak_capital": self._protection.peak_capital,
            "halted": self.halted,
            "next_milestone": tracker.next_label,
            "milestone_target": tracker.next_target,
            "milestone_progress_pct": tracker.progress_pct(self.current_capital),
            "milestones_reached": [
                {
                    "label": m.label,
                    "target": m.target,
                    "capital": m.capital,
                    "timestamp": m.timestamp,
                }
                for m in tracker.reached
            ],
        }
