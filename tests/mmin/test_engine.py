"""MMINEngine over the bundled real data: what each intelligence level produces."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from tradewind.config import IntelligenceLevel, MMINConfig, load_config
from tradewind.data.catalog import Catalog
from tradewind.domain.regimes import MacroRegime
from tradewind.mmin.engine import MMINEngine, MMINError
from tradewind.mmin.report import write_analysis_report
from tradewind.research.evaluation.serialize import result_to_json

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "backtest.yaml"


@pytest.fixture(scope="module")
def catalog(tmp_path_factory):
    return Catalog(tmp_path_factory.mktemp("catalog"))


@pytest.fixture(scope="module")
def engine(catalog):
    return MMINEngine(catalog=catalog)


@pytest.fixture(scope="module")
def result(engine):
    return engine.analyze_markets("1d", 500)


def test_default_universe_spans_five_market_classes_on_one_timeline(result):
    assert f"{result.as_of:%Y-%m-%d}" == "2016-07-01"
    assert set(result.universe) == {"crypto", "equities", "commodities", "bonds", "volatility"}
    assert result.rows == 500


def test_correlations_have_the_signs_of_real_markets(result):
    corr = result.correlations.matrices[50]
    assert corr.at["SPY", "DIA"] > 0.9
    assert corr.at["SPY", "TLT"] < 0
    assert corr.at["TLT", "IEF"] > 0.8
    # Yields enter as bond-price proxies: rising yields move with falling bond prices.
    assert corr.at["TLT", "UST10Y"] > 0.8
    assert result.correlations.windows == [20, 50, 100, 200]
    assert 0.0 <= result.correlations.diversification <= 1.0


def test_clusters_separate_stocks_from_treasuries(result):
    labels = result.clusters.labels
    assert labels["SPY"] == labels["DIA"]
    assert labels["TLT"] == labels["IEF"]
    assert labels["SPY"] != labels["TLT"]


def test_macro_regime_is_a_distribution_over_the_six_regimes(result):
    macro = result.macro_regime
    assert set(macro["probabilities"]) == set(MacroRegime)
    assert math.isclose(sum(macro["probabilities"].values()), 1.0, rel_tol=1e-9)
    assert macro["regime"] == max(macro["probabilities"], key=macro["probabilities"].get)
    assert {"preferred_markets", "sizing_posture", "strategy_focus"} <= set(macro["implications"])
    assert len(result.macro_timeline) >= 20  # one walk-forward row per month


def test_signals_count_agreeing_markets_and_respect_the_mode(result):
    signals = result.signals
    assert signals
    for s in signals:
        assert 0 <= s.agreeing_markets <= len(result.universe) - 1
        assert s.confirmed  # cross_market_signals_required defaults to 0
        assert s.adjusted_confidence >= 0.4  # balanced mode


def test_conditions_and_allocation_cover_every_symbol_and_market(result):
    conditions = result.market_conditions
    assert len(conditions) == sum(len(s) for s in result.universe.values())
    allocation = result.capital_allocation
    assert set(allocation.weights_pct) == set(result.universe)
    assert sum(allocation.weights_pct.values()) + allocation.cash_pct == pytest.approx(100)


def test_requiring_confirmation_marks_lonely_signals_unconfirmed(catalog):
    strict = MMINEngine(
        config=MMINConfig(
            cross_market_signals_required=2, correlation_threshold=0.3, mode="aggressive"
        ),
        catalog=catalog,
    )
    signals = strict.analyze_markets("1d", 500).signals
    assert all(s.confirmed == (s.agreeing_markets >= 2) for s in signals)
    assert any(not s.confirmed for s in signals)


def test_basic_level_skips_lead_lag_and_macro(catalog):
    basic = MMINEngine(config=MMINConfig(intelligence_level="basic"), catalog=catalog)
    out = basic.analyze_markets("1d", 300)
    assert out.lead_lag == []
    assert out.macro_regime is None
    assert "lead_lag" not in out.timings_s


def test_god_mode_matches_patterns_but_unproven_routes_carry_no_weight(catalog):
    god = MMINEngine(
        config=MMINConfig(intelligence_level=IntelligenceLevel.GOD_MODE),
        catalog=catalog,
        measure_transfer_routes=False,
    )
    out = god.analyze_markets("1d", 400)
    assert out.patterns
    assert all(p.other_markets_weight == 0 for p in out.patterns)
    assert god.get_status()["learning_stats"]["patterns"] > 1000


def test_disabled_engine_refuses_to_analyse_until_enabled(catalog):
    engine = MMINEngine(catalog=catalog)
    engine.disable()
    with pytest.raises(MMINError, match="disabled"):
        engine.analyze_markets()
    assert engine.get_status()["enabled"] is False
    engine.enable()
    engine.analyze_markets("1d", 100)
    status = engine.get_status()
    assert status["analysis_count"] == 1
    assert status["intelligence_level"] == "advanced"
    assert status["data_quality"]["symbols"] >= 20


def test_config_universe_comes_from_the_enabled_markets(catalog):
    config = load_config(EXAMPLE, apply_env=False)
    out = MMINEngine(config=config, catalog=catalog).analyze_markets("1d", 250)
    assert out.universe["equities"] == ["SPY", "XLK", "XLF"]
    assert f"{out.as_of:%Y-%m}" == "2016-06"


def test_too_short_a_window_is_a_clear_error(engine):
    with pytest.raises(MMINError, match="at least 30 bars"):
        engine.analyze_markets("1d", 10)


def test_report_and_json_hold_every_section(result, tmp_path):
    path = write_analysis_report(tmp_path / "analyze.html", result)
    html = path.read_text()
    for anchor in (
        "heatmap",
        "clusters",
        "lead-lag",
        "regime",
        "conditions",
        "transfer",
        "signals",
        "allocation",
    ):
        assert f'id="{anchor}"' in html
    assert "SPY" in html
    payload = json.loads(json.dumps(result_to_json(result)))
    assert payload["macro_regime"]["regime"] in {r.value for r in MacroRegime}
