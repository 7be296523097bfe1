"""Market conditions from bars: definitions, regime rules, causality, panel speed."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from tradewind.data.catalog import Catalog
from tradewind.domain.regimes import MarketConditions, MarketRegime, VolatilityState
from tradewind.intelligence.conditions import (
    CONDITION_COLUMNS,
    NEUTRAL_LIQUIDITY,
    conditions_for_panel,
    conditions_frame,
    market_conditions,
    periods_per_year_for,
)
from tradewind.intelligence.returns import IntelligenceInputError


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog()


def _bars(
    returns: np.ndarray, start_price: float = 100.0, volume: float | None = 1e6
) -> pd.DataFrame:
    close = start_price * np.exp(np.cumsum(returns))
    stamps = pd.date_range("2020-01-01", periods=len(close), freq="D", tz="UTC")
    return pd.DataFrame(
        {
            "timestamp": stamps,
            "close_time": stamps + pd.Timedelta(days=1),
            "open": close,
            "high": close,
            "low": close,
            "close": close,
            "volume": np.full(len(close), np.nan if volume is None else volume),
        }
    )


def _zigzag(bars: int, size: float) -> np.ndarray:
    """+size, -size, ...: zero drift, no trend, exactly known volatility."""
    return np.where(np.arange(bars) % 2 == 0, size, -size)


def test_steady_uptrend_is_bull_trending() -> None:
    last = market_conditions(_bars(0.003 + _zigzag(300, 0.004)), periods_per_year=252)
    assert last.regime is MarketRegime.BULL_TRENDING
    assert last.volatility_state is VolatilityState.NORMAL
    assert last.trend_strength > 0.9
    assert last.momentum_score > 0.5


def test_steady_downtrend_is_bear_trending() -> None:
    last = market_conditions(_bars(-0.003 + _zigzag(300, 0.004)), periods_per_year=252)
    assert last.regime is MarketRegime.BEAR_TRENDING
    assert last.trend_strength > 0.9
    assert last.momentum_score < -0.5


def test_noisy_uptrend_is_bull_trending() -> None:
    rng = np.random.default_rng(1)
    last = market_conditions(_bars(0.003 + 0.004 * rng.standard_normal(300)), 252)
    assert last.regime is MarketRegime.BULL_TRENDING


def test_crash_with_exploding_volatility_is_crisis() -> None:
    rng = np.random.default_rng(3)
    calm = 0.0003 + 0.008 * rng.standard_normal(250)
    crash = -0.03 + 0.05 * rng.standard_normal(25)
    last = market_conditions(_bars(np.concatenate([calm, crash])), periods_per_year=252)
    assert last.volatility_state is VolatilityState.EXTREME
    assert last.regime is MarketRegime.CRISIS


def test_higher_volatility_without_a_selloff_is_volatile_not_crisis() -> None:
    # Normal vol = median of a long calm history; the last 20 returns are 1.6x larger.
    returns = np.concatenate([_zigzag(300, 0.01), _zigzag(20, 0.016)])
    frame = conditions_frame(_bars(returns), periods_per_year=252)
    last = frame.iloc[-1]
    assert last["volatility_pct"] / last["normal_volatility_pct"] == pytest.approx(1.6, rel=1e-6)
    assert last["volatility_state"] == VolatilityState.HIGH
    assert last["regime"] == MarketRegime.VOLATILE


def test_choppy_market_without_trend_is_ranging() -> None:
    last = market_conditions(_bars(_zigzag(300, 0.01)), periods_per_year=252)
    assert last.regime is MarketRegime.RANGING
    assert last.trend_strength < 0.05
    assert abs(last.momentum_score) < 0.2


@pytest.mark.parametrize(
    ("ratio", "state"),
    [
        (0.4, VolatilityState.VERY_LOW),
        (0.6, VolatilityState.LOW),
        (1.0, VolatilityState.NORMAL),
        (1.5, VolatilityState.HIGH),
        (2.5, VolatilityState.EXTREME),
    ],
)
def test_volatility_state_follows_the_ratio_to_normal_volatility(
    ratio: float, state: VolatilityState
) -> None:
    normal_pct = 20.0
    # A zigzag of size a over 20 returns has sample std a * sqrt(20 / 19).
    size = ratio * normal_pct / 100.0 / math.sqrt(252) / math.sqrt(20 / 19)
    frame = conditions_frame(_bars(_zigzag(80, size)), 252, normal_volatility_pct=normal_pct)
    assert frame["volatility_pct"].iloc[-1] == pytest.approx(ratio * normal_pct, rel=1e-9)
    assert frame["volatility_state"].iloc[-1] == state


def test_conditions_at_a_bar_ignore_every_later_bar(catalog: Catalog) -> None:
    bars = catalog.load_bars("SPX", timeframe="1d")
    full = conditions_frame(bars, 252)
    cut = 2400
    early = conditions_frame(bars.iloc[: cut + 1], 252)
    numeric = [c for c in CONDITION_COLUMNS if c not in ("volatility_state", "regime")]
    pd.testing.assert_frame_equal(early[numeric], full[numeric].iloc[: cut + 1], rtol=1e-9)
    for column in ("regime", "volatility_state"):
        pd.testing.assert_series_equal(early[column], full[column].iloc[: cut + 1])
    assert early["regime"].notna().sum() > 2000


def test_multiplying_prices_by_1000_leaves_conditions_unchanged(catalog: Catalog) -> None:
    bars = catalog.load_bars("BTC-USD", timeframe="1d")
    scaled = bars.assign(close=bars["close"] * 1000.0)
    a, b = conditions_frame(bars, 365), conditions_frame(scaled, 365)
    pd.testing.assert_frame_equal(a, b, rtol=1e-9)


def test_spx_in_october_2008_is_in_crisis(catalog: Catalog) -> None:
    frame = conditions_frame(catalog.load_bars("SPX", timeframe="1d"), 252)
    october = frame.loc["2008-10-01":"2008-10-31", "regime"]
    assert (october == MarketRegime.CRISIS).mean() > 0.8
    calm_2017 = frame.loc["2017-01-01":"2017-12-31", "regime"]
    assert (calm_2017 == MarketRegime.CRISIS).sum() == 0


def test_series_without_volume_gets_neutral_liquidity_flagged_unknown(catalog: Catalog) -> None:
    bars = catalog.load_bars("MSFT", timeframe="1d")
    assert bars["volume"].isna().all()
    frame = conditions_frame(bars, 252)
    assert (frame["liquidity_score"] == NEUTRAL_LIQUIDITY).all()
    assert not frame["liquidity_known"].any()


def test_volume_dry_up_lowers_liquidity(catalog: Catalog) -> None:
    bars = catalog.load_bars("SPX", timeframe="1d")
    usual = conditions_frame(bars, 252).iloc[-1]
    thin = bars.copy()
    median = thin["volume"].iloc[-55:-5].median()
    thin.loc[thin.index[-5:], "volume"] = 0.3 * median
    dry = conditions_frame(thin, 252).iloc[-1]
    assert bool(dry["liquidity_known"])
    assert dry["liquidity_score"] == pytest.approx(0.3, rel=1e-9)
    assert usual["liquidity_score"] > 0.6


def test_market_conditions_is_the_last_row_as_a_domain_object(catalog: Catalog) -> None:
    bars = catalog.load_bars("TLT", timeframe="1d")
    last = market_conditions(bars, 252, market="TLT")
    row = conditions_frame(bars, 252).iloc[-1]
    assert isinstance(last, MarketConditions)
    assert last.market == "TLT"
    assert last.volatility_pct == pytest.approx(row["volatility_pct"])
    assert last.normal_volatility_pct == pytest.approx(row["normal_volatility_pct"])
    assert last.regime == row["regime"]


def test_too_short_history_raises_a_clear_error() -> None:
    with pytest.raises(IntelligenceInputError, match="too few"):
        market_conditions(_bars(_zigzag(30, 0.01)), 252, market="XYZ")


@pytest.mark.parametrize(
    "bad",
    [
        {"periods_per_year": 0.0},
        {"normal_volatility_pct": -1.0},
        {"vol_window": 1},
    ],
)
def test_bad_parameters_are_rejected(bad: dict[str, float]) -> None:
    kwargs: dict[str, float] = {"periods_per_year": 252.0, **bad}
    with pytest.raises(IntelligenceInputError):
        conditions_frame(_bars(_zigzag(100, 0.01)), **kwargs)  # type: ignore[arg-type]


def test_non_positive_close_is_rejected() -> None:
    bars = _bars(_zigzag(100, 0.01))
    bars.loc[10, "close"] = 0.0
    with pytest.raises(IntelligenceInputError, match="positive closes"):
        conditions_frame(bars, 252)


def test_panel_equals_each_symbols_own_conditions(catalog: Catalog) -> None:
    symbols = {"SPX": 252, "BTC-USD": 252, "TLT": 252, "WTI": 252}
    frames = {s: catalog.load_bars(s, timeframe="1d") for s in symbols}
    closes = pd.DataFrame({s: f.set_index("timestamp")["close"] for s, f in frames.items()})
    volumes = pd.DataFrame({s: f.set_index("timestamp")["volume"] for s, f in frames.items()})
    panel = conditions_for_panel(closes, volumes, 252)
    for symbol, frame in frames.items():
        own = conditions_frame(frame, 252).iloc[-1]
        row = panel.loc[symbol]
        assert row["timestamp"] == frame["timestamp"].iloc[-1]
        for column in (
            "volatility_pct",
            "normal_volatility_pct",
            "trend_strength",
            "momentum_score",
            "liquidity_score",
            "drawdown_pct",
        ):
            assert row[column] == pytest.approx(own[column], rel=1e-9), (symbol, column)
        assert row["regime"] == own["regime"]
        assert row["volatility_state"] == own["volatility_state"]
        assert bool(row["liquidity_known"]) == bool(own["liquidity_known"])


def test_panel_symbol_with_too_little_history_has_no_regime() -> None:
    index = pd.date_range("2020-01-01", periods=200, freq="D", tz="UTC")
    closes = pd.DataFrame(
        {"LONG": 100 * np.exp(np.cumsum(_zigzag(200, 0.01))), "SHORT": np.nan}, index=index
    )
    closes.iloc[-10:, 1] = 50.0 + np.arange(10)
    panel = conditions_for_panel(closes, None, 252)
    assert panel["regime"].isna().to_dict() == {"LONG": False, "SHORT": True}
    assert panel.loc["LONG", "regime"] == MarketRegime.RANGING


def test_panel_of_1000_symbols_gives_a_regime_for_every_symbol() -> None:
    # Speed is measured in bench/intel_bench.py, not here.
    rng = np.random.default_rng(0)
    returns = rng.standard_normal((2000, 1000)) * 0.01
    index = pd.date_range("2015-01-01", periods=2000, freq="D", tz="UTC")
    columns = [f"S{i:04d}" for i in range(1000)]
    closes = pd.DataFrame(100 * np.exp(np.cumsum(returns, axis=0)), index=index, columns=columns)
    volumes = pd.DataFrame(rng.lognormal(10, 0.5, (2000, 1000)), index=index, columns=columns)
    panel = conditions_for_panel(closes, volumes, 252)
    assert len(panel) == 1000
    assert panel["regime"].notna().all()


@pytest.mark.parametrize(
    ("seconds", "calendar", "expected"),
    [
        (86_400, "24/7", 365.0),
        (86_400, "XNYS", 252.0),
        (3_600, "24/7", 365.0 * 24),
        (3_600, "FX", 252.0 * 24),
        (3_600, "XNYS", 252.0 * 6.5),
        (604_800, "XNYS", 365.0 / 7),
    ],
)
def test_periods_per_year_by_timeframe_and_calendar(
    seconds: int, calendar: str, expected: float
) -> None:
    assert periods_per_year_for(seconds, calendar) == pytest.approx(expected)
