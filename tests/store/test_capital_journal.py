"""Capital tables: sizing decisions, allocations, capital events and status go in and come
back out, on every backend, and enter the run's digest."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from tradewind.domain.regimes import MarketRegime, VolatilityState
from tradewind.store import (
    AllocationRecord,
    CapitalEventKind,
    CapitalEventRecord,
    Journal,
    JournalError,
    SizingDecisionRecord,
    SizingMethod,
    UnknownRunError,
    client_order_id,
)

from ._helpers import CONFIG, T0, at
from .conftest import requires_postgres


def sizing(index: int, **changes: Any) -> SizingDecisionRecord:
    record = SizingDecisionRecord(
        ts=at(index),
        market="crypto",
        symbol="BTC-USD",
        strategies="sma_cross,rsi_reversion",
        method=SizingMethod.AUTONOMOUS,
        available_balance=10_000.0,
        capital=10_145.0,
        base_position=507.25,
        vol_leverage=1.25,
        regime="BULL_TRENDING",
        regime_multiplier=1.0,
        sharpe=0.4,
        sharpe_factor=0.3,
        protection_level="NORMAL",
        protection_multiplier=1.0,
        final_position=190.21875,
        binding="sharpe",
        client_order_id=None,
        factors={"vol_leverage": 1.25, "regime": 1.0, "sharpe": 0.3, "protection": 1.0},
    )
    return replace(record, **changes)


def allocation(market: str, share: float, **changes: Any) -> AllocationRecord:
    record = AllocationRecord(
        ts=T0,
        market=market,
        strategy="ADAPTIVE",
        share=share,
        amount=share * 100_000.0,
        bound=None,
        explanation={"scores": {"sharpe": 0.7, "win_rate": 0.55}, "regime_multiplier": 1.2},
    )
    return replace(record, **changes)


def status_document() -> dict[str, Any]:
    """A scaling engine status as the engine hands it over: enums, numpy numbers, NaN."""
    return {
        "current_capital": np.float64(10_145.0),
        "base_capital": 10_000.0,
        "roi_pct": 1.45,
        "market_conditions": {
            "regime": MarketRegime.BULL_TRENDING,
            "volatility_pct": np.float32(25.0),
            "volatility_state": VolatilityState.NORMAL,
            "trend_strength": 0.7,
        },
        "regime_allocations": {MarketRegime.BULL_TRENDING: 1.0, MarketRegime.CRISIS: 0.1},
        "protection_level": "NORMAL",
        "halted": np.bool_(False),
        "trades": np.int64(12),
        "sharpe": float("nan"),
        "last_update": at(3),
    }


# -- sizing decisions ---------------------------------------------------------------------


def test_sizing_decisions_come_back_in_order_as_a_frame(journal: Journal) -> None:
    run = journal.start_run("backtest", CONFIG)
    coid = client_order_id(run, 1)
    written = [
        sizing(1, client_order_id=coid),
        sizing(2, method="kelly_fallback", regime=None, sharpe=None, binding="available_balance"),
    ]
    assert journal.record_sizing_decisions(run, written) == 2
    assert journal.record_sizing_decisions(run, [sizing(3, final_position=0.0)]) == 1
    frame = journal.sizing_decisions(run)
    assert list(frame.index) == [1, 2, 3]
    assert frame.index.name == "seq"
    assert list(frame.columns) == [
        "ts",
        "market",
        "symbol",
        "strategies",
        "method",
        "available_balance",
        "capital",
        "base_position",
        "vol_leverage",
        "regime",
        "regime_multiplier",
        "sharpe",
        "sharpe_factor",
        "protection_level",
        "protection_multiplier",
        "final_position",
        "binding",
        "client_order_id",
        "factors",
    ]
    assert str(frame["ts"].dtype) == "datetime64[ns, UTC]"
    assert frame["ts"].tolist() == [pd.Timestamp(at(hour)) for hour in (1, 2, 3)]
    assert frame["method"].tolist() == ["autonomous", "kelly_fallback", "autonomous"]
    assert frame["final_position"].tolist() == [190.21875, 190.21875, 0.0]
    assert frame["client_order_id"].isna().tolist() == [False, True, True]
    assert frame.loc[1, "client_order_id"] == coid
    assert frame["regime"].isna().tolist() == [False, True, False]
    assert frame["sharpe"].isna().tolist() == [False, True, False]
    assert frame.loc[1, "factors"] == {
        "protection": 1.0,
        "regime": 1.0,
        "sharpe": 0.3,
        "vol_leverage": 1.25,
    }


def test_a_sizing_frame_read_back_can_be_written_to_another_run_unchanged(
    journal: Journal,
) -> None:
    first = journal.start_run("backtest", CONFIG)
    journal.record_sizing_decisions(
        first, [sizing(1), sizing(2, regime=None, sharpe=None), sizing(3, method="atr")]
    )
    second = journal.start_run("backtest", CONFIG)
    assert journal.record_sizing_decisions(second, journal.sizing_decisions(first)) == 3
    assert journal.digest(first) == journal.digest(second)
    pd.testing.assert_frame_equal(journal.sizing_decisions(first), journal.sizing_decisions(second))


def test_records_mappings_and_columns_store_the_same_sizing_decisions(journal: Journal) -> None:
    count = 50
    records = [sizing(hour, final_position=float(hour)) for hour in range(count)]
    ts = np.datetime64(T0.replace(tzinfo=None), "ns") + np.arange(count) * np.timedelta64(1, "h")
    columns = {
        "ts": ts,
        "market": "crypto",
        "symbol": "BTC-USD",
        "strategies": "sma_cross,rsi_reversion",
        "method": "AUTONOMOUS",  # any case, like the other labelled choices
        "available_balance": np.full(count, 10_000.0),
        "capital": 10_145.0,
        "base_position": 507.25,
        "vol_leverage": 1.25,
        "regime": "BULL_TRENDING",
        "regime_multiplier": 1.0,
        "sharpe": np.full(count, 0.4),
        "sharpe_factor": 0.3,
        "protection_level": "NORMAL",
        "protection_multiplier": 1.0,
        "final_position": np.arange(count, dtype=float),
        "binding": "sharpe",
        "factors": {"sharpe": 0.3, "regime": 1.0, "vol_leverage": 1.25, "protection": 1.0},
    }
    mappings = [
        {name: getattr(record, name) for name in columns} | {"client_order_id": None}
        for record in records
    ]
    frame = pd.DataFrame({name: value for name, value in columns.items() if name != "factors"})
    frame["ts"] = frame["ts"].dt.tz_localize("UTC").dt.tz_convert("Asia/Tokyo")
    frame["factors"] = pd.Series([records[0].factors] * count, dtype=object)
    digests = set()
    for rows in (records, mappings, columns, frame):
        run = journal.start_run("backtest", CONFIG)
        assert journal.record_sizing_decisions(run, rows) == count
        digests.add(journal.digest(run))
    assert len(digests) == 1


def test_a_nan_where_a_figure_is_required_names_the_column_and_row(journal: Journal) -> None:
    run = journal.start_run("backtest", CONFIG)
    with pytest.raises(
        JournalError, match=r"sizing_decisions\.final_position nan in row 1: expected a finite"
    ):
        journal.record_sizing_decisions(run, [sizing(1), sizing(2, final_position=float("nan"))])
    frame = pd.DataFrame({"vol_leverage": [1.0, np.nan]})
    with pytest.raises(JournalError, match=r"sizing_decisions\.vol_leverage nan in row 1"):
        journal.record_sizing_decisions(
            run, _columns_of(sizing(1)) | {"vol_leverage": frame["vol_leverage"]}
        )
    with pytest.raises(JournalError, match=r"factor 'regime': expected a finite multiplier"):
        journal.record_sizing_decisions(run, [sizing(1, factors={"regime": float("nan")})])
    with pytest.raises(
        JournalError, match=r"sizing_decisions\.method 'martingale' in row 0: expected one of"
    ):
        journal.record_sizing_decisions(run, [sizing(1, method="martingale")])
    assert journal.sizing_decisions(run).empty


def _columns_of(record: SizingDecisionRecord) -> dict[str, Any]:
    """A record as two-row columns (so a column can be swapped for a bad one)."""
    return {
        name: [getattr(record, name)] * 2
        for name in SizingDecisionRecord.__dataclass_fields__
        if name != "factors"
    } | {"factors": record.factors}


def test_capital_writes_to_an_unknown_run_say_so(journal: Journal) -> None:
    with pytest.raises(UnknownRunError, match="unknown run 'ghost'"):
        journal.record_sizing_decisions("ghost", [sizing(1)])
    with pytest.raises(UnknownRunError, match="unknown run 'ghost'"):
        journal.record_allocations("ghost", [allocation("crypto", 0.5)])
    with pytest.raises(UnknownRunError, match="unknown run 'ghost'"):
        journal.record_capital_events(
            "ghost", [CapitalEventRecord(ts=T0, kind="halt", detail="halted")]
        )
    with pytest.raises(UnknownRunError, match="unknown run 'ghost'"):
        journal.save_capital_status("ghost", T0, "summary", {})


def test_an_empty_run_reads_as_empty_frames_with_typed_columns(journal: Journal) -> None:
    run = journal.start_run("backtest", CONFIG)
    frame = journal.sizing_decisions(run)
    assert frame.empty
    assert str(frame["ts"].dtype) == "datetime64[ns, UTC]"
    assert frame["final_position"].dtype == np.float64
    assert journal.allocations(run).empty
    assert journal.capital_events("no-such-run").empty
    assert journal.capital_status(run) is None


# -- allocations and events -----------------------------------------------------------------


def test_allocations_keep_shares_bounds_and_explanations(journal: Journal) -> None:
    run = journal.start_run("backtest", CONFIG)
    written = [
        allocation("crypto", 0.5, bound="max"),
        allocation("equities", 0.45),
        allocation("forex", 0.05, bound="MIN", explanation='{"z": 1, "a": [1, 2]}'),
    ]
    assert journal.record_allocations(run, written) == 3
    later = [allocation("crypto", 0.4, ts=T0 + timedelta(days=1), bound=float("nan"))]
    assert journal.record_allocations(run, later) == 1
    frame = journal.allocations(run)
    assert list(frame.columns) == [
        "ts",
        "market",
        "strategy",
        "share",
        "amount",
        "bound",
        "explanation",
    ]
    assert frame["market"].tolist() == ["crypto", "equities", "forex", "crypto"]
    assert frame["share"].tolist() == [0.5, 0.45, 0.05, 0.4]
    assert frame["amount"].tolist() == [50_000.0, 45_000.0, 5_000.0, 40_000.0]
    assert frame.loc[1, "bound"] == "max"
    assert frame.loc[3, "bound"] == "min"
    assert frame["bound"].isna().tolist() == [False, True, False, True]
    explanations = frame["explanation"].tolist()
    assert explanations[2] == {"a": [1, 2], "z": 1}
    assert explanations[0]["regime_multiplier"] == 1.2
    with pytest.raises(JournalError, match=r"allocations\.bound 'cap' in row 0"):
        journal.record_allocations(run, [allocation("bonds", 0.1, bound="cap")])
    with pytest.raises(JournalError, match=r"allocations\.explanation .* expected a JSON object"):
        journal.record_allocations(run, [allocation("bonds", 0.1, explanation="[1, 2]")])


def test_capital_events_keep_kind_detail_and_data(journal: Journal) -> None:
    run = journal.start_run("paper", CONFIG)
    events = [
        CapitalEventRecord(
            ts=at(1),
            kind=CapitalEventKind.MILESTONE,
            detail="reached $10K",
            data={"milestone": 10_000.0, "capital": np.float64(10_145.0)},
        ),
        CapitalEventRecord(
            ts=at(2),
            kind="parameter_change",
            detail="regime BULL_TRENDING allocation 1.0 -> 1.1 (win rate 0.65 over 24 trades)",
            data={"parameter": "regime_allocations.BULL_TRENDING", "old": 1.0, "new": 1.1},
        ),
        CapitalEventRecord(ts=at(3), kind="halt", detail="drawdown 25.3% from peak"),
    ]
    assert journal.record_capital_events(run, events) == 3
    frame = journal.capital_events(run)
    assert frame["kind"].tolist() == ["milestone", "parameter_change", "halt"]
    assert frame["detail"].tolist() == [event.detail for event in events]
    assert frame.loc[1, "data"] == {"capital": 10_145.0, "milestone": 10_000.0}
    assert frame.loc[3, "data"] == {}
    assert frame["ts"].tolist() == [pd.Timestamp(at(hour)) for hour in (1, 2, 3)]
    with pytest.raises(JournalError, match=r"capital_events\.kind 'panic' in row 0"):
        journal.record_capital_events(run, [CapitalEventRecord(ts=T0, kind="panic", detail="")])


# -- status -----------------------------------------------------------------------------


def test_capital_status_is_replaced_on_each_save(journal: Journal) -> None:
    run = journal.start_run("paper", CONFIG)
    journal.save_capital_status(run, at(1), "💰 $10000.00 (+0.0% ROI)", {"roi_pct": 0.0})
    summary = "💰 $10145.00 (+1.5% ROI) | ✅ TRADING | 🛡️ NORMAL | 🎯 Next: $25K (41%)"
    journal.save_capital_status(run, at(3), summary, status_document())
    view = journal.capital_status(run)
    assert view is not None
    assert view.ts == at(3)
    assert view.summary == summary
    assert view.status == {
        "base_capital": 10_000.0,
        "current_capital": 10_145.0,
        "halted": False,
        "last_update": "2024-01-03T00:00:00+00:00",
        "market_conditions": {
            "regime": "BULL_TRENDING",
            "trend_strength": 0.7,
            "volatility_pct": 25.0,
            "volatility_state": "NORMAL",
        },
        "protection_level": "NORMAL",
        "regime_allocations": {"BULL_TRENDING": 1.0, "CRISIS": 0.1},
        "roi_pct": 1.45,
        "sharpe": None,
        "trades": 12,
    }
    with journal.engine.connect() as connection:
        stored = connection.exec_driver_sql("SELECT run_id, status FROM capital_status").all()
    assert len(stored) == 1
    assert stored[0][1].startswith('{"base_capital":10000.0,"current_capital":10145.0,')


def test_a_status_with_no_json_form_is_refused_and_the_old_one_kept(journal: Journal) -> None:
    run = journal.start_run("paper", CONFIG)
    journal.save_capital_status(run, at(1), "first", {"roi_pct": 0.0})
    with pytest.raises(JournalError, match=r"capital status .*engine: object has no JSON form"):
        journal.save_capital_status(run, at(2), "second", {"engine": object()})
    with pytest.raises(JournalError, match=r"invalid capital_status\.ts .*naive"):
        journal.save_capital_status(run, datetime(2024, 1, 2), "second", {})
    view = journal.capital_status(run)
    assert view is not None
    assert view.summary == "first"


def test_the_latest_capital_run_is_the_newest_run_with_a_status(journal: Journal) -> None:
    assert journal.latest_capital_run() is None
    older = journal.start_run("paper", CONFIG, run_id="with-status")
    journal.save_capital_status(older, at(1), "older", {})
    journal.start_run("paper", CONFIG, run_id="without-status")
    latest = journal.latest_capital_run()
    assert latest is not None
    assert latest.run_id == older
    assert journal.latest_capital_run("backtest") is None
    newer = journal.start_run("backtest", CONFIG, run_id="newer")
    journal.save_capital_status(newer, at(2), "newer", {})
    assert journal.latest_capital_run().run_id == newer  # type: ignore[union-attr]
    assert journal.latest_capital_run("paper").run_id == older  # type: ignore[union-attr]


# -- digest ------------------------------------------------------------------------------


def _capital_run(journal: Journal, **sizing_changes: Any) -> str:
    run = journal.start_run("backtest", CONFIG)
    journal.record_sizing_decisions(run, [sizing(1), sizing(2, **sizing_changes)])
    journal.record_allocations(run, [allocation("crypto", 0.5), allocation("bonds", 0.5)])
    journal.record_capital_events(
        run, [CapitalEventRecord(ts=at(2), kind="milestone", detail="reached $10K")]
    )
    journal.save_capital_status(run, at(2), "summary", status_document())
    return run


def test_the_digest_covers_the_capital_tables(journal: Journal) -> None:
    base = _capital_run(journal)
    same = _capital_run(journal)
    assert journal.digest(base) == journal.digest(same)
    changed_size = _capital_run(journal, final_position=190.21876)
    changed_factor = _capital_run(journal, factors={"regime": 0.6})
    changed_status = _capital_run(journal)
    journal.save_capital_status(changed_status, at(2), "summary", {"roi_pct": 1.45})
    digests = {journal.digest(run) for run in (base, changed_size, changed_factor, changed_status)}
    assert len(digests) == 4


@requires_postgres
def test_sqlite_and_postgresql_give_the_same_capital_digest(pg_url: str, tmp_path: Path) -> None:
    digests = []
    for target in (str(tmp_path / "journal.db"), pg_url):
        with Journal.open(target) as journal:
            digests.append(journal.digest(_capital_run(journal)))
    assert digests[0] == digests[1]
