"""`tradewind emulate`'s options as typed, checked, and the bundled series it replays.

Every check raises `EmulatorOptionError` naming the option and what was expected.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import numpy as np

from tradewind.domain.errors import TradewindError
from tradewind.venues.emulation import FaultSpec, PricePath, SymbolSpec
from tradewind.venues.emulation.state import EmulatorState, load_state

__all__ = [
    "EmulatorOptionError",
    "bundled_path",
    "load_state_option",
    "parse_balances",
    "parse_faults",
    "parse_symbols",
    "start_ms",
]


class EmulatorOptionError(TradewindError):
    """A bad `tradewind emulate` option; the message names it and what was expected."""


def parse_symbols(text: str | None, bundled: Mapping[str, object]) -> list[str]:
    if text is None or not text.strip():
        return list(bundled)
    symbols = [s.strip().upper() for s in text.split(",") if s.strip()]
    unknown = [s for s in symbols if s not in bundled]
    if unknown or not symbols:
        raise EmulatorOptionError(
            f"--symbols {text!r}: expected a comma list of {', '.join(bundled)}"
        )
    return list(dict.fromkeys(symbols))


def parse_faults(text: str | None) -> FaultSpec:
    try:
        return FaultSpec.parse(text or "")
    except ValueError as exc:
        raise EmulatorOptionError(f"--faults: {exc}") from None


def parse_balances(text: str) -> dict[str, Decimal]:
    balances = {}
    for item in (p.strip() for p in text.split(",") if p.strip()):
        asset, _, amount = item.partition("=")
        try:
            value = Decimal(amount)
        except ArithmeticError:
            value = Decimal(-1)
        if not asset.strip() or not value.is_finite() or value < 0:
            raise EmulatorOptionError(
                f"--balances {item!r}: expected ASSET=AMOUNT with AMOUNT >= 0"
            )
        balances[asset.strip().upper()] = value
    return balances


def load_state_option(path: Path | None) -> EmulatorState | None:
    if path is None:
        return None
    try:
        return load_state(path)
    except ValueError as exc:
        raise EmulatorOptionError(f"--state: {exc}") from None


def start_ms(text: str | None, paths: list[PricePath]) -> int:
    """The replay's start: `--start`, or the latest first-bar close, so every symbol has
    a price. A `--start` anywhere in the bundled data is taken: a symbol whose series
    has not begun or has ended then simply has no new bars."""
    firsts = [int(p.open_time_ms[0]) + p.interval_ms for p in paths]
    default = max(firsts)
    earliest = min(firsts)
    latest = max(int(p.open_time_ms[-1]) + p.interval_ms for p in paths)
    if text is None:
        return default
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise EmulatorOptionError(
            f"--start {text!r}: expected an ISO date such as 2018-01-01"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    start_ms = int(moment.timestamp() * 1000)
    if not earliest <= start_ms <= latest:
        first, last = (
            datetime.fromtimestamp(t / 1000, tz=UTC).isoformat() for t in (earliest, latest)
        )
        raise EmulatorOptionError(
            f"--start {text!r}: expected an instant between {first} and {last}"
        )
    return start_ms


def bundled_path(
    symbol: str, series: str, spec: SymbolSpec, *, market: str = "crypto", on_tick: bool = True
) -> PricePath:
    """The bundled series as the emulator replays it; `on_tick` rounds prices to the
    symbol's tick (the crypto exchanges' grids), else they stay as recorded (sub-cent
    stock prices are served as the source has them)."""
    from tradewind.data.bundled import bundled_catalog_root
    from tradewind.data.catalog import Catalog
    from tradewind.domain.timeframe import Timeframe

    catalog = Catalog(bundled_catalog_root(), include_bundled=False)
    entries = [e for e in catalog.entries(market) if e.symbol == series]
    finest = min(entries, key=lambda e: Timeframe.parse(e.timeframe).seconds)
    arrays = catalog.load_arrays(series, market=market, timeframe=finest.timeframe)
    tick = spec.price_tick
    close = np.asarray(arrays.close, dtype=float)
    keep = np.isfinite(close)

    def prices(values: object) -> list[Decimal]:
        # close-only series (no open/high/low) replay as flat bars at the close
        column = np.where(np.isfinite(values), values, close)[keep]  # type: ignore[call-overload]
        exact = [Decimal(repr(float(v))) for v in column]
        return [v.quantize(tick) for v in exact] if on_tick else exact

    volume = np.nan_to_num(np.asarray(arrays.volume, dtype=float)[keep], nan=0.0)
    return PricePath(
        symbol=symbol,
        interval_ms=Timeframe.parse(finest.timeframe).seconds * 1000,
        open_time_ms=[int(t) // 1_000_000 for t in np.asarray(arrays.timestamp)[keep]],
        open=prices(arrays.open),
        high=prices(arrays.high),
        low=prices(arrays.low),
        close=prices(arrays.close),
        volume=[Decimal(repr(float(v))) for v in volume],
    )
