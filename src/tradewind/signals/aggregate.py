"""Aggregate the event signals of a market's strategies into one target per bar.

Every strategy holds a *view*: the direction of its last signal (+1 long, -1 short,
0 flat), 0 before its first signal. Per bar the views are combined by the market's
method; the engine acts only on *edges*, the bars where the combined target changes,
so a position closed by a stop is not re-entered until the combined view changes.

- CONSENSUS: the direction held by at least `threshold` of the strategies (the larger
  share wins when both directions qualify; an equal share is flat).
- WEIGHTED: the sign of the weighted mean view, where each strategy's weight is its
  configured weight, or its signal confidence when no weights are configured; the mean
  must exceed `min_score` in absolute value, else flat.
- PRIORITY: the view of the highest-priority strategy whose view is not flat (ties go to
  the strategy listed first).
- INDEPENDENT: no combination; each strategy keeps its own target and position.

All of it is vectorized over bars (numpy); cost grows linearly in bars x strategies.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from tradewind.domain.errors import TradewindError

__all__ = [
    "AggregatedSignals",
    "AggregationError",
    "AggregationMethod",
    "AggregationRule",
    "StrategySignals",
    "aggregate",
    "check_rule",
    "combine_views",
    "contributor_bits",
    "strategy_views",
]

MAX_STRATEGIES = 62  # contributors are an int64 bitmask


class AggregationError(TradewindError, ValueError):
    """Signals or an aggregation rule that cannot be combined."""


class AggregationMethod(StrEnum):
    CONSENSUS = "CONSENSUS"
    WEIGHTED = "WEIGHTED"
    PRIORITY = "PRIORITY"
    INDEPENDENT = "INDEPENDENT"


@dataclass(frozen=True, slots=True)
class StrategySignals:
    """One strategy's event signals on one symbol (arrays of equal length T)."""

    name: str
    active: np.ndarray
    direction: np.ndarray
    confidence: np.ndarray


@dataclass(frozen=True, slots=True)
class AggregationRule:
    """How a market combines its strategies (see module docstring)."""

    method: AggregationMethod = AggregationMethod.CONSENSUS
    threshold: float = 0.6
    min_score: float = 0.0
    weights: Mapping[str, float] | None = None
    priorities: Mapping[str, int] | None = None


@dataclass(frozen=True, slots=True)
class AggregatedSignals:
    """The combined target per bar for one symbol (or one strategy under INDEPENDENT).

    `target` int8 in {-1, 0, 1}; `edge` marks bars where the target changed (the only
    bars that cause orders); `confidence` float64 in [0, 1]; `contributors` is an int64
    bitmask over `strategies` of those whose view equals the target; `decision` names
    the method for the journal.
    """

    strategies: tuple[str, ...]
    target: np.ndarray
    edge: np.ndarray
    confidence: np.ndarray
    contributors: np.ndarray
    decision: str


