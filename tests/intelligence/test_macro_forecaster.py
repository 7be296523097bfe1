"""MacroRegimeForecaster on real bundled data: output contract, walk-forward honesty."""

from __future__ import annotations

import math
from functools import cache
from typing import Any

import numpy as np
import pandas as pd
import pytest

from tradewind.data.catalog import Catalog
from tradewind.data.macro import load_fred_monthly, recession_months
from tradewind.domain.market import MarketClass, QuoteType
from tradewind.domain.regimes import MacroRegime
from tradewind.intelligence.macro import (
    REGIME_IMPLICATIONS,
    MacroRegimeForecaster,
    implications_for,
)
from tradewind.intelligence.returns import IntelligenceInputError

SYMBOLS = ("MSFT", "JPM", "XOM", "UST10Y", "UST3M", "WTI")


@cache
def _bundle() -> tuple[pd.DataFrame, dict[str, MarketClass], dict[str, QuoteType]]:
    catalog = Catalog()
    frames = catalog.load_many(SYMBOLS, timeframe="1d")
    closes = pd.DataFrame({s: f.set_index("timestamp")["close"] for s, f in frames.items()})
    entries = [catalog.entry(s, timeframe="1d") for s in SYMBOLS]
    classes = {e.symbol: e.market for e in entries}
    return closes.sort_index(), classes, {e.symbol: e.quote_type for e in entries}


@cache
def _fred() -> pd.DataFrame:
    return load_fred_monthly()


@cache
def _labels() -> pd.Series:
    return recession_months("1854-12", "2022-09")


def _forecaster(
    macro: pd.DataFrame | None = None, labels: pd.Series | None = None, **kwargs: Any
) -> MacroRegimeForecaster:
    _, classes, types = _bundle()
    return MacroRegimeForecaster(
        _fred() if macro is None else macro,
        classes,
        recession_labels=_labels() if labels is None else labels,
        quote_types=types,
        yield_unit="fraction",
        **kwargs,
    )


def test_forecast_has_the_documented_shape() -> None:
    closes, _, _ = _bundle()

    result = _forecaster().forecast_regime(closes, as_of="2005-06-30")

    assert isinstance(result["regime"], MacroRegime)
    assert set(result["probabilities"]) == set(MacroRegime)
    assert math.fsum(result["probabilities"].values()) == pytest.approx(1.0, abs=1e-12)
    assert all(0.0 <= p <= 1.0 for p in result["probabilities"].values())
    assert result["confidence"] == max(result["probabilities"].values())
    assert result["regime"] is max(result["probabilities"], key=result["probabilities"].get)
    assert result["horizon"] == "3M"
    assert result["as_of"] == pd.Timestamp("2005-06-30", tz="UTC")
    assert result["implications"] == implications_for(result["regime"]).as_dict()
    assert {"term_spread_pp", "sahm_gap_pp", "equity_drawdown_pct"} <= set(result["drivers"])
    assert result["recession_model"]["fitted"] is True


def test_recession_is_called_in_the_great_recession_and_not_in_a_calm_year() -> None:
    closes, _, _ = _bundle()
    forecaster = _forecaster()

    crisis = forecaster.forecast_regime(closes, as_of="2008-12-31")
    calm = forecaster.forecast_regime(closes, as_of="2017-06-30")

    assert crisis["regime"] is MacroRegime.RECESSION
    assert crisis["probabilities"][MacroRegime.RECESSION] > 0.7
    assert calm["probabilities"][MacroRegime.RECESSION] < 0.2
    assert calm["regime"] is not MacroRegime.RECESSION


def test_data_after_the_decision_instant_cannot_change_the_forecast() -> None:
    closes, _, _ = _bundle()
    as_of = pd.Timestamp("2007-06-29", tz="UTC")
    base = _forecaster().forecast_regime(closes, as_of=as_of)

    # June's FRED values are published in July, so they are not usable in June either.
    macro = _fred().copy()
    macro.loc[macro.index >= "2007-06-01"] *= 3.0
    labels = _labels().copy()
    labels[labels.index > "2006-06-01"] = True
    later = closes.copy()
    later.loc[later.index > as_of] *= 0.2
    tampered = _forecaster(macro, labels).forecast_regime(later, as_of=as_of)

    for regime in MacroRegime:
        assert tampered["probabilities"][regime] == pytest.approx(
            base["probabilities"][regime], abs=1e-12
        )
    assert tampered["drivers"] == base["drivers"]


def test_data_before_the_decision_instant_does_change_it() -> None:
    closes, _, _ = _bundle()
    as_of = pd.Timestamp("2007-06-29", tz="UTC")
    base = _forecaster().forecast_regime(closes, as_of=as_of)
    macro = _fred().copy()
    may = pd.Timestamp("2007-05-01", tz="UTC")  # May is published in June: usable
    macro["UNRATE"] = macro["UNRATE"].where(macro.index != may, macro["UNRATE"] + 2.0)

    changed = _forecaster(macro).forecast_regime(closes, as_of=as_of)

    assert changed["probabilities"][MacroRegime.RECESSION] != pytest.approx(
        base["probabilities"][MacroRegime.RECESSION], abs=1e-6
    )


