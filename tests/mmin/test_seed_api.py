"""The source documents' API shapes: `from tradewind.mmin import MMINEngine`, a plain
dict as config, `get_status()` keys, build constants and lower-case enum values."""

from __future__ import annotations

import re

import pytest

from tradewind.data.catalog import Catalog

UNIVERSE = {"equities": ["SPY", "DIA"], "bonds": ["TLT", "IEF"], "crypto": ["BTC-USD"]}
DOCUMENT_STATUS_KEYS = {
    "enabled",
    "intelligence_level",
    "mode",
    "analysis_count",
    "last_analysis",
    "last_analysis_time",
    "current_regime",
    "capital_allocation",
    "active_signals",
    "markets",
    "learning_stats",
    "performance",
}


@pytest.fixture(scope="module")
def catalog(tmp_path_factory):
    return Catalog(tmp_path_factory.mktemp("catalog"))


def test_the_engine_is_importable_from_the_package_and_takes_a_plain_dict():
    from tradewind.mmin import IntelligenceLevel, MMINEngine, MMINMode

    engine = MMINEngine(
        config={
            "mode": "Aggressive",
            "intelligence_level": "basic",
            "cross_market_signals_required": 1,
        }
    )
    assert engine.mode is MMINMode.AGGRESSIVE
    assert engine.intelligence_level is IntelligenceLevel.BASIC
    assert engine.settings.cross_market_signals_required == 1


def test_an_unknown_config_key_is_named_with_the_keys_expected():
    from tradewind.mmin import MMINConfigError, MMINEngine

    with pytest.raises(
        MMINConfigError, match=r"config\.intelligence: unknown key .*intelligence_level"
    ):
        MMINEngine(config={"intelligence": "god_mode"})


def test_a_bad_config_value_names_the_key_and_the_value():
    from tradewind.mmin import MMINConfigError, MMINEngine

    with pytest.raises(MMINConfigError, match=r"config\.mode: .*'reckless'"):
        MMINEngine(config={"mode": "reckless"})
    with pytest.raises(MMINConfigError, match=r"config\.correlation_threshold"):
        MMINEngine(config={"correlation_threshold": 3})


def test_a_missing_required_key_of_a_whole_config_is_named():
    from tradewind.mmin import MMINConfigError, MMINEngine

    with pytest.raises(
        MMINConfigError, match=r"config\.markets\.stocks\.risk_allocation_pct: required"
    ):
        MMINEngine(config={"markets": {"stocks": {"provider": "sim", "symbols": ["SPY"]}}})


def test_a_config_that_is_not_a_mapping_is_refused_with_its_type():
    from tradewind.mmin import MMINConfigError, MMINEngine

    with pytest.raises(MMINConfigError, match="got list"):
        MMINEngine(config=["mode", "balanced"])  # type: ignore[arg-type]


def test_a_whole_config_as_a_dict_takes_its_mmin_section():
    from tradewind.mmin import MMINEngine

    engine = MMINEngine(
        config={
            "markets": {
                "stocks": {"provider": "sim", "symbols": ["SPY"], "risk_allocation_pct": 100}
            },
            "mmin": {"mode": "conservative"},
        }
    )
    assert engine.config is not None
    assert engine.settings.mode.value == "conservative"


def test_status_before_any_analysis_has_the_document_keys():
    from tradewind.mmin import MMINEngine

    status = MMINEngine(config={}).get_status()
    assert set(status) >= DOCUMENT_STATUS_KEYS
    assert status["analysis_count"] == 0
    assert status["last_analysis"] is None
    assert status["markets"] == {}


def test_status_after_an_analysis_reports_regime_allocation_signals_and_markets(catalog):
    from tradewind.mmin import MMINEngine

    engine = MMINEngine(config={"intelligence_level": "advanced"}, catalog=catalog)
    result = engine.analyze_markets("1d", 250, universe=UNIVERSE)
    status = engine.get_status()
    assert set(status) >= DOCUMENT_STATUS_KEYS
    assert status["analysis_count"] == 1
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT.*", status["last_analysis"])
    assert status["current_regime"] == str(result.macro_regime["regime"].value).lower()
    assert status["capital_allocation"] == dict(result.capital_allocation.weights_pct)
    assert len(status["active_signals"]) == len(result.signals)
    assert set(status["markets"]) == {"equities", "bonds", "crypto"}
    for market in status["markets"].values():
        assert market["status"] == "active"
        assert market["allocation_pct"] == status["capital_allocation"][market_name(status, market)]


def market_name(status, market):
    return next(name for name, row in status["markets"].items() if row is market)


def test_capital_allocation_comes_from_the_router_within_its_bounds(catalog):
    from tradewind.mmin import MMINEngine

    engine = MMINEngine(config={"mode": "adaptive", "intelligence_level": "basic"}, catalog=catalog)
    allocation = engine.analyze_markets("1d", 250, universe=UNIVERSE).capital_allocation
    assert allocation.method == "adaptive router"
    assert allocation.explanation is not None
    assert {m.market for m in allocation.explanation.markets} == set(allocation.weights_pct)
    assert all(5.0 - 1e-9 <= w <= 50.0 + 1e-9 for w in allocation.weights_pct.values())
    assert sum(allocation.weights_pct.values()) + allocation.cash_pct == pytest.approx(100.0)


def test_enum_values_read_in_lower_case_as_the_documents_print_them():
    from tradewind.mmin import MacroRegime, MarketRegime, VolatilityState, document_value

    assert document_value(MacroRegime.RISK_ON) == "risk_on"
    assert document_value(MarketRegime.BULL_TRENDING) == "bull_trending"
    assert document_value(VolatilityState.VERY_LOW) == "very_low"
    assert MacroRegime("risk_on") is MacroRegime.RISK_ON


def test_build_constants_and_full_version_info_follow_the_environment(monkeypatch):
    import tradewind.mmin as mmin

    monkeypatch.setenv("GIT_COMMIT", "abcdef1234567890")
    monkeypatch.setenv("GIT_BRANCH", "release/2")
    info = mmin.get_full_version_info()
    assert mmin.GIT_COMMIT_SHORT == "abcdef1" == info["commit_short"]
    assert info["branch"] == "release/2"
    assert info["commit"].startswith("abcdef1")
    assert info["version_string"] == mmin.get_version_string()
    from tradewind.mmin import GIT_COMMIT_SHORT

    assert GIT_COMMIT_SHORT == "abcdef1"
    with pytest.raises(AttributeError):
        _ = mmin.NOT_A_CONSTANT
