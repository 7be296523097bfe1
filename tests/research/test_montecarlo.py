"""Monte-Carlo resampling of a run: shuffle, trades with replacement, block bootstrap."""

from __future__ import annotations

import numpy as np
import pytest

from tradewind.research.montecarlo import (
    MethodResult,
    MetricSummary,
    MonteCarloError,
    MonteCarloInput,
    default_block_bars,
    run_montecarlo,
)
from tradewind.research.montecarlo_report import montecarlo_html

DAY_NS = 86_400 * 10**9


def _source(
    pnl: list[float] | np.ndarray | None = None, equity: np.ndarray | None = None
) -> MonteCarloInput:
    rng = np.random.default_rng(7)
    if equity is None:
        equity = 1000.0 * np.cumprod(1.0 + rng.normal(0.001, 0.01, 200))
    trades = rng.normal(5.0, 20.0, 40) if pnl is None else np.asarray(pnl, dtype=float)
    return MonteCarloInput(
        label="r1",
        initial_equity=1000.0,
        equity=equity,
        timestamps_ns=np.arange(len(equity), dtype=np.int64) * DAY_NS,
        trade_pnl=trades,
    )


def _method(result_methods: tuple[MethodResult, ...], name: str) -> MethodResult:
    return next(m for m in result_methods if m.method == name)


def _metric(method: MethodResult, name: str) -> MetricSummary:
    return next(s for s in method.metrics if s.name == name)


def test_shuffle_keeps_every_paths_final_equity_at_the_runs() -> None:
    source = _source()
    result = run_montecarlo(source, ("shuffle",), paths=500)
    final = _metric(result.methods[0], "final_equity")
    expected = 1000.0 + float(source.trade_pnl.sum())
    assert final.observed == pytest.approx(expected)
    for value in (final.p5, final.median, final.p95, final.ci_low, final.ci_high, final.mean):
        assert value == pytest.approx(expected, rel=1e-12)
    assert final.observed_percentile == pytest.approx(50.0)
    # the order still matters for the drawdown
    drawdown = _metric(result.methods[0], "max_drawdown_pct")
    assert drawdown.p95 > drawdown.p5


def test_trades_with_replacement_centre_on_the_observed_mean() -> None:
    source = _source()
    paths = 4000
    result = run_montecarlo(source, ("trades",), paths=paths, seed=3)
    final = _metric(result.methods[0], "final_equity")
    pnl = source.trade_pnl
    standard_error = pnl.std() * np.sqrt(len(pnl)) / np.sqrt(paths)
    assert abs(final.mean - final.observed) < 4 * standard_error
    assert final.ci_low < final.observed < final.ci_high


def test_constant_positive_returns_give_identical_block_paths_without_drawdown() -> None:
    equity = 1000.0 * 1.001 ** np.arange(1, 61)
    result = run_montecarlo(_source(equity=equity), ("blocks",), paths=200)
    blocks = result.methods[0]
    final = _metric(blocks, "final_equity")
    assert final.p5 == pytest.approx(final.p95) == pytest.approx(equity[-1])
    assert _metric(blocks, "max_drawdown_pct").p95 == pytest.approx(0.0)
    assert _metric(blocks, "time_under_water").p95 == 0.0
    assert final.p_loss == 0.0


def test_a_known_path_has_its_drawdown_and_time_under_water_by_hand() -> None:
    # 1000 -> 1100 -> 990 -> 1045 -> 1210: peak 1100, trough 990 (10% down), two trades below
    result = run_montecarlo(_source(pnl=[100.0, -110.0, 55.0, 165.0]), ("shuffle",), paths=100)
    shuffle = result.methods[0]
    assert _metric(shuffle, "max_drawdown_pct").observed == pytest.approx(10.0)
    assert _metric(shuffle, "time_under_water").observed == 2.0
    assert _metric(shuffle, "time_under_water").unit == "trades"


def test_block_time_under_water_counts_days_from_the_bar_spacing() -> None:
    equity = np.concatenate([np.full(10, 1100.0), np.full(5, 1000.0), np.full(20, 1200.0)])
    source = MonteCarloInput(
        label="r2", initial_equity=1000.0, equity=equity,
        timestamps_ns=np.arange(35, dtype=np.int64) * 2 * DAY_NS, trade_pnl=np.array([]),
    )  # fmt: skip
    blocks = run_montecarlo(source, paths=100).methods[0]
    assert blocks.method == "blocks"
    assert _metric(blocks, "time_under_water").observed == 10.0  # 5 bars of 2 days
    assert _metric(blocks, "time_under_water").unit == "days"


