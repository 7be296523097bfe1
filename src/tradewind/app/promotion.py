"""The promotion gate: advisory -> paper -> operator, per market and strategy.

A market (strategy `"*"`: all its strategies) or one of its strategies moves up one
stage at a time and down to any lower stage; every move is journaled with the evidence
it was decided on. Its current stage is the latest promotion journaled for it or for
its whole market (advisory when there is none). Moving to `paper` needs nothing more;
moving to `operator` needs every criterion of `operator.promotion` met by the journal's
paper runs of the market (days covered, fills, drawdown, drift checks), unless the
operator overrides with a reason (journaled with `override=True` and the evidence as
found). `tradewind live` trades only markets at operator.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from tradewind.app.control_state import operator_user
from tradewind.config import TradewindConfig
from tradewind.domain.errors import TradewindError
from tradewind.store import Journal
from tradewind.store.control_records import (
    ALL_STRATEGIES,
    DriftCheckRecord,
    PromotionRecord,
    Stage,
)
from tradewind.store.records import RunInfo, RunMode

__all__ = [
    "STAGES",
    "Criterion",
    "Evidence",
    "PromotionError",
    "PromotionOutcome",
    "promote",
    "promotion_evidence",
    "promotion_history",
    "stage_of",
]

STAGES: tuple[str, ...] = tuple(stage.value for stage in Stage)
"""The stages in order, lowest first."""
_SECONDS_PER_DAY = 86_400.0


class PromotionError(TradewindError):
    """A promotion asked for something that cannot be: an unknown market, strategy or
    stage, a skipped stage, the stage it is already at, an override without a reason."""


@dataclass(frozen=True, slots=True)
class Criterion:
    """One condition of the gate: what it requires, what the journal shows, met or not."""

    name: str
    required: str
    found: str
    met: bool


@dataclass(frozen=True, slots=True)
class Evidence:
    """What the journal's paper runs of a market (or strategy) show.

    `paper_days` is the time covered by their rows (overlaps counted once), `fills` the
    fills in the market (of the strategy, when one is given), `max_drawdown_pct` the
    deepest drawdown of any of their equity curves, `drift_runs` and `drift_within` how
    many runs have a drift check of the market and how many of those have their latest
    one within bounds.
    """

    market: str
    strategy: str
    runs: tuple[str, ...]
    paper_days: float
    fills: int
    max_drawdown_pct: float
    drift_runs: int
    drift_within: int
    criteria: tuple[Criterion, ...]

    @property
    def met(self) -> bool:
        """Every criterion is met."""
        return all(c.met for c in self.criteria)

    @property
    def unmet(self) -> tuple[str, ...]:
        """Names of the criteria not met."""
        return tuple(c.name for c in self.criteria if not c.met)

    def to_dict(self) -> dict[str, object]:
        """The evidence as journaled with a promotion (JSON-compatible)."""
        return {
            "market": self.market,
            "strategy": self.strategy,
            "runs": list(self.runs),
            "paper_days": round(self.paper_days, 6),
            "fills": self.fills,
            "max_drawdown_pct": round(self.max_drawdown_pct, 6),
            "drift_runs": self.drift_runs,
            "drift_within": self.drift_within,
            "criteria": [
                {"name": c.name, "required": c.required, "found": c.found, "met": c.met}
                for c in self.criteria
            ],
            "met": self.met,
        }


@dataclass(frozen=True, slots=True)
class PromotionOutcome:
    """What `promote` decided: the record it journaled (None when refused), the stages,
    the evidence and one line saying what happened."""

    market: str
    strategy: str
    from_stage: str
    to_stage: str
    evidence: Evidence
    record: PromotionRecord | None
    decision: str

    @property
    def promoted(self) -> bool:
        """The move was journaled (a promotion, a demotion or an override)."""
        return self.record is not None


# -- stages -------------------------------------------------------------------------


def stage_of(journal: Journal, market: str, strategy: str = ALL_STRATEGIES) -> str:
    """The stage of `market`'s `strategy` (`"*"`: the market as a whole): the latest
    promotion journaled for it or for the whole market; `advisory` when there is none."""
    relevant = [r for r in journal.promotions(market) if r.strategy in (strategy, ALL_STRATEGIES)]
    return Stage(relevant[-1].to_stage).value if relevant else Stage.ADVISORY.value


def promotion_history(journal: Journal, market: str) -> list[PromotionRecord]:
    """Every promotion and demotion of `market` and its strategies, oldest first."""
    return journal.promotions(market)


# -- evidence -----------------------------------------------------------------------


def promotion_evidence(
    journal: Journal, config: TradewindConfig, market: str, strategy: str = ALL_STRATEGIES
) -> Evidence:
    """The evidence for promoting `market` (or its `strategy`) to operator, from the
    journal's paper runs whose configuration trades it, held to `operator.promotion`.

    Raises:
        PromotionError: `market` or `strategy` not in `config`.
    """
    _check_target(config, market, strategy)
    runs = [r for r in journal.runs(RunMode.PAPER) if _trades(r, market, strategy)]
    spans: list[tuple[float, float]] = []
    drawdown_pct, fills = 0.0, 0
    latest_checks: list[DriftCheckRecord] = []
    for run in runs:
        equity = journal.equity(run.run_id)
        if equity:
            spans.append((_seconds(equity[0].ts), _seconds(equity[-1].ts)))
            drawdown_pct = max(drawdown_pct, _max_drawdown_pct([float(e.equity) for e in equity]))
        fills += _fills_in(journal, run.run_id, market, strategy)
        checks = [c for c in journal.drift_checks(run.run_id) if c.market == market]
        if checks:
            latest_checks.append(checks[-1])
    days = _covered_seconds(spans) / _SECONDS_PER_DAY
    within = sum(c.within_bounds for c in latest_checks)
    rules = config.operator.promotion
    limit = rules.max_drawdown_pct
    limit_pct = float(limit if limit is not None else config.risk.global_.max_drawdown_pct)
    criteria = (
        Criterion(
            "paper_days",
            f">= {rules.min_paper_days:g} days",
            f"{days:.2f} days",
            days >= rules.min_paper_days,
        ),
        Criterion(
            "paper_fills",
            f">= {rules.min_paper_trades}",
            str(fills),
            fills >= rules.min_paper_trades,
        ),
        Criterion(
            "max_drawdown_pct",
            f"<= {limit_pct:g}%",
            f"{drawdown_pct:.2f}%",
            drawdown_pct <= limit_pct,
        ),
        _drift_criterion(rules.require_drift_check, len(latest_checks), within),
    )
    return Evidence(
        market=market,
        strategy=strategy,
        runs=tuple(r.run_id for r in runs),
        paper_days=days,
        fills=fills,
        max_drawdown_pct=drawdown_pct,
        drift_runs=len(latest_checks),
        drift_within=within,
        criteria=criteria,
    )


def _drift_criterion(required: bool, checked: int, within: int) -> Criterion:
    if checked == 0:
        found = "no drift check"
    elif within == checked:
        found = f"latest check within bounds in {checked} run{'s' if checked != 1 else ''}"
    else:
        found = f"latest check breached in {checked - within} of {checked} runs"
    if not required:
        return Criterion("drift_check", "not required", found, True)
    return Criterion("drift_check", "latest check within bounds", found,
                     checked > 0 and within == checked)  # fmt: skip


def _trades(run: RunInfo, market: str, strategy: str) -> bool:
    """Whether the run's configuration has `market` enabled (with `strategy`)."""
    try:
        markets = json.loads(run.config_json).get("markets") or {}
    except (ValueError, AttributeError):  # not a configuration this version reads
        return False
    entry = markets.get(market)
    if not isinstance(entry, dict) or not entry.get("enabled", True):
        return False
    return strategy == ALL_STRATEGIES or strategy in (entry.get("strategies") or [])


