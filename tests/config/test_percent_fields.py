"""One unit per name: every `*_pct` value is a percent (8 = 8%), and a value that is
clearly a fraction (0.02 for 2%) or out of range is refused with its field named."""

from __future__ import annotations

from pathlib import Path

import pytest

from tradewind.config import ConfigError, load_config
from tradewind.config.fieldtypes import EXIT_PCT_LOW, STOP_LOSS_PCT_HIGH, check_percent

from ._helpers import write
from ._run_cli import LOADING_COMMANDS, run_cli
from .conftest import REPO

MARKET = """\
markets:
  crypto: {provider: sim, symbols: [BTC-USD], strategies: [sma_cross], risk_allocation_pct: 40}
"""


@pytest.mark.parametrize("command", LOADING_COMMANDS)
def test_a_stop_loss_written_as_a_fraction_is_refused_with_the_percent_to_write(
    command: list[str], tmp_path: Path, monkeypatch, capsys
) -> None:
    path = write(tmp_path, MARKET + "execution:\n  stop_loss_pct: 0.02\n")
    result = run_cli([*command, str(path)], monkeypatch, capsys)
    assert result.code == 2, result.err
    assert (
        "execution.stop_loss_pct (line 4): 0.02 looks like a fraction; write 2 for 2%" in result.err
    )


@pytest.mark.parametrize(
    ("text", "field", "line", "fragment"),
    [
        pytest.param(
            MARKET + "execution: {stop_loss_pct: 150}\n",
            "execution.stop_loss_pct",
            3,
            "expected a percent from 0.1 to 100, got 150",
            id="stop-loss-above-100",
        ),
        pytest.param(
            "markets:\n  crypto:\n    provider: sim\n    symbols: [BTC-USD]\n"
            "    risk_allocation_pct: 40\n    execution: {stop_loss_pct: 0.05}\n",
            "markets.crypto.execution.stop_loss_pct",
            6,
            "0.05 looks like a fraction; write 5 for 5%",
            id="market-stop-loss-fraction",
        ),
        pytest.param(
            MARKET + "execution: {take_profit_pct: 0.03}\n",
            "execution.take_profit_pct",
            3,
            "0.03 looks like a fraction; write 3 for 3%: expected a percent from 0.1 to 1000",
            id="take-profit-fraction",
        ),
        pytest.param(
            MARKET.replace("risk_allocation_pct: 40", "risk_allocation_pct: 0.3"),
            "markets.crypto.risk_allocation_pct",
            2,
            "0.3 looks like a fraction; write 30 for 30%",
            id="allocation-fraction",
        ),
        pytest.param(
            MARKET + "risk:\n  global: {max_drawdown_pct: 0.2}\n",
            "risk.global.max_drawdown_pct",
            4,
            "0.2 looks like a fraction; write 20 for 20%",
            id="drawdown-fraction",
        ),
        pytest.param(
            MARKET + "risk:\n  markets: {crypto: {max_exposure_pct: 0.5}}\n",
            "risk.markets.crypto.max_exposure_pct",
            4,
            "0.5 looks like a fraction; write 50 for 50%: expected a percent from 1 to 1000",
            id="exposure-fraction",
        ),
        pytest.param(
            MARKET + "autonomous_scaling: {normal_volatility_pct: 0.2}\n",
            "autonomous_scaling.normal_volatility_pct",
            3,
            "0.2 looks like a fraction; write 20 for 20%",
            id="volatility-fraction",
        ),
        pytest.param(
            MARKET + "capital: {min_allocation_pct: 0.05}\n",
            "capital.min_allocation_pct",
            3,
            "expected 0 or a percent from 0.1 to 100",
            id="min-allocation-fraction",
        ),
        pytest.param(
            MARKET + "risk:\n  global:\n    drawdown_ladder: {warn: 80, reduce: 90, pause: 100}\n",
            "risk.global.drawdown_ladder.warn",
            5,
            "80 looks like a percent; write 0.8 for 80%: expected a fraction from 0 to 1",
            id="ladder-percent",
        ),
    ],
)
def test_values_in_the_other_unit_are_named_at_their_field(
    text: str, field: str, line: int, fragment: str, tmp_path: Path, monkeypatch, capsys
) -> None:
    path = write(tmp_path, text)
    result = run_cli(["config", "check", str(path)], monkeypatch, capsys)
    assert result.code == 2, result.err
    assert f"{field} (line {line}): " in result.err
    assert fragment in result.err


@pytest.mark.parametrize("stop_loss_pct", [0.1, 0.5, 2, 8, 100])
def test_stop_losses_in_percent_are_accepted_as_written(
    stop_loss_pct: float, tmp_path: Path
) -> None:
    path = write(tmp_path, MARKET + f"execution: {{stop_loss_pct: {stop_loss_pct}}}\n")
    assert load_config(path, apply_env=False).execution.stop_loss_pct == stop_loss_pct


@pytest.mark.parametrize("path", sorted((REPO / "examples").glob("*.yaml")), ids=lambda p: p.name)
def test_every_example_config_still_loads(path: Path) -> None:
    assert load_config(path, apply_env=False).enabled_markets


@pytest.mark.parametrize("value", [EXIT_PCT_LOW, 2.0, 8, STOP_LOSS_PCT_HIGH])
def test_check_percent_returns_a_percent_in_range(value: float) -> None:
    assert (
        check_percent("--stop-loss-pct", value, low=EXIT_PCT_LOW, high=STOP_LOSS_PCT_HIGH) == value
    )


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        (0.02, "0.02 looks like a fraction; write 2 for 2%"),
        (0.0, "expected a percent from 0.1 to 100, got 0"),
        (-3.0, "expected a percent from 0.1 to 100, got -3"),
        (150.0, "expected a percent from 0.1 to 100, got 150"),
        (float("inf"), "got inf"),
        (float("nan"), "got nan"),
    ],
)
def test_check_percent_names_the_option_and_the_problem(value: float, fragment: str) -> None:
    with pytest.raises(ConfigError) as caught:
        check_percent("--stop-loss-pct", value, low=EXIT_PCT_LOW, high=STOP_LOSS_PCT_HIGH)
    message = str(caught.value)
    assert message.startswith("--stop-loss-pct: ")
    assert fragment in message
