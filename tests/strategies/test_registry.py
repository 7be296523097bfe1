"""Finding strategies: built-ins by name, user strategies by dotted path."""

from __future__ import annotations

import pytest

from tradewind.config.vocabulary import BUILTIN_STRATEGIES
from tradewind.strategies.api import Strategy, StrategyError, StrategySpec
from tradewind.strategies.registry import available, builtin_names, get_strategy

from . import peeking


def test_builtins_are_exactly_the_configs_vocabulary() -> None:
    assert builtin_names() == sorted(BUILTIN_STRATEGIES)
    assert [spec.name for spec in available()] == sorted(BUILTIN_STRATEGIES)


def test_every_builtin_is_a_documented_spec_satisfying_the_protocol() -> None:
    for spec in available():
        strategy: Strategy = spec
        assert strategy.description
        assert spec.signals is not None
        assert spec.warmup_bars() >= 0
        module = __import__(spec.signals.__module__, fromlist=["__doc__"])
        assert "Rules" in (module.__doc__ or ""), f"{spec.name} documents no rules"


def test_get_strategy_by_name() -> None:
    assert get_strategy("sma_cross").name == "sma_cross"


def test_unknown_name_lists_known_names_and_close_matches() -> None:
    with pytest.raises(StrategyError) as info:
        get_strategy("sma_corss")
    message = str(info.value)
    assert "unknown strategy 'sma_corss' (did you mean sma_cross?)" in message
    assert "breakout_v1, mean_reversion_v2" in message


def test_user_strategy_loads_from_dotted_path() -> None:
    spec = get_strategy(f"{peeking.__name__}:CENTERED")
    assert spec is peeking.CENTERED


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("no_such_module_xyz:STRATEGY", "cannot import strategy module 'no_such_module_xyz'"),
        (f"{peeking.__name__}:MISSING", "has no attribute 'MISSING'"),
        (f"{peeking.__name__}:NoParams", "expected a StrategySpec"),
        (":STRATEGY", "expected package.module:ATTRIBUTE"),
    ],
)
def test_bad_dotted_paths_are_explained(path: str, message: str) -> None:
    with pytest.raises(StrategyError, match=message):
        get_strategy(path)


def test_spec_refuses_bad_names_and_missing_logic() -> None:
    with pytest.raises(StrategyError, match="invalid strategy name 'Bad Name'"):
        StrategySpec("Bad Name", "x", peeking.NoParams, signals=peeking.STRATEGY.signals)
    with pytest.raises(StrategyError, match="give a signals function or on_bar"):
        StrategySpec("no_logic", "x", peeking.NoParams)


def test_run_refuses_another_strategys_config(spx: object) -> None:
    momentum = get_strategy("momentum_v1")
    with pytest.raises(
        StrategyError, match="expected MomentumConfig parameters, got SmaCrossConfig"
    ):
        momentum.run(spx, get_strategy("sma_cross").default_config())  # type: ignore[arg-type]
