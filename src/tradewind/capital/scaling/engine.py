"""`AutonomousScalingEngine`: the capital engine plus market-aware, explained sizing.

Sizing follows the scaling document's five steps (see `size_position`); trades feed
compounding, drawdown protection, milestones, adaptive compounding and the real-time
optimizer. The engine's clock is the time of the data, not the wall clock: a trade's
`trade_data["timestamp"]` when given, else the last timestamp seen (trade, capital
update or conditions), else now (UTC) - so backtests stay reproducible.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any

from tradewind.capital.scaling._checks import check_aware, check_range
from tradewind.capital.scaling.capital_engine import CapitalScalingEngine
from tradewind.capital.scaling.compounding import adapted_reinvest_share
from tradewind.capital.scaling.config import (
    AutonomousScalingConfig,
    CapitalEngineConfig,
    parse_regime,
)
from tradewind.capital.scaling.milestones import MilestoneReached
from tradewind.capital.scaling.optimizer import LiveParameters, ParameterChange, ParameterOptimizer
from tradewind.capital.scaling.sizing import SizingDecision, make_decision, method_factor_for
from tradewind.capital.scaling.sizing_steps import MarketFactors, checked_balance, market_factors
from tradewind.capital.scaling.status import autonomous_status_fields
from tradewind.capital.scaling.summary import format_quick_summary
from tradewind.capital.scaling.trades import TradeLog, TradeRecord
from tradewind.domain.regimes import MarketConditions, MarketRegime

__all__ = ["AutonomousScalingEngine", "get_autonomous_engine"]


class AutonomousScalingEngine:
    """Capital scaling with volatility leverage, regime allocation and Sharpe sizing.

    Args:
        base_capital: starting capital (account currency, > 0).
        current_capital: capital now; None = `base_capital`.
        base_config: capital engine settings (compounding, protection, milestones).
        autonomous_config: autonomous settings; neither config is ever mutated.

    Raises:
        ValueError: on invalid capital or settings.
    """

    def __init__(
        self,
        base_capital: float,
        current_capital: float | None = None,
        base_config: CapitalEngineConfig | None = None,
        autonomous_config: AutonomousScalingConfig | None = None,
    ) -> None:
        self.capital_engine = CapitalScalingEngine(base_capital, current_capital, base_config)
        self.config = autonomous_config or AutonomousScalingConfig()
        self.current_conditions: MarketConditions | None = None
        self._optimizer = ParameterOptimizer(self.config)
        self._trades = TradeLog()
        self._clock: datetime | None = None

    # -- inputs --------------------------------------------------------------------------

    def update_market_conditions(self, conditions: MarketConditions) -> None:
        """Set the conditions sizing uses by default (a tz-aware timestamp advances the clock).

        Raises:
            ValueError: if `conditions` is not a MarketConditions.
        """
        if not isinstance(conditions, MarketConditions):
            raise ValueError(f"conditions {conditions!r}: expected a MarketConditions")
        self.current_conditions = conditions
        stamp = conditions.timestamp
        if stamp is not None and stamp.utcoffset() is not None:
            self._clock = stamp

    def update_capital(
        self, capital: float, timestamp: datetime | None = None
    ) -> list[MilestoneReached]:
        """Mark equity between trades (protection and milestones follow it).

        Raises:
            ValueError: on negative capital or a naive timestamp.
        """
        return self.capital_engine.update_capital(capital, self._advance(timestamp))

    def reset_halt(self) -> None:
        """Clear a drawdown halt; the peak restarts at the current capital."""
        self.capital_engine.reset_halt()

    def record_trade(
        self,
        profit: float,
        fees: float,
        is_win: bool,
        new_capital: float,
        trade_data: Mapping[str, Any] | None = None,
    ) -> TradeRecord:
        """Book a closed trade and run adaptive compounding and the optimizer.

        Args:
            profit: gross P&L (account currency); fees: fees paid; net = profit - fees.
            is_win: whether the trade counts as a win (win rates, Kelly).
            new_capital: account capital after the trade.
            trade_data: optional extras: "timestamp" (tz-aware; the data's time),
                "conditions" (the MarketConditions at entry; default: those in force),
                "regime" (name or MarketRegime; default: the conditions' regime),
                "vol_ratio" (current / normal volatility at entry; default: from the
                conditions), plus anything else ("market", "symbol", ...), kept as is.
                A None value counts as absent.
                The trade is attributed to the parameter values live when it is recorded.

        Raises:
            ValueError: on a non-finite amount, negative capital or a bad trade_data value.
        """
        data = dict(trade_data or {})
        given = {key: value for key, value in data.items() if value is not None}
        stamp = given.get("timestamp")
        timestamp = self.now() if stamp is None else check_aware("trade_data['timestamp']", stamp)
        conditions = given.get("conditions", self.current_conditions)
        if conditions is not None and not isinstance(conditions, MarketConditions):
            raise ValueError(f"trade_data['conditions'] {conditions!r}: expected MarketConditions")
        regime, vol_ratio = self._attribution(given, conditions)  # validates before booking
        net = self.capital_engine.record_trade(profit, fees, is_win, new_capital, timestamp)
        self._clock = timestamp
        record = self._make_record(
            data, timestamp, (profit, fees, net, is_win), conditions, regime, vol_ratio
        )
        self._trades.append(record)
        self._adapt_reinvest_share()
        self._optimizer.on_trade(self._trades)
        return record

    # -- sizing --------------------------------------------------------------------------

    def size_position(
        self,
        available_balance: float,
        expected_return: float | None = None,
        volatility: float | None = None,
        *,
        conditions: MarketConditions | None = None,
        atr_pct: float | None = None,
        fallback_to_current: bool = True,
    ) -> SizingDecision:
        """Size a position in the document's five steps and explain it.

        Units: `expected_return` and `volatility` are annual FRACTIONS (0.25 = 25%);
        `MarketConditions.volatility_pct` is in percent (the document mixes the two).

        1. Base: `base_position_pct * min(available_balance, tradeable_capital)`, times a
           Kelly or ATR factor when `sizing_method` says so (Kelly needs
           `kelly_min_trades` recorded trades, ATR needs `atr_pct` = ATR / price; without
           them the percentage base is used and the decision says so).
        2. Volatility leverage `(normal_vol / current_vol) ** sensitivity`, clamped to
           [min_leverage, max_leverage]; current vol = `volatility` if given, else the
           conditions' volatility; normal vol = `normal_volatility_pct` of the config,
           else of the conditions.
        3. Regime multiplier: the live allocation of the conditions' regime.
        4. With `expected_return`: Sharpe `(expected_return - risk_free_rate) / vol`,
           factor `sharpe / target_sharpe_ratio` clamped to [min_size_multiplier,
           max_size_multiplier].
        5. Drawdown protection multiplier, then `min(position, available_balance)`, >= 0.

        Steps 2-4 need conditions (`conditions`, else the last update unless
        `fallback_to_current` is False: the engine sizing many markets passes each one's
        own conditions and skips the steps for a market without them); a disabled
        feature gives factor 1. A halted engine sizes 0.

        Raises:
            ValueError: on a negative or non-finite balance, volatility or atr_pct.
        """
        available = checked_balance(available_balance, expected_return, volatility, atr_pct)
        cfg, engine = self.config, self.capital_engine
        if conditions is None and fallback_to_current:
            conditions = self.current_conditions
        method, method_factor, note = method_factor_for(
            cfg, engine.config.base_position_pct, self._trades, atr_pct
        )
        factors = MarketFactors()
        if conditions is not None:
            factors = market_factors(
                cfg,
                self._optimizer,
                conditions,
                volatility=volatility,
                normal_volatility_pct=self._normal_volatility_pct(conditions),
                expected_return=expected_return,
            )
        return self._decision(available, (method, method_factor, note), factors)

    def _decision(
        self,
        available: float,
        method: tuple[str, float, str],
        factors: MarketFactors,
    ) -> SizingDecision:
        """Steps 1 and 5 around the market factors: base, protection, cap at the balance."""
        engine = self.capital_engine
        method_name, method_factor, note = method
        return make_decision(
            method=method_name,
            available_balance=available,
            capital=engine.sizing_capital(available),
            base_position=engine.unprotected_base_position(available),
            method_factor=method_factor,
            vol_leverage_raw=factors.vol_leverage_raw,
            vol_leverage=factors.vol_leverage,
            regime=factors.regime,
            regime_multiplier=factors.regime_multiplier,
            sharpe=factors.sharpe,
            sharpe_factor=factors.sharpe_factor,
            protection_level=engine.protection_level.value,
            protection_multiplier=engine.protection_multiplier,
            halted=engine.halted,
            note=note,
        )

    def get_optimal_position_size(
        self,
        available_balance: float,
        expected_return: float | None = None,
        volatility: float | None = None,
    ) -> float:
        """`size_position(...).final_position` (account currency)."""
        return self.size_position(available_balance, expected_return, volatility).final_position

    def _normal_volatility_pct(self, conditions: MarketConditions) -> float:
        configured = self.config.normal_volatility_pct
        return conditions.normal_volatility_pct if configured is None else configured

    # -- trades --------------------------------------------------------------------------

    def _advance(self, timestamp: datetime | None) -> datetime:
        if timestamp is None:
            return self.now()
        self._clock = check_aware("timestamp", timestamp)
        return self._clock

    def now(self) -> datetime:
        """The engine's clock: the last data timestamp seen, else the wall clock (UTC)."""
        return self._clock if self._clock is not None else datetime.now(UTC)

    def _attribution(
        self, data: Mapping[str, Any], conditions: MarketConditions | None
    ) -> tuple[MarketRegime | None, float | None]:
        """The regime and vol ratio a trade is attributed to (trade_data first)."""
        regime = conditions.regime if conditions is not None else None
        if "regime" in data:
            regime = parse_regime(data["regime"], "trade_data['regime']")
        vol_ratio: float | None = None
        if "vol_ratio" in data:
            vol_ratio = check_range("trade_data['vol_ratio']", data["vol_ratio"], 0.0)
        elif conditions is not None:
            vol_ratio = conditions.volatility_pct / self._normal_volatility_pct(conditions)
        return regime, vol_ratio

    def _make_record(
        self,
        data: dict[str, Any],
        timestamp: datetime,
        amounts: tuple[float, float, float, bool],
        conditions: MarketConditions | None,
        regime: MarketRegime | None,
        vol_ratio: float | None,
    ) -> TradeRecord:
        profit, fees, net, is_win = amounts
        sensitivity = self._optimizer.sensitivity
        leverage: float | None = None
        if vol_ratio is not None:
            leverage = (
                self._optimizer.leverage_at(vol_ratio, sensitivity)
                if self.config.enable_volatility_leverage
                else 1.0
            )
        allocation = None
        if regime is not None:
            allocation = (
                self._optimizer.allocation(regime) if self.config.enable_regime_allocation else 1.0
            )
        return TradeRecord(
            index=len(self._trades),
            timestamp=timestamp,
            profit=float(profit),
            fees=float(fees),
            net_pnl=net,
            is_win=bool(is_win),
            capital_after=self.capital_engine.current_capital,
            conditions=conditions,
            regime=regime,
            vol_ratio=vol_ratio,
            regime_allocation=allocation,
            sensitivity=sensitivity,
            vol_leverage=leverage,
            data=MappingProxyType(data),
        )

    def _adapt_reinvest_share(self) -> None:
        cfg = self.config
        n = len(self._trades)
        active = cfg.enable_adaptive_compounding and cfg.performance_based_reinvestment
        if not active or n < cfg.adaptive_min_trades:
            return
        win_rate = float(self._trades.is_win[max(0, n - cfg.adaptive_window_trades) :].mean())
        engine = self.capital_engine
        engine.reinvest_share = adapted_reinvest_share(
            engine.reinvest_share,
            win_rate,
            increase_above=cfg.win_rate_increase_above,
            decrease_below=cfg.win_rate_decrease_below,
            step=cfg.reinvest_share_step,
            floor=cfg.min_reinvest_share,
            cap=cfg.max_reinvest_share,
        )

    # -- state and reporting -------------------------------------------------------------

    @property
    def trades(self) -> tuple[TradeRecord, ...]:
        """Recorded trades, oldest first."""
        return self._trades.records

    @property
    def parameter_changes(self) -> tuple[ParameterChange, ...]:
        """The optimizer's change log, oldest first."""
        return self._optimizer.changes

    def current_parameters(self) -> LiveParameters:
        """The live regime allocations, sensitivity and reinvest share."""
        return LiveParameters(
            regime_allocations=self._optimizer.regime_allocations,
            volatility_leverage_sensitivity=self._optimizer.sensitivity,
            reinvest_share=self.capital_engine.reinvest_share,
        )

    def get_autonomous_status(self) -> dict[str, Any]:
        """Capital status plus conditions, features, live parameters and the change log.

        `market_conditions` is None before the first `update_market_conditions`;
        `regime_allocations` and `volatility_leverage_sensitivity` are the live values;
        `parameter_changes` lists `ParameterChange.as_dict()` entries, oldest first.
        """
        status = self.capital_engine.get_capital_status()
        status.update(
            autonomous_status_fields(
                self.config, self.current_conditions, self.current_parameters()
            )
        )
        status["clock"] = self._clock
        status["parameter_changes"] = [c.as_dict() for c in self.parameter_changes]
        return status

    def get_quick_summary(self) -> str:
        """One line: capital, ROI, trading/halted, protection, next milestone, regime, vol."""
        engine = self.capital_engine
        tracker = engine.milestones
        protection = engine.protection_level.value
        return format_quick_summary(
            capital=engine.current_capital,
            roi_pct=engine.roi_pct,
            halted=engine.halted,
            protection_level=protection if engine.config.enable_drawdown_protection else None,
            next_milestone=tracker.next_label,
            milestone_progress_pct=tracker.progress_pct(engine.current_capital),
            conditions=self.current_conditions,
        )


def get_autonomous_engine(
    base_capital: float,
    current_capital: float | None = None,
    compounding_strategy: str = "moderate",
    enable_all_features: bool = True,
) -> AutonomousScalingEngine:
    """An engine with protection and milestones on and every autonomous feature on (or
    all off with `enable_all_features=False`)."""
    on = enable_all_features
    return AutonomousScalingEngine(
        base_capital,
        current_capital,
        CapitalEngineConfig(compounding_strategy=compounding_strategy),
        AutonomousScalingConfig(
            enable_volatility_leverage=on,
            enable_risk_adjustment=on,
            enable_regime_allocation=on,
            enable_adaptive_compounding=on,
            enable_realtime_optimization=on,
        ),
    )
