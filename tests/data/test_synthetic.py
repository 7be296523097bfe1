"""The synthetic market generator: determinism, valid bars, and planted truth visible in data."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from tradewind.cli.synth_cmd import synth_command
from tradewind.data.calendars import get_calendar
from tradewind.data.catalog import Catalog
from tradewind.data.schema import BAR_COLUMNS, DataError
from tradewind.data.synthetic import (
    REGIME_LABELS,
    SyntheticMarket,
    SyntheticSpec,
    SyntheticSpecError,
    generate,
    iter_batches,
    load_truth,
    save_truth,
    synthetic_returns,
    truth_path,
    write_to_catalog,
)
from tradewind.data.validation import validate_bars
from tradewind.domain.market import MarketClass, QuoteType

DAILY = SyntheticSpec(n_symbols=40, n_bars=3000, timeframe="1d", seed=11)


@pytest.fixture(scope="module")
def market() -> SyntheticMarket:
    return generate(DAILY)


def log_returns(frame: pd.DataFrame) -> np.ndarray:
    return np.diff(np.log(frame["close"].to_numpy()))


def standardized(returns: np.ndarray) -> np.ndarray:
    """Returns over their trailing EWMA volatility (known before each bar)."""
    variance = pd.Series(returns).pow(2).ewm(halflife=10).mean().shift(1).bfill().to_numpy()
    return np.asarray(returns / np.sqrt(variance), dtype=np.float64)


def lagged_corr(leader: np.ndarray, follower: np.ndarray, lag: int) -> float:
    """corr(follower[t], leader[t - lag])."""
    if lag:
        leader, follower = leader[:-lag], follower[lag:]
    return float(np.corrcoef(leader, follower)[0, 1])


# -- determinism -----------------------------------------------------------------------


def test_same_seed_gives_identical_frames_and_truth(market: SyntheticMarket) -> None:
    again = generate(DAILY)
    assert again.truth == market.truth
    assert list(again.frames) == list(market.frames)
    for symbol, frame in market.frames.items():
        pd.testing.assert_frame_equal(again.frames[symbol], frame, check_exact=True)


def test_different_seeds_give_different_paths_and_plants(market: SyntheticMarket) -> None:
    other = generate(SyntheticSpec(n_symbols=40, n_bars=3000, timeframe="1d", seed=12))
    assert list(other.frames) == list(market.frames)
    for symbol, frame in market.frames.items():
        assert not np.array_equal(other.frames[symbol]["close"], frame["close"]), symbol
    assert other.truth.regimes != market.truth.regimes
    assert other.truth.lead_lag != market.truth.lead_lag


def test_a_symbols_frame_does_not_depend_on_the_batch_size(market: SyntheticMarket) -> None:
    batches = list(iter_batches(DAILY, batch_size=7))
    assert [len(b) for b in batches] == [7] * 5 + [5]
    for batch in batches:
        for symbol, frame in batch.items():
            pd.testing.assert_frame_equal(frame, market.frames[symbol], check_exact=True)


# -- bars ------------------------------------------------------------------------------


def test_frames_are_normalized_bar_frames_that_validate_without_rejections(
    market: SyntheticMarket,
) -> None:
    for symbol, frame in market.frames.items():
        assert tuple(frame.columns) == BAR_COLUMNS
        assert str(frame["timestamp"].dtype) == "datetime64[ns, UTC]"
        assert str(frame["close_time"].dtype) == "datetime64[ns, UTC]"
        assert isinstance(frame.index, pd.RangeIndex)
        assert frame["timestamp"].is_monotonic_increasing
        assert frame["timestamp"].is_unique
        assert (frame["close_time"] > frame["timestamp"]).all()
        quote = QuoteType(market.truth.symbol(symbol).quote_type)
        result = validate_bars(frame, quote_type=quote)
        assert result.rejected == 0, (symbol, result.nonzero_counts)
        assert (frame["volume"] > 0).all()
        gap = frame["open"].to_numpy()[1:] / frame["close"].to_numpy()[:-1] - 1
        assert np.median(np.abs(gap)) < 0.01, symbol  # open = previous close + small gap


def test_symbols_spread_over_every_class_each_on_its_calendar(market: SyntheticMarket) -> None:
    truth = market.truth
    classes = {MarketClass(s.market) for s in truth.symbols}
    assert classes == {
        MarketClass.CRYPTO,
        MarketClass.FOREX,
        MarketClass.EQUITIES,
        MarketClass.COMMODITIES,
        MarketClass.BONDS,
        MarketClass.VOLATILITY,
    }
    expected_calendar = {"crypto": "24/7", "forex": "FX"}
    for s in truth.symbols:
        assert s.calendar == expected_calendar.get(s.market, "XNYS")
        assert s.n_bars == len(market.frames[s.symbol])
    assert market.frames["SYN-CRY-0001"].shape[0] == DAILY.n_bars
    assert market.frames["SYN-EQ-0001"].shape[0] < market.frames["SYN-FX-0001"].shape[0] < 3000
    assert truth.symbol("SYN-VOL-0001").quote_type == "index_level"


def test_intraday_session_bars_follow_their_calendar() -> None:
    spec = SyntheticSpec(n_symbols=6, n_bars=24 * 30, timeframe="1h", seed=1)
    frames = generate(spec).frames
    xnys = get_calendar("XNYS")
    equity = frames["SYN-EQ-0001"]
    start, end = spec.start_time, equity["timestamp"].iloc[-1]
    expected = xnys.expected_bar_times(start, end, "1h")
    assert equity["timestamp"].tolist() == list(expected)
    closes = xnys.bar_close_times(equity["timestamp"], "1h")
    assert equity["close_time"].tolist() == list(closes)
    crypto = frames["SYN-CRY-0001"]
    assert len(crypto) == 24 * 30
    assert (crypto["close_time"] - crypto["timestamp"] == pd.Timedelta("1h")).all()


# -- planted truth ---------------------------------------------------------------------


def test_planted_lead_lag_peaks_at_the_planted_lag(market: SyntheticMarket) -> None:
    pairs = market.truth.lead_lag
    assert len(pairs) == 4
    for pair in pairs:
        leader = log_returns(market.frames[pair.leader])
        follower = log_returns(market.frames[pair.follower])
        corr = [lagged_corr(leader, follower, lag) for lag in range(11)]
        assert int(np.argmax(np.abs(corr))) == pair.lag_bars, (pair, np.round(corr, 3))
        assert corr[pair.lag_bars] == pytest.approx(pair.corr, abs=0.1)
        assert pair.beta > 0
        assert pair.snr == pytest.approx(pair.corr**2 / (1 - pair.corr**2))


def test_unplanted_pairs_show_no_comparable_lagged_correlation(market: SyntheticMarket) -> None:
    # Regime volatility is shared by every symbol, which fattens the null distribution of
    # raw-return correlations; standardizing by trailing volatility is the honest statistic.
    planted = {(p.leader, p.follower) for p in market.truth.lead_lag}
    returns = {s: standardized(log_returns(f)) for s, f in market.frames.items()}
    weakest = min(
        lagged_corr(returns[p.leader], returns[p.follower], p.lag_bars)
        for p in market.truth.lead_lag
    )
    assert weakest > 0.3
    strongest_unplanted = 0.0
    for group in market.truth.groups:
        for a in group.symbols:
            for b in group.symbols:
                if a == b or (a, b) in planted:
                    continue
                for lag in range(1, 6):
                    c = abs(lagged_corr(returns[a], returns[b], lag))
                    strongest_unplanted = max(strongest_unplanted, c)
    assert strongest_unplanted < weakest / 3


def test_correlation_breaks_change_rolling_correlation_at_the_planted_bar(
    market: SyntheticMarket,
) -> None:
    breaks = market.truth.breaks
    assert [b.kind for b in breaks] == ["sign_flip", "decouple"]
    for brk in breaks:
        frame = market.frames[brk.symbol]
        assert frame["timestamp"].iloc[brk.bar] == pd.Timestamp(brk.time)
        sym = log_returns(frame)
        factor = log_returns(market.frames[brk.factor_symbol])
        cut, window = brk.bar - 1, 300  # return index of the break bar
        before = np.corrcoef(sym[cut - window : cut], factor[cut - window : cut])[0, 1]
        after = np.corrcoef(sym[cut : cut + window], factor[cut : cut + window])[0, 1]
        assert before == pytest.approx(brk.corr_before, abs=0.15), brk
        assert after == pytest.approx(brk.corr_after, abs=0.2), brk
        assert abs(before - after) > 0.4
    flip = breaks[0]
    assert np.sign(flip.corr_before) != np.sign(flip.corr_after)


def test_regime_truth_covers_every_master_bar_exactly_once(market: SyntheticMarket) -> None:
    regimes = market.truth.regimes
    assert regimes[0].start_bar == 0
    assert regimes[-1].end_bar == DAILY.n_bars - 1
    for left, right in itertools.pairwise(regimes):
        assert right.start_bar == left.end_bar + 1
        assert right.start_time == left.end_time
        assert right.label != left.label
    covered = np.concatenate([np.arange(r.start_bar, r.end_bar + 1) for r in regimes])
    assert np.array_equal(covered, np.arange(DAILY.n_bars))
    assert {r.label for r in regimes} == set(REGIME_LABELS)
    labels = market.truth.regime_at(market.frames["SYN-CRY-0001"]["timestamp"])
    assert (labels != "").all()
    outside = [market.truth.start_time - pd.Timedelta("1s"), market.truth.end_time]
    assert list(market.truth.regime_at(outside)) == ["", ""]
    first = regimes[0]
    assert (labels[: first.end_bar + 1] == first.label).all()


def test_crisis_realized_volatility_exceeds_bull_for_every_class(market: SyntheticMarket) -> None:
    for symbol, frame in market.frames.items():
        labels = market.truth.regime_at(frame["timestamp"])[1:]
        returns = log_returns(frame)
        vol = {label: returns[labels == label].std() for label in REGIME_LABELS}
        assert vol["crisis"] > 1.8 * vol["bull"], (symbol, vol)
        assert vol["crisis"] > vol["bear"] > vol["bull"], (symbol, vol)


def test_returns_show_garch_volatility_clustering(market: SyntheticMarket) -> None:
    returns = synthetic_returns(DAILY, ["SYN-CRY-0002"])["SYN-CRY-0002"]
    assert np.allclose(returns[1:], log_returns(market.frames["SYN-CRY-0002"]))
    labels = market.truth.regime_at(market.frames["SYN-CRY-0002"]["timestamp"])
    bull = returns[labels == "bull"]
    squared = np.square(bull - bull.mean())
    assert np.corrcoef(squared[1:], squared[:-1])[0, 1] > 0.05


# -- truth file and spec ---------------------------------------------------------------


def test_truth_round_trips_through_json(market: SyntheticMarket, tmp_path: Path) -> None:
    path = save_truth(market.truth, tmp_path / "t" / "truth.json")
    data = json.loads(path.read_text())
    assert data["lead_lag"][0]["lag_bars"] == market.truth.lead_lag[0].lag_bars
    assert data["regimes"][0]["start_time"].endswith("+00:00")
    assert load_truth(path) == market.truth


def test_load_truth_names_the_file_when_it_is_not_a_truth(tmp_path: Path) -> None:
    path = tmp_path / "truth.json"
    path.write_text('{"format": "other"}')
    with pytest.raises(DataError, match=r"truth.json.*expected format"):
        load_truth(path)


def test_explicit_planted_counts_that_do_not_fit_are_rejected() -> None:
    with pytest.raises(SyntheticSpecError, match="n_lead_lag_pairs 5: only 1 fit"):
        generate(SyntheticSpec(n_symbols=6, n_bars=500, timeframe="1d", n_lead_lag_pairs=5))


def test_default_planted_counts_shrink_to_fit_a_tiny_universe() -> None:
    truth = generate(SyntheticSpec(n_symbols=3, n_bars=200, timeframe="1d")).truth
    assert [s.market for s in truth.symbols] == ["crypto", "forex", "equities"]
    assert truth.lead_lag == ()
    assert truth.breaks == ()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"timeframe": "1w"}, "invalid synthetic timeframe 1w"),
        ({"timeframe": "7m"}, "invalid synthetic timeframe 7m"),
        ({"n_bars": 5}, "invalid synthetic n_bars 5"),
        ({"name": "my-set"}, "invalid synthetic name 'my-set'"),
        ({"garch_alpha": 0.2, "garch_beta": 0.85}, "alpha \\+ beta < 1"),
        ({"lag_range_bars": (3, 2)}, "invalid synthetic lag_range_bars"),
        ({"n_bars": 100_000, "timeframe": "1d"}, "invalid synthetic span"),
    ],
)
def test_invalid_specs_are_rejected_with_the_field_named(
    kwargs: dict[str, object], message: str
) -> None:
    with pytest.raises(SyntheticSpecError, match=message):
        SyntheticSpec(**kwargs)  # type: ignore[arg-type]


def test_span_outside_exchange_calendar_coverage_is_a_clear_error() -> None:
    with pytest.raises(SyntheticSpecError, match="calendar XNYS"):
        generate(SyntheticSpec(n_symbols=10, n_bars=20, timeframe="1d", start="2060-01-01"))


def test_spec_round_trips_through_its_dict_form() -> None:
    spec = SyntheticSpec(n_symbols=12, n_bars=400, timeframe="4h", seed=3, start="2021-03-01T05:00")
    assert spec.start_time.isoformat() == "2021-03-01T04:00:00+00:00"  # floored to 4h bars
    assert SyntheticSpec.from_dict(spec.to_dict()) == spec


# -- catalog ---------------------------------------------------------------------------


def test_write_to_catalog_then_load_back_equals_generated(tmp_path: Path) -> None:
    spec = SyntheticSpec(n_symbols=9, n_bars=24 * 20, timeframe="1h", seed=5, name="cat")
    expected = generate(spec)
    catalog = Catalog(tmp_path, include_bundled=False)
    calls: list[tuple[int, int]] = []
    truth = write_to_catalog(
        spec, catalog, batch_size=4, progress=lambda d, t: calls.append((d, t))
    )
    assert truth == expected.truth
    assert calls == [(4, 9), (8, 9), (9, 9)]
    assert load_truth(truth_path(tmp_path, "cat")) == truth
    assert truth_path(tmp_path, "cat") == tmp_path / "_synthetic" / "cat" / "truth.json"
    loaded = catalog.load_many(list(expected.frames), timeframe="1h")
    for symbol, frame in expected.frames.items():
        pd.testing.assert_frame_equal(loaded[symbol], frame, check_exact=True)
    entry = catalog.entry("CAT-EQ-0001")
    assert (entry.market, entry.calendar, entry.fields) == (
        MarketClass.EQUITIES,
        "XNYS",
        ("open", "high", "low", "close", "volume"),
    )
    assert catalog.entry("CAT-VOL-0001").quote_type is QuoteType.INDEX_LEVEL


def test_validating_ingest_accepts_every_generated_row_and_agrees_on_close_times(
    tmp_path: Path,
) -> None:
    spec = SyntheticSpec(n_symbols=8, n_bars=24 * 15, timeframe="1h", seed=9)
    expected = generate(spec)
    catalog = Catalog(tmp_path, include_bundled=False)
    write_to_catalog(spec, catalog, validate=True)
    assert not (tmp_path / "_quarantine").exists()
    loaded = catalog.load_many(list(expected.frames), timeframe="1h")
    for symbol, frame in expected.frames.items():
        pd.testing.assert_frame_equal(loaded[symbol], frame, check_exact=True)


# -- command line ----------------------------------------------------------------------


def _synth_app() -> typer.Typer:
    app = typer.Typer()
    app.command()(synth_command)
    return app


def test_synth_command_writes_catalog_and_prints_the_planted_truth(tmp_path: Path) -> None:
    args = ["--symbols", "12", "--bars", "300", "--timeframe", "1d", "--seed", "3"]
    result = CliRunner().invoke(_synth_app(), [*args, "--name", "demo", "--catalog", str(tmp_path)])
    assert result.exit_code == 0, result.output
    truth = load_truth(truth_path(tmp_path, "demo"))
    assert truth.spec.seed == 3
    assert len(truth.symbols) == 12
    for text in ("Lead-lag pairs (1)", "Correlation breaks (1;", "Regimes", "XNYS", "truth:"):
        assert text in result.output
    assert truth.lead_lag[0].follower in result.output
    assert len(Catalog(tmp_path, include_bundled=False).entries()) == 12


def test_synth_command_rejects_an_impossible_spec_with_a_tradewind_error(tmp_path: Path) -> None:
    args = ["--symbols", "4", "--bars", "100", "--pairs", "9", "--catalog", str(tmp_path)]
    result = CliRunner().invoke(_synth_app(), args)
    assert isinstance(result.exception, SyntheticSpecError)
    assert "n_lead_lag_pairs 9" in str(result.exception)
