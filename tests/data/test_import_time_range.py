"""Timestamps outside the supported range are quarantined rows, never an overflow crash."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tradewind.data import csv_chunks
from tradewind.data.catalog import Catalog
from tradewind.data.importer import read_bar_file
from tradewind.data.timeparse import SUPPORTED_RANGE, TimeParser

from ._import_cli import import_process, quarantine_of


def _rules_by_line(catalog: Path) -> dict[int, str]:
    quarantine = quarantine_of(catalog)
    return dict(zip(quarantine["row_number"], quarantine["rules"], strict=True))


def test_far_future_and_far_past_dates_are_quarantined_with_their_line(tmp_path: Path) -> None:
    path = tmp_path / "far.csv"
    path.write_text(
        "date,close\n2024-01-02,1\n9999-12-31,2\n1500-01-01,3\n2024-01-03,4\n2262-04-11,5\n"
    )
    catalog = tmp_path / "catalog"
    done = import_process(path, catalog)
    assert done.code == 1, done.text
    assert "internal error" not in done.text
    assert "2 of 5 rows accepted, 3 rejected" in done.out
    assert "row 3: timestamp '9999-12-31' is outside the supported range" in done.out
    assert _rules_by_line(catalog) == dict.fromkeys([3, 4, 6], "timestamp_out_of_range")
    stored = Catalog(catalog, include_bundled=False).load_bars("TEST")
    assert stored["close"].tolist() == [1.0, 4.0]


def test_epoch_values_no_unit_can_hold_are_quarantined_through_the_cli(tmp_path: Path) -> None:
    path = tmp_path / "epoch.csv"
    path.write_text("unix,close\n1704067200,1\n-99999999999,2\n1704153600,3\n")
    catalog = tmp_path / "catalog"
    done = import_process(path, catalog)
    assert done.code == 1, done.text
    assert "row 3: timestamp '-99999999999' is outside the supported range" in done.out
    assert _rules_by_line(catalog) == {3: "timestamp_out_of_range"}


@pytest.mark.parametrize(
    ("values", "daily"),
    [
        (["1704067200", "-99999999999", "1704153600"], True),  # epoch seconds, year 1653
        (["1704067200000", "-9999999999999", "1704153600000"], True),  # milliseconds
        (["20240102", "15000101", "20240103"], True),  # YYYYMMDD
        (["2024-01-02T10:00Z", "9999-12-31T00:00+01:00", "2024-01-02T11:00Z"], False),
        (["2024-01-02 10:00", "3000-01-01 00:00", "2024-01-02 11:00"], False),
    ],
)
def test_out_of_range_values_of_every_timestamp_shape_are_flagged(
    values: list[str], daily: bool
) -> None:
    for tz in ("UTC", "Europe/Berlin"):
        parsed = TimeParser(tz=tz, daily=daily).parse_text(pd.Series(values))
        rules = {issue.rule: issue.mask.tolist() for issue in parsed.issues}
        assert rules == {"timestamp_out_of_range": [False, True, False]}, (values, tz)
        reason = parsed.issues[0].reasons_at(pd.RangeIndex(3).to_numpy())[1]
        assert f"'{values[1]}' is outside the supported range {SUPPORTED_RANGE}" in reason


@pytest.mark.slow
@pytest.mark.parametrize(
    "array",
    [
        pa.array([dt.datetime(2024, 1, 2), dt.datetime(9999, 12, 31), dt.datetime(2024, 1, 3)],
                 pa.timestamp("us")),
        pa.array([dt.datetime(2024, 1, 2), dt.datetime(1200, 1, 1), dt.datetime(2024, 1, 3)],
                 pa.timestamp("ms", tz="UTC")),
        pa.array([dt.date(2024, 1, 2), dt.date(9999, 12, 31), dt.date(2024, 1, 3)], pa.date32()),
    ],
    ids=["timestamp-us", "timestamp-ms-utc", "date32"],
)  # fmt: skip
def test_parquet_timestamp_columns_outside_the_range_are_quarantined(
    tmp_path: Path, array: pa.Array
) -> None:
    path = tmp_path / "far.parquet"
    pq.write_table(pa.table({"Date": array, "Close": [1.0, 2.0, 3.0]}), path)
    catalog = tmp_path / "catalog"
    done = import_process(path, catalog)
    assert done.code == 1, done.text
    assert "2 of 3 rows accepted, 1 rejected" in done.out
    assert _rules_by_line(catalog) == {2: "timestamp_out_of_range"}


def test_a_few_bad_yyyymmdd_values_do_not_turn_the_dates_into_epoch_seconds(
    tmp_path: Path,
) -> None:
    days = pd.bdate_range("2024-01-02", periods=30).strftime("%Y%m%d").tolist()
    days[10] = "20241301"  # no month 13
    path = tmp_path / "d.csv"
    path.write_text("date,close\n" + "".join(f"{d},{i + 1}\n" for i, d in enumerate(days)))
    raw = read_bar_file(path, timeframe="1d")
    assert {issue.rule: issue.mask.sum() for issue in raw.issues} == {"unparseable_timestamp": 1}
    assert raw.frame["timestamp"].iloc[0] == pd.Timestamp("2024-01-02", tz="UTC")


def test_the_first_block_decides_how_timestamps_are_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Epoch seconds first; a later block of ISO text is not silently read another way.
    first = [f"{1704067200 + 86400 * i},{i + 1}" for i in range(40)]
    later = [f"2024-03-{day:02d},{day}" for day in range(1, 11)]
    path = tmp_path / "mixed.csv"
    path.write_text("unix,close\n" + "\n".join(first + later) + "\n")
    monkeypatch.setattr(csv_chunks, "_BLOCK_BYTES", 200)
    raw = read_bar_file(path, timeframe="1d")
    flagged = {issue.rule: issue.mask.sum() for issue in raw.issues}
    assert flagged == {"unparseable_timestamp": 10}
