"""Render `SOURCES.md`: attribution, licence and transformations of every bundled file."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

__all__ = ["render_sources"]


class _Pick(Protocol):
    @property
    def source(self) -> str: ...
    @property
    def symbol(self) -> str: ...
    @property
    def timeframe(self) -> str: ...


_INTRO = """# Bundled data: sources and attribution

Tradewind ships a small selection of real market data so that every command works
offline. Nothing here is synthetic, filled or resampled: each value is the value the
upstream package publishes. The selection was taken from an offline collection of
data that ship inside permissively licensed Python packages (plus FRED statistics and
the NBER business-cycle dates, which are public facts); the collection's own build
notes record where each file came from, and this file repeats that record for the
files Tradewind bundles.

How the bundled series differ from their source files (and nothing else does):

* stored in Tradewind's catalog layout
  (`catalog/market=<class>/symbol=<SYMBOL>/timeframe=<tf>/bars.parquet` + `meta.json`);
* columns normalized to `timestamp, close_time, open, high, low, close, volume`;
  `close_time` is derived from the trading calendar (XNYS for US equities, bonds,
  oil and VIX; FX for EUR-USD; 24/7 for crypto); a column the source lacks is all
  NaN and left out of `fields` in `meta.json`;
* integer volumes stored as float64 (exact);
* where a source has only an adjusted close, that series is stored as `close` and
  `meta.json` says so in `price_adjustment`; where a source has both, the
  unadjusted close is kept and the source's `adj_close` column is dropped;
* Treasury yields are split out of one wide curve file into one series per maturity;
  a date without a published yield has no row.

The macro files are byte-for-byte copies. `manifest.json` holds the SHA-256 of every
bundled file and the SHA-256 of the file it was made from.

A package licence covers the package; for several series the original vendor is
not named by the package and its redistribution terms are unknown (see "upstream"
below). The cleanest items are the US-government series (EIA oil, Treasury yields,
FRED statistics) and the NBER dates.

## Packages the data came from

| package | version | licence | bundled here |
|---|---|---|---|
"""


def render_sources(
    picks: Sequence[_Pick],
    manifest: Mapping[str, Mapping[str, Any]],
    series: Sequence[Mapping[str, Any]],
    macro: Sequence[Mapping[str, Any]],
) -> str:
    """Markdown text for SOURCES.md from the dataset manifest and what was bundled."""
    used: dict[tuple[str, str], list[str]] = {}
    licences: dict[tuple[str, str], str] = {}
    for path, label in [(p.source, f"{p.symbol} {p.timeframe}") for p in picks] + [
        (m["dataset_file"], m["path"].removeprefix("macro/")) for m in macro
    ]:
        info = manifest[path]
        key = (info["source"]["package"], info["source"]["version"])
        used.setdefault(key, []).append(label)
        licences[key] = info["licence"].split(";")[0]
    lines = [_INTRO.rstrip("\n")]
    for (package, version), labels in used.items():
        lines.append(
            f"| {package} | {version} | {licences[(package, version)]} | {', '.join(labels)} |"
        )
    lines += ["", "## Bundled series", ""]
    for pick, row in zip(picks, series, strict=True):
        lines += _series_block(pick, row, manifest[pick.source])
    lines += ["## Macro files", ""]
    for row in macro:
        lines += _macro_block(row, manifest[row["dataset_file"]])
    return "\n".join(lines).rstrip() + "\n"


def _series_block(pick: _Pick, row: Mapping[str, Any], info: Mapping[str, Any]) -> list[str]:
    src = info["source"]
    block = [
        f"### {row['market']} / {pick.symbol} / {pick.timeframe}",
        "",
        f"* what: {info['series']}",
        f"* bundled as: `{row['path']}` ({row['rows']:,} rows, "
        f"{row['first'][:10]} .. {row['last'][:10]})",
        f"* taken from: `{src['path']}` in {src['package']} {src['version']}"
        f" ({src.get('distribution', 'package')}); collection file `{pick.source}`",
        f"* upstream: {src.get('upstream', 'not stated')}",
        f"* licence: {info['licence']}",
        f"* units: {info.get('units', '')}",
        f"* price adjustment as bundled: {row.get('price_adjustment') or 'n/a'}",
        "* steps from the package file to the collection file: "
        + "; ".join(info.get("transformations", [])),
        "* steps in Tradewind: " + "; ".join(row.get("tradewind_steps", [])),
    ]
    if info.get("notes"):
        block.append(f"* caveats: {info['notes']}")
    return [*block, ""]


def _macro_block(row: Mapping[str, Any], info: Mapping[str, Any]) -> list[str]:
    src = info["source"]
    block = [
        f"### {row['path']}",
        "",
        f"* what: {info['series']}",
        f"* rows: {row['rows']:,}; copied unchanged from collection file `{row['dataset_file']}`",
        f"* taken from: {src['package']} {src['version']}: `{src['path']}`",
        f"* upstream: {src.get('upstream', 'not stated')}",
        f"* licence: {info['licence']}",
        "* steps: " + "; ".join(info.get("transformations", [])),
    ]
    if info.get("notes"):
        block.append(f"* caveats: {info['notes']}")
    return [*block, ""]
