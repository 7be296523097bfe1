"""Each running session publishes its per-market status in its heartbeat: venue,
connected / degraded / down and why, last bar, latency of the last request for bars,
and the last close of each symbol (the dashboard's marks)."""

from __future__ import annotations

import statistics
import time
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pandas as pd
import pytest
import yaml

from tradewind.app.feed_health import FeedHealth
from tradewind.app.session import TradingSession
from tradewind.app.session_operator import SessionOperator
from tradewind.app.session_status import market_venues, session_status
from tradewind.app.venue_feed import FeedTiming, VenueBarFeed
from tradewind.config import TradewindConfig, load_config
from tradewind.data.catalog import Catalog
from tradewind.domain.identifiers import InstrumentId
from tradewind.domain.timeframe import Timeframe
from tradewind.domain.timestamps import instant_from_ns
from tradewind.engine.feeds import FeedRow, ReplayFeed, RowFeed
from tradewind.engine.panel import MarketPanel
from tradewind.store import Journal

DAY = Timeframe.parse("1d")
_DELAY_S = 0.004


def _config_file(tmp_path: Path) -> Path:
    raw = {
        "config_version": 1,
        "base_currency": "USD",
        "mode": "paper",
        "data": {"start": "2015-01-01", "end": "2015-04-30",
                 "alignment": {"policy": "ffill", "max_staleness": "4d", "timeline": "1d"}},
        "markets": {
            "crypto": {"provider": "sim", "symbols": ["BTC-USD"], "strategies": ["sma_cross"],
                       "strategy_params": {"sma_cross": {"fast": 5, "slow": 20}},
                       "timeframe": "1d", "risk_allocation_pct": 40},
            "bonds": {"provider": "sim", "symbols": ["TLT", "IEF"], "strategies": ["sma_cross"],
                      "timeframe": "1d", "risk_allocation_pct": 40},
        },
        "operator": {"dead_man": {"heartbeat_interval_s": 0.05}, "control_poll_ms": 20},
    }  # fmt: skip
    path = tmp_path / "status.yaml"
    path.write_text(yaml.safe_dump(raw, sort_keys=False))
    return path


@pytest.fixture(scope="module")
def config(tmp_path_factory: pytest.TempPathFactory) -> TradewindConfig:
    return load_config(_config_file(tmp_path_factory.mktemp("cfg")), apply_env=False)


class _Spied(TradingSession):
    """A session that keeps its operator, to read the heartbeat's detail at any row."""

    operator: SessionOperator | None = None

    def _operator(self, *args: Any, **kwargs: Any) -> SessionOperator:
        self.operator = super()._operator(*args, **kwargs)
        return self.operator


def _session(config: TradewindConfig, tmp_path: Path) -> _Spied:
    return _Spied(config, Catalog(tmp_path / "catalog"), tmp_path / "journal.sqlite")


def _detail_per_row(session: _Spied, **run: Any) -> dict[int, dict[str, Any]]:
    seen: dict[int, dict[str, Any]] = {}

    def on_row(t: int) -> None:
        assert session.operator is not None
        seen[t] = dict(session.operator._beat_detail())

    session.run(on_row=on_row, **run)
    return seen


def _last_heartbeat(path: Path) -> dict[str, Any]:
    journal = Journal.open(path)
    try:
        (beat,) = journal.heartbeats()
        return dict(beat.detail)
    finally:
        journal.close()


def _last_bar_iso(session: TradingSession, market: str, last: int) -> str:
    cols = list(session.feeds[market].symbols)
    rows = np.flatnonzero(session.live.fresh[: last + 1, cols].any(axis=1))
    return instant_from_ns(int(session.live.timestamps[rows[-1]])).isoformat()


def _last_closes(session: TradingSession, market: str, last: int) -> dict[str, float]:
    closes = {}
    for col in session.feeds[market].symbols:
        rows = np.flatnonzero(session.live.fresh[: last + 1, col])
        closes[session.live.symbols[col]] = float(session.live.close[rows[-1], col])
    return closes


def test_a_finished_paper_session_last_heartbeat_shows_every_market_connected(
    config: TradewindConfig, tmp_path: Path
) -> None:
    session = _session(config, tmp_path)
    report = session.run()
    detail = _last_heartbeat(tmp_path / "journal.sqlite")
    last = report.rows - 1
    assert detail["ended"] is True
    assert detail["row"] == last
    assert set(detail["markets"]) == {"crypto", "bonds"}
    for market, status in detail["markets"].items():
        assert status["venue"] == "sim"
        assert (status["state"], status["reason"]) == ("connected", "")
        assert status["last_bar"] == _last_bar_iso(session, market, last)
        assert status["marks"] == pytest.approx(_last_closes(session, market, last))
        assert status["latency_ms"] is None  # a replay asks no venue
    # the last row brought a bar of every market: its instant is their last bar
    assert (
        detail["markets"]["crypto"]["last_bar"]
        == instant_from_ns(int(session.live.timestamps[last])).isoformat()
    )