def test_intervals_are_ordered_around_the_median() -> None:
    result = run_montecarlo(_source(), paths=300)
    assert [m.method for m in result.methods] == ["shuffle", "trades", "blocks"]
    for method in result.methods:
        for s in method.metrics:
            assert s.ci_low <= s.median <= s.ci_high
            assert s.p5 <= s.p25 <= s.median <= s.p75 <= s.p95
            assert sum(s.bin_counts) == 300


def test_the_same_seed_repeats_and_another_seed_differs() -> None:
    source = _source()
    first = run_montecarlo(source, paths=200, seed=1)
    assert run_montecarlo(source, paths=200, seed=1) == first
    assert run_montecarlo(source, paths=200, seed=2) != first


def test_chunking_does_not_change_the_result() -> None:
    source = _source()
    whole = run_montecarlo(source, paths=1000, seed=5, chunk_paths=1000)
    assert run_montecarlo(source, paths=1000, seed=5, chunk_paths=100) == whole
    assert run_montecarlo(source, paths=1000, seed=5, chunk_paths=300) == whole


def test_fan_bands_are_ordered_and_start_at_the_initial_equity() -> None:
    trades = _method(run_montecarlo(_source(), paths=200).methods, "trades")
    assert trades.fan_steps[0] == 0
    assert trades.fan_steps[-1] == 40
    assert all(band[0] == pytest.approx(1000.0) for band in trades.fan)
    for lower, upper in zip(trades.fan, trades.fan[1:], strict=False):
        assert all(a <= b + 1e-9 for a, b in zip(lower, upper, strict=True))


def test_default_block_length_is_the_cube_root_at_least_two() -> None:
    assert default_block_bars(1000) == 10
    assert default_block_bars(5) == 2
    assert run_montecarlo(_source(), ("blocks",), paths=100).block_bars == 6  # 200 returns


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"paths": 99}, "paths 99: expected 100..1,000,000"),
        ({"paths": 1_000_001}, "paths 1000001"),
        ({"confidence": 0.5}, "confidence 0.5: expected a fraction in (0.5, 1)"),
        ({"confidence": 1.0}, "confidence 1.0"),
        ({"block_bars": 0}, "block_bars 0: expected at least 1"),
        ({"methods": ("dice",)}, "method 'dice': expected one of shuffle, trades, blocks"),
    ],
)
def test_bad_options_are_refused_naming_the_field(options: dict[str, object], message: str) -> None:
    methods = options.pop("methods", None)
    with pytest.raises(MonteCarloError) as raised:
        run_montecarlo(_source(), methods, **options)  # type: ignore[arg-type]
    assert message in str(raised.value)


def test_one_trade_refuses_the_trade_bootstrap_and_points_to_blocks() -> None:
    with pytest.raises(MonteCarloError) as raised:
        run_montecarlo(_source(pnl=[5.0]), ("shuffle",), paths=100)
    assert str(raised.value) == (
        "run r1 has 1 closed trade: the trade bootstrap needs at least 2; use --method blocks"
    )
    only_blocks = run_montecarlo(_source(pnl=[5.0]), paths=100)
    assert [m.method for m in only_blocks.methods] == ["blocks"]


def test_fewer_than_30_bars_refuse_the_block_bootstrap() -> None:
    with pytest.raises(MonteCarloError, match="29 equity bars: the block bootstrap needs"):
        run_montecarlo(_source(equity=np.full(29, 1000.0)), ("blocks",), paths=100)


def test_the_report_has_a_histogram_per_metric_and_a_fan_chart_per_method() -> None:
    result = run_montecarlo(_source(), paths=200)
    page = montecarlo_html(result, title="MC <r1>")
    assert page.count("<svg") == 3 * 5
    assert page.count("aria-label='fan chart'") == 3
    assert page.count("aria-label='histogram max_drawdown_pct'") == 3
    assert "MC &lt;r1&gt;" in page
    assert "<script" not in page
