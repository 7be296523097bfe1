"""Every data line of an imported file is accounted for: accepted, rejected or a blank line.

Also the ingest report's API (what `backtest --data` will report) and the chunked
reader: results do not depend on where the file is cut into blocks.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tradewind.data import csv_chunks, parquet_source
from tradewind.data.catalog import Catalog
from tradewind.data.importer import read_bar_file
from tradewind.data.quarantine import quarantine_frame
from tradewind.data.validation import validate_arrays

from ._import_cli import import_in_process, quarantine_of

_SUMMARY = re.compile(r"([\d,]+) of ([\d,]+) rows accepted, ([\d,]+) rejected")


def _bar(day: pd.Timestamp, close: float = 10.0) -> str:
    return f"{day:%Y-%m-%d},{close},{close + 1},{close - 1},{close},100"


def _file_with_empty_rows(tmp_path: Path) -> tuple[Path, dict[int, str]]:
    """100 data lines: bars, `,,,,,` rows, a whitespace row and two truly blank lines."""
    days = pd.bdate_range("2024-01-02", periods=100)
    lines = ["date,open,high,low,close,volume"]
    special: dict[int, str] = {}
    for i, day in enumerate(days):
        line_number = len(lines) + 1
        if i in (5, 30, 55, 80):
            lines.append(",,,,,")
            special[line_number] = "empty_row"
        elif i == 42:
            lines.append("  ,  , , ,,")
            special[line_number] = "empty_row"
        elif i in (17, 64):
            lines.append("")
            special[line_number] = "blank"
        else:
            lines.append(_bar(day))
    path = tmp_path / "with_empty_rows.csv"
    path.write_text("\n".join(lines) + "\n")
    return path, special


@pytest.mark.parametrize("block_bytes", [None, 97])
def test_every_data_line_is_accepted_rejected_or_a_counted_blank_line(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    block_bytes: int | None,
) -> None:
    if block_bytes:
        monkeypatch.setattr(csv_chunks, "_BLOCK_BYTES", block_bytes)
    path, special = _file_with_empty_rows(tmp_path)
    catalog = tmp_path / "catalog"
    done = import_in_process(monkeypatch, capsys, path, catalog)
    assert done.code == 1, done.text
    found = _SUMMARY.search(done.out)
    assert found is not None, done.out
    accepted, rows, rejected = (int(g.replace(",", "")) for g in found.groups())
    blank = sum(1 for kind in special.values() if kind == "blank")
    assert accepted + rejected == rows
    assert rows + blank == 100
    assert f"({blank} blank lines skipped)" in done.out
    quarantine = quarantine_of(catalog)
    empty_lines = sorted(n for n, kind in special.items() if kind == "empty_row")
    assert sorted(quarantine["row_number"]) == empty_lines
    assert set(quarantine["rules"]) == {"empty_row"}
    assert f"row {empty_lines[0]}: the row is empty" in done.out


def test_an_empty_row_is_reported_once_as_empty_row(tmp_path: Path) -> None:
    path = tmp_path / "e.csv"
    path.write_text("date,close,volume\n2024-01-02,1,5\n,,\n2024-01-03,2,6\n")
    report = Catalog(tmp_path / "c", include_bundled=False).ingest(
        path, market="equities", symbol="E"
    )
    assert report.counts == {"empty_row": 1}
    assert report.examples[0].rules == "empty_row"


def _dirty_rows() -> tuple[str, dict[int, str]]:
    """A CSV with one bad row of each kind and the rule expected per line."""
    days = pd.bdate_range("2020-01-01", periods=400)
    lines = ["Date,Open,High,Low,Close,Volume"]
    expected: dict[int, str] = {}
    bad = {
        20: ("2020-01-01,1,2,0.5,1,5", "duplicate_timestamp"),
        50: ("9999-12-31,1,2,0.5,1,5", "timestamp_out_of_range"),
        80: ("1500-01-01,1,2,0.5,1,5", "timestamp_out_of_range"),
        110: (",,,,,", "empty_row"),
        140: ("soon,1,2,0.5,1,5", "unparseable_timestamp"),
        170: ("{day},1,2,0.5,abc,5", "unparseable_number"),
        200: ("{day},1,0.5,2,1,5", "high_below_low"),
        230: ("{day},1,2,0.5,1,-5", "negative_volume"),
        260: ("2020-02-29,1,2,0.5,1,5", "out_of_order_timestamp"),  # a Saturday
        290: ("{day},-1,2,0.5,1,5", "non_positive_price"),
    }
    for i, day in enumerate(days):
        if i in bad:
            text, rule = bad[i]
            lines.append(text.format(day=f"{day:%Y-%m-%d}"))
            expected[len(lines)] = rule
            if "{day}" in text:
                continue
        lines.append(_bar(day, 10.0 + i % 7))
        if i == 300:
            lines.append("")
    return "\n".join(lines) + "\n", expected


def test_ingest_report_exposes_counts_and_the_first_rejected_rows(tmp_path: Path) -> None:
    text, expected = _dirty_rows()
    path = tmp_path / "dirty.csv"
    path.write_text(text)
    report = Catalog(tmp_path / "c", include_bundled=False).ingest(
        path, market="equities", symbol="DIRTY"
    )
    assert report.rows_in == report.accepted + report.rejected
    assert report.rows_in + report.blank_lines == len(text.splitlines()) - 1
    assert report.blank_lines == 1
    assert report.rejected == len(expected)
    assert dict(report.counts) == pd.Series(list(expected.values())).value_counts().to_dict()
    first = sorted(expected)[:5]
    assert [e.row_number for e in report.examples] == first
    assert [e.rules for e in report.examples] == [expected[n] for n in first]
    assert "9999-12-31" in next(e.reason for e in report.examples if e.row_number == first[1])
    summary = report.summary()
    assert f"{report.accepted:,} of {report.rows_in:,} rows accepted" in summary
    assert f"e.g. row {first[0]}: duplicate timestamp; first kept at row 2" in summary
    stored = pd.read_parquet(report.quarantine_path)
    assert dict(zip(stored["row_number"], stored["rules"], strict=True)) == expected
    assert stored.loc[stored["row_number"] == first[1], "raw_Date"].item() == "9999-12-31"


def _read(path: Path) -> tuple[object, pd.DataFrame]:
    raw = read_bar_file(path, timeframe="1d")
    result = validate_arrays(
        raw.timestamps, raw.values, row_numbers=raw.row_numbers, issues=raw.issues, raw=raw.source
    )
    summary = (raw.timestamps.tolist(), raw.row_numbers.tolist(), raw.blank_lines, raw.notes)
    return summary, quarantine_frame(result)


@pytest.mark.slow
@pytest.mark.parametrize("newest_first", [False, True])
def test_results_do_not_depend_on_where_the_file_is_cut_into_blocks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, newest_first: bool
) -> None:
    text, _ = _dirty_rows()
    lines = text.splitlines()
    body = lines[1:][::-1] if newest_first else lines[1:]
    path = tmp_path / "dirty.csv"
    path.write_text("\n".join([lines[0], *body]) + "\n")
    whole, whole_quarantine = _read(path)
    for block_bytes in (61, 1_000, 7_777):
        monkeypatch.setattr(csv_chunks, "_BLOCK_BYTES", block_bytes)
        cut, cut_quarantine = _read(path)
        assert cut == whole
        pd.testing.assert_frame_equal(cut_quarantine, whole_quarantine)


def test_parquet_batches_give_the_same_rows_as_one_batch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    days = pd.date_range("2024-01-01", periods=50, freq="D")
    close = np.arange(50, dtype=float) + 1
    close[[7, 33]] = np.nan
    path = tmp_path / "bars.parquet"
    pd.DataFrame({"Date": days, "Close": close}).to_parquet(path)
    whole, whole_quarantine = _read(path)
    monkeypatch.setattr(parquet_source, "_BATCH_ROWS", 6)
    cut, cut_quarantine = _read(path)
    assert cut == whole
    pd.testing.assert_frame_equal(cut_quarantine, whole_quarantine)
    assert whole_quarantine["row_number"].tolist() == [8, 34]


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_line_numbers_hold_for_every_line_ending(tmp_path: Path, newline: str) -> None:
    lines = ["date,close", "2024-01-02,1", "", "2024-01-03,x", "2024-01-04,3"]
    path = tmp_path / "ends.csv"
    path.write_bytes(newline.join(lines).encode() + newline.encode())
    raw = read_bar_file(path, timeframe="1d")
    assert raw.row_numbers.tolist() == [2, 4, 5]
    assert raw.blank_lines == 1
    assert {issue.rule: np.flatnonzero(issue.mask).tolist() for issue in raw.issues} == {
        "unparseable_number": [1]
    }
