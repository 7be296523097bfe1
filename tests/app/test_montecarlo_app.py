"""`app.montecarlo`: the run to resample, from the journal or from a backtest in this
process, agree; options in the command's units."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from tradewind.app.backtest import BacktestOutcome, backtest_config
from tradewind.app.config_commands import load_config
from tradewind.app.journaling import journal_run
from tradewind.app.market_data import catalog_for
from tradewind.app.montecarlo import (
    MonteCarloUsageError,
    closed_trade_pnl,
    input_from_journal,
    input_from_results,
    parse_methods,
    resample,
)
from tradewind.store import JournalError

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "backtest.yaml"


@dataclass(frozen=True, slots=True)
class Journaled:
    outcome: BacktestOutcome
    journal: str
    run_id: str


@pytest.fixture(scope="module")
def journaled(tmp_path_factory: pytest.TempPathFactory) -> Journaled:
    config = load_config(EXAMPLE)
    outcome = backtest_config(config, catalog_for(config, None))
    journal = str(tmp_path_factory.mktemp("mc") / "journal.sqlite")
    stored = journal_run(outcome.run, outcome.results, journal, config_json="{}")
    return Journaled(outcome, journal, stored.run_id)


def test_a_journaled_run_gives_the_trades_and_equity_of_the_backtest(
    journaled: Journaled,
) -> None:
    here = input_from_results(journaled.outcome.results, "example")
    stored = input_from_journal(journaled.run_id, journaled.journal)
    assert len(here.trade_pnl) >= 2
    # as many closing trades and the same realized total; the journal does not keep the
    # engine's books, so overlapping books of one symbol split the total differently
    assert len(stored.trade_pnl) == len(here.trade_pnl)
    assert stored.trade_pnl.sum() == pytest.approx(here.trade_pnl.sum(), rel=1e-9)
    assert stored.trade_pnl[0] == pytest.approx(here.trade_pnl[0])
    assert stored.initial_equity == here.initial_equity == 1_000_000.0
    assert stored.equity[-1] == pytest.approx(here.equity[-1])
    assert stored.label == journaled.run_id


def test_latest_takes_the_newest_run_and_the_environment_names_the_journal(
    journaled: Journaled, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRADEWIND_JOURNAL", journaled.journal)
    assert input_from_journal("latest").label == journaled.run_id


def test_an_unknown_run_is_an_error_naming_it(journaled: Journaled) -> None:
    with pytest.raises(JournalError, match="unknown run 'nope'"):
        input_from_journal("nope", journaled.journal)


def test_resample_takes_the_confidence_in_percent(journaled: Journaled) -> None:
    source = input_from_results(journaled.outcome.results, "example")
    result = resample(source, None, paths=200, block_bars=None, confidence_pct=90, seed=0)
    assert result.confidence == pytest.approx(0.9)
    assert [m.method for m in result.methods] == ["shuffle", "trades", "blocks"]


@dataclass(frozen=True, slots=True)
class _Fill:
    market: str
    symbol: str
    side: str
    qty: float
    price: float
    commission: float = 0.0


def test_closing_fills_realize_average_cost_pnl_net_of_both_commissions() -> None:
    fills = [
        _Fill("m", "A", "buy", 2, 100.0, commission=2.0),
        _Fill("m", "A", "buy", 2, 110.0, commission=2.0),  # average 105, 4 paid to open
        _Fill("m", "A", "sell", 1, 125.0, commission=1.0),  # +20 - 1 - 1 (a quarter of 4)
        _Fill("m", "A", "sell", 5, 95.0, commission=5.0),  # closes 3: -30 - 3 - 3, opens -2
        _Fill("m", "A", "buy", 2, 90.0),  # covers the short at 95: +10 - 2 (its open fee)
        _Fill("m", "B", "sell", 1, 50.0),
        _Fill("m", "B", "buy", 1, 40.0),
    ]
    assert closed_trade_pnl(fills) == pytest.approx([18.0, -36.0, 8.0, 10.0])  # type: ignore[arg-type]


def test_methods_parse_from_a_comma_separated_list() -> None:
    assert parse_methods(None) is None
    assert parse_methods("Shuffle, blocks") == ("shuffle", "blocks")
    with pytest.raises(MonteCarloUsageError, match="--method dice: expected"):
        parse_methods("trades,dice")
