"""Reading bar files in the shapes common sources export."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tradewind.data.importer import read_bar_file
from tradewind.data.schema import DataError
from tradewind.data.validation import validate_bars

from ._bar_fixtures import write_csv


def _utc(*stamps: str) -> list[pd.Timestamp]:
    return [pd.Timestamp(s, tz="UTC") for s in stamps]


def _rules(raw_issues: tuple) -> dict[str, list[int]]:  # type: ignore[type-arg]
    return {issue.rule: np.flatnonzero(issue.mask).tolist() for issue in raw_issues}


def test_yahoo_style_daily_csv(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "AAPL.csv",
        """
        Date,Open,High,Low,Close,Adj Close,Volume
        2024-01-02,187.15,188.44,183.89,185.64,184.94,82488700
        2024-01-03,184.22,185.88,183.43,184.25,183.55,58414500
        """,
    )
    raw = read_bar_file(path, timeframe="1d")
    assert raw.frame["timestamp"].tolist() == _utc("2024-01-02", "2024-01-03")
    assert raw.frame["close"].tolist() == [185.64, 184.25]
    assert raw.fields == ("open", "high", "low", "close", "volume")
    assert raw.price_adjustment is None
    assert raw.row_numbers.tolist() == [2, 3]
    assert any("Adj Close" in note for note in raw.notes)


def test_adj_close_only_is_stored_as_close_and_recorded(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "x.csv",
        """
        date,adj_close
        2024-01-02,10.5
        2024-01-03,10.75
        """,
    )
    raw = read_bar_file(path, timeframe="1d")
    assert raw.fields == ("close",)
    assert raw.frame["close"].tolist() == [10.5, 10.75]
    assert raw.price_adjustment is not None
    assert "adj_close" in raw.price_adjustment
    assert raw.frame["open"].isna().all()


def test_cryptodatadownload_banner_newest_first_and_volume_variant(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "Coinbase_BTCUSD_1h.csv",
        """
        Timestamps are UTC timezone,https://www.CryptoDataDownload.com
        Date,Symbol,Open,High,Low,Close,Volume BTC,Volume USD
        2019-10-17 09-AM,BTCUSD,8000,8100,7900,8050,10,80500
        2019-10-17 08-AM,BTCUSD,7990,8010,7950,8000,4,32000
        2019-10-17 07-AM,BTCUSD,7980,8000,7970,7990,5,39950
        """,
    )
    raw = read_bar_file(path, timeframe="1h")
    assert raw.reversed_order
    assert raw.frame["timestamp"].tolist() == _utc(
        "2019-10-17 07:00", "2019-10-17 08:00", "2019-10-17 09:00"
    )
    assert raw.frame["volume"].tolist() == [5.0, 4.0, 10.0]
    assert raw.columns["volume"] == "Volume BTC"
    # Row numbers are file lines (banner = line 1, header = line 2), after reversal.
    assert raw.row_numbers.tolist() == [5, 4, 3]


def test_epoch_milliseconds_and_seconds_are_detected_per_value(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "binance.csv",
        """
        open time,open,high,low,close,volume
        1704067200000,1,2,0.5,1.5,10
        1704070800,1.5,2,1,1.8,11
        """,
    )
    raw = read_bar_file(path, timeframe="1h")
    assert raw.frame["timestamp"].tolist() == _utc("2024-01-01 00:00", "2024-01-01 01:00")


def test_garbage_among_epoch_values_flags_only_that_row(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "epoch.csv",
        """
        unix,close
        1704067200,1
        oops,2
        1704153600,3
        """,
    )
    raw = read_bar_file(path, timeframe="1d")
    assert _rules(raw.issues) == {"unparseable_timestamp": [1]}
    assert raw.frame["timestamp"].iloc[2] == pd.Timestamp("2024-01-02", tz="UTC")


def test_split_date_and_time_columns_are_joined(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "mt.csv",
        """
        <DATE>,<TIME>,<OPEN>,<HIGH>,<LOW>,<CLOSE>,<TICKVOL>
        2024.01.02,10:00,1.1,1.2,1.0,1.15,100
        2024.01.02,11:00,1.15,1.25,1.1,1.2,120
        """,
    )
    raw = read_bar_file(path, timeframe="1h")
    assert raw.frame["timestamp"].tolist() == _utc("2024-01-02 10:00", "2024-01-02 11:00")
    assert raw.frame["volume"].tolist() == [100.0, 120.0]


def test_iso_offsets_are_converted_to_utc(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "offsets.csv",
        """
        datetime,close
        2024-03-01T09:30:00-05:00,10
        2024-03-01T15:30:00+01:00,11
        2024-03-01T16:00:00Z,12
        """,
    )
    raw = read_bar_file(path, timeframe="30m")
    assert raw.frame["timestamp"].tolist() == _utc(
        "2024-03-01 14:30", "2024-03-01 14:30", "2024-03-01 16:00"
    )


def test_naive_local_times_are_localized_and_dst_problems_flagged(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "berlin.csv",
        """
        Datum;Zeit;Schluss
        30.03.2024;12:00;1,5
        31.03.2024;02:30;1,6
        27.10.2024;02:30;1,7
        27.10.2024;04:00;1,8
        """,
    )
    raw = read_bar_file(
        path,
        tz="Europe/Berlin",
        timeframe="1h",
        columns={"date": "Datum", "time": "Zeit", "close": "Schluss"},
    )
    assert raw.frame["close"].tolist() == [1.5, 1.6, 1.7, 1.8]
    assert raw.frame["timestamp"].iloc[0] == pd.Timestamp("2024-03-30 11:00", tz="UTC")
    assert raw.frame["timestamp"].iloc[3] == pd.Timestamp("2024-10-27 03:00", tz="UTC")
    assert _rules(raw.issues) == {"nonexistent_local_time": [1], "ambiguous_local_time": [2]}
    result = validate_bars(
        raw.frame, fields=raw.fields, issues=raw.issues, raw=raw.raw, row_numbers=raw.row_numbers
    )
    assert result.quarantine["row_number"].tolist() == [3, 4]
    assert "Europe/Berlin" in result.quarantine["reason"].iloc[0]


def test_daily_dates_stay_the_written_date_in_any_zone(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "d.csv", "date,close\n2024-01-02,1\n2024-01-03,2")
    raw = read_bar_file(path, tz="Asia/Tokyo", timeframe="1d")
    assert raw.frame["timestamp"].tolist() == _utc("2024-01-02", "2024-01-03")


def test_intraday_file_read_as_daily_is_refused_with_the_spacing(tmp_path: Path) -> None:
    rows = "\n".join(f"2024-01-02 {h:02d}:00,{h}" for h in range(1, 9))
    path = write_csv(tmp_path / "hourly.csv", "time,close\n" + rows)
    with pytest.raises(DataError, match=r"hourly\.csv: .*median spacing 1h.*--timeframe 1h"):
        read_bar_file(path, timeframe="1d")


def test_us_month_first_dates(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "us.csv", "Date,Close\n01/31/2024,5\n02/01/2024,6")
    raw = read_bar_file(path, timeframe="1d")
    assert raw.frame["timestamp"].tolist() == _utc("2024-01-31", "2024-02-01")


def test_unparseable_values_become_flagged_rows(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "bad.csv",
        """
        date,close,volume
        2024-01-02,10,5
        yesterday,11,5
        2024-01-04,abc,5
        2024-01-05,12,1.5K
        """,
    )
    raw = read_bar_file(path, timeframe="1d")
    assert _rules(raw.issues) == {"unparseable_timestamp": [1], "unparseable_number": [2]}
    assert raw.frame["volume"].iloc[3] == 1500.0


def test_gzip_csv_and_parquet_inputs(tmp_path: Path) -> None:
    gz = tmp_path / "bars.csv.gz"
    with gzip.open(gz, "wt") as handle:
        handle.write("timestamp,close\n2024-01-02,1\n2024-01-03,2\n")
    assert read_bar_file(gz, timeframe="1d").frame["close"].tolist() == [1.0, 2.0]
    parquet = tmp_path / "bars.parquet"
    pd.DataFrame(
        {
            "Date": pd.to_datetime(["2024-01-02", "2024-01-03"]),
            "Close": [1.0, 2.0],
            "Volume": [5, 6],
        }
    ).to_parquet(parquet)
    raw = read_bar_file(parquet, timeframe="1d")
    assert raw.frame["timestamp"].tolist() == _utc("2024-01-02", "2024-01-03")
    assert raw.fields == ("close", "volume")


def test_blank_lines_keep_true_line_numbers(tmp_path: Path) -> None:
    path = tmp_path / "blank.csv"
    path.write_text("date,close\n2024-01-02,1\n\n2024-01-04,x\n")
    raw = read_bar_file(path, timeframe="1d")
    assert raw.row_numbers.tolist() == [2, 4]


@pytest.mark.parametrize(
    ("content", "name", "expected"),
    [
        (
            "date,foo\n2024-01-02,1\n",
            "prices.csv",
            "prices.csv: no close column; expected one of close",
        ),
        ("foo,close\n1,2\n", "prices.csv", "prices.csv: no timestamp column"),
        ("", "empty.csv", "empty.csv: the file is empty"),
        ("date,close\n2024-01-02,1\n2024-01-03,2,3,4\n", "ragged.csv", "ragged.csv: malformed CSV"),
        ("date,close\n", "prices.json", "prices.json: unknown file format"),
    ],
)
def test_file_level_problems_raise_data_error(
    tmp_path: Path, content: str, name: str, expected: str
) -> None:
    path = tmp_path / name
    path.write_text(content)
    with pytest.raises(DataError, match=expected):
        read_bar_file(path, timeframe="1d")


def test_missing_file_and_bad_mapping_raise_data_error(tmp_path: Path) -> None:
    with pytest.raises(DataError, match=r"nope\.csv: file not found"):
        read_bar_file(tmp_path / "nope.csv")
    path = write_csv(tmp_path / "x.csv", "date,close\n2024-01-02,1")
    with pytest.raises(DataError, match="mapped column 'Schluss'"):
        read_bar_file(path, columns={"close": "Schluss"})
    with pytest.raises(DataError, match="unknown time zone"):
        read_bar_file(path, tz="Mars/Olympus")


def test_broken_parquet_raises_data_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.parquet"
    path.write_bytes(b"not parquet at all")
    with pytest.raises(DataError, match=r"broken\.parquet: not a readable Parquet file"):
        read_bar_file(path)
