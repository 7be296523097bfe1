"""The confirmation evaluation runs its backtests through the runner it is given."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tradewind.config import TradewindConfig
from tradewind.data.catalog import Catalog
from tradewind.domain.errors import TradewindError
from tradewind.research.evaluation.confirmation_eval import GRID, WINDOWS, evaluate_confirmation

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "backtest.yaml"


@dataclass
class _Stats:
    trades: int = 3
    total_return: float = 0.1
    sharpe: float = 1.0
    max_drawdown: float = -0.05
    win_rate: float = 0.5
    turnover_annual: float = 2.0


@dataclass
class _Results:
    overall: _Stats = field(default_factory=_Stats)


@dataclass
class _Run:
    entries: int
    confirmation: None = None


@dataclass
class _Outcome:
    run: _Run
    results: _Results = field(default_factory=_Results)


class _RecordingRunner:
    """A fake backtest: records each config and reports its required markets as entries."""

    def __init__(self) -> None:
        self.configs: list[TradewindConfig] = []

    def __call__(self, config: TradewindConfig, catalog: Catalog) -> _Outcome:
        self.configs.append(config)
        return _Outcome(_Run(entries=config.mmin.cross_market_signals_required))


def test_every_window_and_grid_point_is_backtested_by_the_runner_passed_in(tmp_path):
    runner = _RecordingRunner()
    evaluation = evaluate_confirmation(runner, EXAMPLE, catalog=Catalog(tmp_path))
    assert len(runner.configs) == len(WINDOWS) * len(GRID)
    settings = {(c.mmin.cross_market_signals_required, c.data.start) for c in runner.configs}
    assert len(settings) == len(runner.configs) - len(WINDOWS)  # (1, 0.3) and (1, 0.5) share N
    assert [v.entries for v in evaluation.variants] == [
        c.mmin.cross_market_signals_required for c in runner.configs
    ]
    assert {v.window for v in evaluation.variants} == set(WINDOWS)


def test_a_missing_portfolio_config_names_the_file(tmp_path):
    missing = tmp_path / "nope.yaml"
    with pytest.raises(TradewindError, match=r"nope\.yaml"):
        evaluate_confirmation(_RecordingRunner(), missing, catalog=Catalog(tmp_path))
