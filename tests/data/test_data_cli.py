"""`tradewind data list|import|show`, run as a user would (subprocess) where exit codes matter."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from tradewind.cli.data_cmd import app, parse_column_mapping
from tradewind.data.catalog import Catalog
from tradewind.data.schema import DataError

from ._bar_fixtures import write_csv

TRADEWIND = Path(sys.executable).with_name("tradewind")
runner = CliRunner()


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "TRADEWIND_DEBUG"}
    return subprocess.run(
        [str(TRADEWIND), "data", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=120,
        check=False,
    )


def test_list_shows_real_data_for_all_six_classes(catalog_dir: Path) -> None:
    result = runner.invoke(app, ["list", "--catalog", str(catalog_dir)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    for market, symbol in [
        ("crypto", "BTC-USD"),
        ("forex", "EUR-USD"),
        ("equities", "SPX"),
        ("commodities", "WTI"),
        ("bonds", "UST10Y"),
        ("volatility", "VIX"),
    ]:
        assert any(symbol in line and market in line and "bundled" in line for line in lines)
    assert "FRED monthly" in result.output
    assert "NBER recessions" in result.output
    assert "5,031" in result.output  # SPX rows


def test_show_prints_metadata_rows_and_quality(catalog_dir: Path) -> None:
    result = runner.invoke(
        app,
        ["show", "SPX", "--start", "2008-10-13", "--end", "2008-10-14", "--quality",
         "--catalog", str(catalog_dir)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "1,003.349976" in result.output
    assert "arch 8.0.0" in result.output
    assert "quality (XNYS calendar, 1d): 2 bars" in result.output


def test_column_mapping_parser() -> None:
    assert parse_column_mapping("date=Datum, close=Schluss") == {
        "date": "Datum",
        "close": "Schluss",
    }
    with pytest.raises(DataError, match="expected name=column"):
        parse_column_mapping("date")


def _inject_bad_rows(clean: pd.DataFrame, seed: int) -> tuple[list[dict[str, str]], dict[int, str]]:
    """Original rows as CSV text plus ~1% injected bad rows; returns rows and {line: kind}."""
    rng = np.random.default_rng(seed)
    kinds = [
        "non_finite_price",
        "non_positive_price",
        "high_below_low",
        "duplicate_timestamp",
        "out_of_order_timestamp",
        "unparseable_timestamp",
        "negative_volume",
    ]
    count = round(len(clean) * 0.01)
    # Out-of-order rows go far from the start so the longest ascending run is unambiguous.
    after = rng.choice(np.arange(1100, len(clean)), size=count, replace=False)
    text = [
        {
            "Date": row.timestamp.strftime("%Y-%m-%d"),
            "Open": repr(row.open),
            "High": repr(row.high),
            "Low": repr(row.low),
            "Close": repr(row.close),
            "Volume": str(int(row.volume)),
        }
        for row in clean.itertuples()
    ]
    injected: dict[int, dict[str, str]] = {}
    kind_of: dict[int, str] = {}
    for i, position in enumerate(sorted(after)):
        kind = kinds[i % len(kinds)]
        bad = dict(text[position])
        if kind == "non_finite_price":
            bad["Close"] = "NaN"
        elif kind == "non_positive_price":
            bad["Close"] = "-" + bad["Close"]
        elif kind == "high_below_low":
            bad["High"], bad["Low"] = bad["Low"], bad["High"]
        elif kind == "out_of_order_timestamp":
            saturday = clean["timestamp"].iloc[position - 900].normalize()
            saturday += pd.Timedelta(days=(5 - saturday.day_of_week) % 7)
            bad["Date"] = saturday.strftime("%Y-%m-%d")
        elif kind == "unparseable_timestamp":
            bad["Date"] = f"garbage-{i}"
        elif kind == "negative_volume":
            bad["Volume"] = "-" + bad["Volume"]
        injected[int(position)] = bad
        kind_of[int(position)] = kind
    rows: list[dict[str, str]] = []
    lines: dict[int, str] = {}
    for position, row in enumerate(text):
        rows.append(row)
        if position in injected:
            rows.append(injected[position])
            lines[len(rows) + 1] = kind_of[position]  # header is line 1
    return rows, lines


@pytest.mark.slow
def test_import_with_one_percent_bad_rows_quarantines_exactly_the_bad_rows(
    tmp_path: Path, spx_bundled: pd.DataFrame
) -> None:
    rows, bad_lines = _inject_bad_rows(spx_bundled, seed=20261121)
    source = tmp_path / "spx_dirty.csv"
    pd.DataFrame(rows).to_csv(source, index=False)
    catalog_dir = tmp_path / "catalog"

    done = _cli("import", str(source), "--symbol", "SPXT", "--market", "equities",
                "--catalog", str(catalog_dir), cwd=tmp_path)  # fmt: skip
    assert done.returncode == 1, done.stderr  # imported, with rows quarantined
    assert "Traceback" not in done.stdout + done.stderr
    assert "50 of 5,081 rows rejected and quarantined" in done.stderr
    assert f"5,031 of {len(rows):,} rows accepted, {len(bad_lines)} rejected" in done.stdout

    meta = json.loads(
        (catalog_dir / "market=equities/symbol=SPXT/timeframe=1d/meta.json").read_text()
    )
    expected_counts = pd.Series(list(bad_lines.values())).value_counts().to_dict()
    assert meta["rows_rejected"] == len(bad_lines) == 50
    assert meta["quarantined"] == expected_counts
    quarantine = pd.read_parquet(meta["quarantine_file"])
    assert sorted(quarantine["row_number"]) == sorted(bad_lines)
    by_line = dict(zip(quarantine["row_number"], quarantine["rules"], strict=True))
    assert by_line == bad_lines

    stored = Catalog(catalog_dir, include_bundled=False).load_bars("SPXT")
    pd.testing.assert_frame_equal(
        stored.drop(columns="close_time"), spx_bundled.drop(columns="close_time")
    )
    pd.testing.assert_series_equal(stored["close_time"], spx_bundled["close_time"])


@pytest.mark.slow
@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("dates.csv", "date,close\nsoon,1\nlater,2\n", "dates.csv: no valid rows to import"),
        ("nan.csv", "date,close\n2024-01-02,NaN\n2024-01-03,\n", "non_finite_price 2"),
        ("ragged.csv", "date,close\n2024-01-02,1\n2024-01-03,2,9\n", "ragged.csv: malformed CSV"),
        ("nocol.csv", "date,foo\n2024-01-02,1\n", "nocol.csv: no close column"),
        ("empty.csv", "", "empty.csv: the file is empty"),
        ("broken.parquet", "PAR1 garbage", "broken.parquet: not a readable Parquet file"),
    ],
)
def test_malformed_files_exit_2_with_a_clean_message(
    tmp_path: Path, name: str, content: str, expected: str
) -> None:
    path = tmp_path / name
    path.write_text(content)
    done = _cli("import", str(path), "--symbol", "BAD", "--market", "equities",
                "--catalog", str(tmp_path / "catalog"), cwd=tmp_path)  # fmt: skip
    assert done.returncode == 2
    assert expected in done.stderr
    assert "Traceback" not in done.stdout + done.stderr


@pytest.mark.slow
def test_duplicated_timestamps_are_reported_with_row_numbers(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "dups.csv",
        "date,close\n2024-01-02,1\n2024-01-02,1\n2024-01-03,2\n2024-01-03,3",
    )
    catalog_dir = tmp_path / "catalog"
    done = _cli("import", str(path), "--symbol", "DUP", "--market", "equities",
                "--catalog", str(catalog_dir), cwd=tmp_path)  # fmt: skip
    assert done.returncode == 1, done.stderr
    assert "dups.csv: 2 of 4 rows rejected and quarantined" in done.stderr
    assert "2 rejected" in done.stdout
    assert "duplicate_timestamp" in done.stdout
    assert "row 3: duplicate timestamp; first kept at row 2" in done.stdout
    strict = _cli("import", str(path), "--symbol", "DUP2", "--market", "equities", "--strict",
                  "--catalog", str(catalog_dir), cwd=tmp_path)  # fmt: skip
    assert strict.returncode == 2
    assert "dups.csv: nothing imported (strict): 2 of 4 rows rejected" in strict.stderr


def test_import_of_a_german_export_with_time_zone_and_mapping(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "dax.csv",
        """
        Datum;Eröffnung;Hoch;Tief;Schluss;Volumen
        02.01.2024;16.769,36;16.963,83;16.697,68;16.769,36;63.808.600
        03.01.2024;16.734,55;16.734,55;16.486,40;16.538,39;74.519.900
        """,
    )
    catalog_dir = tmp_path / "catalog"
    result = runner.invoke(
        app,
        ["import", str(path), "--symbol", "DAX", "--market", "equities", "--tz", "Europe/Berlin",
         "--calendar", "XETR", "--columns", "date=Datum,open=Eröffnung,high=Hoch,low=Tief,"
         "close=Schluss,volume=Volumen", "--catalog", str(catalog_dir)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    bars = Catalog(catalog_dir, include_bundled=False).load_bars("DAX")
    assert bars["close"].tolist() == [16769.36, 16538.39]
    assert bars["volume"].tolist() == [63_808_600.0, 74_519_900.0]
    assert bars["timestamp"].dt.strftime("%Y-%m-%d").tolist() == ["2024-01-02", "2024-01-03"]
    assert bars["close_time"].iloc[0] == pd.Timestamp("2024-01-02 16:30", tz="UTC")
