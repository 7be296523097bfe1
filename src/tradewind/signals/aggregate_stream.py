"""Aggregation one bar at a time: `aggregate`'s targets for symbols whose bars arrive live.

`AggregationStream` keeps, per symbol, each strategy's held view (and the confidence
of the signal behind it) and the last combined target. `update` takes the strategies'
signal rows for the symbols that have a new bar and returns, for those symbols, the
target, edge and contributors `aggregate` gives at that bar over the whole series: the
same view rule and the same combination (`combine_views`, column by column), so the
results are equal. Cost per bar: strategies x updated symbols, whatever the history.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from tradewind.signals.aggregate import (
    AggregationError,
    AggregationMethod,
    AggregationRule,
    check_rule,
    combine_views,
    contributor_bits,
)

__all__ = ["AggregatedRows", "AggregationStream", "decision_text"]


@dataclass(frozen=True, slots=True)
class AggregatedRows:
    """One bar's combined targets for some symbols: arrays of shape (B, f), B targets
    per symbol (1, or one per strategy under INDEPENDENT) for f symbols."""

    target: np.ndarray  # int8 in {-1, 0, 1}
    edge: np.ndarray  # bool, the target changed at this bar
    contributors: np.ndarray  # int64 bitmask over the book's strategies


def decision_text(names: Sequence[str], rule: AggregationRule) -> str:
    """The journal's name for the rule, as `aggregate` writes it in `decision`."""
    if rule.method is AggregationMethod.INDEPENDENT:
        return "INDEPENDENT"
    empty = np.zeros((len(names), 0), dtype=np.int8)
    return combine_views(empty, empty.astype(np.float64), tuple(names), rule)[2]


class AggregationStream:
    """A market's aggregation for `n_symbols` symbols, advanced bar by bar.

    Raises:
        AggregationError: no strategies, too many, duplicate names or a bad threshold.
    """

    def __init__(self, names: Sequence[str], rule: AggregationRule, n_symbols: int) -> None:
        check_rule(names, rule)
        self.names = tuple(names)
        self.rule = rule
        self.independent = rule.method is AggregationMethod.INDEPENDENT
        self.per_symbol = len(self.names) if self.independent else 1
        """Targets per symbol: one per strategy under INDEPENDENT, else one."""
        self.decision = decision_text(self.names, rule)
        self._views = np.zeros((len(self.names), n_symbols), dtype=np.int8)
        self._conf = np.zeros((len(self.names), n_symbols))
        self._last = np.zeros((self.per_symbol, n_symbols), dtype=np.int8)

    def update(
        self,
        symbols: np.ndarray,
        active: np.ndarray,
        direction: np.ndarray,
        confidence: np.ndarray,
    ) -> AggregatedRows:
        """Advance `symbols` (indices) by one bar; `active`, `direction` and `confidence`
        are the strategies' signal rows there (S x f, strategies in `names` order).

        Raises:
            AggregationError: an active signal with a direction other than -1, 0 or 1.
        """
        self._check_directions(active, direction)
        views = np.where(active, direction, self._views[:, symbols]).astype(np.int8)
        conf = np.where(active, confidence, self._conf[:, symbols])
        self._views[:, symbols] = views
        self._conf[:, symbols] = conf
        if self.independent:
            target = views
            contributors = np.ones(views.shape, dtype=np.int64)
        else:
            combined = combine_views(views, conf, self.names, self.rule)[0]
            target = combined.astype(np.int8)[None, :]
            contributors = contributor_bits(views, combined)[None, :]
        edge = target != self._last[:, symbols]
        self._last[:, symbols] = target
        return AggregatedRows(target=target, edge=edge, contributors=contributors)

    def _check_directions(self, active: np.ndarray, direction: np.ndarray) -> None:
        bad = np.argwhere(active & ((direction < -1) | (direction > 1)))
        if len(bad):
            s, i = (int(x) for x in bad[0])
            raise AggregationError(
                f"strategy {self.names[s]}, symbol {i} of the update: direction "
                f"{int(direction[s, i])}, expected -1, 0 or 1"
            )
