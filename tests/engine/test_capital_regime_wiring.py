"""Config -> engine: `capital.macro_regime` and `capital.regime_actions` reach the capital
driver of a backtest (runs once `CapitalPlan` carries the regime plan)."""

from __future__ import annotations

import pytest
from tests.engine.capital_scenarios import capital_config

from tradewind.app.backtest import backtest_config
from tradewind.app.engine_setup import engine_spec_from_config
from tradewind.data.catalog import Catalog

ACTIONS = {"capital": {"regime_actions": {"risk_off": {"exposure_factor": 0.5},
                                          "deflation": {"stop_factor": 0.5}}}}  # fmt: skip


@pytest.fixture(scope="module")
def catalog(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    return Catalog(tmp_path_factory.mktemp("catalog"))


def test_regime_actions_alone_give_a_run_a_capital_plan_that_acts(catalog: Catalog) -> None:
    spec = engine_spec_from_config(capital_config(ACTIONS))
    assert spec.capital is not None
    assert spec.capital.router is None
    assert spec.capital.scaling is None
    regime = spec.capital.regime  # type: ignore[attr-defined]
    assert regime is not None
    assert set(regime.actions) == {"RISK_OFF", "DEFLATION"}
    run = backtest_config(capital_config(ACTIONS), catalog).run
    assert run.capital is not None
    assert not run.capital.regimes.empty
    assert set(run.capital.regimes["regime"]) >= {"DEFLATION"}


def test_the_macro_regime_needs_a_router_and_defaults_leave_runs_as_they_were() -> None:
    fixed = engine_spec_from_config(capital_config({"capital": {"macro_regime": True}}))
    assert fixed.capital is None, "FIXED has no router to tell"
    routed = engine_spec_from_config(
        capital_config({"capital": {"strategy": "ADAPTIVE", "macro_regime": True}})
    )
    assert routed.capital is not None
    assert routed.capital.regime.macro_regime  # type: ignore[attr-defined]
    assert engine_spec_from_config(capital_config()).capital is None
