"""The strategies as `tradewind strategy` and `backtest` see them, so that
`tradewind.cli` imports only `app`: the built-in specs, `-p key=value` parsing and the
look-ahead check of one strategy on one catalog series.

Each function imports the strategy stack when it is called.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tradewind.strategies.api import StrategySpec

__all__ = ["CausalCheck", "check_causal", "parse_assignments", "strategy_specs"]


@dataclass(frozen=True, slots=True)
class CausalCheck:
    """A strategy found causal on a series: its name, the series' symbol, how many
    signals and bars were checked, the cut points and the parameters used."""

    strategy: str
    symbol: str
    signals: int
    bars: int
    cut_points: tuple[int, ...]
    params: Mapping[str, Any]


def strategy_specs() -> list[StrategySpec[Any]]:
    """The built-in strategies, by name."""
    from tradewind.strategies.registry import available

    return available()


def parse_assignments(items: Iterable[str]) -> dict[str, str]:
    """`["fast=10", "slow=50"]` -> {"fast": "10", "slow": "50"} (`-p key=value` options).

    Raises:
        StrategyError: an item is not `key=value` or a key repeats.
    """
    from tradewind.strategies.config import parse_assignments as parse

    return parse(items)


def check_causal(
    name: str,
    params: Iterable[str],
    *,
    symbol: str,
    timeframe: str,
    market: str | None,
    random_cuts: int,
    catalog_dir: Path | None,
) -> CausalCheck:
    """Check that strategy `name` (with `key=value` `params`) never changes a past signal
    when later bars of the catalog series are appended.

    Raises:
        LookAheadError: a past signal changed; names the bar, the field and both values.
        StrategyError, DataError: an unknown strategy, bad parameters or no such series.
    """
    from tradewind.data.catalog import Catalog
    from tradewind.strategies.api import BarWindow
    from tradewind.strategies.lookahead import require_causal
    from tradewind.strategies.registry import get_strategy

    spec = get_strategy(name)
    config = spec.config_from_params(parse_assignments(params))
    arrays = Catalog(catalog_dir).load_arrays(symbol, market=market, timeframe=timeframe)
    report = require_causal(spec, BarWindow.from_arrays(arrays), config, random_cuts=random_cuts)
    return CausalCheck(
        strategy=spec.name,
        symbol=arrays.symbol,
        signals=report.signals,
        bars=report.bars,
        cut_points=tuple(report.cut_points),
        params=config.params(),
    )
