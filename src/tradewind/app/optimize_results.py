"""The records of `tradewind optimize`: what was asked, each trial, the search's result
and its JSON form."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tradewind.research.optimize_space import Choice, ParamDimension

if TYPE_CHECKING:
    from tradewind.research.overfitting import BacktestOverfitting, DeflatedSharpe

__all__ = ["WORST", "OptimizeRequest", "OptimizeResult", "TrialRecord", "write_optimize_json"]

WORST = float("-inf")
"""The objective of a trial that cannot be ranked (no trades, a NaN objective)."""


@dataclass(frozen=True, slots=True)
class OptimizeRequest:
    """What to search: `strategy`'s parameters over `space`, maximizing `objective`.

    `trials` None: 50 for random/tpe, the full grid for grid (a number caps the grid).
    """

    strategy: str
    space: tuple[ParamDimension, ...]
    method: str = "tpe"
    objective: str = "sharpe"
    trials: int | None = None
    seed: int = 0


@dataclass(frozen=True, slots=True)
class TrialRecord:
    """One trial: `state` complete or infeasible (its `note` says why); metrics of a
    complete one (returns and drawdown as fractions)."""

    number: int
    params: dict[str, Choice]
    state: str
    objective: float | None = None
    total_return: float | None = None
    sharpe: float | None = None
    sortino: float | None = None
    calmar: float | None = None
    max_drawdown: float | None = None
    trades: int | None = None
    seconds: float = 0.0
    note: str = ""

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready (non-finite numbers as null)."""
        return {
            "number": self.number,
            "params": self.params,
            "state": self.state,
            **{k: _finite(getattr(self, k)) for k in _METRICS},
            "trades": self.trades,
            "seconds": round(self.seconds, 6),
            "note": self.note,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> TrialRecord:
        """The inverse of `as_dict` (a null objective of a complete trial: the worst)."""
        metrics = {k: _number(data.get(k)) for k in _METRICS}
        if data["state"] == "complete" and metrics["objective"] is None:
            metrics["objective"] = WORST
        trades = data.get("trades")
        return cls(
            number=int(data["number"]), params=dict(data["params"]), state=str(data["state"]),
            **metrics, trades=None if trades is None else int(trades),
            seconds=float(data.get("seconds", 0.0)), note=str(data.get("note", "")),
        )  # fmt: skip


_METRICS = ("objective", "total_return", "sharpe", "sortino", "calmar", "max_drawdown")


@dataclass(frozen=True, slots=True)
class OptimizeResult:
    """Every trial of a search, with timings (seconds)."""

    request: OptimizeRequest
    markets: tuple[str, ...]
    trials: tuple[TrialRecord, ...]
    prepare_seconds: float
    search_seconds: float
    engine_runs: int
    grid_points: int | None = None
    warnings: tuple[str, ...] = field(default=())
    deflated: DeflatedSharpe | None = None
    overfitting: BacktestOverfitting | None = None
    sweep_id: str | None = None
    reused: int = 0
    """Trials taken from the journal of an interrupted run of the same sweep."""
    pool: str = "this process"

    @property
    def complete(self) -> list[TrialRecord]:
        """Complete trials, best first (ties: the earlier trial)."""
        done = [t for t in self.trials if t.state == "complete"]
        return sorted(done, key=lambda t: (-_rank(t.objective), t.number))

    @property
    def infeasible(self) -> int:
        """How many trials the strategy's config refused."""
        return sum(t.state == "infeasible" for t in self.trials)

    @property
    def best(self) -> TrialRecord | None:
        """The complete trial with the highest objective (None without one)."""
        done = self.complete
        return done[0] if done else None

    def param_line(self) -> str:
        """The best parameters as `--param k=v ...` to paste ("" without a best)."""
        best = self.best
        if best is None:
            return ""
        return " ".join(f"--param {k}={v}" for k, v in best.params.items())

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: the request, timings, best and every trial."""
        r = self.request
        best = self.best
        return {
            "strategy": r.strategy,
            "method": r.method,
            "objective": r.objective,
            "seed": r.seed,
            "space": {d.name: d.describe() for d in r.space},
            "markets": list(self.markets),
            "grid_points": self.grid_points,
            "prepare_seconds": round(self.prepare_seconds, 6),
            "search_seconds": round(self.search_seconds, 6),
            "engine_runs": self.engine_runs,
            "reused_from_journal": self.reused,
            "sweep_id": self.sweep_id,
            "ran_on": self.pool,
            "infeasible": self.infeasible,
            "deflated_sharpe": None if self.deflated is None else self.deflated.as_dict(),
            "backtest_overfitting": (
                None if self.overfitting is None else self.overfitting.as_dict()
            ),
            "best": None if best is None else best.as_dict(),
            "best_params_line": self.param_line(),
            "trials": [t.as_dict() for t in self.trials],
        }


def write_optimize_json(path: Path, result: OptimizeResult) -> Path:
    """Write `result.as_dict()` to `path` (parents created)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result.as_dict(), indent=2), encoding="utf-8")
    return path


def _rank(value: float | None) -> float:
    return WORST if value is None else value


def _number(value: Any) -> float | None:
    return None if value is None else float(value)


def _finite(value: float | None) -> float | None:
    return value if value is not None and math.isfinite(value) else None
