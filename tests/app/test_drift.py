"""The drift monitor: a paper run on the simulated venue replays as its backtest (no
drift at all); moved fills, prices or signals breach; limits hold at their boundary."""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from tradewind.app.drift import (
    ALL_MARKETS,
    FillFigure,
    RunFigures,
    SignalFigure,
    backtest_figures,
    compare,
    drift_check,
    session_figures,
)
from tradewind.app.session import TradingSession
from tradewind.config import load_config
from tradewind.config.operator import DriftConfig
from tradewind.data.catalog import Catalog
from tradewind.engine.feeds import FeedRow, RowFeed
from tradewind.engine.state import KernelState
from tradewind.store import Journal

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "backtest.yaml"
ROWS = 300  # enough rows for fills in every market, few enough to be quick
EVERY = 50
LIMITS = DriftConfig()  # P&L 2%, fills 20%, signals 10%, slippage 25 bps


class _Observed(TradingSession):
    """A session that keeps its last pass's loop, so a test can read its engine state."""

    def _loop(self, journal, run_id):  # type: ignore[no-untyped-def]
        self.loop = super()._loop(journal, run_id)
        return self.loop


@pytest.fixture(scope="module")
def paper(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """A paper run of the example over ROWS rows on the simulated venue, drift-checked
    every EVERY rows as the session loop does: (session, report, checks, journal path)."""
    base = tmp_path_factory.mktemp("drift")
    config = load_config(EXAMPLE, apply_env=False)
    session = _Observed(config, Catalog(base / "catalog"), base / "journal.sqlite")
    checks = []

    def on_row(t: int) -> None:
        if (t + 1) % EVERY == 0:
            checks.append(drift_check(session, session.loop.state, t, config.operator.drift))

    report = session.run(until_row=ROWS - 1, on_row=on_row)
    return session, report, checks, base / "journal.sqlite"


class _Repriced:
    """A market's feed whose bars differ from the recording: prices 5% up on alternate
    weeks and every 9th row silent (as a live venue's bars would differ)."""

    def __init__(self, feed: RowFeed) -> None:
        self._feed = feed

    @property
    def symbols(self) -> Sequence[int]:
        return self._feed.symbols

    def poll(self, row: int) -> FeedRow:
        bars = self._feed.poll(row)
        if row % 9 == 8:
            return dataclasses.replace(bars, fresh=np.zeros_like(bars.fresh))
        factor = 1.05 if (row // 7) % 2 else 1.0
        return dataclasses.replace(bars, open=bars.open * factor, high=bars.high * factor,
                                   low=bars.low * factor, close=bars.close * factor)  # fmt: skip


def _state(paper) -> KernelState:  # type: ignore[no-untyped-def]
    return paper[0].loop.state


# -- a paper run on the simulated venue -------------------------------------------------


def test_a_paper_run_on_the_simulated_venue_has_no_drift(paper) -> None:  # type: ignore[no-untyped-def]
    session, report, checks, _ = paper
    assert report.fills > 20  # there is something to compare
    assert [c.upto_row for c in checks] == list(range(EVERY - 1, ROWS, EVERY))
    for check in checks:
        assert check.within_bounds, check.summary()
        for scope, values in check.metrics.items():
            assert values == dict.fromkeys(values, 0.0), (check.upto_row, scope)
    assert set(checks[-1].metrics) == {m.name for m in session.spec.markets} | {ALL_MARKETS}


def test_the_session_and_its_backtest_make_the_same_fills_and_signals(paper) -> None:  # type: ignore[no-untyped-def]
    session, report, _, _ = paper
    live = session_figures(session, _state(paper), ROWS - 1)
    replay = backtest_figures(session, ROWS - 1)
    assert len(live.fills) == report.fills
    assert live.fills == replay.fills
    assert live.signals == replay.signals
    assert len(live.signals) > 0
    assert live.pnl == pytest.approx(replay.pnl, abs=1e-6)


def test_pnl_over_all_markets_is_the_engines_equity_and_the_sum_of_the_markets(paper) -> None:  # type: ignore[no-untyped-def]
    session, _, _, _ = paper
    state, t = _state(paper), ROWS - 1
    figures = session_figures(session, state, t)
    expected = float(state.equity_out[t]) - float(session.spec.initial_cash)
    assert figures.pnl[ALL_MARKETS] == pytest.approx(expected, abs=1e-6)
    markets = sum(v for k, v in figures.pnl.items() if k != ALL_MARKETS)
    assert markets == pytest.approx(figures.pnl[ALL_MARKETS], abs=1e-6)
    assert expected != 0.0


def test_the_backtest_replays_the_bars_the_feeds_delivered_not_the_recording(
    tmp_path: Path,
) -> None:
    config = load_config(EXAMPLE, apply_env=False)
    session = _Observed(config, Catalog(tmp_path / "catalog"), tmp_path / "journal.sqlite")
    session.feeds["crypto"] = _Repriced(session.feeds["crypto"])
    rows = 200
    session.run(until_row=rows - 1)
    btc = session.live.symbols.index("BTC-USD")
    delivered = session.live.fresh[:rows, btc]
    assert delivered.sum() < session.recording.fresh[:rows, btc].sum()  # rows went silent
    assert not np.allclose(session.live.close[:rows, btc][delivered],
                           session.recording.close[:rows, btc][delivered])  # fmt: skip
    result = drift_check(session, session.loop.state, rows - 1, LIMITS)
    assert result.within_bounds, result.summary()
    assert result.metrics[ALL_MARKETS] == dict.fromkeys(result.metrics[ALL_MARKETS], 0.0)
    assert any(f.market == "crypto" for f in backtest_figures(session, rows - 1).fills)


def test_an_earlier_row_counts_only_the_fills_up_to_it(paper) -> None:  # type: ignore[no-untyped-def]
    session, _, _, _ = paper
    state = _state(paper)
    early = session_figures(session, state, 99)
    assert early.fills == backtest_figures(session, 99).fills
    assert max(f.row for f in early.fills) <= 99
    assert len(early.fills) < len(session_figures(session, state, ROWS - 1).fills)


def test_fills_at_worse_prices_breach_slippage(paper) -> None:  # type: ignore[no-untyped-def]
    session, _, _, _ = paper
    state = copy.deepcopy(_state(paper))
    n = state.n_fills
    # the venue filled every buy 1% dearer and every sell 1% cheaper than the backtest
    state.f_price[:n] *= 1.0 + 0.01 * (state.f_qty[:n] > 0) - 0.01 * (state.f_qty[:n] < 0)
    result = drift_check(session, state, ROWS - 1, LIMITS)
    assert not result.within_bounds
    assert result.metrics[ALL_MARKETS]["slippage_bps"] == pytest.approx(100.0)
    assert "slippage_bps" in result.breaches[ALL_MARKETS]
    assert result.metrics[ALL_MARKETS]["fill_gap_pct"] == 0.0  # same fills, other prices


def test_fills_on_other_rows_breach_the_fill_gap_of_their_market_only(paper) -> None:  # type: ignore[no-untyped-def]
    session, _, _, _ = paper
    replay = backtest_figures(session, ROWS - 1)
    moved = tuple(
        dataclasses.replace(f, row=f.row + 1) if f.market == "crypto" else f for f in replay.fills
    )
    result = compare(dataclasses.replace(replay, fills=moved), replay, LIMITS,
                     float(session.spec.initial_cash))  # fmt: skip
    assert result.metrics["crypto"]["fill_gap_pct"] == 100.0
    assert result.breaches["crypto"] == ("fill_gap_pct",)
    assert result.breaches["equities"] == ()
    assert result.metrics["crypto"]["slippage_bps"] == 0.0  # nothing matched to compare


def test_the_session_journals_a_drift_check_every_few_rows_per_market_and_for_all(paper) -> None:  # type: ignore[no-untyped-def]
    session, report, checks, path = paper
    with Journal.open(path) as journal:
        stored = journal.drift_checks(report.run_id)
    scopes = [*(m.name for m in session.spec.markets), ALL_MARKETS]
    every = session._config.operator.drift.every_rows
    n_checks = len(stored) // len(scopes)
    assert n_checks >= 1
    assert len(stored) == n_checks * len(scopes)
    assert [r.market for r in stored] == scopes * n_checks
    assert [r.rows for r in stored[:: len(scopes)]] == [every * (k + 1) for k in range(n_checks)]
    assert all(r.within_bounds and r.breaches == () for r in stored)  # sim fills: no drift
    assert {r.market for r in checks[-1].records(report.run_id)} == set(scopes)


def test_a_row_the_session_has_not_processed_is_refused(paper) -> None:  # type: ignore[no-untyped-def]
    session, _, _, _ = paper
    with pytest.raises(ValueError, match=f"upto_row {ROWS}: expected a processed row"):
        session_figures(session, _state(paper), ROWS)


# -- the comparison's arithmetic and limits --------------------------------------------


def _fill(row: int, side: str = "buy", price: float = 400.0, market: str = "crypto") -> FillFigure:
    return FillFigure(row, market, "BTC-USD" if market == "crypto" else "SPY", side, 1.0, price)


def _signal(row: int, direction: str = "long") -> SignalFigure:
    return SignalFigure(row, "crypto", "BTC-USD", "sma_cross", direction)


def _figures(
    fills: tuple[FillFigure, ...] = (),
    signals: tuple[SignalFigure, ...] = (),
    pnl: float = 0.0,
) -> RunFigures:
    return RunFigures(20, ("crypto", "equities"), signals, fills,
                      {"crypto": pnl, "equities": 0.0, ALL_MARKETS: pnl})  # fmt: skip


@pytest.mark.parametrize(("gap", "breached"), [(2_000.0, False), (2_000.5, True)])
def test_the_pnl_gap_breaches_only_past_its_limit(gap: float, breached: bool) -> None:
    result = compare(_figures(pnl=gap), _figures(pnl=0.0), LIMITS, 100_000.0)
    assert ("pnl_gap_pct" in result.breaches["crypto"]) is breached
    assert result.metrics["crypto"]["pnl_gap_pct"] == pytest.approx(100 * gap / 100_000.0)
    assert result.metrics["equities"]["pnl_gap_pct"] == 0.0


@pytest.mark.parametrize(("unmatched", "breached"), [(1, False), (2, True)])
def test_the_fill_gap_breaches_only_past_its_limit(unmatched: int, breached: bool) -> None:
    backtest = tuple(_fill(r) for r in range(5))
    live = tuple(_fill(r + 10 if r < unmatched else r) for r in range(5))
    result = compare(_figures(live), _figures(backtest), LIMITS, 100_000.0)
    assert result.metrics["crypto"]["fill_gap_pct"] == pytest.approx(20.0 * unmatched)
    assert ("fill_gap_pct" in result.breaches["crypto"]) is breached


def test_a_fill_on_the_other_side_has_no_counterpart() -> None:
    result = compare(_figures((_fill(1, "sell"),)), _figures((_fill(1, "buy"),)), LIMITS, 1.0)
    assert result.metrics[ALL_MARKETS]["fill_gap_pct"] == 100.0


@pytest.mark.parametrize(("differing", "breached"), [(1, False), (2, True)])
def test_the_signal_gap_breaches_only_past_its_limit(differing: int, breached: bool) -> None:
    backtest = tuple(_signal(r) for r in range(10))
    live = tuple(_signal(r, "short" if r < differing else "long") for r in range(10))
    result = compare(_figures(signals=live), _figures(signals=backtest), LIMITS, 100_000.0)
    assert result.metrics["crypto"]["signal_gap_pct"] == pytest.approx(10.0 * differing)
    assert ("signal_gap_pct" in result.breaches["crypto"]) is breached


@pytest.mark.parametrize(
    ("side", "live_price", "bps", "breached"),
    [
        ("buy", 401.0, 25.0, False),  # 25 bps dearer: at the limit
        ("buy", 401.2, 30.0, True),
        ("sell", 398.8, 30.0, True),  # a sell 30 bps cheaper is worse for us too
        ("sell", 420.0, -500.0, False),  # better than the backtest is no breach
    ],
)
def test_slippage_is_adverse_positive_and_breaches_only_past_its_limit(
    side: str, live_price: float, bps: float, breached: bool
) -> None:
    live = _figures((_fill(3, side, live_price),))
    result = compare(live, _figures((_fill(3, side, 400.0),)), LIMITS, 100_000.0)
    assert result.metrics["crypto"]["slippage_bps"] == pytest.approx(bps)
    assert ("slippage_bps" in result.breaches["crypto"]) is breached
    assert result.metrics["equities"]["slippage_bps"] == 0.0


def test_records_and_summary_name_every_breach() -> None:
    live = _figures((_fill(1, price=404.0), _fill(2, market="equities")), pnl=5_000.0)
    result = compare(live, _figures((_fill(1),)), LIMITS, 100_000.0)
    records = {r.market: r for r in result.records("pp-run-0001")}
    assert set(records) == {"crypto", "equities", ALL_MARKETS}
    assert records["crypto"].breaches == ("pnl_gap_pct", "slippage_bps")
    assert records["equities"].breaches == ("fill_gap_pct",)
    assert not records[ALL_MARKETS].within_bounds
    assert all(r.rows == 21 for r in records.values())
    line = result.summary()
    assert "\n" not in line
    assert line.startswith("drift at row 20: ")
    assert "crypto slippage_bps 100.00 > 25" in line
    assert "equities fill_gap_pct 100.00 > 20" in line


def test_a_market_within_bounds_has_a_record_within_bounds_beside_a_breach() -> None:
    live = _figures((_fill(2, market="equities"),))
    records = {r.market: r for r in compare(live, _figures(), LIMITS, 1.0).records("r")}
    assert records["crypto"].within_bounds
    assert not records["equities"].within_bounds


def test_compare_refuses_a_start_equity_that_is_not_positive_or_other_rows() -> None:
    with pytest.raises(ValueError, match="start_equity: expected a positive amount"):
        compare(_figures(), _figures(), LIMITS, 0.0)
    with pytest.raises(ValueError, match="up to row 20 cannot be compared with figures up to"):
        compare(_figures(), dataclasses.replace(_figures(), upto_row=19), LIMITS, 1.0)
