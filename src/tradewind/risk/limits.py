"""Risk limits as float64 vectors the numba checks read (NaN = no limit).

The risk package imports only the domain, so it does not read `tradewind.config`.
`build_limits` accepts *duck-typed* settings objects instead: anything with the
attribute names of `GlobalRiskSettings` / `ScopeRiskSettings` below, which the config
models `risk.global_` and `risk.markets[...]` / `risk.strategies[...]` have. The
composition root passes the config sections straight in.

Units inside the vectors: percentages become fractions (10 % -> 0.10), leverage is a
multiple of equity, position size in currency, counts as floats.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import time
from enum import IntEnum
from typing import Protocol

import numpy as np

from tradewind.risk.daily import DailyReset
from tradewind.risk.errors import RiskConfigError
from tradewind.risk.hours import TradingHoursRule

__all__ = [
    "N_LIMIT_FIELDS",
    "GlobalRiskSettings",
    "LimitField",
    "RiskLimits",
    "ScopeRiskSettings",
    "build_limits",
    "limits_vector",
]


class LimitField(IntEnum):
    """Index of each limit in a limits vector (global) or row (market, strategy).

    The same layout serves every scope; a field a scope does not use stays NaN.
    Global limits apply on top of every market and strategy limit.
    """

    POSITION_PCT = 0
    """Max |position notional| per instrument, fraction of equity."""
    POSITION_ABS = 1
    """Max |position notional| per instrument, in account currency."""
    LEVERAGE = 2
    """Max gross exposure of the scope / equity (a multiple, 2.0 = 2x)."""
    EXPOSURE_PCT = 3
    """Max gross exposure of the scope, fraction of equity (1.0 = 100 %)."""
    OPEN_POSITIONS = 4
    """Max number of open positions in the scope."""
    CORRELATED_PCT = 5
    """Max exposure correlated with an order's direction, fraction of equity (global)."""
    DRAWDOWN_PCT = 6
    """Max drawdown from the high-water mark, fraction (account-wide ladder: global)."""
    DAILY_LOSS_PCT = 7
    """Max loss since the day start, fraction of day-start equity (global)."""
    LADDER_WARN = 8
    """Fraction of DRAWDOWN_PCT at which to warn (global)."""
    LADDER_REDUCE = 9
    """Fraction of DRAWDOWN_PCT at which only reductions are allowed (global)."""
    LADDER_PAUSE = 10
    """Fraction of DRAWDOWN_PCT at which trading halts (global)."""
    DISABLED = 11
    """1.0 = no new entries in this scope (a disabled market); NaN or 0 = enabled."""
    CASH_ACCOUNT = 12
    """1.0 = a cash account (global): buys only with the cash on hand, no short
    positions; NaN or 0 = a margin account (borrowing within the leverage limits)."""


N_LIMIT_FIELDS = len(LimitField)
"""Length of a limits vector / row."""

_PCT_FIELDS = {
    "max_position_size_pct": LimitField.POSITION_PCT,
    "max_exposure_pct": LimitField.EXPOSURE_PCT,
    "max_drawdown_pct": LimitField.DRAWDOWN_PCT,
    "daily_loss_limit_pct": LimitField.DAILY_LOSS_PCT,
}
_PLAIN_FIELDS = {
    "max_position_size_usd": LimitField.POSITION_ABS,
    "max_leverage": LimitField.LEVERAGE,
    "max_open_positions": LimitField.OPEN_POSITIONS,
}


class ScopeRiskSettings(Protocol):
    """Limits of one market or strategy (None = only the global limit applies)."""

    @property
    def max_exposure_pct(self) -> float | None: ...
    @property
    def max_leverage(self) -> float | None: ...
    @property
    def max_open_positions(self) -> int | None: ...
    @property
    def max_position_size_pct(self) -> float | None: ...
    @property
    def max_position_size_usd(self) -> float | None: ...
    @property
    def max_drawdown_pct(self) -> float | None: ...
    @property
    def daily_loss_limit_pct(self) -> float | None: ...


class LadderSettings(Protocol):
    """Fractions of the max drawdown at which to warn, reduce and pause."""

    @property
    def warn(self) -> float: ...
    @property
    def reduce(self) -> float: ...
    @property
    def pause(self) -> float: ...


