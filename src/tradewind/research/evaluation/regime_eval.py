"""Planted-regime recovery: does a regime model find the synthetic market's hidden regimes?

Method (`evaluate_planted_regimes`):
1. Generate a synthetic market; its regimes (bull / bear / crisis / ranging) are shared
   by every symbol on the master clock. Use the crypto (24/7) group, which has a bar at
   every master bar.
2. Features per bar, from the cross-section of that group: each symbol's log return is
   divided by its standard deviation over the training span; then (a) the log of the
   cross-sectional mean of squared standardized returns and (b) their cross-sectional
   mean, both smoothed by a trailing EWMA (`halflife_bars`). Every value at bar t uses
   bars <= t only.
3. Fit the model on the first `train_fraction` of bars; name its states by their
   volatility (calmest to most volatile, the generator's order: ranging, bull, bear,
   crisis); predict the held-out bars with filtered probabilities (causal).
4. Score the most likely label against the truth on the held-out bars only, next to two
   plain baselines on the same bars: a rolling-volatility quartile rule (20-bar mean of
   feature (a) unsmoothed, cut at its training-span quartiles, quartiles named in the
   same volatility order) and the training span's majority label.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final, Literal

import numpy as np
import pandas as pd

from tradewind.data.synthetic import REGIME_PARAMS, SyntheticSpec, generate
from tradewind.data.synthetic.spec import SyntheticSpecError
from tradewind.intelligence.regime_models import (
    GaussianHMMRegimeModel,
    MarkovSwitchingRegimeModel,
    RegimeModel,
    label_states_by_volatility,
    most_likely_labels,
)

__all__ = [
    "DEFAULT_REGIME_SPEC",
    "RegimeEvaluation",
    "evaluate_planted_regimes",
    "regime_features",
]

DEFAULT_REGIME_SPEC: Final = SyntheticSpec(
    n_symbols=60, n_bars=6000, timeframe="1d", seed=11, name="regimes", regime_mean_bars=150
)
"""60 symbols (17 crypto) x 6,000 daily bars, regimes of about 150 bars on average."""

CALM_TO_VOLATILE: Final = tuple(
    p.label for p in sorted(REGIME_PARAMS, key=lambda p: p.vol_multiplier)
)
_BASELINE_WINDOW: Final = 20
_VARIANCE_FLOOR: Final = 1e-3  # keeps log() finite on a bar where every return is 0

ModelName = Literal["hmm", "markov"]


@dataclass(frozen=True, slots=True)
class RegimeEvaluation:
    """Out-of-sample regime recovery on held-out bars, with two plain baselines.

    `confusion` counts held-out bars, rows = true label, columns = predicted label.
    """

    model: str
    accuracy: float
    confusion: pd.DataFrame
    recall: dict[str, float]
    baseline_accuracy: float
    baseline_confusion: pd.DataFrame
    majority_label: str
    majority_accuracy: float
    n_train_bars: int
    n_test_bars: int
    state_labels: tuple[str, ...]
    method: str = field(repr=False)

    def summary(self) -> str:
        """Two lines: the model against both baselines, then recall per label."""
        recall = ", ".join(f"{k} {v:.2f}" for k, v in self.recall.items())
        return (
            f"{self.model}: accuracy {self.accuracy:.3f} on {self.n_test_bars} held-out bars "
            f"(vol-quartile rule {self.baseline_accuracy:.3f}, majority "
            f"'{self.majority_label}' {self.majority_accuracy:.3f})\nrecall: {recall}"
        )


def regime_features(
    closes: pd.DataFrame, train_rows: int, halflife_bars: float = 2.0
) -> pd.DataFrame:
    """Per-bar cross-sectional features (see the module docstring): `log_variance`,
    `mean_return` (smoothed) and `raw_log_variance`; the first row is NaN."""
    returns = closes.transform(np.log).diff()
    scale = returns.iloc[:train_rows].std()
    standardized = returns / scale.where(scale > 0)
    raw = np.log((standardized**2).mean(axis=1) + _VARIANCE_FLOOR)
    mean_return = standardized.mean(axis=1)
    raw = raw.where(standardized.notna().any(axis=1))
    return pd.DataFrame(
        {
            "log_variance": raw.ewm(halflife=halflife_bars).mean().where(raw.notna()),
            "mean_return": mean_return.ewm(halflife=halflife_bars).mean().where(raw.notna()),
            "raw_log_variance": raw,
        }
    )


def evaluate_planted_regimes(
    spec: SyntheticSpec = DEFAULT_REGIME_SPEC,
    *,
    model: ModelName = "hmm",
    train_fraction: float = 0.6,
    halflife_bars: float = 2.0,
    seed: int = 0,
) -> RegimeEvaluation:
    """Fit on the first `train_fraction` of the master clock, score the rest.

    `model`: "hmm" (GaussianHMMRegimeModel on both features, 4 restarts) or "markov"
    (MarkovSwitchingRegimeModel on the log variance).

    Raises:
        SyntheticSpecError: the spec has no crypto (24/7) group or too few bars.
    """
    if not 0.2 <= train_fraction <= 0.9:
        raise SyntheticSpecError(f"train_fraction {train_fraction}: expected 0.2..0.9")
    closes, truth = _crypto_closes(spec)
    split = int(len(closes) * train_fraction)
    features = regime_features(closes, split, halflife_bars).iloc[1:]
    truth, split = truth[1:], split - 1
    if split < 200 or len(features) - split < 100:
        raise SyntheticSpecError(
            f"spec {spec.name!r}: {spec.n_bars} bars leave too little to train and test"
        )
    regime_model, columns = _regime_model(model, seed)
    matrix = features[columns].to_numpy()
    regime_model.fit(matrix[:split])
    proba = regime_model.predict_proba(matrix)
    names = label_states_by_volatility(
        proba[:split], features["log_variance"].to_numpy()[:split], labels=CALM_TO_VOLATILE
    )
    predicted = most_likely_labels(proba[split:], names)
    held_out = truth[split:]
    baseline = _quartile_rule(features["raw_log_variance"], split)[split:]
    majority = str(pd.Series(truth[:split]).value_counts().index[0])
    return RegimeEvaluation(
        model=type(regime_model).__name__,
        accuracy=float(np.mean(predicted == held_out)),
        confusion=_confusion(held_out, predicted),
        recall=_recall(held_out, predicted),
        baseline_accuracy=float(np.mean(baseline == held_out)),
        baseline_confusion=_confusion(held_out, baseline),
        majority_label=majority,
        majority_accuracy=float(np.mean(held_out == majority)),
        n_train_bars=split,
        n_test_bars=len(held_out),
        state_labels=names,
        method=_method_text(spec, model, train_fraction, halflife_bars, closes.shape[1]),
    )


def _crypto_closes(spec: SyntheticSpec) -> tuple[pd.DataFrame, np.ndarray]:
    """The generated crypto (24/7) closes, one column per symbol, and the planted regimes."""
    market = generate(spec)
    group = next((g for g in market.truth.groups if g.calendar == "24/7"), None)
    if group is None:
        raise SyntheticSpecError(
            f"spec {spec.name!r}: expected a crypto (24/7) group for regime features, found "
            f"calendars {[g.calendar for g in market.truth.groups]}"
        )
    closes = pd.DataFrame(
        {s: market.frames[s]["close"].to_numpy() for s in group.symbols},
        index=pd.DatetimeIndex(market.frames[group.symbols[0]]["timestamp"]),
    )
    return closes, market.truth.regime_at(closes.index)


def _regime_model(model: ModelName, seed: int) -> tuple[RegimeModel, list[str]]:
    """The unfitted model and the feature columns it is fitted on."""
    n_states = len(CALM_TO_VOLATILE)
    if model == "hmm":
        return GaussianHMMRegimeModel(n_states, seed=seed), ["log_variance", "mean_return"]
    return MarkovSwitchingRegimeModel(n_states), ["log_variance"]


def _quartile_rule(raw_log_variance: pd.Series, split: int) -> np.ndarray:
    level = raw_log_variance.rolling(_BASELINE_WINDOW, min_periods=1).mean().to_numpy()
    cuts = np.nanquantile(level[:split], [0.25, 0.5, 0.75])
    codes = np.searchsorted(cuts, np.nan_to_num(level, nan=-np.inf))
    labels: np.ndarray = np.asarray(CALM_TO_VOLATILE, dtype=object)[codes]
    return labels.astype(str)


def _confusion(truth: np.ndarray, predicted: np.ndarray) -> pd.DataFrame:
    labels = list(CALM_TO_VOLATILE)
    table = pd.crosstab(
        pd.Categorical(truth, categories=labels),
        pd.Categorical(predicted, categories=labels),
        dropna=False,
    )
    table.index.name, table.columns.name = "truth", "predicted"
    return table.reindex(index=labels, columns=labels, fill_value=0).astype(int)


def _recall(truth: np.ndarray, predicted: np.ndarray) -> dict[str, float]:
    out: dict[str, float] = {}
    for label in CALM_TO_VOLATILE:
        mask = truth == label
        if mask.any():
            out[label] = float(np.mean(predicted[mask] == label))
    return out


def _method_text(
    spec: SyntheticSpec, model: str, train_fraction: float, halflife: float, n_symbols: int
) -> str:
    return (
        f"Synthetic market {spec.name!r} (seed {spec.seed}, {spec.n_symbols} symbols, "
        f"{spec.n_bars} x {spec.tf} bars, mean regime {spec.regime_mean} bars). Features from "
        f"the {n_symbols} crypto (24/7) symbols: log cross-sectional mean of squared "
        f"standardized returns and their mean, EWMA half-life {halflife:g} bars (past-only). "
        f"Model {model!r} fitted on the first {train_fraction:.0%} of bars; states named by "
        "volatility (ranging < bull < bear < crisis); held-out bars labelled by the most "
        "likely filtered state (causal). Baselines on the same bars: 20-bar rolling "
        "log-variance cut at its training quartiles, and the training majority label."
    )
