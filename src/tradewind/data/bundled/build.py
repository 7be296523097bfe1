"""Maintainer tool: rebuild the bundled data from the shared offline dataset directory.

    python -m tradewind.data.bundled.build /path/to/datasets

Copies the selected series into the catalog layout (values unchanged; only the column
names and dtypes are normalized, volume int -> float64), copies the macro files
byte for byte and writes `manifest.json` and `SOURCES.md`. Every series must pass
validation with zero rejected rows, or the build stops.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from tradewind.data.bundled import MACRO_FILES, bundled_root
from tradewind.data.bundled.sources_md import render_sources
from tradewind.data.catalog import Catalog
from tradewind.data.schema import VALUE_FIELDS, CatalogEntry, DataError, default_calendar
from tradewind.data.validation import validate_bars
from tradewind.domain.market import MarketClass, QuoteType

__all__ = ["SELECTION", "Pick", "build"]

_M = MarketClass


@dataclass(frozen=True, slots=True)
class Pick:
    """One bundled series: its source file and where it goes in the catalog."""

    source: str
    market: MarketClass
    symbol: str
    timeframe: str = "1d"
    quote_type: QuoteType = QuoteType.PRICE
    column: str | None = None


def _etf(symbol: str, market: MarketClass = _M.EQUITIES) -> Pick:
    folder = "bonds" if market is _M.BONDS else "equities"
    return Pick(f"daily/{folder}/{symbol}.parquet", market, symbol)


def _ust(column: str) -> Pick:
    return Pick(
        "daily/rates/UST_curve.parquet", _M.BONDS, column, quote_type=QuoteType.YIELD, column=column
    )


SELECTION: tuple[Pick, ...] = (
    Pick("daily/crypto/BTC-USD.parquet", _M.CRYPTO, "BTC-USD"),
    Pick("daily/crypto/ETH-USD.parquet", _M.CRYPTO, "ETH-USD"),
    Pick("daily/crypto/LTC-USD.parquet", _M.CRYPTO, "LTC-USD"),
    Pick("intraday/crypto/BTC-USD_1h.parquet", _M.CRYPTO, "BTC-USD", "1h"),
    Pick("intraday/forex/EUR-USD_1h.parquet", _M.FOREX, "EUR-USD", "1h"),
    Pick("daily/equities/SPX.parquet", _M.EQUITIES, "SPX", quote_type=QuoteType.INDEX_LEVEL),
    Pick("daily/equities/COMP.parquet", _M.EQUITIES, "COMP", quote_type=QuoteType.INDEX_LEVEL),
    Pick("daily/equities/AAPL.parquet", _M.EQUITIES, "AAPL"),
    Pick("daily/equities/MSFT.skfolio.parquet", _M.EQUITIES, "MSFT"),
    Pick("daily/equities/JPM.parquet", _M.EQUITIES, "JPM"),
    Pick("daily/equities/XOM.parquet", _M.EQUITIES, "XOM"),
    *(_etf(s) for s in ("SPY", "DIA", "EEM", "EFA", "XLE", "XLF", "XLK")),
    Pick("daily/commodities/WTI.parquet", _M.COMMODITIES, "WTI"),
    *(_etf(s, _M.BONDS) for s in ("TLT", "IEF", "LQD")),
    *(_ust(c) for c in ("UST3M", "UST2Y", "UST5Y", "UST10Y", "UST30Y")),
    Pick("daily/volatility/VIX.parquet", _M.VOLATILITY, "VIX", quote_type=QuoteType.INDEX_LEVEL),
)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _convert(
    frame: pd.DataFrame, pick: Pick, info: dict[str, Any]
) -> tuple[pd.DataFrame, dict[str, Any]]:
    steps: list[str] = []
    adjustment = info.get("price_adjustment")
    units = str(info.get("units", ""))
    if pick.column is not None:
        total = len(frame)
        frame = frame[["timestamp", pick.column]].dropna().rename(columns={pick.column: "close"})
        steps.append(
            f"column {pick.column} of the wide curve file taken as close (a yield, decimal); "
            f"{total - len(frame)} dates without a published value have no row (not filled)"
        )
        units = "yield as a decimal fraction (0.0239 = 2.39 %)"
        adjustment = "n/a (yield)"
    elif "close" in frame.columns and "adj_close" in frame.columns:
        frame = frame.drop(columns="adj_close")
        steps.append("source adj_close dropped: the catalog stores the unadjusted close only")
        if pick.quote_type is QuoteType.PRICE:
            adjustment = "none: open/high/low/close/volume unadjusted (source adj_close dropped)"
    elif "adj_close" in frame.columns:
        frame = frame.rename(columns={"adj_close": "close"})
        steps.append("source adj_close stored as close (no unadjusted close exists)")
    dropped = [c for c in frame.columns if c not in ("timestamp", *VALUE_FIELDS)]
    if dropped:
        frame = frame.drop(columns=dropped)
        steps.append(f"dropped column(s) {', '.join(dropped)}")
    if "volume" in frame.columns and frame["volume"].dtype != "float64":
        steps.append("volume converted to float64 (integer values, exact)")
    out = pd.DataFrame({"timestamp": frame["timestamp"].astype(pd.DatetimeTZDtype("ns", "UTC"))})
    for name in VALUE_FIELDS:
        out[name] = frame[name].astype("float64") if name in frame.columns else float("nan")
    fields = [n for n in VALUE_FIELDS if n in frame.columns]
    steps.append("close_time added from the trading calendar")
    return out.reset_index(drop=True), {
        "fields": fields,
        "price_adjustment": adjustment,
        "units": units,
        "steps": steps,
    }


def _source_text(info: dict[str, Any]) -> str:
    src = info["source"]
    return f"{src['package']} {src['version']}: {src['path']}"


def _series_meta(pick: Pick, info: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    """The catalog metadata of one bundled series: provenance, licence and every step."""
    return {
        "fields": extra["fields"],
        "price_adjustment": extra["price_adjustment"],
        "units": extra["units"],
        "description": info["series"],
        "upstream": info["source"].get("upstream", ""),
        "licence": info["licence"],
        "transformations": [*info.get("transformations", []), *extra["steps"]],
        "notes": info.get("notes", ""),
        "dataset_file": pick.source,
        "dataset_sha256": info["sha256"],
        "ingested_at": None,
    }


def _manifest_row(
    entry: CatalogEntry, pick: Pick, extra: dict[str, Any], out_root: Path
) -> dict[str, Any]:
    """One series' row of the bundle manifest (with the stored file's SHA-256)."""
    return {
        "path": str(entry.path.relative_to(out_root)),
        "market": pick.market.value,
        "symbol": pick.symbol,
        "timeframe": pick.timeframe,
        "rows": entry.rows,
        "first": entry.first.isoformat() if entry.first is not None else None,
        "last": entry.last.isoformat() if entry.last is not None else None,
        "sha256": _sha256(entry.path),
        "dataset_file": pick.source,
        "price_adjustment": extra["price_adjustment"],
        "tradewind_steps": extra["steps"],
    }


def build(source_dir: Path, target: Path | None = None) -> dict[str, Any]:
    """Rebuild the bundle from `source_dir` (the datasets folder with its manifest.json).

    Raises:
        DataError: a source file is missing or a series fails validation.
    """
    out_root = target or bundled_root()
    catalog_root = out_root / "catalog"
    manifest = {m["path"]: m for m in json.loads((source_dir / "manifest.json").read_text())}
    shutil.rmtree(catalog_root, ignore_errors=True)
    catalog = Catalog(catalog_root, include_bundled=False)
    series: list[dict[str, Any]] = []
    for pick in SELECTION:
        info = manifest[pick.source]
        frame, extra = _convert(pd.read_parquet(source_dir / pick.source), pick, info)
        result = validate_bars(frame, fields=extra["fields"], quote_type=pick.quote_type)
        if result.rejected:
            raise DataError(
                f"{pick.source}: {result.rejected} rows fail validation {result.nonzero_counts}"
            )
        entry = catalog.write_bars(
            frame,
            market=pick.market,
            symbol=pick.symbol,
            timeframe=pick.timeframe,
            calendar=default_calendar(pick.market),
            quote_type=pick.quote_type,
            source=_source_text(info),
            meta=_series_meta(pick, info, extra),
        )
        series.append(_manifest_row(entry, pick, extra, out_root))
    macro = _copy_macro(source_dir, out_root, manifest)
    result_manifest = {"format": 1, "series": series, "macro": macro}
    (out_root / "manifest.json").write_text(json.dumps(result_manifest, indent=2) + "\n")
    (out_root / "SOURCES.md").write_text(render_sources(SELECTION, manifest, series, macro))
    return result_manifest


def _copy_macro(source_dir: Path, out_root: Path, manifest: dict[str, Any]) -> list[dict[str, Any]]:
    macro_dir = out_root / "macro"
    macro_dir.mkdir(parents=True, exist_ok=True)
    copied = []
    for name in MACRO_FILES:
        source = f"macro/{name}"
        shutil.copyfile(source_dir / source, macro_dir / name)
        copied.append(
            {
                "path": f"macro/{name}",
                "sha256": _sha256(macro_dir / name),
                "dataset_file": source,
                "rows": manifest[source]["rows"],
            }
        )
    return copied


if __name__ == "__main__":  # pragma: no cover - maintainer entry point
    if len(sys.argv) != 2:
        sys.exit("usage: python -m tradewind.data.bundled.build DATASETS_DIR")
    done = build(Path(sys.argv[1]))
    print(f"bundled {len(done['series'])} series and {len(done['macro'])} macro files")