class HoursSettings(Protocol):
    """One time-of-day rule (weekdays as names such as "mon" or 0-6)."""

    @property
    def markets(self) -> Sequence[str] | None: ...
    @property
    def days(self) -> Sequence[object]: ...
    @property
    def start(self) -> time: ...
    @property
    def end(self) -> time: ...
    @property
    def timezone(self) -> str: ...


class GlobalRiskSettings(Protocol):
    """Account-wide limits, with the names of the `risk.global` config section."""

    @property
    def max_exposure_pct(self) -> float: ...
    @property
    def max_leverage(self) -> float: ...
    @property
    def max_open_positions(self) -> int: ...
    @property
    def max_position_size_pct(self) -> float: ...
    @property
    def max_position_size_usd(self) -> float | None: ...
    @property
    def max_drawdown_pct(self) -> float: ...
    @property
    def drawdown_ladder(self) -> LadderSettings: ...
    @property
    def daily_loss_limit_pct(self) -> float: ...
    @property
    def daily_reset_time(self) -> time: ...
    @property
    def timezone(self) -> str: ...
    @property
    def max_correlated_exposure_pct(self) -> float: ...
    @property
    def trading_hours(self) -> Sequence[HoursSettings]: ...
    @property
    def account(self) -> object:
        """`cash` or `margin` (a string or a string enum)."""
        ...


def limits_vector(**values: float | None) -> np.ndarray:
    """A limits vector with `values` set by lower-case `LimitField` name (vector units).

    `limits_vector(leverage=2.0, position_pct=0.1)`; None or missing = NaN (no limit).

    Raises:
        RiskConfigError: an unknown name or a negative / non-finite value.
    """
    vector = np.full(N_LIMIT_FIELDS, np.nan)
    for name, value in values.items():
        try:
            index = LimitField[name.upper()]
        except KeyError:
            known = ", ".join(f.name.lower() for f in LimitField)
            raise RiskConfigError(f"unknown limit {name!r}: expected one of {known}") from None
        if value is not None:
            vector[index] = _checked(float(value), name)
    return vector


def _checked(value: float, name: str) -> float:
    if not np.isfinite(value) or value < 0:
        raise RiskConfigError(f"invalid limit {name} {value!r}: expected a finite value >= 0")
    return value


def _scope_row(settings: object | None, where: str) -> np.ndarray:
    row = np.full(N_LIMIT_FIELDS, np.nan)
    if settings is None:
        return row
    for attr, index in (*_PCT_FIELDS.items(), *_PLAIN_FIELDS.items()):
        value = getattr(settings, attr, None)
        if value is not None:
            scale = 0.01 if attr in _PCT_FIELDS else 1.0
            row[index] = _checked(float(value), f"{where}.{attr}") * scale
    return row


@dataclass(frozen=True, slots=True)
class RiskLimits:
    """Every limit risk enforces, ready for the numba checks.

    Attributes:
        global_: 1-D float64 vector indexed by `LimitField`.
        markets: 2-D float64 array, one row per name in `market_names`.
        strategies: 2-D float64 array, one row per name in `strategy_names`.
        daily_reset: when the daily loss budget resets.
        trading_hours: time-of-day rules for new entries.

    Raises:
        RiskConfigError: arrays of the wrong shape.
    """

    global_: np.ndarray
    markets: np.ndarray
    strategies: np.ndarray
    market_names: tuple[str, ...] = ()
    strategy_names: tuple[str, ...] = ()
    daily_reset: DailyReset = field(default_factory=DailyReset)
    trading_hours: tuple[TradingHoursRule, ...] = ()

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        set_(self, "global_", np.ascontiguousarray(self.global_, dtype=np.float64))
        for name, names in (("markets", self.market_names), ("strategies", self.strategy_names)):
            array = np.ascontiguousarray(getattr(self, name), dtype=np.float64)
            if array.size == 0:
                array = np.full((len(names), N_LIMIT_FIELDS), np.nan)
            if array.ndim != 2 or array.shape != (len(names), N_LIMIT_FIELDS):
                raise RiskConfigError(
                    f"invalid {name} limits of shape {array.shape}: expected "
                    f"({len(names)}, {N_LIMIT_FIELDS}) for names {list(names)}"
                )
            set_(self, name, array)
        if self.global_.shape != (N_LIMIT_FIELDS,):
            raise RiskConfigError(
                f"invalid global limits of shape {self.global_.shape}: expected ({N_LIMIT_FIELDS},)"
            )

    def market_index(self, name: str) -> int:
        """Row of market `name`.

        Raises:
            RiskConfigError: an unknown market.
        """
        return _index(self.market_names, name, "market")

    def strategy_index(self, name: str) -> int:
        """Row of strategy `name`.

        Raises:
            RiskConfigError: an unknown strategy.
        """
        return _index(self.strategy_names, name, "strategy")


