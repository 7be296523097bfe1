"""Rich tables of the capital evaluation."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.table import Table

if TYPE_CHECKING:
    from tradewind.app.evaluation import FeatureComparison
    from tradewind.app.report_types import CapitalVariant

__all__ = ["capital_comparison_table", "capital_table", "capital_year_table"]


def capital_table(rows: Sequence[CapitalVariant]) -> Table:
    """One row per window and variant: return, Sharpe, max drawdown, turnover."""
    table = Table(title="capital: whole windows", title_justify="left")
    for column in ("window", "variant", "return", "Sharpe", "max DD", "turnover/y",
                   "alloc. turnover", "mean gross", "entries", "usual binding"):  # fmt: skip
        table.add_column(column, justify="left" if column in ("window", "variant") else "right")
    for r in rows:
        table.add_row(
            r.window, r.variant, f"{r.total_return:+.2%}", f"{r.sharpe:.2f}",
            f"{r.max_drawdown:.2%}", f"{r.turnover_annual:.2f}", f"{r.allocation_turnover:.2f}",
            f"{r.mean_gross_exposure:.0%}", str(r.entries), r.binding,
        )  # fmt: skip
    return table


def capital_year_table(rows: Sequence[CapitalVariant]) -> Table:
    """Sharpe per calendar year and variant (walk-forward periods)."""
    years = sorted({r.period for r in rows if r.period != "all"})
    by_variant: dict[str, dict[str, float]] = defaultdict(dict)
    for r in rows:
        if r.period != "all":
            by_variant[r.variant][r.period] = r.sharpe
    table = Table(title="capital: Sharpe per calendar year", title_justify="left")
    table.add_column("variant")
    for year in years:
        table.add_column(year, justify="right")
    for variant, values in by_variant.items():
        table.add_row(variant, *(f"{values[y]:.2f}" if y in values else "" for y in years))
    return table


def capital_comparison_table(comparisons: Sequence[FeatureComparison]) -> Table:
    """One row per feature and window: the variant's return, Sharpe and max drawdown,
    its return and Sharpe differences to the reference with 95% intervals, the verdict."""
    table = Table(
        title="capital: each feature against its reference, out of sample (95% bootstrap CI)",
        title_justify="left",
    )
    for column in ("feature", "window", "return", "Sharpe", "max DD", "Δ return [CI]",
                   "Δ Sharpe [CI]", "verdict"):  # fmt: skip
        left = column in ("feature", "window", "verdict")
        table.add_column(column, justify="left" if left else "right")
    for c in comparisons:
        d_ret, d_sharpe = c.return_difference, c.sharpe_difference
        table.add_row(
            c.feature, c.window, f"{c.total_return.estimate:+.2%}",
            f"{c.sharpe.estimate:.2f}", f"{c.max_drawdown.estimate:.2%}",
            f"{d_ret.estimate:+.2%} [{d_ret.low:+.2%}, {d_ret.high:+.2%}]",
            f"{d_sharpe.estimate:+.2f} [{d_sharpe.low:+.2f}, {d_sharpe.high:+.2f}]",
            c.verdict,
        )  # fmt: skip
    return table
