"""Config -> engine spec: markets, strategies with parameters, aggregation, costs, risk."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from tradewind.app.scaling_setup import scaling_configs
from tradewind.capital.regime import RegimeAction, RegimePlan
from tradewind.capital.router import RouterConfig
from tradewind.config import MarketConfig, TradewindConfig
from tradewind.config.capital import CapitalConfig
from tradewind.config.execution import (
    CommissionKind,
    ExecutionConfig,
    FillModelName,
    SizingMode,
)
from tradewind.domain.capital import AllocationStrategy
from tradewind.domain.market import MarketClass
from tradewind.engine.setup import (
    CapitalPlan,
    Correlation,
    Costs,
    EngineSpec,
    MarketRun,
    ScalingPlan,
    Sizing,
    StrategyRun,
)
from tradewind.execution.models import CommissionModel, FillModel
from tradewind.risk.limits import RiskLimits, build_limits
from tradewind.signals.aggregate import AggregationMethod, AggregationRule
from tradewind.strategies.registry import get_strategy

__all__ = ["capital_plan", "engine_spec_from_config"]

_COMMISSION = {
    CommissionKind.NONE: CommissionModel.NONE,
    CommissionKind.BPS: CommissionModel.BPS,
    CommissionKind.PER_SHARE: CommissionModel.PER_SHARE,
    CommissionKind.FX_SPREAD: CommissionModel.FX_SPREAD,
}
_FILL = {
    FillModelName.NEXT_OPEN: FillModel.NEXT_OPEN,
    FillModelName.THIS_CLOSE: FillModel.THIS_CLOSE,
}


def engine_spec_from_config(
    config: TradewindConfig, symbol_keys: Mapping[tuple[str, str], str] | None = None
) -> EngineSpec:
    """The engine spec of the config's enabled markets.

    `symbol_keys` maps (market name, symbol) to the panel key (the same symbol in two
    markets gets `market:symbol`); when given, a symbol it lacks (no bars in the
    window) is left out, and so is a market left without symbols.

    Raises:
        StrategyError: a strategy parameter that does not fit its strategy.
        RiskConfigError: risk settings that cannot be enforced.
    """
    markets = []
    quotes: dict[str, str] = {}
    for name, market in config.enabled_markets.items():
        kept = [s for s in market.symbols if symbol_keys is None or (name, s) in symbol_keys]
        if not kept:
            continue
        symbols = tuple((symbol_keys or {}).get((name, symbol), symbol) for symbol in kept)
        for key, symbol in zip(symbols, kept, strict=True):
            quotes[key] = market.quote_currency or _quote_currency(
                symbol, market.market_class, config.base_currency
            )
        markets.append(_market_run(config, name, market, symbols))
    return EngineSpec(
        markets=tuple(markets),
        limits=_limits(config, markets),
        initial_cash=config.backtest.initial_cash,
        fill_model=_FILL[config.backtest.fill_model],
        base_currency=config.base_currency,
        quote_currencies=quotes,
        correlation=_correlation(config),
        capital=capital_plan(config, tuple(markets)),
    )


def _market_run(
    config: TradewindConfig, name: str, market: MarketConfig, symbols: tuple[str, ...]
) -> MarketRun:
    """One enabled market: its strategies with their parameters, rule, sizing and costs."""
    execution = market.execution or config.execution
    strategies = tuple(
        StrategyRun(spec, spec.config_from_params(market.strategy_params.get(s, {})))
        for s in market.strategies
        for spec in (get_strategy(s),)
    )
    return MarketRun(
        name=name,
        symbols=symbols,
        strategies=strategies,
        rule=_rule(config, name),
        allocation=market.risk_allocation_pct / 100.0,
        sizing=Sizing(
            "fraction" if execution.sizing.mode is SizingMode.FRACTION else "units",
            execution.sizing.value,
        ),
        stop_loss_pct=_fraction(execution.stop_loss_pct),
        take_profit_pct=_fraction(execution.take_profit_pct),
        costs=_costs(execution),
    )


def _limits(config: TradewindConfig, markets: list[MarketRun]) -> RiskLimits:
    """The risk limits of the enabled markets and the strategies they run."""
    strategy_names = tuple(dict.fromkeys(s.name for m in markets for s in m.strategies))
    return build_limits(
        config.risk.global_,
        [m.name for m in markets],
        strategy_names,
        markets={k: v for k, v in config.risk.markets.items() if k in config.enabled_markets},
        strategies={k: v for k, v in config.risk.strategies.items() if k in strategy_names},
    )


def capital_plan(config: TradewindConfig, markets: tuple[MarketRun, ...]) -> CapitalPlan | None:
    """The run's capital plan: the router unless `capital.strategy` is FIXED, the scaling
    engine when `autonomous_scaling.enabled`; None when neither (fixed as configured)."""
    capital, scaling = config.capital, config.autonomous_scaling
    router = None
    if capital.strategy is not AllocationStrategy.FIXED:
        router = RouterConfig(
            strategy=capital.strategy,
            min_allocation=capital.min_allocation_pct / 100.0,
            max_allocation=capital.max_allocation_pct / 100.0,
            fixed_allocation={m.name: m.allocation for m in markets},
            factor_weights=capital.factor_weights.model_dump(),
            rebalance_threshold=capital.rebalance_threshold_pct / 100.0,
        )
    plan = ScalingPlan(*scaling_configs(scaling), drift_bars=scaling.expected_return_bars)
    regime = _regime_plan(capital, with_router=router is not None)
    if router is None and not scaling.enabled and regime is None:
        return None
    return CapitalPlan(
        router=router,
        rebalance_every_rows=capital.rebalance_every_bars,
        lookback_rows=capital.lookback_bars,
        scaling=plan if scaling.enabled else None,
        regime=regime,
    )


def _regime_plan(capital: CapitalConfig, *, with_router: bool) -> RegimePlan | None:
    """The macro regime for the router (only with one) and the regime actions; None
    when neither is on."""
    plan = RegimePlan(
        macro_regime=capital.macro_regime and with_router,
        actions={
            name: RegimeAction(a.exposure_factor, a.stop_factor, a.soft_stop)
            for name, a in capital.regime_actions.items()
        },
    )
    return plan if plan.needs_regimes else None


def _correlation(config: TradewindConfig) -> Correlation:
    mmin = config.mmin
    return Correlation(
        window_rows=mmin.confirmation_window_bars,
        step_rows=mmin.correlation_refresh_bars,
        risk_threshold=config.risk.global_.correlation_threshold,
        confirm_required=mmin.cross_market_signals_required if mmin.enabled else 0,
        confirm_threshold=mmin.correlation_threshold,
    )


def _quote_currency(symbol: str, market_class: MarketClass, base: str) -> str:
    """`BTC-USD` -> USD for pairs (crypto, forex); other instruments: the base currency."""
    if market_class in (MarketClass.CRYPTO, MarketClass.FOREX) and "-" in symbol:
        return symbol.rsplit("-", 1)[1]
    return base


def _rule(config: TradewindConfig, market: str) -> AggregationRule:
    section = config.signal_aggregation
    override = section.markets.get(market)
    method = (override.method if override and override.method else section.method).value
    threshold = (
        override.consensus_threshold
        if override and override.consensus_threshold is not None
        else section.consensus_threshold
    )
    weights = override.weights if override and override.weights is not None else section.weights
    priorities = (
        override.priorities if override and override.priorities is not None else section.priorities
    )
    return AggregationRule(
        method=AggregationMethod(method),
        threshold=threshold,
        weights=dict(weights) or None,
        priorities=dict(priorities) or None,
    )


def _costs(execution: ExecutionConfig) -> Costs:
    c = execution.commission
    return Costs(
        lot=execution.lot_size,
        min_notional=execution.min_notional,
        commission_model=_COMMISSION[c.model],
        commission_bps=c.bps,
        commission_per_unit=c.per_unit,
        commission_min=c.min_per_order,
        spread=c.spread,
        slippage_bps=execution.slippage_bps,
    )


def _fraction(percent: float | None) -> float:
    return np.nan if percent is None else percent / 100.0
