"""Paper sessions with the capital router and the scaling engine: the backtest's sizing
decisions, allocations and events, journaled once each, across an interruption."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest
from tests.engine.capital_scenarios import ROUTED, capital_config

from tradewind.app.backtest import BacktestOutcome, backtest_config
from tradewind.app.journaling import journal_run
from tradewind.app.session import SessionReport, TradingSession
from tradewind.config import TradewindConfig
from tradewind.data.catalog import Catalog
from tradewind.store import Journal

_SIZING = ["ts", "market", "symbol", "strategies", "method", "available_balance", "capital",
           "base_position", "vol_leverage", "regime", "regime_multiplier", "sharpe_factor",
           "protection_level", "protection_multiplier", "final_position", "binding"]  # fmt: skip
_ALLOCATION = ["ts", "market", "strategy", "share", "amount"]
_EVENT = ["ts", "kind", "detail"]


@pytest.fixture(scope="module")
def config() -> TradewindConfig:
    return capital_config(ROUTED)


@pytest.fixture(scope="module")
def catalog(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    return Catalog(tmp_path_factory.mktemp("catalog"))


@pytest.fixture(scope="module")
def backtest(config: TradewindConfig, catalog: Catalog) -> BacktestOutcome:
    return backtest_config(config, catalog)


@pytest.fixture(scope="module")
def session(
    config: TradewindConfig, catalog: Catalog, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, SessionReport]:
    path = tmp_path_factory.mktemp("paper") / "journal.sqlite"
    return path, TradingSession(config, catalog, path).run()


@dataclass(frozen=True)
class CapitalTables:
    """A run's journaled capital records."""

    decisions: pd.DataFrame
    allocations: pd.DataFrame
    events: pd.DataFrame
    summary: str

    def frame(self, name: str) -> pd.DataFrame:
        frame: pd.DataFrame = getattr(self, name)
        return frame


def _capital_tables(path: Path, run_id: str) -> CapitalTables:
    with Journal.open(path, create=False) as journal:
        status = journal.capital_status(run_id)
        assert status is not None
        return CapitalTables(
            decisions=journal.sizing_decisions(run_id),
            allocations=journal.allocations(run_id),
            events=journal.capital_events(run_id),
            summary=status.summary,
        )


def _order_seq(coids: pd.Series) -> list[str | None]:
    """Client order ids without their run id (`<run>-<seq>`): comparable across runs."""
    return [None if pd.isna(c) else str(c).rsplit("-", 1)[1] for c in coids]


def test_paper_session_makes_the_backtests_sizing_decisions(
    backtest: BacktestOutcome, session: tuple[Path, SessionReport], tmp_path: Path
) -> None:
    path, report = session
    assert backtest.run.capital is not None
    assert report.final_equity == pytest.approx(backtest.run.final_equity, abs=1e-6)
    paper = _capital_tables(path, report.run_id)
    stored = journal_run(backtest.run, backtest.results, tmp_path / "bt.sqlite", config_json="{}")
    replayed = _capital_tables(tmp_path / "bt.sqlite", stored.run_id)
    assert len(paper.decisions) == len(backtest.run.capital.decisions) >= 30
    for name, columns in (("decisions", _SIZING), ("allocations", _ALLOCATION),
                          ("events", _EVENT)):  # fmt: skip
        pd.testing.assert_frame_equal(paper.frame(name)[columns], replayed.frame(name)[columns])
    # Each decision links to the same order (by sequence) in both runs.
    assert _order_seq(paper.decisions["client_order_id"]) == _order_seq(
        replayed.decisions["client_order_id"]
    )
    assert paper.summary == replayed.summary == backtest.run.capital.summary
    kinds = set(paper.events["kind"])
    assert {"rebalance", "halt"} <= kinds


@pytest.mark.slow
@pytest.mark.parametrize("stop_row", [120, 200])
def test_interrupted_session_resumes_without_duplicating_capital_records(
    config: TradewindConfig,
    catalog: Catalog,
    session: tuple[Path, SessionReport],
    tmp_path: Path,
    stop_row: int,
) -> None:
    path = tmp_path / "cut.sqlite"
    first = TradingSession(config, catalog, path).run(until_row=stop_row)
    partial = _capital_tables(path, first.run_id)
    assert len(partial.decisions) > 0
    resumed = TradingSession(config, catalog, path).run()
    assert resumed.run_id == first.run_id
    assert resumed.resumed_from_row == stop_row
    whole_path, whole = session
    assert resumed.final_equity == pytest.approx(whole.final_equity, abs=1e-6)
    cut = _capital_tables(path, resumed.run_id)
    full = _capital_tables(whole_path, whole.run_id)
    for name in ("decisions", "allocations", "events"):
        frame = cut.frame(name)
        columns = [c for c in frame.columns if c != "client_order_id"]
        pd.testing.assert_frame_equal(frame[columns], full.frame(name)[columns], obj=name)
    assert _order_seq(cut.decisions["client_order_id"]) == _order_seq(
        full.decisions["client_order_id"]
    )
    assert cut.summary == full.summary
