"""The regime in force at each row of a run, known at that row (no look-ahead).

Macro: `MacroRegimeForecaster.forecast_path` walks forward month by month over the
run's own closes and the bundled FRED data (the recession logit refitted each month on
the NBER labels known by then); the forecast for month m uses information up to its
`as_of` (the month's last bar) and is in force from the first row at or after that
instant until the next forecast. The month before the run's first row is forecast too,
so the run starts with a regime. Crisis: a row is CRISIS when at least
`RegimePlan.crisis_share` of the symbols whose market conditions are known read CRISIS
(`intelligence.conditions`, causal). Both are computed once over the panel, like the
market conditions the scaling engine reads, so a paper run over a recording gets the
backtest's regimes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
import pandas as pd

from tradewind.capital.regime import RegimeAction, RegimePlan, RegimeReading, action_for
from tradewind.capital.router.config import market_class_of
from tradewind.data.macro import load_fred_monthly, recession_months
from tradewind.domain.market import MarketClass
from tradewind.domain.regimes import MacroRegime, MarketRegime
from tradewind.engine.panel import MarketPanel
from tradewind.engine.setup import MarketRun

__all__ = ["MacroForecasts", "RegimeTimeline", "macro_forecasts", "regime_timeline"]

_MACRO = tuple(MacroRegime)
_CRISIS = tuple(MarketRegime).index(MarketRegime.CRISIS)
_FIRST_LABEL_MONTH = "1850-01"


@dataclass(frozen=True, slots=True)
class MacroForecasts:
    """Walk-forward forecasts, oldest first: each one's information instant (`as_of_ns`,
    int64 ns UTC, strictly increasing) and its regime."""

    as_of_ns: np.ndarray
    regimes: tuple[MacroRegime, ...]

    def __post_init__(self) -> None:
        stamps = np.asarray(self.as_of_ns, dtype=np.int64)
        if stamps.ndim != 1 or len(stamps) != len(self.regimes):
            raise ValueError(
                f"MacroForecasts: {len(self.regimes)} regimes for {stamps.size} as_of instants: "
                "expected one each"
            )
        if len(stamps) > 1 and not (np.diff(stamps) > 0).all():
            raise ValueError("MacroForecasts.as_of_ns: expected strictly increasing instants")
        object.__setattr__(self, "as_of_ns", stamps)

    def in_force(self, instants_ns: np.ndarray) -> np.ndarray:
        """Index of the latest forecast with `as_of <= instant` per instant (-1: none)."""
        return np.searchsorted(self.as_of_ns, np.asarray(instants_ns), side="right") - 1


def macro_forecasts(panel: MarketPanel, markets: Sequence[MarketRun]) -> MacroForecasts:
    """The walk-forward macro forecasts over `panel` (bundled FRED and NBER data; the
    closes of markets named after a market class enter the cross-asset scores).

    Months with nothing usable are left out (e.g. well past the bundled FRED data,
    where the recession model abstains and the market drivers lack history)."""
    if panel.shape[0] == 0:
        return MacroForecasts(np.zeros(0, dtype=np.int64), ())
    index = pd.DatetimeIndex(pd.to_datetime(panel.timestamps, utc=True))
    closes = pd.DataFrame(
        np.where(panel.fresh, panel.close, np.nan), index=index, columns=list(panel.symbols)
    )
    # Imported here: the forecaster pulls in scikit-learn (about 1 s), which a run
    # without a regime plan never needs.
    from tradewind.intelligence.macro import MacroRegimeForecaster

    forecaster = MacroRegimeForecaster(
        load_fred_monthly(),
        _classes(markets),
        recession_labels=recession_months(_FIRST_LABEL_MONTH, index[-1]),
    )
    path = forecaster.forecast_path(closes, start=index[0] - pd.DateOffset(months=1))
    stamps = pd.DatetimeIndex(path["as_of"]).as_unit("ns").asi8
    return MacroForecasts(stamps, tuple(MacroRegime(r) for r in path["regime"]))


def _classes(markets: Sequence[MarketRun]) -> dict[str, MarketClass]:
    classes: dict[str, MarketClass] = {}
    for market in markets:
        market_class = market_class_of(market.name)
        if market_class is not None:
            classes.update(dict.fromkeys(market.symbols, market_class))
    return classes


@dataclass(frozen=True, slots=True)
class RegimeTimeline:
    """Per row (T): the macro regime in force (index into `MacroRegime`, -1 = none), the
    `as_of` of its forecast (ns, -1 = none), the crisis test, and the action's parts."""

    macro: np.ndarray
    as_of_ns: np.ndarray
    crisis: np.ndarray
    exposure_factor: np.ndarray
    stop_factor: np.ndarray
    soft_stop: np.ndarray

    def reading(self, t: int) -> RegimeReading:
        """The regime and action in force at row `t`."""
        m, stamp = int(self.macro[t]), int(self.as_of_ns[t])
        return RegimeReading(
            macro=_MACRO[m] if m >= 0 else None,
            as_of=datetime.fromtimestamp(stamp / 1e9, tz=UTC) if stamp >= 0 else None,
            crisis=bool(self.crisis[t]),
            action=RegimeAction(
                float(self.exposure_factor[t]), float(self.stop_factor[t]), bool(self.soft_stop[t])
            ),
        )

    def change_rows(self, t0: int, t1: int) -> np.ndarray:
        """Rows `t0 <= t < t1` where the regime or its action differs from the row before
        (row 0 included)."""
        parts = (self.macro, self.crisis, self.exposure_factor, self.stop_factor, self.soft_stop)
        changed = np.zeros(len(self.macro), dtype=bool)
        if len(changed):
            changed[0] = True
        for part in parts:
            changed[1:] |= part[1:] != part[:-1]
        return np.flatnonzero(changed[t0:t1]) + t0


def regime_timeline(
    timestamps_ns: np.ndarray,
    forecasts: MacroForecasts | None,
    plan: RegimePlan,
    condition_regimes: np.ndarray | None = None,
) -> RegimeTimeline:
    """The regime at each row of `timestamps_ns` and the action `plan` takes there.

    `condition_regimes` is T x N (index into `MarketRegime`, -1 = unknown), needed only
    when CRISIS has an action."""
    n_rows = len(timestamps_ns)
    macro = np.full(n_rows, -1, dtype=np.int64)
    as_of = np.full(n_rows, -1, dtype=np.int64)
    if forecasts is not None and len(forecasts.regimes):
        which = forecasts.in_force(timestamps_ns)
        known = which >= 0
        codes = np.array([_MACRO.index(r) for r in forecasts.regimes], dtype=np.int64)
        macro[known] = codes[which[known]]
        as_of[known] = forecasts.as_of_ns[which[known]]
    crisis = np.zeros(n_rows, dtype=bool)
    if condition_regimes is not None and plan.watches_crisis:
        known_symbols = (condition_regimes >= 0).sum(axis=1)
        in_crisis = (condition_regimes == _CRISIS).sum(axis=1)
        crisis = (known_symbols > 0) & (in_crisis >= plan.crisis_share * known_symbols)
    exposure, stop = np.ones(n_rows), np.ones(n_rows)
    soft = np.zeros(n_rows, dtype=bool)
    for t in range(n_rows):
        action = action_for(_MACRO[macro[t]] if macro[t] >= 0 else None, bool(crisis[t]),
                            plan.actions)  # fmt: skip
        exposure[t], stop[t], soft[t] = action.exposure_factor, action.stop_factor, action.soft_stop
    return RegimeTimeline(macro, as_of, crisis, exposure, stop, soft)