class _Raising:
    """A feed failing from `fail_at` and answering again from `recover_at`."""

    def __init__(self, inner: RowFeed, fail_at: int, recover_at: int) -> None:
        self._inner, self._fail_at, self._recover_at = inner, fail_at, recover_at
        self.symbols = inner.symbols

    def poll(self, row: int) -> FeedRow:
        if self._fail_at <= row < self._recover_at:
            raise ConnectionError("venue unreachable")
        return self._inner.poll(row)


def test_a_failing_feed_is_down_while_paused_then_degraded_then_connected(
    config: TradewindConfig, tmp_path: Path
) -> None:
    session = _session(config, tmp_path)
    session.feeds["crypto"] = _Raising(session.feeds["crypto"], fail_at=20, recover_at=30)
    seen = _detail_per_row(session, until_row=60)
    crypto = {t: detail["markets"]["crypto"] for t, detail in seen.items()}
    assert crypto[19]["state"] == "connected"
    for t in (20, 25, 34):  # paused; retried at rows 21, 23, 27 and 35
        assert crypto[t]["state"] == "down"
        assert "venue unreachable" in crypto[t]["reason"]
        assert crypto[t]["reason"] == seen[t]["paused"]["crypto"]
    assert crypto[25]["last_bar"] == instant_from_ns(int(session.live.timestamps[19])).isoformat()
    # it answered at row 35 after a wait of 8 rows: on probation for those 8 rows
    assert crypto[35]["state"] == "degraded"
    assert "venue unreachable" in crypto[35]["reason"]
    assert crypto[42]["state"] == "degraded"
    assert (crypto[43]["state"], crypto[43]["reason"]) == ("connected", "")
    assert all(seen[t]["markets"]["bonds"]["state"] == "connected" for t in seen)


class _SlowVenue:
    """A venue's live bars (the recording's), each request taking `delay_s`."""

    venue = "SLOW"

    def __init__(self, recording: MarketPanel, symbol: str, delay_s: float) -> None:
        col = list(recording.symbols).index(symbol)
        rows = recording.bar_rows[symbol]
        opens = pd.to_datetime(recording.bar_times[symbol], utc=True)
        self._frame = pd.DataFrame({
            "timestamp": opens, "close_time": opens + pd.Timedelta(days=1),
            "open": recording.open[rows, col], "high": recording.high[rows, col],
            "low": recording.low[rows, col], "close": recording.close[rows, col],
            "volume": np.ones(len(rows)),
        })  # fmt: skip
        self._delay_s = delay_s

    def closed_bars(self, iid: object, tf: object, since: Any = None) -> pd.DataFrame:
        time.sleep(self._delay_s)
        frame = self._frame
        return frame[frame["close_time"] > pd.Timestamp(since)].head(3).reset_index(drop=True)


def _on_slow_venue(session: TradingSession) -> VenueBarFeed:
    recording = session.recording
    columns = list(session.feeds["crypto"].symbols)
    data = _SlowVenue(recording, "BTC-USD", _DELAY_S)
    return VenueBarFeed(data, recording, columns, [InstrumentId("BTC-USD", "SLOW")],  # type: ignore[arg-type]
                        DAY, FeedTiming(max_wait_s=1.0, poll_interval_s=0.01))  # fmt: skip


def test_latency_is_the_last_request_for_a_venue_feed_and_none_for_a_replay(
    config: TradewindConfig, tmp_path: Path
) -> None:
    session = _session(config, tmp_path)
    session.feeds["crypto"] = _on_slow_venue(session)
    seen = _detail_per_row(session, until_row=30)
    crypto, bonds = seen[30]["markets"]["crypto"], seen[30]["markets"]["bonds"]
    assert crypto["state"] == "connected"
    assert _DELAY_S * 1000 <= crypto["latency_ms"] < 1000
    assert bonds["latency_ms"] is None
    assert isinstance(session.feeds["bonds"], ReplayFeed)


