"""Capital features measured against fixed allocation and sizing, out of sample.

The example portfolio is backtested on bundled real daily data, once per variant:
the baseline splits equity equally across markets (FIXED) and sizes every entry at the
example's fixed fraction of equity; each feature is the baseline with that feature on
(the ADAPTIVE router, the autonomous scaling engine, the walk-forward macro regime in
the router, the regime actions), plus the skfolio constructions as ablations. Every
decision uses only rows before it (walk-forward by construction: trailing windows, the
macro model refitted each month on labels known by then, nothing fitted on the
evaluation windows, settings fixed before measuring); each window is also split into
calendar years so the result is not one lucky stretch.

Each feature's daily returns are compared with the baseline's on the same days by a
paired stationary bootstrap (`bootstrap`): intervals of return, Sharpe and max
drawdown, and of the return and Sharpe differences, per window and over both windows.
A feature "beats" the baseline only when the interval of its Sharpe difference lies
above zero.
"""

from __future__ import annotations

import dataclasses
import json
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from tradewind.config import load_config_text
from tradewind.data.catalog import Catalog
from tradewind.domain.errors import TradewindError
from tradewind.research.evaluation.bootstrap import (
    BOTH_WINDOWS,
    DEFAULT_MEAN_BLOCK_ROWS,
    DEFAULT_RESAMPLES,
    FeatureComparison,
    compare_features,
)
from tradewind.research.evaluation.confirmation_eval import EXAMPLE_CONFIG, WINDOWS, windowed
from tradewind.research.evaluation.runner import BacktestOutcomeLike, BacktestRunner

__all__ = [
    "BASELINE",
    "BOTH_WINDOWS",
    "COMPARISONS",
    "REGIME_ACTIONS",
    "VARIANTS",
    "CapitalEvaluation",
    "CapitalVariant",
    "FeatureComparison",
    "VariantSetup",
    "evaluate_capital",
    "write_capital_json",
]


@dataclass(frozen=True, slots=True)
class VariantSetup:
    """One variant: `capital.strategy`, autonomous scaling on or off, and settings
    merged into the `autonomous_scaling` and `capital` sections."""

    strategy: str
    scaling: bool
    scaling_settings: Mapping[str, Any] = field(default_factory=dict)
    capital_settings: Mapping[str, Any] = field(default_factory=dict)


REGIME_ACTIONS: dict[str, dict[str, Any]] = {
    "risk_off": {"exposure_factor": 0.5, "stop_factor": 0.75},
    "recession": {"exposure_factor": 0.5, "stop_factor": 0.75},
    "crisis": {"soft_stop": True},
}
"""The regime actions measured (chosen before measuring: halve the budgets and tighten
stops by a quarter in the defensive macro regimes). The CRISIS soft stop is the
session's; a backtest does not stop, so it is not part of the measured effect."""

BASELINE = "fixed equal + fixed sizing"
VARIANTS: dict[str, VariantSetup] = {
    BASELINE: VariantSetup("FIXED", False),
    "adaptive router + scaling": VariantSetup("ADAPTIVE", True),
    "adaptive router only": VariantSetup("ADAPTIVE", False),
    "equal + scaling only": VariantSetup("FIXED", True),
    "adaptive router + macro regime": VariantSetup(
        "ADAPTIVE", False, capital_settings={"macro_regime": True}
    ),
    "equal + regime actions": VariantSetup(
        "FIXED", False, capital_settings={"regime_actions": REGIME_ACTIONS}
    ),
    "equal + scaling, no Sharpe step": VariantSetup("FIXED", True, {"expected_return_bars": 0}),
    "risk parity + scaling": VariantSetup("RISK_PARITY", True),
    "HRP + scaling": VariantSetup("HRP", True),
}
"""Variant name -> what it runs."""

COMPARISONS: tuple[tuple[str, str, str], ...] = (
    ("macro regime in the router", "adaptive router + macro regime", BASELINE),
    ("macro regime in the router (vs adaptive alone)", "adaptive router + macro regime",
     "adaptive router only"),
    ("regime actions", "equal + regime actions", BASELINE),
    ("adaptive routing", "adaptive router only", BASELINE),
    ("autonomous scaling", "equal + scaling only", BASELINE),
    ("adaptive routing + scaling", "adaptive router + scaling", BASELINE),
)  # fmt: skip
"""(feature, variant, reference): each feature's variant against what it is measured
against, on the same days."""


@dataclass(frozen=True, slots=True)
class CapitalVariant:
    """One backtest of one variant on one window (or one calendar year of it)."""

    window: str
    variant: str
    period: str
    total_return: float
    sharpe: float
    max_drawdown: float
    turnover_annual: float
    allocation_turnover: float
    mean_gross_exposure: float
    entries: int
    sizing_decisions: int
    binding: str


