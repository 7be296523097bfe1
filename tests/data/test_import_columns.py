"""`--columns`: canonical names, quoted source names with spaces, repeated or comma-separated."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from tradewind.cli.data_cmd import parse_column_mapping
from tradewind.data.catalog import Catalog
from tradewind.data.schema import DataError

from ._import_cli import import_process

# Auto-detection would take `Date` (all one day) and `Last`; the mapping must win.
_EXPORT = """\
Date,Bar Start,Open,High,Low,Last,Settle
2024-01-02,2024-01-02 09:00,1.10,1.20,1.00,1.15,1.16
2024-01-02,2024-01-02 10:00,1.15,1.25,1.10,1.20,1.21
2024-01-02,2024-01-02 11:00,1.20,1.30,1.15,1.25,1.26
"""


def _export(tmp_path: Path) -> Path:
    path = tmp_path / "export.csv"
    path.write_text(_EXPORT)
    return path


def _stored(catalog: Path) -> pd.DataFrame:
    return Catalog(catalog, include_bundled=False).load_bars("EUR-USD")


@pytest.mark.slow
@pytest.mark.parametrize(
    "columns",
    [
        ["--columns", "timestamp=Bar Start,close=Settle"],
        ["--columns", 'timestamp="Bar Start", close=Settle'],
        ["--columns", "timestamp=Bar Start", "--columns", "close=Settle"],
        ["--columns", "datetime=bar start", "--columns", "Close=SETTLE"],
    ],
    ids=["comma", "quoted", "repeated", "any-case"],
)
def test_the_mapping_picks_source_columns_with_spaces(tmp_path: Path, columns: list[str]) -> None:
    catalog = tmp_path / "catalog"
    done = import_process(
        _export(tmp_path), catalog, "--timeframe", "1h", *columns, symbol="EUR-USD", market="forex"
    )
    assert done.code == 0, done.text
    bars = _stored(catalog)
    assert bars["timestamp"].dt.hour.tolist() == [9, 10, 11]
    assert bars["close"].tolist() == [1.16, 1.21, 1.26]


def test_the_readme_example_imports(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text(
        "Timestamp,Gmt time,Open,High,Low,Close,Volume\n"  # Timestamp would win unmapped
        "2024-01-02 10:00,02.01.2024 09:00:00.000,1.1,1.2,1.0,1.15,100\n"
        "2024-01-02 11:00,02.01.2024 10:00:00.000,1.15,1.25,1.1,1.2,120\n"
    )
    catalog = tmp_path / "catalog"
    done = import_process(
        path, catalog, "--timeframe", "1h", "--columns", "timestamp=Gmt time",
        symbol="EUR-USD", market="forex",
    )  # fmt: skip
    assert done.code == 0, done.text
    assert _stored(catalog)["timestamp"].dt.hour.tolist() == [9, 10]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("columns", "expected"),
    [
        (
            "stamp=Bar Start",
            "unknown column mapping key 'stamp': expected one of timestamp, date, time, open, "
            "high, low, close, adj_close, volume",
        ),
        ("timestamp=Bar Begin", "export.csv: mapped column 'Bar Begin' (for timestamp) not found"),
        ("close", "invalid --columns item 'close': expected name=column"),
        ("close=Last,close=Settle", "--columns maps close twice: close=Last and close=Settle"),
    ],
)
def test_a_bad_mapping_is_a_clear_error(tmp_path: Path, columns: str, expected: str) -> None:
    done = import_process(
        _export(tmp_path), tmp_path / "catalog", "--columns", columns, "--timeframe", "1h"
    )
    assert done.code == 2, done.text
    assert expected in done.err
    assert "Traceback" not in done.text


def test_the_parser_splits_only_at_commas_outside_quotes() -> None:
    assert parse_column_mapping(["timestamp='Time, UTC'", 'close="Last"']) == {
        "timestamp": "Time, UTC",
        "close": "Last",
    }
    with pytest.raises(DataError, match="maps timestamp twice"):
        parse_column_mapping("timestamp=a,datetime=b")