def test_a_venue_feed_whose_last_bar_is_over_three_bars_old_is_degraded(
    config: TradewindConfig, tmp_path: Path
) -> None:
    session = _session(config, tmp_path)
    session.feeds["crypto"] = _on_slow_venue(session)
    session.run(until_row=30)
    assert session.operator is not None
    loop = session.operator.loop

    def status(age: timedelta) -> dict[str, Any]:
        detail = session_status(loop, row=30, mode="paper", row_age_s=age.total_seconds())
        markets: dict[str, Any] = detail["markets"]  # type: ignore[assignment]
        return markets

    assert status(timedelta(days=2.9))["crypto"]["state"] == "connected"
    late = status(timedelta(days=3.5))
    assert (late["crypto"]["state"], late["crypto"]["reason"]) == (
        "degraded",
        "last bar 3 bars old",
    )
    assert late["bonds"]["state"] == "connected"  # a replay has no wall clock
    lost = session_status(loop, row=30, mode="paper", lost={"bonds"})["markets"]
    assert lost["bonds"]["state"] == "down"  # type: ignore[index]
    assert lost["bonds"]["reason"].startswith("venue lost")  # type: ignore[index]


def test_each_market_is_named_by_its_configured_venue() -> None:
    def market(provider: str, market_class: str, symbol: str) -> dict[str, object]:
        return {"provider": provider, "market_class": market_class, "symbols": [symbol],
                "risk_allocation_pct": 10}  # fmt: skip

    config = TradewindConfig.model_validate(
        {
            "markets": {
                "replay": market("sim", "crypto", "BTC-USD"),
                "crypto": market("binance", "crypto", "BTC-USDT"),
                "forex": market("oanda", "forex", "EUR-USD"),
                "stocks": market("alpaca", "equities", "SPY"),
                "futures": market("interactive_brokers", "equities", "QQQ"),
            }
        }
    )
    assert market_venues(config) == {
        "replay": "sim",
        "crypto": "binance",
        "forex": "oanda",
        "stocks": "alpaca",
        "futures": "interactive_brokers",
    }


# -- cost and robustness, on a fake session of 6 markets x 10 symbols ---------------


class _Feed:
    def __init__(self, symbols: range) -> None:
        self.symbols = tuple(symbols)


def _fake_loop(n_rows: int = 5_000, n_markets: int = 6, per_market: int = 10) -> Any:
    n_symbols = n_markets * per_market
    rng = np.random.default_rng(3)
    fresh = rng.random((n_rows, n_symbols)) < 0.9
    live = SimpleNamespace(
        shape=(n_rows, n_symbols),
        fresh=fresh,
        mark=rng.uniform(10, 100, (n_rows, n_symbols)),
        timestamps=np.arange(n_rows, dtype=np.int64) * 86_400 * 10**9,
        symbols=tuple(f"S{n}" for n in range(n_symbols)),
    )
    names = tuple(f"m{m}" for m in range(n_markets))
    feeds = {
        name: _Feed(range(m * per_market, (m + 1) * per_market)) for m, name in enumerate(names)
    }
    session = SimpleNamespace(market_names=names, feeds=feeds, live=live, paused={},
                              feed_health=FeedHealth(), venues={})  # fmt: skip
    return SimpleNamespace(session=session)


def test_a_heartbeat_of_six_markets_of_ten_symbols_takes_well_under_a_millisecond() -> None:
    loop = _fake_loop()
    loop.session.live.fresh[-300:, :10] = False  # one market silent for 300 rows
    session_status(loop, row=4_999, mode="paper")
    times = []
    for _ in range(200):
        start = time.perf_counter()
        session_status(loop, row=4_999, mode="paper")
        times.append(time.perf_counter() - start)
    median_ms = statistics.median(times) * 1000
    print(f"heartbeat status of 6 markets x 10 symbols: {median_ms:.3f} ms (median)")
    assert median_ms < 5.0  # about 0.2 ms on the development machine; slack for load


class _TornMarks:
    """A mark array whose read fails, as one resized under the reader might."""

    shape = (5_000, 60)

    def __getitem__(self, key: object) -> object:
        raise IndexError("torn")


def test_marks_that_cannot_be_read_keep_the_previous_snapshot() -> None:
    loop = _fake_loop()
    before: Any = session_status(loop, row=100, mode="paper")
    loop.session.live.mark = _TornMarks()
    after: Any = session_status(loop, row=101, mode="paper", previous=before["markets"])
    markets_before, markets_after = before["markets"], after["markets"]
    assert markets_after["m0"]["marks"] == markets_before["m0"]["marks"]
    assert markets_after["m0"]["state"] == "connected"


def test_a_market_whose_status_cannot_be_read_keeps_its_previous_status() -> None:
    loop = _fake_loop()
    before: Any = session_status(loop, row=100, mode="paper")
    loop.session.live.timestamps = None  # any read of the market fails
    after: Any = session_status(loop, row=101, mode="paper", previous=before["markets"])
    assert after["markets"] == before["markets"]
    assert after["row"] == 101