def strategy_views(active: np.ndarray, direction: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The held view (last emitted direction, 0 before any) and the index of the bar that
    emitted it (-1 before any), for each bar."""
    n = len(active)
    emitted_at = np.where(active, np.arange(n), -1)
    np.maximum.accumulate(emitted_at, out=emitted_at)
    view = np.where(emitted_at >= 0, direction[np.clip(emitted_at, 0, None)], 0).astype(np.int8)
    return view, emitted_at


def aggregate(signals: Sequence[StrategySignals], rule: AggregationRule) -> list[AggregatedSignals]:
    """Combine the strategies' signals on one symbol; one result, or one per strategy
    under INDEPENDENT.

    Raises:
        AggregationError: no strategies, too many, unequal lengths or bad values.
    """
    _check(signals, rule)
    names = tuple(s.name for s in signals)
    views = []
    view_conf = []
    for s in signals:
        view, emitted_at = strategy_views(s.active, s.direction)
        views.append(view)
        view_conf.append(np.where(emitted_at >= 0, s.confidence[np.clip(emitted_at, 0, None)], 0.0))
    view_matrix = np.vstack(views)  # S x T
    conf_matrix = np.vstack(view_conf)
    if rule.method is AggregationMethod.INDEPENDENT:
        return [
            _result((name,), view_matrix[i : i + 1], conf_matrix[i], view_matrix[i], "INDEPENDENT")
            for i, name in enumerate(names)
        ]
    target, confidence, decision = combine_views(view_matrix, conf_matrix, names, rule)
    return [_result(names, view_matrix, confidence, target, decision)]


def combine_views(
    views: np.ndarray, conf: np.ndarray, names: tuple[str, ...], rule: AggregationRule
) -> tuple[np.ndarray, np.ndarray, str]:
    """The combined target (int8) and confidence of each column of `views` under a
    CONSENSUS, WEIGHTED or PRIORITY rule, and the rule's decision text.

    `views` (S x X int8) are the strategies' held views and `conf` (S x X float64) the
    confidence of the signal behind each; columns are independent (bars of one symbol,
    or one bar of several symbols).
    """
    if rule.method is AggregationMethod.CONSENSUS:
        target, confidence = _consensus(views, conf, rule.threshold)
        return target, confidence, f"CONSENSUS >= {rule.threshold:g} of {len(names)}"
    if rule.method is AggregationMethod.WEIGHTED:
        target, confidence = _weighted(views, conf, names, rule)
        return target, confidence, "WEIGHTED " + ("by weights" if rule.weights else "by confidence")
    if rule.method is AggregationMethod.PRIORITY:
        target, confidence = _priority(views, conf, names, rule.priorities or {})
        return target, confidence, "PRIORITY"
    raise AggregationError(f"aggregation method {rule.method}: views are not combined")


def contributor_bits(views: np.ndarray, target: np.ndarray) -> np.ndarray:
    """Per column, the int64 bitmask of the strategies (rows of `views`) whose view
    equals `target`."""
    bits = (np.int64(1) << np.arange(views.shape[0], dtype=np.int64))[:, None]
    bits_set: np.ndarray = ((views == target[None, :]) * bits).sum(axis=0)
    return bits_set.astype(np.int64)


def _consensus(
    views: np.ndarray, conf: np.ndarray, threshold: float
) -> tuple[np.ndarray, np.ndarray]:
    count = views.shape[0]
    longs = (views > 0).sum(axis=0) / count
    shorts = (views < 0).sum(axis=0) / count
    # Tolerance so that e.g. 2 of 3 strategies meet a 2/3 threshold written as 0.667.
    eps = 1e-9
    long_ok = longs >= threshold - eps
    short_ok = shorts >= threshold - eps
    target = np.zeros(views.shape[1], dtype=np.int8)
    target[long_ok & (~short_ok | (longs > shorts))] = 1
    target[short_ok & (~long_ok | (shorts > longs))] = -1
    agree = views == target[None, :]
    agreeing = agree.sum(axis=0)
    confidence = np.where(
        (target != 0) & (agreeing > 0),
        (conf * agree).sum(axis=0) / np.maximum(agreeing, 1),
        0.0,
    )
    return target, confidence


def _weighted(
    views: np.ndarray, conf: np.ndarray, names: tuple[str, ...], rule: AggregationRule
) -> tuple[np.ndarray, np.ndarray]:
    if rule.weights:
        weights = np.array([float(rule.weights.get(n, 1.0)) for n in names])[:, None]
        votes = views * weights
        total = weights.sum()
    else:
        votes = views * conf
        total = float(views.shape[0])
    score = votes.sum(axis=0) / total
    target = np.where(np.abs(score) > rule.min_score, np.sign(score), 0).astype(np.int8)
    return target, np.clip(np.abs(score), 0.0, 1.0)


def _priority(
    views: np.ndarray, conf: np.ndarray, names: tuple[str, ...], priorities: Mapping[str, int]
) -> tuple[np.ndarray, np.ndarray]:
    # Highest priority first; a stable sort keeps the listed order among equals.
    order = np.argsort([-int(priorities.get(n, 0)) for n in names], kind="stable")
    ranked_views = views[order]
    ranked_conf = conf[order]
    nonflat = ranked_views != 0
    first = np.where(nonflat.any(axis=0), nonflat.argmax(axis=0), -1)
    cols = np.arange(views.shape[1])
    pick = np.clip(first, 0, None)
    target = np.where(first >= 0, ranked_views[pick, cols], 0).astype(np.int8)
    confidence = np.where(first >= 0, ranked_conf[pick, cols], 0.0)
    return target, confidence


def _result(
    names: tuple[str, ...],
    views: np.ndarray,
    confidence: np.ndarray,
    target: np.ndarray,
    decision: str,
) -> AggregatedSignals:
    target = np.asarray(target, dtype=np.int8)
    edge = np.empty(len(target), dtype=bool)
    if len(target):
        edge[0] = target[0] != 0
        edge[1:] = target[1:] != target[:-1]
    contributors = contributor_bits(views, target)
    return AggregatedSignals(
        strategies=names,
        target=target,
        edge=edge,
        confidence=np.asarray(confidence, dtype=np.float64),
        contributors=contributors,
        decision=decision,
    )


def check_rule(names: Sequence[str], rule: AggregationRule) -> None:
    """Refuse a strategy list or rule that cannot be aggregated.

    Raises:
        AggregationError: no strategies, too many, duplicate names or a consensus
            threshold outside (0, 1].
    """
    if not names:
        raise AggregationError("no strategies to aggregate: expected at least one")
    if len(names) > MAX_STRATEGIES:
        raise AggregationError(
            f"{len(names)} strategies on one symbol: expected at most {MAX_STRATEGIES}"
        )
    if len(set(names)) != len(names):
        raise AggregationError(f"duplicate strategy names: {list(names)}")
    if not 0 < rule.threshold <= 1:
        raise AggregationError(f"consensus threshold {rule.threshold}: expected 0 < x <= 1")


def _check(signals: Sequence[StrategySignals], rule: AggregationRule) -> None:
    names = [s.name for s in signals]
    check_rule(names, rule)
    length = len(signals[0].active)
    for s in signals:
        for field in ("active", "direction", "confidence"):
            if len(getattr(s, field)) != length:
                raise AggregationError(
                    f"strategy {s.name}: {field} has {len(getattr(s, field))} bars, "
                    f"expected {length} like {signals[0].name}"
                )
        bad = np.flatnonzero(s.active & ~np.isin(s.direction, (-1, 0, 1)))
        if bad.size:
            raise AggregationError(
                f"strategy {s.name}, bar {int(bad[0])}: direction {int(s.direction[bad[0]])}, "
                "expected -1, 0 or 1"
            )