def _fills_in(journal: Journal, run_id: str, market: str, strategy: str) -> int:
    fills = [f for f in journal.fills(run_id) if f.market == market]
    if strategy == ALL_STRATEGIES or not fills:
        return len(fills)
    behind = {o.client_order_id: o.strategies.split(",") for o in journal.orders(run_id)}
    return sum(
        strategy in (f.strategies.split(",") if f.strategies else behind.get(
            f.client_order_id or "", []))
        for f in fills
    )  # fmt: skip


def _max_drawdown_pct(equity: Sequence[float]) -> float:
    values = np.asarray(equity, dtype=np.float64)
    values = values[np.isfinite(values)]
    if values.size == 0:
        return 0.0
    peak = np.maximum.accumulate(values)
    with np.errstate(divide="ignore", invalid="ignore"):
        drawdown = np.where(peak > 0, (peak - values) / peak, 0.0)
    return float(drawdown.max() * 100.0)


def _covered_seconds(spans: list[tuple[float, float]]) -> float:
    """Length of the union of the intervals."""
    total, end = 0.0, float("-inf")
    for start, stop in sorted(spans):
        if stop <= end:
            continue
        total += stop - max(start, end)
        end = stop
    return total


def _seconds(ts: datetime | int) -> float:
    return ts.timestamp() if isinstance(ts, datetime) else ts / 1e9


