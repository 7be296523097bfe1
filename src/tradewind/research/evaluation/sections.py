"""Evaluation results as report sections: a verdict, a table of figures, the method."""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from tradewind.research.evaluation.confirmation_eval import ConfirmationEvaluation
from tradewind.research.evaluation.macro_eval import MacroEvaluation
from tradewind.research.evaluation.planted import PlantedFigures
from tradewind.research.evaluation.regime_eval import RegimeEvaluation
from tradewind.research.evaluation.transfer_eval import TransferEvaluation

__all__ = [
    "Section",
    "confirmation_section",
    "macro_section",
    "planted_section",
    "regime_section",
    "transfer_section",
]


@dataclass(frozen=True, slots=True)
class Section:
    """One measured feature: `helps` is the verdict against its baseline (None when the
    measurement has no baseline to beat, e.g. planted-truth recovery)."""

    key: str
    title: str
    headline: str
    helps: bool | None
    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]
    method: str
    notes: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "title": self.title,
            "headline": self.headline,
            "helps": self.helps,
            "table": [dict(zip(self.columns, row, strict=True)) for row in self.rows],
            "method": self.method,
            "notes": list(self.notes),
        }

    def with_note(self, note: str) -> Section:
        """The same section with `note` added to its notes."""
        return dataclasses.replace(self, notes=(*self.notes, note))


def macro_section(ev: MacroEvaluation) -> Section:
    recessions = list(ev.model.detection_lag_months)
    columns = ("signal", "AUC", *(f"lag {r} (months)" for r in recessions), "false-alarm months")
    rows = tuple(
        (
            s.name,
            round(s.auc, 3),
            *(_lag(s.detection_lag_months.get(r)) for r in recessions),
            s.false_alarm_months,
        )
        for s in ev.signals
    )
    best_baseline = max(ev.yield_curve.auc, ev.sahm.auc)
    verdict = "beats" if ev.beats_baselines else "does not beat"
    headline = (
        f"Walk-forward recession probability {ev.start:%Y-%m}..{ev.end:%Y-%m}: AUC "
        f"{ev.model.auc:.3f} vs yield curve {ev.yield_curve.auc:.3f} and Sahm "
        f"{ev.sahm.auc:.3f}; the model {verdict} the better baseline "
        f"({best_baseline:.3f}); false alarms {ev.model.false_alarm_months} vs "
        f"{ev.yield_curve.false_alarm_months} and {ev.sahm.false_alarm_months} months."
    )
    timeline = ev.monthly.set_index("date")
    return Section(
        key="macro",
        title="Macro regime: recession probability vs NBER",
        headline=headline,
        helps=ev.beats_baselines,
        columns=columns,
        rows=rows,
        method=ev.method,
        notes=(f"{ev.recession_months} recession months of {ev.total_months}.",),
        extra={"timeline": timeline},
    )


def confirmation_section(ev: ConfirmationEvaluation) -> Section:
    columns = (
        "window", "confirmation", "entries", "trades", "total return", "Sharpe",
        "max drawdown", "win rate", "turnover/yr",
    )  # fmt: skip
    rows = tuple(
        (
            v.window,
            "off" if v.required == 0 else f"N={v.required}, |rho|>={v.threshold:g}",
            v.entries,
            v.trades,
            _pct(v.total_return),
            _round(v.sharpe, 2),
            _pct(v.max_drawdown),
            _pct(v.win_rate),
            _round(v.turnover_annual, 2),
        )
        for v in ev.variants
    )
    better = [
        v
        for v in ev.variants
        if v.required
        and _finite(v.sharpe)
        and v.sharpe > _or(ev.baseline(v.window).sharpe, -math.inf)
    ]
    helps = len(better) > len([v for v in ev.variants if v.required]) / 2
    headline = (
        f"Confirmation raised Sharpe over the plain run in {len(better)} of "
        f"{len([v for v in ev.variants if v.required])} settings; "
        + (
            "it helps on these windows."
            if helps
            else "it does not help on these windows, so it stays off by default "
            "(mmin.cross_market_signals_required: 0)."
        )
    )
    return Section(
        key="confirmation",
        title="Cross-market confirmation: the same backtest with and without",
        headline=headline,
        helps=helps,
        columns=columns,
        rows=rows,
        method=ev.method,
    )


def _lag(value: int | None) -> str:
    return "never" if value is None else str(value)


def _pct(value: float) -> str:
    return "–" if not _finite(value) else f"{100 * value:.2f}%"


def _round(value: float, digits: int) -> Any:
    return "–" if not _finite(value) else round(value, digits)


def _finite(value: float) -> bool:
    return value is not None and math.isfinite(value)


def _or(value: float, default: float) -> float:
    return value if _finite(value) else default


def frame_rows(frame: pd.DataFrame) -> tuple[tuple[Any, ...], ...]:
    """A small DataFrame (e.g. a confusion matrix) as rows with its index first."""
    return tuple(
        (str(i), *row) for i, row in zip(frame.index, frame.to_numpy().tolist(), strict=True)
    )


