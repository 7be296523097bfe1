"""Hidden-state regime models behind one small interface (hmmlearn, statsmodels).

A model is fitted on a feature matrix (rows = bars in time order, columns = features such
as a smoothed log variance and a mean standardized return) and returns, per bar, the
probability of each hidden state. `predict_proba` is causal (filtered): the row for bar
t uses rows up to t only, so it can drive decisions and be measured out of sample.
Hidden states carry no names; `label_states_by_volatility` names them.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from typing import Any, Protocol, Self, runtime_checkable

import numpy as np
from numba import njit
from scipy.stats import multivariate_normal

# Imported here, not lazily: statsmodels adds an "always" filter for its convergence
# warnings on import, which would defeat the warning suppression around a first fit.
from statsmodels.tsa.regime_switching.markov_regression import MarkovRegression
from threadpoolctl import threadpool_limits

from tradewind.domain.regimes import MarketRegime
from tradewind.intelligence.returns import IntelligenceInputError

__all__ = [
    "GaussianHMMRegimeModel",
    "MarkovSwitchingRegimeModel",
    "RegimeModel",
    "label_states_by_volatility",
    "most_likely_labels",
]


@runtime_checkable
class RegimeModel(Protocol):
    """A fitted-then-applied hidden-state model of a feature matrix (T x F)."""

    @property
    def n_states(self) -> int: ...

    def fit(self, features: np.ndarray) -> Self: ...

    def predict_proba(self, features: np.ndarray) -> np.ndarray:
        """Filtered state probabilities, T x n_states, rows summing to 1."""
        ...


class GaussianHMMRegimeModel:
    """Gaussian HMM (hmmlearn) with several seeded restarts; the best likelihood wins.

    Args:
        n_states: hidden states (2..10).
        covariance_type: hmmlearn's "full", "diag", "spherical" or "tied".
        n_restarts: fits from seeds `seed .. seed + n_restarts - 1`.
        n_iter, tol: EM limits per restart.
    """

    def __init__(
        self,
        n_states: int = 4,
        *,
        covariance_type: str = "full",
        n_restarts: int = 4,
        n_iter: int = 100,
        tol: float = 1e-3,
        seed: int = 0,
    ) -> None:
        _check_states(n_states)
        if n_restarts < 1:
            raise IntelligenceInputError(f"n_restarts {n_restarts}: expected at least 1")
        self._n_states = n_states
        self.covariance_type = covariance_type
        self.n_restarts = n_restarts
        self.n_iter = n_iter
        self.tol = tol
        self.seed = seed
        self.log_likelihood = math.nan
        self._model: Any = None

    @property
    def n_states(self) -> int:
        return self._n_states

    @property
    def hmm(self) -> Any:
        """The fitted `hmmlearn.hmm.GaussianHMM`.

        Raises:
            IntelligenceInputError: not fitted yet.
        """
        if self._model is None:
            raise IntelligenceInputError("GaussianHMMRegimeModel: call fit() first")
        return self._model

    def fit(self, features: np.ndarray) -> Self:
        """Fit on T x F features (T at least 10 per state).

        Raises:
            IntelligenceInputError: bad shape, non-finite values or every restart failed.
        """
        from hmmlearn.hmm import GaussianHMM

        data = _matrix(features, min_rows=10 * self._n_states)
        best: tuple[float, Any] | None = None
        for restart in range(self.n_restarts):
            model = GaussianHMM(
                n_components=self._n_states,
                covariance_type=self.covariance_type,
                n_iter=self.n_iter,
                tol=self.tol,
                random_state=self.seed + restart,
            )
            try:
                # One thread: k-means and EM on a few thousand rows gain nothing from
                # OpenMP, and oversubscribed threads slow a shared machine tenfold.
                with warnings.catch_warnings(), threadpool_limits(limits=1):
                    warnings.simplefilter("ignore")
                    model.fit(data)
                    score = float(model.score(data))
            except (ValueError, np.linalg.LinAlgError):
                continue  # a degenerate restart (e.g. a collapsed covariance)
            if math.isfinite(score) and (best is None or score > best[0]):
                best = (score, model)
        if best is None:
            raise IntelligenceInputError(
                f"GaussianHMMRegimeModel: all {self.n_restarts} restarts failed on "
                f"{data.shape[0]} x {data.shape[1]} features"
            )
        self.log_likelihood, self._model = best
        return self

    def predict_proba(self, features: np.ndarray) -> np.ndarray:
        """Filtered probabilities (forward algorithm): row t uses rows <= t only."""
        model = self.hmm
        data = _matrix(features, min_rows=1, n_columns=model.n_features)
        log_emission = np.column_stack(
            [
                multivariate_normal(model.means_[k], model.covars_[k], allow_singular=True).logpdf(
                    data
                )
                for k in range(self._n_states)
            ]
        ).reshape(len(data), self._n_states)
        with np.errstate(divide="ignore"):
            log_start = np.log(model.startprob_)
            log_trans = np.log(model.transmat_)
        return _forward_filter(log_emission, log_start, log_trans)

    def smoothed_proba(self, features: np.ndarray) -> np.ndarray:
        """Forward-backward probabilities: row t uses the WHOLE sequence (not causal)."""
        data = _matrix(features, min_rows=1, n_columns=self.hmm.n_features)
        result: np.ndarray = self.hmm.predict_proba(data)
        return result


class MarkovSwitchingRegimeModel:
    """Markov-switching regression (statsmodels) of the first feature column.

    The column follows `y_t = mu_k + e_t, e_t ~ N(0, sigma_k^2)` in hidden state k
    (switching mean and variance). Fitted by EM (`em_iter` steps) from statsmodels'
    default start; further columns are ignored.
    """

    def __init__(self, n_states: int = 3, *, em_iter: int = 50) -> None:
        _check_states(n_states)
        self._n_states = n_states
        self.em_iter = em_iter
        self.params: np.ndarray | None = None
        self.log_likelihood = math.nan

    @property
    def n_states(self) -> int:
        return self._n_states

    def fit(self, features: np.ndarray) -> Self:
        """Fit on the first column of T x F features.

        Raises:
            IntelligenceInputError: bad shape, non-finite values or a failed fit.
        """
        series = _matrix(features, min_rows=10 * self._n_states)[:, 0]
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                result = self._model(series).fit(em_iter=self.em_iter, maxiter=0, disp=False)
        except (ValueError, np.linalg.LinAlgError) as exc:
            raise IntelligenceInputError(
                f"MarkovSwitchingRegimeModel: fit failed ({exc})"
            ) from None
        self.params = np.asarray(result.params, dtype=np.float64)
        self.log_likelihood = float(result.llf)
        return self

    def predict_proba(self, features: np.ndarray) -> np.ndarray:
        """Hamilton-filtered probabilities: row t uses rows <= t only."""
        if self.params is None:
            raise IntelligenceInputError("MarkovSwitchingRegimeModel: call fit() first")
        series = _matrix(features, min_rows=2)[:, 0]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            filtered = self._model(series).filter(self.params)
        return np.asarray(filtered.filtered_marginal_probabilities, dtype=np.float64)

    def _model(self, series: np.ndarray) -> Any:
        return MarkovRegression(
            series, k_regimes=self._n_states, trend="c", switching_variance=True
        )


def label_states_by_volatility(
    proba: np.ndarray,
    volatility: np.ndarray,
    labels: Sequence[str] | None = None,
    drift: np.ndarray | None = None,
) -> tuple[str, ...]:
    """Name hidden states by their probability-weighted mean volatility (and drift).

    `proba` (T x K) weights each bar's `volatility` (and `drift`, e.g. a return) to give
    each state's typical level. With `labels` (K names ordered from calmest to most
    volatile) states are named in that order. Without, states get `MarketRegime` values:
    the calmest RANGING (K >= 3), the most volatile CRISIS when its drift is negative
    else VOLATILE, the others BULL_TRENDING / BEAR_TRENDING by drift sign (needs `drift`).

    Returns:
        label of state 0, 1, ..., K - 1.

    Raises:
        IntelligenceInputError: shapes disagree, wrong label count, or drift missing.
    """
    weights = np.asarray(proba, dtype=np.float64)
    if weights.ndim != 2 or len(weights) != len(volatility):
        raise IntelligenceInputError(
            f"proba {weights.shape} and volatility ({len(volatility)},): expected T x K and T"
        )
    n_states = weights.shape[1]
    level = _weighted_means(weights, np.asarray(volatility, dtype=np.float64))
    order = np.argsort(level, kind="stable")
    names: list[str] = [""] * n_states
    if labels is not None:
        if len(labels) != n_states:
            raise IntelligenceInputError(
                f"labels {list(labels)}: expected {n_states} names, calmest first"
            )
        for rank, state in enumerate(order):
            names[state] = labels[rank]
        return tuple(names)
    if drift is None:
        raise IntelligenceInputError("label_states_by_volatility: pass labels or drift")
    direction = _weighted_means(weights, np.asarray(drift, dtype=np.float64))
    for rank, state in enumerate(order):
        if rank == n_states - 1:
            regime = MarketRegime.CRISIS if direction[state] < 0 else MarketRegime.VOLATILE
        elif rank == 0 and n_states >= 3:
            regime = MarketRegime.RANGING
        else:
            up = direction[state] >= 0
            regime = MarketRegime.BULL_TRENDING if up else MarketRegime.BEAR_TRENDING
        names[state] = regime.value
    return tuple(names)


def most_likely_labels(proba: np.ndarray, state_labels: Sequence[str]) -> np.ndarray:
    """The label of the most probable state at each row (array of str)."""
    labels: np.ndarray = np.asarray(state_labels, dtype=object)[np.argmax(proba, axis=1)]
    return labels.astype(str)


def _weighted_means(weights: np.ndarray, values: np.ndarray) -> np.ndarray:
    usable = np.isfinite(values)
    w = np.where(usable[:, None], weights, 0.0)
    totals = w.sum(axis=0)
    sums = (w * np.where(usable, values, 0.0)[:, None]).sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        means: np.ndarray = np.where(totals > 0, sums / totals, np.nan)
    return means


def _check_states(n_states: int) -> None:
    if not 2 <= n_states <= 10:
        raise IntelligenceInputError(f"n_states {n_states}: expected 2..10 hidden states")


def _matrix(features: np.ndarray, *, min_rows: int, n_columns: int | None = None) -> np.ndarray:
    data = np.asarray(features, dtype=np.float64)
    if data.ndim == 1:
        data = data[:, None]
    if data.ndim != 2:
        raise IntelligenceInputError(f"features: expected a T x F matrix, found shape {data.shape}")
    if n_columns is not None and data.shape[1] != n_columns:
        raise IntelligenceInputError(
            f"features: expected {n_columns} columns (as fitted), found {data.shape[1]}"
        )
    if len(data) < min_rows:
        raise IntelligenceInputError(
            f"features: expected at least {min_rows} rows, found {len(data)}"
        )
    bad = ~np.isfinite(data).all(axis=1)
    if bad.any():
        raise IntelligenceInputError(
            f"features: expected finite values, row {int(np.argmax(bad))} has NaN or inf "
            "(drop warm-up rows first)"
        )
    return data


@njit(cache=True)
def _forward_filter(
    log_emission: np.ndarray, log_start: np.ndarray, log_trans: np.ndarray
) -> np.ndarray:  # pragma: no cover - jit
    """Filtered state probabilities of an HMM, computed in log space."""
    n, k = log_emission.shape
    out = np.empty((n, k))
    log_alpha = np.empty(k)
    for j in range(k):
        log_alpha[j] = log_start[j] + log_emission[0, j]
    for t in range(n):
        if t > 0:
            top = np.max(log_alpha)
            previous = np.exp(log_alpha - top)
            for j in range(k):
                total = 0.0
                for i in range(k):
                    total += previous[i] * math.exp(log_trans[i, j])
                log_alpha[j] = top + math.log(total + 1e-300) + log_emission[t, j]
        top = np.max(log_alpha)
        scaled = np.exp(log_alpha - top)
        out[t] = scaled / scaled.sum()
        log_alpha = np.log(out[t] + 1e-300)
    return out
