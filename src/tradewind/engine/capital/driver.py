"""Capital in the loop: the router's budgets and the scaling engine's sizes, per row.

The compiled loop sizes orders from each book's `size_value`; this driver sets those
values (as fractions of equity) and the per-market budgets before every row where a
decision is due (an entry or a rebalance), from the state the loop left after the rows
before. Backtests run all rows through `run_span`, paper runs one row at a time; both
call `prepare` on the same rows with the same state, so both make the same decisions.

Each closed trade (a fill that realises P&L) is reported to the scaling engine with the
conditions in force when its position was sized, so compounding, drawdown protection,
milestones and parameter optimisation follow the run as they would follow live trading.

With a `RegimePlan` the router receives the walk-forward macro regime in force at each
rebalance (`regimes`), and the regime actions scale budgets and tighten stops from the
row where the regime changes (`regime_effects`); `regime_at(row)` tells the session the
regime and action in force, e.g. whether CRISIS asks for a SOFT stop.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

import numpy as np

from tradewind.capital.regime import CRISIS, RegimePlan, RegimeReading
from tradewind.capital.router import GlobalCapitalRouter
from tradewind.capital.scaling import AutonomousScalingEngine, SizingDecision
from tradewind.domain.regimes import MacroRegime, MarketConditions
from tradewind.engine.books import BookSet
from tradewind.engine.capital.conditions import SymbolConditions, symbol_conditions
from tradewind.engine.capital.history import MarketHistory
from tradewind.engine.capital.record import CapitalRecord, events_between
from tradewind.engine.capital.regime_effects import RegimeEffects, write_budgets
from tradewind.engine.capital.regimes import (
    MacroForecasts,
    RegimeTimeline,
    macro_forecasts,
    regime_timeline,
)
from tradewind.engine.inputs import KernelInputs
from tradewind.engine.kernel import SIZE_EQUITY_FRACTION
from tradewind.engine.panel import MarketPanel
from tradewind.engine.setup import CapitalPlan, EngineSpec
from tradewind.engine.state import KernelState
from tradewind.risk.limits import LimitField
from tradewind.strategies.api import BarWindow

__all__ = ["CapitalDriver"]


class CapitalDriver:
    """Sets budgets and sizes for one run; collects every decision for the journal."""

    def __init__(
        self,
        spec: EngineSpec,
        panel: MarketPanel,
        books: BookSet,
        windows: Mapping[str, BarWindow],
        inputs: KernelInputs,
        *,
        regime: RegimePlan | None = None,
        forecasts: MacroForecasts | None = None,
    ) -> None:
        """`regime` defaults to the plan's (`spec.capital.regime`); `forecasts` to the
        walk-forward macro forecasts over `panel` (`regimes.macro_forecasts`)."""
        plan = spec.capital
        if plan is None:
            raise ValueError("CapitalDriver needs spec.capital")
        self.plan: CapitalPlan = plan
        self.panel = panel
        self.inputs = inputs
        self.markets = tuple(m.name for m in spec.markets)
        # The regime plan rides on the capital plan once `CapitalPlan.regime` exists.
        self.regime_plan: RegimePlan | None = regime if regime is not None else plan.regime
        # The loop reads sizes (and stop distances) from these copies; the caller's
        # books keep them as built.
        self.books = dataclasses.replace(
            books,
            size_mode=books.size_mode.copy(),
            size_value=books.size_value.copy(),
            stop_pct=books.stop_pct.copy(),
        )
        self.router = GlobalCapitalRouter(plan.router) if plan.router is not None else None
        self.history = MarketHistory.build(panel, books, self.markets)
        scaling = plan.scaling
        self.scaler: AutonomousScalingEngine | None = None
        self.conditions: SymbolConditions | None = None
        if scaling is not None:
            self.scaler = AutonomousScalingEngine(
                base_capital=float(spec.initial_cash),
                base_config=scaling.base_config,
                autonomous_config=scaling.autonomous_config,
            )
            self.conditions = symbol_conditions(panel, windows, scaling.drift_bars)
        self.regimes = self._timeline(spec, windows, forecasts)
        self.effects = (
            RegimeEffects.of(self.regimes, self.books)
            if self.regimes is not None and self.regime_plan is not None and self.regime_plan.acts
            else None
        )
        self._entry_conditions: dict[int, MarketConditions | None] = {}
        self._fills_seen = 0
        self._next_rebalance = 0
        self._shares: np.ndarray | None = None  # the router's shares in force
        # Each market's share before the regime's exposure factor.
        self._base_shares = (
            inputs.allocation[0].copy() if len(inputs.allocation) else np.zeros(len(self.markets))
        )
        self.decisions: list[dict[str, Any]] = []
        self.allocations: list[dict[str, Any]] = []
        self.events: list[dict[str, Any]] = []
        self.regime_changes: list[dict[str, Any]] = []

    def _timeline(
        self, spec: EngineSpec, windows: Mapping[str, BarWindow], forecasts: MacroForecasts | None
    ) -> RegimeTimeline | None:
        plan = self.regime_plan
        if plan is None or not plan.needs_regimes:
            return None
        macro_acts = any(
            name != CRISIS and not action.is_neutral for name, action in plan.actions.items()
        )
        if forecasts is None and (plan.macro_regime or macro_acts):
            forecasts = macro_forecasts(self.panel, spec.markets)
        condition_regimes = None
        if plan.watches_crisis:
            conditions = self.conditions or symbol_conditions(self.panel, windows, 0)
            condition_regimes = conditions.regime
        return regime_timeline(self.panel.timestamps, forecasts, plan, condition_regimes)

    # -- the loop's hooks ------------------------------------------------------------

    def run_span(
        self,
        t0: int,
        t1: int,
        step: Callable[[int, int], None],
        state: KernelState,
        market_limits: np.ndarray,
    ) -> None:
        """Run rows `t0 <= t < t1` with `step(start, stop)` (the compiled loop), calling
        `prepare` before every decision row (the books' columns t0..t1-1 must be filled)."""
        done = t0
        for t in self.decision_rows(t0, t1).tolist():
            if t > done:
                step(done, t)
                done = t
            self.prepare(t, state, market_limits)
        if t1 > done:
            step(done, t1)

    def decision_rows(self, t0: int = 0, t1: int | None = None) -> np.ndarray:
        """Rows `t0 <= t < t1` (default: to the end) where `prepare` must run before the
        loop processes them; reads only the books' columns of those rows, so a paper run
        asks one row at a time as its books fill."""
        stop = self.panel.shape[0] if t1 is None else t1
        rows, entries = self._own_rows(t0, stop)
        if self.effects is not None:
            rows |= self.effects.rows(entries, t0, stop)
        return np.flatnonzero(rows) + t0

    def _own_rows(self, t0: int, stop: int) -> tuple[np.ndarray, np.ndarray]:
        """The scaling engine's and the router's decision rows, and the entry rows."""
        b = self.books
        rows = np.zeros(max(stop - t0, 0), dtype=bool)
        entries = rows.copy()
        if len(b.symbol) and (self.scaler is not None or self.effects is not None):
            fresh = self.panel.fresh[t0:stop, b.symbol].T
            entries = (b.edge[:, t0:stop] & fresh & (b.target[:, t0:stop] != 0)).any(axis=0)
        if self.scaler is not None:
            rows |= entries
        if self.router is not None:
            rows |= np.arange(t0, stop) % self.plan.rebalance_every_rows == 0
        return rows, entries

    def prepare(self, t: int, state: KernelState, market_limits: np.ndarray) -> None:
        """Bring the capital state up to row `t` and decide budgets and sizes for it."""
        equity = float(state.money[1])
        when = self._instant(t)
        if self.effects is not None:
            self._apply_regime(self.effects, t, when, market_limits)
        if not self._own_rows(t, t + 1)[0].any():
            return  # a row only the regime actions needed
        self._ingest_fills(state, before_row=t)
        if self.scaler is not None:
            before = self.scaler.get_autonomous_status()
            self.scaler.update_capital(equity, when)
            self.events.extend(events_between(before, self.scaler.get_autonomous_status(), when))
        if self.router is not None and t >= self._next_rebalance:
            self._rebalance(self.router, t, equity, when, market_limits)
            self._next_rebalance = t + self.plan.rebalance_every_rows
        if self.scaler is not None and self.conditions is not None:
            self._size(self.scaler, self.conditions, t, equity, when)

    def regime_at(self, row: int) -> RegimeReading | None:
        """The regime in force at `row` and the action it takes (None without a regime
        plan that needs one). Known from the row's own time: forecasts made by then."""
        return self.regimes.reading(row) if self.regimes is not None else None

    def finish(self, state: KernelState, last_row: int | None = None) -> CapitalRecord:
        """Report the trades closed after the last decision and the equity after
        `last_row` (default: the panel's last row); return the record."""
        self._ingest_fills(state)
        if self.scaler is not None:
            row = self.panel.shape[0] - 1 if last_row is None else last_row
            before = self.scaler.get_autonomous_status()
            self.scaler.update_capital(max(float(state.money[1]), 0.0), self._instant(row))
            after = self.scaler.get_autonomous_status()
            self.events.extend(events_between(before, after, self._instant(row)))
        status = self.scaler.get_autonomous_status() if self.scaler is not None else {}
        summary = self.scaler.get_quick_summary() if self.scaler is not None else ""
        return CapitalRecord.from_lists(
            self.decisions, self.allocations, self.events, status, summary, self.regime_changes
        )

    # -- steps -------------------------------------------------------------------------

    def _instant(self, t: int) -> datetime:
        return datetime.fromtimestamp(int(self.panel.timestamps[t]) / 1e9, tz=UTC)

    def _ingest_fills(self, state: KernelState, before_row: int | None = None) -> None:
        """Report the trades closed by fills not seen yet (those of rows before
        `before_row`: a venue may already have filled orders at row t's open when the
        decision for row t is prepared; the loop fills them after it)."""
        end = state.n_fills
        if before_row is not None:
            while end > self._fills_seen and state.f_row[end - 1] >= before_row:
                end -= 1
        if self.scaler is None:
            self._fills_seen = end
            return
        for j in range(self._fills_seen, end):
            realized = float(state.f_realized[j])
            if realized == 0.0:
                continue
            k = int(state.o_book[state.f_order[j]])
            n = int(self.books.symbol[k])
            row = int(state.f_row[j])
            fee = float(state.f_fee[j])
            entry = self._entry_conditions.get(k)
            if entry is not None:
                self.scaler.update_market_conditions(entry)
            equity = float(state.equity_out[row]) if row < len(state.equity_out) else np.nan
            before = self.scaler.get_autonomous_status()
            when = self._instant(row)
            self.scaler.record_trade(
                profit=realized,
                fees=fee,
                is_win=realized - fee > 0.0,
                new_capital=equity if np.isfinite(equity) else float(state.money[1]),
                trade_data={
                    "timestamp": when,
                    "market": self.markets[int(self.books.market[k])],
                    "symbol": self.panel.symbols[n],
                    "regime": str(entry.regime) if entry is not None else None,
                },
            )
            self.events.extend(events_between(before, self.scaler.get_autonomous_status(), when))
        self._fills_seen = end

    def _apply_regime(
        self, effects: RegimeEffects, t: int, when: datetime, market_limits: np.ndarray
    ) -> None:
        enabled = market_limits[:, LimitField.DISABLED] == 0
        # With a router, budgets hold until its next rebalance (which rescales them);
        # without one, to the end.
        end = self._next_rebalance if self.router is not None else None
        budgets = (self.inputs.allocation, slice(t, end), self._base_shares, enabled)
        change = effects.apply(t, when, self.books, self.panel, budgets)
        if change is not None:
            self.regime_changes.append(change)

    def _macro_at(self, t: int) -> MacroRegime | None:
        plan = self.regime_plan
        if plan is None or not plan.macro_regime or self.regimes is None:
            return None
        return self.regimes.reading(t).macro

    def _rebalance(
        self,
        router: GlobalCapitalRouter,
        t: int,
        equity: float,
        when: datetime,
        market_limits: np.ndarray,
    ) -> None:
        self.history.fill_to(self.books, t)
        metrics, correlations = self.history.metrics(t, self.plan.lookback_rows)
        regime = self._macro_at(t)
        amounts = router.calculate_allocation(metrics, correlations, regime, max(equity, 1.0))
        shares = {m: amounts.get(m, 0.0) / max(equity, 1.0) for m in self.markets}
        held = self._shares
        before = held if held is not None else self._base_shares.copy()
        target = np.array([shares[m] for m in self.markets])
        if held is not None and not router.suggest_rebalance(
            dict(zip(self.markets, held * equity, strict=True)),
            dict(zip(self.markets, target * equity, strict=True)),
            router.config.rebalance_threshold,
        ):
            target = held  # no market drifted past the threshold: keep the shares
        # Budgets hold until the next rebalance row, where this runs again (a regime
        # change in between rescales them).
        span = slice(t, t + self.plan.rebalance_every_rows)
        enabled = market_limits[:, LimitField.DISABLED] == 0
        effects = self.effects
        factor = float(effects.timeline.exposure_factor[t]) if effects is not None else 1.0
        write_budgets(self.inputs.allocation, span, target, factor, enabled)
        self._base_shares = target.copy()
        self._shares = target
        if target is held:
            return
        explanation = router.last_explanation
        details = explanation.by_market() if explanation is not None else {}
        for i, market in enumerate(self.markets):
            if not enabled[i]:
                continue
            detail = details.get(market, {})
            self.allocations.append(
                {
                    "row": t,
                    "ts": when,
                    "market": market,
                    "strategy": str(router.config.strategy),
                    "share": shares[market],
                    "amount": shares[market] * equity,
                    "bound": detail.get("bound"),
                    "explanation": detail,
                }
            )
        turnover = float(np.nansum(np.abs(target - before))) / 2.0
        self.events.append(
            {
                "ts": when,
                "kind": "rebalance",
                "detail": f"router {router.config.strategy}"
                + (f" ({regime.value})" if regime is not None else "")
                + ": "
                + ", ".join(f"{m} {shares[m]:.1%}" for m in self.markets),
                "data": {"shares": shares, "turnover": turnover}
                | ({"macro_regime": regime.value} if regime is not None else {}),
            }
        )

    def _size(
        self,
        scaler: AutonomousScalingEngine,
        conditions_now: SymbolConditions,
        t: int,
        equity: float,
        when: datetime,
    ) -> None:
        b = self.books
        # A book sizes from its market's budget (the router's share of equity, or the
        # whole equity without one); risk enforces what is left of that budget when the
        # order is checked, and journals a reduction.
        for k in np.flatnonzero(b.edge[:, t] & (b.target[:, t] != 0)):
            n, m = int(b.symbol[k]), int(b.market[k])
            if not self.panel.fresh[t, n]:
                continue
            share = float(self.inputs.allocation[t, m])
            available = max(equity * share if np.isfinite(share) else equity, 0.0)
            conditions = conditions_now.at(t, n, self.panel.symbols[n])
            if conditions is not None:
                scaler.update_market_conditions(conditions)
            expected, volatility = self._expectation(
                conditions_now, t, n, int(np.sign(b.target[k, t]))
            )
            atr = float(conditions_now.atr_fraction[t, n])
            decision = scaler.size_position(
                available,
                expected,
                volatility,
                conditions=conditions,
                atr_pct=atr if np.isfinite(atr) and atr > 0 else None,
                fallback_to_current=False,
            )
            self._entry_conditions[int(k)] = conditions
            b.size_mode[k] = SIZE_EQUITY_FRACTION
            b.size_value[k] = decision.final_position / equity if equity > 0 else 0.0
            self.decisions.append(self._decision_row(t, int(k), when, decision))

    def _expectation(
        self, conditions: SymbolConditions, t: int, n: int, direction: int
    ) -> tuple[float | None, float | None]:
        vol_pct = float(conditions.volatility_pct[t, n])
        volatility = vol_pct / 100.0 if np.isfinite(vol_pct) and vol_pct > 0 else None
        drift = float(conditions.drift[t, n])
        if self.plan.scaling is None or self.plan.scaling.drift_bars <= 0 or volatility is None:
            return None, volatility
        return (direction * drift if np.isfinite(drift) else None), volatility

    def _decision_row(
        self, t: int, k: int, when: datetime, decision: SizingDecision
    ) -> dict[str, Any]:
        b = self.books
        return {
            "row": t,
            "book": k,
            "ts": when,
            "market": self.markets[int(b.market[k])],
            "symbol": self.panel.symbols[int(b.symbol[k])],
            "strategies": ",".join(b.strategies[k]),
            "decision": decision,
        }