def _index(names: tuple[str, ...], name: str, kind: str) -> int:
    try:
        return names.index(name)
    except ValueError:
        raise RiskConfigError(
            f"unknown {kind} {name!r}: expected one of {', '.join(names) or 'none'}"
        ) from None


def build_limits(
    global_settings: GlobalRiskSettings,
    market_names: Sequence[str],
    strategy_names: Sequence[str] = (),
    *,
    markets: Mapping[str, ScopeRiskSettings] | None = None,
    strategies: Mapping[str, ScopeRiskSettings] | None = None,
    disabled_markets: Iterable[str] = (),
) -> RiskLimits:
    """Convert risk settings (duck-typed config sections) into `RiskLimits`.

    `markets` / `strategies` map names to their overrides (`risk.markets`,
    `risk.strategies`); a name without an entry gets an all-NaN row (only the global
    limits apply). Per-market allocation budgets are not limits: the capital router
    passes them to `check_order` as `market_budget`. Per-market and per-strategy
    `max_drawdown_pct` / `daily_loss_limit_pct` are kept in their rows, but the
    drawdown ladder and the daily loss limit of `RiskState` are account-wide.

    Raises:
        RiskConfigError: a negative or non-finite value, an override for a name not in
            `market_names` / `strategy_names`, or a bad trading-hours rule.
    """
    g = global_settings
    vector = _scope_row(g, "risk.global")
    ladder = g.drawdown_ladder
    vector[LimitField.CORRELATED_PCT] = (
        _checked(float(g.max_correlated_exposure_pct), "risk.global.max_correlated_exposure_pct")
        * 0.01
    )
    vector[LimitField.LADDER_WARN] = _checked(float(ladder.warn), "drawdown_ladder.warn")
    vector[LimitField.LADDER_REDUCE] = _checked(float(ladder.reduce), "drawdown_ladder.reduce")
    vector[LimitField.LADDER_PAUSE] = _checked(float(ladder.pause), "drawdown_ladder.pause")
    vector[LimitField.CASH_ACCOUNT] = 1.0 if _is_cash(g.account) else 0.0
    market_rows = _rows("risk.markets", market_names, markets or {})
    disabled = set(disabled_markets)
    for index, name in enumerate(market_names):
        market_rows[index, LimitField.DISABLED] = 1.0 if name in disabled else 0.0
    rules = tuple(
        TradingHoursRule(
            start=rule.start,
            end=rule.end,
            weekdays=tuple(_day(d) for d in rule.days),
            timezone=rule.timezone,
            markets=None if rule.markets is None else tuple(rule.markets),
        )
        for rule in g.trading_hours
    )
    return RiskLimits(
        global_=vector,
        markets=market_rows,
        strategies=_rows("risk.strategies", strategy_names, strategies or {}),
        market_names=tuple(market_names),
        strategy_names=tuple(strategy_names),
        daily_reset=DailyReset(g.daily_reset_time, g.timezone),
        trading_hours=rules,
    )


def _is_cash(account: object) -> bool:
    name = str(getattr(account, "value", account)).lower()
    if name not in ("cash", "margin"):
        raise RiskConfigError(f"invalid risk.global.account {account!r}: expected cash or margin")
    return name == "cash"


def _day(value: object) -> int | str:
    if isinstance(value, int):
        return value
    return str(getattr(value, "value", value))


def _rows(
    where: str, names: Sequence[str], settings: Mapping[str, ScopeRiskSettings]
) -> np.ndarray:
    unknown = sorted(set(settings) - set(names))
    if unknown:
        raise RiskConfigError(
            f"{where} names {', '.join(unknown)}, which are not traded: expected one of "
            f"{', '.join(names) or 'none'}"
        )
    rows = np.full((len(names), N_LIMIT_FIELDS), np.nan)
    for index, name in enumerate(names):
        rows[index] = _scope_row(settings.get(name), f"{where}.{name}")
    return rows
