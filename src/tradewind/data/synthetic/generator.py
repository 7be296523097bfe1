"""Generating a synthetic market in memory, in symbol batches, or straight into a catalog."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from tradewind.data.schema import DataError
from tradewind.data.synthetic.paths import PathContext, symbol_frame, symbol_returns
from tradewind.data.synthetic.plan import MarketPlan, SymbolPlan, plan_market
from tradewind.data.synthetic.spec import SyntheticSpec, SyntheticSpecError
from tradewind.data.synthetic.truth import SyntheticTruth, save_truth

if TYPE_CHECKING:
    import numpy as np

    from tradewind.data.catalog import Catalog

__all__ = [
    "SyntheticMarket",
    "default_batch_size",
    "generate",
    "iter_batches",
    "synthetic_returns",
    "truth_path",
    "write_to_catalog",
]

_BATCH_VALUES = 4_000_000  # bars held per batch (about 200 MB of frames at 7 columns)
SOURCE_NAME = "synthetic"


@dataclass(frozen=True, slots=True)
class SyntheticMarket:
    """Generated frames (symbol -> normalized bar frame) and the planted truth."""

    frames: Mapping[str, pd.DataFrame]
    truth: SyntheticTruth


def generate(spec: SyntheticSpec) -> SyntheticMarket:
    """Generate every symbol of `spec` in memory. Same spec -> identical frames.

    Holds all frames at once: for large universes use `iter_batches` or
    `write_to_catalog`.

    Raises:
        SyntheticSpecError: the spec cannot be realised.
    """
    plan = plan_market(spec)
    ctx = PathContext(plan)
    frames = {sym.symbol: symbol_frame(ctx, sym.index) for sym in plan.symbols}
    return SyntheticMarket(frames, plan.truth)


def synthetic_returns(
    spec: SyntheticSpec, symbols: list[str] | None = None
) -> dict[str, np.ndarray]:
    """Log close-to-close returns per symbol, exactly as used to build the closes.

    Raises:
        SyntheticSpecError: a requested symbol is not in the market.
    """
    plan = plan_market(spec)
    ctx = PathContext(plan)
    chosen = _select(plan, symbols)
    return {sym.symbol: symbol_returns(ctx, sym.index) for sym in chosen}


def default_batch_size(spec: SyntheticSpec) -> int:
    """Symbols per batch so that a batch holds about four million bars."""
    return max(1, min(spec.n_symbols, _BATCH_VALUES // spec.n_bars))


def iter_batches(
    spec: SyntheticSpec, *, batch_size: int | None = None, plan: MarketPlan | None = None
) -> Iterator[dict[str, pd.DataFrame]]:
    """Yield the market's frames `batch_size` symbols at a time (in symbol order).

    A symbol's frame is identical whatever the batch size. Pass `plan` to reuse one
    (from `plan_market(spec)`).

    Raises:
        SyntheticSpecError: batch_size < 1 or the spec cannot be realised.
    """
    size = default_batch_size(spec) if batch_size is None else batch_size
    if size < 1:
        raise SyntheticSpecError(f"invalid synthetic batch_size {size}: expected >= 1")
    plan = plan or plan_market(spec)
    ctx = PathContext(plan)
    for first in range(0, len(plan.symbols), size):
        chunk = plan.symbols[first : first + size]
        yield {sym.symbol: symbol_frame(ctx, sym.index) for sym in chunk}


def truth_path(root: str | Path, name: str) -> Path:
    """Where a catalog keeps a synthetic market's truth: `<root>/_synthetic/<name>/truth.json`."""
    return Path(root) / "_synthetic" / name / "truth.json"


def write_to_catalog(
    spec: SyntheticSpec,
    catalog: Catalog,
    *,
    batch_size: int | None = None,
    validate: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> SyntheticTruth:
    """Generate `spec` into `catalog` batch by batch and store its truth; returns the truth.

    Only one batch of frames is alive at a time, so 1,000 symbols x 100,000 bars fit in
    a few hundred MB. `validate=True` goes through `Catalog.ingest` (validation and
    quarantine) instead of the fast `write_bars`. `progress(done, total)` is called
    after each batch. The truth is written to `truth_path(catalog.root, spec.name)`.

    Raises:
        SyntheticSpecError: the spec cannot be realised.
        DataError: the catalog refuses a series (e.g. validation rejected rows).
    """
    plan = plan_market(spec)
    by_name = {sym.symbol: sym for sym in plan.symbols}
    total, done = len(plan.symbols), 0
    for batch in iter_batches(spec, batch_size=batch_size, plan=plan):
        for symbol, frame in batch.items():
            _store(catalog, spec, by_name[symbol], frame, validate=validate)
        done += len(batch)
        del batch
        if progress is not None:
            progress(done, total)
    save_truth(plan.truth, truth_path(catalog.root, spec.name))
    return plan.truth


def _store(
    catalog: Catalog,
    spec: SyntheticSpec,
    sym: SymbolPlan,
    frame: pd.DataFrame,
    *,
    validate: bool,
) -> None:
    source = f"{SOURCE_NAME}:{spec.name} seed={spec.seed}"
    if validate:
        report = catalog.ingest(
            frame,
            market=sym.market,
            symbol=sym.symbol,
            timeframe=spec.tf,
            calendar=sym.calendar,
            quote_type=sym.quote_type,
            source_name=source,
        )
        if report.rejected:
            raise DataError(
                f"synthetic {sym.symbol}: catalog validation rejected {report.rejected} rows "
                f"({dict(report.counts)}); this is a generator bug"
            )
        return
    catalog.write_bars(
        frame,
        market=sym.market,
        symbol=sym.symbol,
        timeframe=spec.tf,
        calendar=sym.calendar,
        quote_type=sym.quote_type,
        source=source,
        meta={"description": f"synthetic {sym.role} symbol of market {spec.name!r}"},
    )


def _select(plan: MarketPlan, symbols: list[str] | None) -> list[SymbolPlan]:
    if symbols is None:
        return list(plan.symbols)
    by_name = {sym.symbol: sym for sym in plan.symbols}
    missing = [s for s in symbols if s not in by_name]
    if missing:
        raise SyntheticSpecError(
            f"unknown synthetic symbols {missing}: market {plan.spec.name!r} has "
            f"{plan.symbols[0].symbol}..{plan.symbols[-1].symbol}"
        )
    return [by_name[s] for s in symbols]