@dataclass(frozen=True, slots=True)
class CapitalEvaluation:
    rows: tuple[CapitalVariant, ...]
    method: str
    comparisons: tuple[FeatureComparison, ...] = ()
    runtime_s: float = 0.0

    def whole(self) -> list[CapitalVariant]:
        """The rows covering whole windows (not single years)."""
        return [r for r in self.rows if r.period == "all"]

    def default_on(self, feature: str) -> bool:
        """True when `feature` beats its reference over both windows and is significantly
        worse in neither (the rule for turning a feature on by default)."""
        found = [c for c in self.comparisons if c.feature == feature]
        pooled = [c for c in found if c.window == BOTH_WINDOWS]
        return (
            bool(pooled)
            and pooled[0].verdict == "beats"
            and all(c.verdict != "worse" for c in found)
        )


def evaluate_capital(
    run_backtest: BacktestRunner,
    config_path: Path | None = None,
    catalog: Catalog | None = None,
    variants: Sequence[str] = tuple(VARIANTS),
    *,
    resamples: int = DEFAULT_RESAMPLES,
    seed: int = 0,
) -> CapitalEvaluation:
    """Backtest every variant on every window with `run_backtest` (the app's config
    backtest); returns whole-window and per-year rows, and the bootstrap comparisons of
    `COMPARISONS` whose variants were run.

    Raises:
        TradewindError: the config is missing, or a regime variant ran without regimes
            (the capital plan does not carry the regime settings to the engine).
    """
    started = time.perf_counter()
    path = config_path or EXAMPLE_CONFIG
    if not path.is_file():
        raise TradewindError(
            f"capital evaluation: config {path} not found; pass the multi-market backtest "
            "config to measure (e.g. examples/backtest.yaml of a source checkout)"
        )
    raw = yaml.safe_load(path.read_text())
    catalog = catalog if catalog is not None else Catalog()
    rows: list[CapitalVariant] = []
    returns: dict[tuple[str, str], np.ndarray] = {}
    periods_per_year: dict[str, float] = {}
    for label, (start, end, dropped) in WINDOWS.items():
        for name in variants:
            variant = _variant_config(windowed(raw, start, end, dropped), VARIANTS[name])
            config = load_config_text(
                yaml.safe_dump(variant), source="capital-eval", apply_env=False
            )
            outcome = run_backtest(config, catalog)
            _require_regimes(name, outcome)
            rows.extend(_rows(label, name, outcome))
            returns[label, name] = _daily_returns(outcome)
            periods_per_year[label] = outcome.results.overall.periods_per_year
    comparisons = compare_features(returns, periods_per_year, COMPARISONS, resamples, seed)
    return CapitalEvaluation(
        tuple(rows), _method(raw, resamples), comparisons, time.perf_counter() - started
    )


def _variant_config(variant: dict[str, Any], setup: VariantSetup) -> dict[str, Any]:
    """The windowed raw config with equal market shares and the variant's settings."""
    equal = 100.0 / len(variant["markets"])
    for market in variant["markets"].values():
        market["risk_allocation_pct"] = equal
    variant["capital"] = {
        **variant.get("capital", {}),
        "strategy": setup.strategy,
        **setup.capital_settings,
    }
    fraction = float(variant.get("execution", {}).get("sizing", {}).get("value", 0.1))
    variant["autonomous_scaling"] = {
        **variant.get("autonomous_scaling", {}),
        "enabled": setup.scaling,
        # Base = the baseline's fraction of equity at an equal share: a percentage of
        # the market's budget (share x equity), so equal shares size like the baseline.
        "base_position_pct": min(fraction * len(variant["markets"]) * 100.0, 100.0),
        **setup.scaling_settings,
    }
    return variant


def _require_regimes(name: str, outcome: BacktestOutcomeLike) -> None:
    """A regime variant whose run saw no regime measures nothing: refuse it."""
    settings = VARIANTS[name].capital_settings
    record = outcome.run.capital
    if settings.get("regime_actions") and (record is None or record.regimes.empty):
        missing = "regime actions"
    elif settings.get("macro_regime") and (
        record is None or not any("macro_regime" in d for d in record.events["data"])
    ):
        missing = "the macro regime"
    else:
        return
    raise TradewindError(
        f"capital evaluation, variant {name!r}: the run received no {missing}; the "
        "engine's capital plan must carry capital.macro_regime / capital.regime_actions "
        "(CapitalPlan.regime)"
    )


def _daily_returns(outcome: BacktestOutcomeLike) -> np.ndarray:
    equity = np.asarray(outcome.run.equity, dtype=np.float64)
    returns: np.ndarray = equity[1:] / equity[:-1] - 1.0
    return returns


