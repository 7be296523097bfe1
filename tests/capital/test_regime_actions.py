"""Regime actions: validated factors, the regime names they accept, how CRISIS combines
with the macro regime's action, and when the session is asked for a SOFT stop; the
config section that sets them."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from tradewind.capital.regime import (
    ACTION_REGIMES,
    CRISIS,
    NO_ACTION,
    RegimeAction,
    RegimePlan,
    RegimeReading,
    action_for,
    regime_stop,
)
from tradewind.config.capital import CapitalConfig
from tradewind.domain.regimes import MacroRegime


@pytest.mark.parametrize("value", [0.0, -0.5, 1.5, float("nan"), float("inf")])
@pytest.mark.parametrize("name", ["exposure_factor", "stop_factor"])
def test_a_factor_outside_zero_to_one_is_refused_by_name(name: str, value: float) -> None:
    with pytest.raises(ValueError, match=f"{name} .*expected a factor in \\(0, 1\\]"):
        RegimeAction(**{name: value})  # type: ignore[arg-type]


def test_plan_reads_regime_names_in_any_case_and_refuses_unknown_ones() -> None:
    plan = RegimePlan(
        actions={"risk_off": RegimeAction(0.5), "Crisis": RegimeAction(soft_stop=True)}
    )
    assert set(plan.actions) == {"RISK_OFF", CRISIS}
    assert set(ACTION_REGIMES) == {*(r.value for r in MacroRegime), CRISIS}
    with pytest.raises(ValueError, match="'panic': expected one of RISK_ON"):
        RegimePlan(actions={"panic": RegimeAction()})
    with pytest.raises(ValueError, match="crisis_share 0: expected a fraction"):
        RegimePlan(crisis_share=0)


def test_plan_needs_regimes_only_when_it_feeds_the_router_or_acts() -> None:
    assert not RegimePlan().needs_regimes
    assert not RegimePlan(actions={"risk_off": NO_ACTION}).needs_regimes
    assert RegimePlan(macro_regime=True).needs_regimes
    acting = RegimePlan(actions={"recession": RegimeAction(stop_factor=0.5)})
    assert acting.needs_regimes
    assert acting.acts
    assert not acting.watches_crisis
    assert RegimePlan(actions={"crisis": RegimeAction(soft_stop=True)}).watches_crisis


def test_the_macro_regimes_action_applies_and_crisis_makes_it_stricter() -> None:
    actions = RegimePlan(
        actions={
            "risk_off": RegimeAction(exposure_factor=0.5, stop_factor=0.9),
            "crisis": RegimeAction(exposure_factor=0.8, stop_factor=0.75, soft_stop=True),
        }
    ).actions
    off = MacroRegime.RISK_OFF
    assert action_for(off, False, actions) == RegimeAction(0.5, 0.9, False)
    assert action_for(off, True, actions) == RegimeAction(0.5, 0.75, True)
    assert action_for(MacroRegime.GROWTH, False, actions) is NO_ACTION
    assert action_for(None, True, actions) == RegimeAction(0.8, 0.75, True)
    assert action_for(None, True, {}) is NO_ACTION


def test_regime_stop_is_true_only_when_the_action_in_force_asks_for_it() -> None:
    stop = RegimeReading(MacroRegime.RISK_OFF, None, True, RegimeAction(soft_stop=True))
    assert regime_stop(stop)
    assert stop.regime == CRISIS
    calm = RegimeReading(MacroRegime.GROWTH, None, False, RegimeAction(exposure_factor=0.5))
    assert not regime_stop(calm)
    assert calm.regime == "GROWTH"
    assert not regime_stop(None)


def test_capital_config_takes_regime_actions_by_lower_case_name() -> None:
    config = CapitalConfig.model_validate(
        {
            "macro_regime": True,
            "regime_actions": {
                "RISK_OFF": {"exposure_factor": 0.5, "stop_factor": 0.75},
                "crisis": {"soft_stop": True},
            },
        }
    )
    assert config.macro_regime
    assert set(config.regime_actions) == {"risk_off", "crisis"}
    assert config.regime_actions["risk_off"].exposure_factor == 0.5
    assert config.regime_actions["crisis"].soft_stop
    defaults = CapitalConfig()
    assert not defaults.macro_regime
    assert defaults.regime_actions == {}


@pytest.mark.parametrize(
    ("actions", "message"),
    [
        ({"risk-of": {}}, "did you mean 'risk_off'"),
        ({"risk_off": {"exposure_factor": 1.5}}, "less than or equal to 1"),
        ({"risk_off": {"stop_factor": 0}}, "greater than 0"),
        ({"risk_off": {"halt": True}}, "Extra inputs are not permitted"),
        ({"risk_off": {}, "RISK_OFF": {}}, "given twice"),
    ],
)
def test_capital_config_refuses_bad_regime_actions(
    actions: dict[str, object], message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        CapitalConfig.model_validate({"regime_actions": actions})
