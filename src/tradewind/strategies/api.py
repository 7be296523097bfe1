"""The strategy API: what a strategy module declares and how the engine runs it.

A strategy is one module exposing `STRATEGY: StrategySpec`:

```python
class MyConfig(StrategyConfig):
    lookback: int = Field(20, ge=2, le=500, description="bars")

def my_signals(bars: BarWindow, config: MyConfig) -> SignalArrays:
    ...  # vectorized and causal: bar t may use bars 0..t only

STRATEGY = StrategySpec(
    name="my_strategy",
    description="one line",
    config_cls=MyConfig,
    signals=my_signals,
    warmup=lambda c: c.lookback,
)
```

Strategies emit signals (direction, strength, confidence, optional stop/target), never
orders. Instead of `signals`, a strategy may give an `on_bar` handler (see `on_bar`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from tradewind.strategies.arrays import FLAT, LONG, SHORT, BarWindow, SignalArrays
from tradewind.strategies.config import ParamInfo, StrategyConfig, parse_assignments
from tradewind.strategies.errors import LookAheadError, StrategyError
from tradewind.strategies.export import to_signals
from tradewind.strategies.on_bar import BarSignal, OnBarHandler, run_on_bar
from tradewind.strategies.stream_types import StreamFactory

__all__ = [
    "FLAT",
    "LONG",
    "SHORT",
    "BarSignal",
    "BarWindow",
    "LookAheadError",
    "OnBarHandler",
    "ParamInfo",
    "SignalArrays",
    "SignalFunction",
    "Strategy",
    "StrategyConfig",
    "StrategyError",
    "StrategySpec",
    "parse_assignments",
    "run_on_bar",
    "to_signals",
]

C = TypeVar("C", bound=StrategyConfig)

SignalFunction = Callable[[BarWindow, C], SignalArrays]
"""`signals(bars, config) -> SignalArrays`, vectorized and causal."""

_NAME = re.compile(r"[a-z][a-z0-9_]*")


def _no_warmup(config: Any) -> int:
    return 0


class Strategy(Protocol):
    """What the engine needs from a strategy (`StrategySpec` is the implementation)."""

    @property
    def name(self) -> str: ...

    @property
    def description(self) -> str: ...

    def default_config(self) -> Any: ...

    def warmup_bars(self, config: Any) -> int: ...

    def run(self, bars: BarWindow, config: Any = None) -> SignalArrays: ...


@dataclass(frozen=True, slots=True)
class StrategySpec(Generic[C]):
    """A strategy: name, parameters and its signal logic.

    Attributes:
        name: lower-case identifier (`sma_cross`), unique in the registry.
        description: one line for `tradewind strategy list`.
        config_cls: the frozen `StrategyConfig` subclass of its parameters.
        signals: vectorized causal signal function; takes precedence over `on_bar`.
        on_bar: per-bar handler, used when `signals` is None.
        warmup: config -> number of leading bars on which no signal can be emitted.
        stream: optional streaming form, `(config, symbols) -> StrategyStream` giving
            the same rows bar by bar in O(1) per bar (see `strategies.streaming`).

    Raises:
        StrategyError: invalid name, empty description, a config class that is not a
            StrategyConfig, or neither `signals` nor `on_bar` given.
    """

    name: str
    description: str
    config_cls: type[C]
    signals: SignalFunction[C] | None = None
    on_bar: OnBarHandler[C] | None = None
    warmup: Callable[[C], int] = _no_warmup
    stream: StreamFactory | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not _NAME.fullmatch(self.name):
            raise StrategyError(
                f"invalid strategy name {self.name!r}: expected lower-case letters, digits "
                "and _, starting with a letter"
            )
        if not isinstance(self.description, str) or not self.description.strip():
            raise StrategyError(f"strategy {self.name}: description must not be empty")
        if not (isinstance(self.config_cls, type) and issubclass(self.config_cls, StrategyConfig)):
            raise StrategyError(
                f"strategy {self.name}: config_cls must be a StrategyConfig subclass, "
                f"got {self.config_cls!r}"
            )
        if self.signals is None and self.on_bar is None:
            raise StrategyError(f"strategy {self.name}: give a signals function or on_bar")

    def default_config(self) -> C:
        """The parameters with every default."""
        return self.config_cls()

    def config_from_params(self, params: Mapping[str, object]) -> C:
        """Parameters from `{"fast": "5"}` (CLI strings or typed values); see `from_params`."""
        return self.config_cls.from_params(params, strategy=self.name)

    def parameters(self) -> tuple[ParamInfo, ...]:
        """Every parameter with its type, default, bounds and description."""
        return self.config_cls.describe()

    def warmup_bars(self, config: C | None = None) -> int:
        """Leading bars on which no signal can be emitted under `config`."""
        return int(self.warmup(self._config(config)))

    def run(self, bars: BarWindow, config: C | None = None) -> SignalArrays:
        """The strategy's signals over `bars` (defaults when `config` is None).

        Raises:
            StrategyError: `config` is of another strategy, or the strategy returned
                something other than one signal row per bar.
        """
        chosen = self._config(config)
        if self.signals is not None:
            result = self.signals(bars, chosen)
        elif self.on_bar is not None:
            result = run_on_bar(self.on_bar, bars, chosen)
        else:
            raise StrategyError(f"strategy {self.name}: no signals function or on_bar")
        if not isinstance(result, SignalArrays):
            raise StrategyError(
                f"strategy {self.name} returned {type(result).__name__}: expected SignalArrays"
            )
        if len(result) != len(bars):
            raise StrategyError(
                f"strategy {self.name} returned {len(result)} signal rows for {len(bars)} bars"
            )
        return result

    def _config(self, config: C | None) -> C:
        if config is None:
            return self.config_cls()
        if not isinstance(config, self.config_cls):
            raise StrategyError(
                f"strategy {self.name}: expected {self.config_cls.__name__} parameters, "
                f"got {type(config).__name__}"
            )
        return config