def _rows(window: str, variant: str, outcome: BacktestOutcomeLike) -> list[CapitalVariant]:
    run = outcome.run
    ts = pd.to_datetime(run.panel.timestamps, utc=True)
    equity = pd.Series(run.equity, index=ts)
    gross = pd.Series(run.gross_exposure, index=ts)
    record = run.capital
    decisions = record.decisions if record is not None else pd.DataFrame()
    rebalances = record.events[record.events["kind"] == "rebalance"] if record is not None else None
    stats = outcome.results.overall
    rows = [
        CapitalVariant(
            window=window,
            variant=variant,
            period="all",
            total_return=stats.total_return,
            sharpe=stats.sharpe,
            max_drawdown=stats.max_drawdown,
            turnover_annual=stats.turnover_annual,
            allocation_turnover=_allocation_turnover(rebalances),
            mean_gross_exposure=float((gross / equity).mean()),
            entries=run.entries,
            sizing_decisions=len(decisions),
            binding=_usual_binding(decisions),
        )
    ]
    for year, part in equity.groupby(pd.DatetimeIndex(equity.index).year):
        if len(part) < 20:
            continue
        returns = part.pct_change().dropna()
        rows.append(
            CapitalVariant(
                window=window,
                variant=variant,
                period=str(year),
                total_return=float(part.iloc[-1] / part.iloc[0] - 1.0),
                sharpe=_sharpe(returns, stats.periods_per_year),
                max_drawdown=float((part / part.cummax() - 1.0).min()),
                turnover_annual=float("nan"),
                allocation_turnover=float("nan"),
                mean_gross_exposure=float((gross.loc[part.index] / part).mean()),
                entries=-1,
                sizing_decisions=-1,
                binding="",
            )
        )
    return rows


def _allocation_turnover(rebalances: pd.DataFrame | None) -> float:
    """Sum over rebalances of half the absolute change of the market shares."""
    if rebalances is None or rebalances.empty:
        return 0.0
    return float(sum(float(d.get("turnover", 0.0)) for d in rebalances["data"]))


def _usual_binding(decisions: pd.DataFrame) -> str:
    if decisions.empty:
        return ""
    counts = decisions["binding"].value_counts(normalize=True)
    return ", ".join(f"{name} {share:.0%}" for name, share in counts.head(3).items())


def _sharpe(returns: pd.Series, periods_per_year: float) -> float:
    deviation = float(returns.std(ddof=1))
    if not np.isfinite(deviation) or deviation == 0.0:
        return 0.0
    return float(returns.mean()) / deviation * float(np.sqrt(periods_per_year))


def _method(raw: dict[str, Any], resamples: int) -> str:
    fraction = float(raw.get("execution", {}).get("sizing", {}).get("value", 0.1))
    return (
        "The example multi-market portfolio (examples/backtest.yaml: strategies, "
        "aggregation, costs and risk limits unchanged) is backtested on bundled real "
        f"daily data. Baseline: FIXED equal shares per market, every entry {fraction:.0%} of "
        "equity. Adaptive: the ADAPTIVE router (score = Sharpe 30%, win rate 20%, profit "
        "factor 20%, opportunity count 15%, correlation diversity 15% of each market's "
        "strategy returns over the trailing 126 rows, re-decided every 21 rows, moved "
        "only past a 5% drift, shares within 5-50%) and the autonomous scaling engine "
        f"(base {fraction:.0%} x number of markets of the market's budget, i.e. "
        f"{fraction:.0%} of equity at an equal share, x volatility leverage x regime "
        "multiplier x Sharpe factor, never above the budget; drawdown protection, "
        "adaptive compounding and parameter optimisation on). Macro regime: the ADAPTIVE "
        "router also weighs each market class by the walk-forward macro regime in force "
        "at the rebalance (the recession logit refitted every month on FRED data and NBER "
        "labels known by then, 12-month label lag; a month's forecast is used only from "
        "that month's last bar on). Regime actions: budgets x0.5 and stop distances x0.75 "
        "while RISK_OFF or RECESSION is in force (the CRISIS soft stop is the session's and "
        "is not simulated). Conditions, drift, regimes and correlations use bars up to "
        "each decision only; no parameter was tuned on these windows, every setting was "
        "fixed before measuring. Intervals: paired stationary bootstrap of the daily "
        f"returns ({resamples:,} resamples, mean block {DEFAULT_MEAN_BLOCK_ROWS} rows, "
        "seeded), 95% percentile intervals; a feature beats its reference when the "
        "interval of the Sharpe difference lies above zero. Turnover: traded notional "
        "per year over mean equity; allocation turnover: sum over rebalances of half the "
        "absolute change in market shares."
    )


def write_capital_json(path: Path, evaluation: CapitalEvaluation) -> Path:
    """Every row (whole windows and years), every comparison with its intervals, the
    default each feature earns, the method and the run time, as JSON."""
    path.parent.mkdir(parents=True, exist_ok=True)
    features = dict.fromkeys(c.feature for c in evaluation.comparisons)
    payload = {
        "method": evaluation.method,
        "runtime_s": evaluation.runtime_s,
        "rows": [dataclasses.asdict(row) for row in evaluation.rows],
        "comparisons": [dataclasses.asdict(c) for c in evaluation.comparisons],
        "default_on": {feature: evaluation.default_on(feature) for feature in features},
    }
    path.write_text(json.dumps(payload, indent=2, default=float) + "\n")
    return path
