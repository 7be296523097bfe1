"""Storing downloaded candles: merged into the catalog series through `Catalog.ingest`.

Each flush validates the stored bars plus the new candles with the rules of
`tradewind data import` (strict: one bad candle stores nothing of that flush) and
replaces the series atomically, so an interrupted download keeps every flush before it
and a rerun merges again without duplicates (a stored open time is never replaced).
`Catalog.ingest` sets each bar's `close_time` from the market's calendar (a daily
equities bar closes at its session's close, as the bundled ones do).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from tradewind.app.data_download_pages import Candle
from tradewind.data.catalog import Catalog
from tradewind.data.ingest import IngestReport, NoValidRowsError, RejectedRowsError
from tradewind.data.schema import DataError
from tradewind.domain.market import MarketClass

__all__ = ["CANDLE_COLUMNS", "SeriesWriter", "candle_frame", "stored_opens_ms"]

#: The columns of a candle as exchanges send it.
CANDLE_COLUMNS = ("timestamp", "open", "high", "low", "close", "volume")
# What a candle must satisfy, by the validation rule it broke.
_EXPECTED = {
    "non_finite_price": "finite open, high, low and close",
    "non_finite_volume": "a finite volume",
    "non_positive_price": "prices above 0",
    "high_below_low": "high at or above low",
    "ohlc_inconsistent": "open and close within [low, high]",
    "negative_volume": "a volume of 0 or more",
    "duplicate_timestamp": "one candle per open time",
    "unparseable_number": "numeric prices and volume",
}


def stored_opens_ms(
    catalog: Catalog, symbol: str, timeframe: str, market: MarketClass = MarketClass.CRYPTO
) -> np.ndarray:
    """The open instants (ms UTC, int64) of the stored series; empty when there is none."""
    bars = _stored_bars(catalog, symbol, timeframe, market)
    if bars is None:
        return np.zeros(0, dtype=np.int64)
    return _ms(bars["timestamp"])


def candle_frame(candles: Sequence[Candle]) -> pd.DataFrame:
    """Candles (`[open ms, o, h, l, c, v]`) as a frame with a UTC `timestamp` column."""
    frame = pd.DataFrame([list(c[:6]) for c in candles], columns=list(CANDLE_COLUMNS))
    frame["timestamp"] = pd.to_datetime(frame["timestamp"].astype("int64"), unit="ms", utc=True)
    return frame


class SeriesWriter:
    """Buffers the candles of one symbol and merges them into its catalog series
    (`market`, `symbol`, `timeframe`).

    `add` flushes once `flush_rows` candles are waiting; call `flush` at the end (and
    on interruption). `rows_written`, `first_ms` and `last_ms` describe the new bars
    stored; `fetched` counts every candle added.
    """

    def __init__(
        self,
        catalog: Catalog,
        symbol: str,
        timeframe: str,
        source_name: str,
        flush_rows: int,
        *,
        market: MarketClass = MarketClass.CRYPTO,
    ) -> None:
        self._catalog = catalog
        self._market = market
        self._symbol = symbol
        self._timeframe = timeframe
        self._source_name = source_name
        self._flush_rows = max(1, flush_rows)
        self._pending: list[Candle] = []
        self.fetched = 0
        self.rows_written = 0
        self.first_ms: int | None = None
        self.last_ms: int | None = None

    def add(self, candles: Sequence[Candle]) -> None:
        """Buffer `candles`; flush when `flush_rows` are waiting."""
        self._pending.extend(candles)
        self.fetched += len(candles)
        if len(self._pending) >= self._flush_rows:
            self.flush()

    def flush(self) -> None:
        """Validate and store the buffered candles merged with the stored series.

        Raises:
            DataError: a candle broke a validation rule (names the symbol, its open time,
                the rule and what was expected); the series is left as it was.
        """
        if not self._pending:
            return
        new = candle_frame(self._pending)
        self._pending = []
        stored = _stored_bars(self._catalog, self._symbol, self._timeframe, self._market)
        if stored is not None:
            new = new[~new["timestamp"].isin(stored["timestamp"])]
        if new.empty:
            return
        merged = new if stored is None else pd.concat([stored, new], ignore_index=True)
        merged = merged.sort_values("timestamp", kind="stable", ignore_index=True)
        self._ingest(merged)
        opens = _ms(new["timestamp"])
        self.rows_written += int(opens.size)
        low, high = int(opens.min()), int(opens.max())
        self.first_ms = low if self.first_ms is None else min(self.first_ms, low)
        self.last_ms = high if self.last_ms is None else max(self.last_ms, high)

    def _ingest(self, merged: pd.DataFrame) -> None:
        try:
            self._catalog.ingest(
                merged,
                market=self._market,
                symbol=self._symbol,
                timeframe=self._timeframe,
                source_name=self._source_name,
                strict=True,
            )
        except (RejectedRowsError, NoValidRowsError) as exc:
            raise DataError(self._rejection(exc.report, merged)) from None

    def _rejection(self, report: IngestReport, merged: pd.DataFrame) -> str:
        first = report.examples[0] if report.examples else None
        if first is None:
            return f"{self._symbol} ({self._source_name}): {report.rejection_text()}"
        stamp = merged["timestamp"].iloc[first.row_number - 1]
        rule = first.rules.split(";")[0].strip()
        expected = _EXPECTED.get(rule, "a valid candle")
        where = f"; quarantine: {report.quarantine_path}" if report.quarantine_path else ""
        return (
            f"{self._symbol} ({self._source_name}, {self._timeframe}): the candle opening "
            f"{stamp:%Y-%m-%d %H:%M} UTC was rejected ({rule}: {first.reason}); expected "
            f"{expected}. The {report.rejected:,} bad candle(s) and the candles fetched with "
            f"them were not stored; the bars stored before are kept{where}"
        )


def _stored_bars(
    catalog: Catalog, symbol: str, timeframe: str, market: MarketClass
) -> pd.DataFrame | None:
    """The stored series without `close_time` (ingest recomputes it), or None."""
    key = (market, symbol, timeframe)
    if not any((e.market, e.symbol, e.timeframe) == key for e in catalog.entries(market)):
        return None
    bars = catalog.load_bars(symbol, market=market, timeframe=timeframe)
    return bars.drop(columns=["close_time"])


def _ms(stamps: pd.Series) -> np.ndarray:
    values = pd.DatetimeIndex(stamps).as_unit("ms").asi8
    return np.asarray(values, dtype=np.int64)