def test_path_rows_equal_single_forecasts_at_month_end() -> None:
    closes, _, _ = _bundle()
    forecaster = _forecaster()

    path = forecaster.forecast_path(closes, "2008-08", "2008-10")
    single = forecaster.forecast_regime(closes, as_of=path["as_of"].iloc[-1])

    assert list(pd.DatetimeIndex(path.index).strftime("%Y-%m")) == ["2008-08", "2008-09", "2008-10"]
    assert path["as_of"].iloc[-1] == pd.Timestamp("2008-10-31", tz="UTC")
    for regime in MacroRegime:
        assert path[f"p_{regime.value}"].iloc[-1] == pytest.approx(
            single["probabilities"][regime], abs=1e-12
        )
    sums = path[[f"p_{r.value}" for r in MacroRegime]].sum(axis=1).to_numpy()
    np.testing.assert_allclose(sums, 1.0, atol=1e-12)


def test_transitions_follow_the_forecast_history() -> None:
    closes, _, _ = _bundle()
    forecaster = _forecaster()
    path = forecaster.forecast_path(closes, "2006-01", "2010-12")

    transitions = forecaster.get_regime_transitions()

    expected = int((path["regime"] != path["regime"].shift()).iloc[1:].sum())
    assert len(transitions) == expected > 0
    assert any(t["to"] is MacroRegime.RECESSION for t in transitions)
    for t in transitions:
        assert t["from"] is not t["to"]
        row = path[path["as_of"] == t["at"]].iloc[0]
        assert row["regime"] == t["to"].value
        assert t["probability"] == pytest.approx(row[f"p_{t['to'].value}"])
    recent = forecaster.get_regime_transitions(lookback=12)
    assert all(t["at"] >= pd.Timestamp("2009-12-31", tz="UTC") for t in recent)
    assert len(recent) < len(transitions)


def test_every_regime_has_implications() -> None:
    assert set(REGIME_IMPLICATIONS) == set(MacroRegime)
    for regime, entry in REGIME_IMPLICATIONS.items():
        assert entry.preferred_markets, regime
        assert all(isinstance(m, MarketClass) for m in entry.preferred_markets)
        assert 0.0 < entry.size_multiplier <= 1.0
        assert entry.sizing_posture
        assert entry.strategy_focus
        assert entry.leverage_guidance
    defensive = REGIME_IMPLICATIONS[MacroRegime.RECESSION]
    assert defensive.size_multiplier < REGIME_IMPLICATIONS[MacroRegime.RISK_ON].size_multiplier
    assert defensive.max_leverage < REGIME_IMPLICATIONS[MacroRegime.RISK_ON].max_leverage


def test_without_the_curve_series_the_model_uses_what_remains() -> None:
    closes, _, _ = _bundle()
    macro = _fred().drop(columns=["GS10", "TB3MS"])

    result = _forecaster(macro).forecast_regime(closes, as_of="2009-03-31")

    used = result["recession_model"]["features"]
    assert result["recession_model"]["fitted"] is True
    assert "term_spread_pp" not in used
    assert "sahm_gap_pp" in used
    assert math.fsum(result["probabilities"].values()) == pytest.approx(1.0)


def test_without_labels_recession_is_scored_and_flagged_uncalibrated() -> None:
    closes, classes, types = _bundle()
    forecaster = MacroRegimeForecaster(_fred(), classes, quote_types=types, yield_unit="fraction")

    result = forecaster.forecast_regime(closes, as_of="2009-03-31")

    assert result["recession_model"]["fitted"] is False
    assert "no recession labels" in result["recession_model"]["reason"]
    assert result["probabilities"][MacroRegime.RECESSION] > 0.0
    assert math.fsum(result["probabilities"].values()) == pytest.approx(1.0)


def test_market_data_alone_still_gives_a_forecast() -> None:
    closes, classes, types = _bundle()
    forecaster = MacroRegimeForecaster(classes=classes, quote_types=types, yield_unit="fraction")

    result = forecaster.forecast_regime(closes, as_of="2008-11-28")

    assert result["regime"] in {MacroRegime.RISK_OFF, MacroRegime.RECESSION}
    assert "equity_drawdown_pct" in result["drivers"]


def test_nothing_usable_names_what_is_missing() -> None:
    macro = _fred()[["M2SL"]]
    closes = _bundle()[0][["MSFT"]]
    forecaster = MacroRegimeForecaster(macro, classes={})

    with pytest.raises(IntelligenceInputError) as caught:
        forecaster.forecast_regime(closes, as_of="2005-06-30")

    message = str(caught.value)
    assert "2005-06" in message
    assert "GS10" in message
    assert "UNRATE" in message
    assert "market symbols with a class: none" in message


def test_empty_market_data_without_as_of_is_rejected() -> None:
    with pytest.raises(IntelligenceInputError, match="as_of"):
        _forecaster().forecast_regime(pd.DataFrame(index=pd.DatetimeIndex([], tz="UTC")))
