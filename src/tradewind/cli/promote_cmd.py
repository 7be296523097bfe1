"""`tradewind promote`: move a market (or strategy) between advisory, paper and operator.

Exit codes: 0 promoted (or demoted, or status shown), 1 refused (the evidence does not
meet the gate), 2 bad input (an unknown market, strategy or stage, a skipped stage,
`--override` without `--reason`).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from tradewind.cli.tables import console, print_table
from tradewind.domain.errors import TradewindError

if TYPE_CHECKING:
    from rich.console import Console

    from tradewind.app.promotion import Evidence

__all__ = ["promote_command"]

_REFUSED = 1
_BAD_INPUT = 2
_DEFAULT_JOURNAL = "tradewind-data/journal.sqlite"


def promote_command(
    market: Annotated[str, typer.Option("--market", "-m", help="Market to promote.")],
    to: Annotated[
        str | None, typer.Option("--to", help="Stage to move to: advisory, paper or operator.")
    ] = None,
    strategy: Annotated[
        str, typer.Option("--strategy", help="One strategy of the market ('*': all of them).")
    ] = "*",
    override: Annotated[
        bool, typer.Option("--override", help="Promote although the evidence is not met.")
    ] = False,
    reason: Annotated[
        str | None, typer.Option("--reason", help="Why (required with --override).")
    ] = None,
    config: Annotated[
        Path | None,
        typer.Option("--config", "-c", help="Tradewind YAML config (needed with --to)."),
    ] = None,
    journal: Annotated[
        str | None,
        typer.Option(
            "--journal",
            help="Journal path or URL (default: the config's backtest.journal, else "
            f"./{_DEFAULT_JOURNAL}).",
        ),
    ] = None,
    status: Annotated[
        bool, typer.Option("--status", help="Show the stage and the history instead.")
    ] = False,
) -> None:
    """Move a market (or one strategy) up one stage, advisory -> paper -> operator, or down.

    To operator needs the paper evidence of operator.promotion; the table is printed anyway.

    --override --reason TEXT promotes anyway and journals the override.

    Exit 0 promoted, 1 refused (evidence not met), 2 bad input.
    """
    _out = console()
    try:
        if status:
            _status(_out, market, config, journal)
            return
        if to is None:
            raise TradewindError("say where to move the market: --to advisory|paper|operator")
        if config is None:
            raise TradewindError("--config is needed to promote (markets and evidence rules)")
        code = _promote(_out, market, to, strategy, override, reason, config, journal)
    except TradewindError as exc:
        console(stderr=True).print(
            f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True, markup=True
        )
        raise typer.Exit(_BAD_INPUT) from None
    if code:
        raise typer.Exit(code)


def _promote(
    out: Console,
    market: str,
    to: str,
    strategy: str,
    override: bool,
    reason: str | None,
    config_path: Path,
    journal: str | None,
) -> int:
    from tradewind.app.config_commands import load_config
    from tradewind.app.journal_access import open_journal
    from tradewind.app.promotion import PromotionError, promote

    if override and not (reason or "").strip():
        raise PromotionError("--override needs --reason TEXT saying why")
    cfg = load_config(config_path)
    with open_journal(journal or cfg.backtest.journal, create=True) as opened:
        outcome = promote(opened, cfg, market, to, strategy, override=override,
                          reason=reason or "")  # fmt: skip
    _print_evidence(out, outcome.evidence)
    out.print(outcome.decision, markup=False, highlight=False, soft_wrap=True)
    return 0 if outcome.promoted else _REFUSED


def _status(out: Console, market: str, config_path: Path | None, journal: str | None) -> None:
    from rich.table import Table

    from tradewind.app.config_commands import load_config
    from tradewind.app.journal_access import open_journal
    from tradewind.app.promotion import promotion_history, stage_of

    cfg = load_config(config_path) if config_path is not None else None
    strategies: list[str] = []
    if cfg is not None:
        if market not in cfg.markets:
            known = ", ".join(cfg.markets) or "none"
            raise TradewindError(f"unknown market {market!r}: expected one of {known}")
        strategies = [str(s) for s in cfg.markets[market].strategies]
    target = journal or (cfg.backtest.journal if cfg is not None else _DEFAULT_JOURNAL)
    with open_journal(target, create=False) as opened:
        stage = stage_of(opened, market)
        own = {s: stage_of(opened, market, s) for s in strategies}
        history = promotion_history(opened, market)
    out.print(f"{market}: {stage}", markup=False, highlight=False)
    for name, at in own.items():
        if at != stage:
            out.print(f"  {name}: {at}", markup=False, highlight=False)
    if not history:
        out.print("no promotion journaled (advisory by default)", markup=False)
        return
    table = Table(title=f"promotions of {market}")
    for column in ("at (UTC)", "strategy", "from", "to", "override", "user", "reason"):
        table.add_column(column)
    for r in history:
        at = r.at.strftime("%Y-%m-%d %H:%M:%S") if r.at is not None else ""
        table.add_row(at, r.strategy, str(r.from_stage), str(r.to_stage),
                      "yes" if r.override else "", r.user, r.reason)  # fmt: skip
    print_table(out, table)


def _print_evidence(out: Console, evidence: Evidence) -> None:
    from rich.table import Table

    who = evidence.market if evidence.strategy == "*" else f"{evidence.market}/{evidence.strategy}"
    runs = len(evidence.runs)
    table = Table(title=f"evidence for {who} ({runs} paper run{'s' if runs != 1 else ''})")
    for column in ("criterion", "required", "found", "met"):
        table.add_column(column)
    for c in evidence.criteria:
        table.add_row(c.name, c.required, c.found, "yes" if c.met else "no")
    print_table(out, table)