# -- the gate -----------------------------------------------------------------------


def promote(
    journal: Journal,
    config: TradewindConfig,
    market: str,
    to_stage: str,
    strategy: str = ALL_STRATEGIES,
    *,
    override: bool = False,
    reason: str = "",
    user: str | None = None,
) -> PromotionOutcome:
    """Move `market` (or its `strategy`) to `to_stage` and journal it with the evidence.

    Up one stage at a time: to `paper` from advisory needs nothing more, to `operator`
    from paper needs every criterion met, else it is refused and nothing is written,
    unless `override` (which needs a `reason`). Down to any lower stage always.

    Raises:
        PromotionError: an unknown market, strategy or stage, the stage it is at, a
            skipped stage, or an override without a reason.
    """
    _check_target(config, market, strategy)
    target = _stage(to_stage)
    if override and not reason.strip():
        raise PromotionError("an override needs a reason: say why the evidence is not needed")
    label = market if strategy == ALL_STRATEGIES else f"{market}/{strategy}"
    current = stage_of(journal, market, strategy)
    step = STAGES.index(target) - STAGES.index(current)
    if step == 0:
        raise PromotionError(f"{label} is already at {target}")
    if step > 1:
        following = STAGES[STAGES.index(current) + 1]
        raise PromotionError(
            f"{label} is at {current}: promote it to {following} before {target} "
            "(one stage at a time)"
        )
    evidence = promotion_evidence(journal, config, market, strategy)
    gated = target == Stage.OPERATOR.value and step > 0
    if gated and not evidence.met and not override:
        decision = (
            f"refused: {label} stays at {current}; not met: {', '.join(evidence.unmet)} "
            "(an override with a reason promotes anyway)"
        )
        return PromotionOutcome(market, strategy, current, target, evidence, None, decision)
    overridden = gated and not evidence.met
    record = journal.record_promotion(
        PromotionRecord(
            market=market,
            strategy=strategy,
            from_stage=current,
            to_stage=target,
            evidence=evidence.to_dict(),
            override=overridden,
            user=user if user is not None else operator_user(),
            reason=reason,
        )
    )
    verb = "promoted" if step > 0 else "demoted"
    how = f" by override (not met: {', '.join(evidence.unmet)})" if overridden else ""
    decision = f"{verb} {label} from {current} to {target}{how}"
    return PromotionOutcome(market, strategy, current, target, evidence, record, decision)


def _stage(value: str) -> str:
    text = str(value).strip().lower()
    if text not in STAGES:
        raise PromotionError(f"unknown stage {value!r}: expected one of {', '.join(STAGES)}")
    return text


def _check_target(config: TradewindConfig, market: str, strategy: str) -> None:
    if market not in config.markets:
        known = ", ".join(config.markets) or "none"
        raise PromotionError(f"unknown market {market!r}: expected one of {known}")
    strategies = [str(s) for s in config.markets[market].strategies]
    if strategy != ALL_STRATEGIES and strategy not in strategies:
        raise PromotionError(
            f"unknown strategy {strategy!r} for market {market}: expected one of "
            f"{', '.join(strategies) or 'none'} or '*'"
        )