def planted_section(ev: PlantedFigures) -> Section:
    ll, br = ev.lead_lag, ev.breaks
    rows = (
        ("lead-lag pairs", ll.n_planted, ll.n_detected, ll.true_positives, ll.false_positives,
         round(ll.precision, 3), round(ll.recall, 3), f"{ll.lag_exact}/{ll.true_positives} exact"),
        ("correlation breaks", br.n_planted, br.n_detected, br.hits, br.false_alarms, "–",
         round(br.recall, 3),
         f"mean |delay| {br.mean_abs_delay_bars:.1f}, max {br.max_abs_delay_bars} bars "
         f"(tolerance {br.tolerance_bars})"),
    )  # fmt: skip
    headline = (
        f"{ev.n_symbols} symbols x {ev.n_bars} {ev.timeframe} bars (seed {ev.seed}): lead-lag "
        f"precision {ll.precision:.3f}, recall {ll.recall:.3f}, lag exact in "
        f"{ll.lag_exact} of {ll.true_positives}; breaks found {br.hits} of {br.n_planted} "
        f"within {br.tolerance_bars} bars, {br.false_alarms} false alarms."
    )
    return Section(
        key="planted",
        title="Planted truth: lead-lag and correlation breaks",
        headline=headline,
        helps=None,
        columns=(
            "effect",
            "planted",
            "detected",
            "true positives",
            "false positives",
            "precision",
            "recall",
            "timing",
        ),
        rows=rows,
        method=(
            "A seeded synthetic market (tradewind.data.synthetic) with planted lead-lag pairs "
            "and correlation breaks. Lead-lag: every ordered pair of each calendar group is "
            "scanned at lags 1..5 on vol-standardized returns, Benjamini-Hochberg at 5%, one "
            "lag per pair; a detection is a true positive when the planted pair is found in "
            "the planted direction. Breaks: each symbol is scanned against its most "
            "correlated peer (found from the data, not the truth) with a change-point test."
        ),
    )


def regime_section(hmm: RegimeEvaluation, markov: RegimeEvaluation | None = None) -> Section:
    rows: list[tuple[Any, ...]] = [
        (f"{hmm.model} (out of sample)", round(hmm.accuracy, 3),
         *(round(hmm.recall.get(label, math.nan), 3) for label in hmm.state_labels)),
    ]  # fmt: skip
    if markov is not None:
        rows.append(
            (f"{markov.model} (out of sample)", round(markov.accuracy, 3),
             *(round(markov.recall.get(label, math.nan), 3) for label in markov.state_labels))
        )  # fmt: skip
    rows.append(("rolling-vol quartile rule", round(hmm.baseline_accuracy, 3),
                 *("–" for _ in hmm.state_labels)))  # fmt: skip
    rows.append((f"majority label ({hmm.majority_label})", round(hmm.majority_accuracy, 3),
                 *("–" for _ in hmm.state_labels)))  # fmt: skip
    helps = hmm.accuracy > hmm.baseline_accuracy
    headline = (
        f"Planted regimes recovered with accuracy {hmm.accuracy:.3f} ({hmm.model}) on "
        f"{hmm.n_test_bars} held-out bars vs {hmm.baseline_accuracy:.3f} for a rolling-"
        f"volatility quartile rule and {hmm.majority_accuracy:.3f} for the majority label."
    )
    confusion = hmm.confusion
    return Section(
        key="regimes",
        title="Planted regimes: hidden-state model vs plain rules",
        headline=headline,
        helps=helps,
        columns=("model", "accuracy", *(f"recall {label}" for label in hmm.state_labels)),
        rows=tuple(rows),
        method=hmm.method,
        notes=(
            "Confusion matrix (rows truth, columns predicted): "
            + "; ".join(
                f"{truth}: " + ", ".join(f"{p} {int(v)}" for p, v in row.items())
                for truth, row in confusion.iterrows()
            ),
        ),
        extra={"confusion": confusion},
    )


def transfer_section(ev: TransferEvaluation) -> Section:
    rows = tuple(
        (
            r.name, f"{r.test_start}..{r.test_end}", r.n_trials,
            round(r.transfer_hit_rate, 3), round(r.own_hit_rate, 3), round(r.base_rate_hit_rate, 3),
            f"{r.lift_vs_own:+.3f} [{r.lift_vs_own_ci[0]:+.3f}, {r.lift_vs_own_ci[1]:+.3f}]",
            "significant" if r.significant else "not significant", round(r.engine_confidence, 3),
        )
        for r in ev.routes
    )  # fmt: skip
    significant = [r for r in ev.routes if r.significant]
    headline = (
        f"{len(significant)} of {len(ev.routes)} transfer routes show a significant out-of-"
        "sample lift over patterns learned on the target market alone; "
        + (
            "the others' confidence is set to 0."
            if significant
            else "every route's confidence is therefore 0 (transfer is effectively off)."
        )
    )
    return Section(
        key="transfer",
        title="Transfer learning: transferred patterns vs the target market's own",
        headline=headline,
        helps=bool(significant),
        columns=(
            "route",
            "test years",
            "trials",
            "transfer hit rate",
            "own hit rate",
            "base rate",
            "lift vs own [95% CI]",
            "verdict",
            "route confidence",
        ),
        rows=rows,
        method=ev.method,
    )
