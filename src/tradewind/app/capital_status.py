"""What `tradewind capital status` shows for a journaled run."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd
from rich.table import Table

from tradewind.store import Journal
from tradewind.store.errors import UnknownRunError

__all__ = ["CapitalStatusView", "capital_status_view"]

_SHOWN_EVENTS = 10


@dataclass(frozen=True, slots=True)
class CapitalStatusView:
    """A run's capital summary line, status, allocations, sizing and events."""

    run_id: str
    summary: str
    status: dict[str, Any]
    allocations: pd.DataFrame
    decisions: pd.DataFrame
    events: pd.DataFrame

    def tables(self) -> list[Table]:
        """Rich tables: latest allocation, sizing by binding factor, recent events."""
        tables = [self._status_table()]
        if not self.allocations.empty:
            tables.append(self._allocation_table())
        if not self.decisions.empty:
            tables.append(self._sizing_table())
        if not self.events.empty:
            tables.append(self._event_table())
        return tables

    def _status_table(self) -> Table:
        table = Table(title=f"run {self.run_id}", title_justify="left")
        table.add_column("field")
        table.add_column("value", justify="right")
        for key in ("base_capital", "current_capital", "roi_pct", "drawdown_pct",
                    "protection_level", "halted", "reinvest_share", "next_milestone",
                    "milestone_progress_pct"):  # fmt: skip
            if key in self.status:
                table.add_row(key, _text(self.status[key]))
        changes = self.status.get("parameter_changes") or []
        table.add_row("parameter changes", str(len(changes)))
        return table

    def _allocation_table(self) -> Table:
        latest = self.allocations[self.allocations["ts"] == self.allocations["ts"].max()]
        table = Table(title=f"allocation at {latest['ts'].iat[0]:%Y-%m-%d}", title_justify="left")
        for column in ("market", "strategy", "share", "bound"):
            table.add_column(column, justify="right" if column == "share" else "left")
        for row in latest.itertuples():
            bound = row.bound if isinstance(row.bound, str) else ""
            table.add_row(str(row.market), str(row.strategy), f"{row.share:.1%}", bound)
        return table

    def _sizing_table(self) -> Table:
        table = Table(
            title=f"{len(self.decisions):,} sizing decisions by binding factor",
            title_justify="left",
        )
        for column in ("binding", "decisions", "mean vol lev.", "mean regime", "mean sharpe f.",
                       "mean final"):  # fmt: skip
            table.add_column(column, justify="left" if column == "binding" else "right")
        for binding, group in self.decisions.groupby("binding", sort=True):
            table.add_row(
                str(binding),
                f"{len(group):,}",
                f"{group['vol_leverage'].mean():.2f}",
                f"{group['regime_multiplier'].mean():.2f}",
                f"{group['sharpe_factor'].mean():.2f}",
                f"{group['final_position'].mean():,.0f}",
            )
        return table

    def _event_table(self) -> Table:
        shown = self.events.tail(_SHOWN_EVENTS)
        table = Table(
            title=f"last {len(shown)} of {len(self.events):,} capital events", title_justify="left"
        )
        for column in ("time", "event", "detail"):
            table.add_column(column)
        for row in shown.itertuples():
            table.add_row(f"{row.ts:%Y-%m-%d %H:%M}", str(row.kind), str(row.detail))
        return table


def capital_status_view(journal: Journal, run: str = "latest") -> CapitalStatusView:
    """The capital view of run `run` ("latest": the latest run with a capital status).

    Raises:
        UnknownRunError: no such run, or the run (journal) holds no capital status.
    """
    if run == "latest":
        info = journal.latest_capital_run()
        if info is None:
            raise UnknownRunError(
                "the journal holds no run with capital status; run a backtest or paper "
                "session with autonomous_scaling.enabled: true"
            )
        run_id = info.run_id
    else:
        run_id = journal.run(run).run_id
    view = journal.capital_status(run_id)
    if view is None:
        raise UnknownRunError(
            f"run {run_id} has no capital status (autonomous_scaling was not enabled)"
        )
    return CapitalStatusView(
        run_id=run_id,
        summary=view.summary,
        status=dict(view.status),
        allocations=journal.allocations(run_id),
        decisions=journal.sizing_decisions(run_id),
        events=journal.capital_events(run_id),
    )


def _text(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.2f}"
    return str(value)
