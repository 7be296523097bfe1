"""Decompression bombs, oversized files and giant cells are refused early with a clear message."""

from __future__ import annotations

import bz2
import gzip
import lzma
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from tradewind.data import csv_chunks, importer
from tradewind.data.limits import ImportLimits, parse_byte_size
from tradewind.data.schema import DataError

from ._import_cli import import_in_process, import_process

_ROW = "2024-01-02 00:00:00,1.0,2.0,0.5,1.5,10\n"
_HEADER = "timestamp,open,high,low,close,volume\n"
_OPENERS: dict[str, Callable[..., Any]] = {".gz": gzip.open, ".bz2": bz2.open, ".xz": lzma.open}


def _compressed(path: Path, text_bytes: int) -> Path:
    """A compressed CSV of `text_bytes` of text: a header and one row repeated."""
    with _OPENERS[path.suffix](path, "wt") as handle:
        handle.write(_HEADER + _ROW * (text_bytes // len(_ROW)))
    return path


@pytest.mark.slow
@pytest.mark.parametrize("suffix", [".gz", ".bz2", ".xz"])
def test_a_file_inflating_past_max_bytes_is_refused_naming_file_and_limit(
    tmp_path: Path, suffix: str
) -> None:
    path = _compressed(tmp_path / f"bomb.csv{suffix}", 3 * 1024 * 1024)
    done = import_process(path, tmp_path / "catalog", "--max-bytes", "1M")
    assert done.code == 2, done.text
    assert f"bomb.csv{suffix}: decompresses to more than 1,048,576 bytes (1.0 MiB)" in done.err
    assert "--max-bytes" in done.err
    assert "Traceback" not in done.text
    assert not (tmp_path / "catalog").exists()


@pytest.mark.slow
def test_the_limit_comes_from_the_environment_and_the_option_wins(tmp_path: Path) -> None:
    path = _compressed(tmp_path / "bars.csv.gz", 2 * 1024 * 1024)
    env = {"TRADEWIND_IMPORT_MAX_BYTES": "1M"}
    refused = import_process(path, tmp_path / "c1", env=env)
    assert refused.code == 2
    assert "more than 1,048,576 bytes" in refused.err
    allowed = import_process(path, tmp_path / "c2", "--max-bytes", "10M", env=env)
    assert "decompresses to more than" not in allowed.err
    assert allowed.code == 1, allowed.text  # read; the repeated row is a duplicate


def test_a_plain_file_over_the_limit_is_refused_before_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "big.csv"
    path.write_text(_HEADER + _ROW * 100)
    monkeypatch.setattr(importer._Assembler, "add", _must_not_parse)
    done = import_in_process(monkeypatch, capsys, path, tmp_path / "c", "--max-bytes", "1K")
    assert done.code == 2, done.text
    assert "big.csv: the file is 3,937 bytes (3.8 KiB), over the import limit of 1,024 bytes" in (
        done.err
    )


def _must_not_parse(*_: object) -> None:
    raise AssertionError("a refused file must not be parsed")


@pytest.mark.parametrize("suffix", [".gz", ".bz2", ".xz"])
def test_a_bomb_is_refused_before_any_row_is_parsed(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    suffix: str,
) -> None:
    path = _compressed(tmp_path / f"bomb.csv{suffix}", 2 * 1024 * 1024)
    monkeypatch.setattr(importer._Assembler, "add", _must_not_parse)
    done = import_in_process(monkeypatch, capsys, path, tmp_path / "c", "--max-bytes", "1M")
    assert done.code == 2, done.text
    assert "decompresses to more than" in done.err


@pytest.mark.parametrize("suffix", [".gz", ".xz"])
def test_a_file_inflating_hundreds_of_times_is_refused_as_a_bomb(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    suffix: str,
) -> None:
    monkeypatch.setattr(csv_chunks, "INFLATE_CHECK_BYTES", 1024 * 1024)
    path = _compressed(tmp_path / f"bomb.csv{suffix}", 4 * 1024 * 1024)
    done = import_in_process(monkeypatch, capsys, path, tmp_path / "c")
    assert done.code == 2, done.text
    assert f"bomb.csv{suffix}: inflates more than 250 times its size" in done.err
    assert "decompression bomb" in done.err


def test_ordinary_compressed_bars_are_not_mistaken_for_a_bomb(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(csv_chunks, "INFLATE_CHECK_BYTES", 64 * 1024)
    days = pd.date_range("2020-01-01", periods=20_000, freq="min")
    path = tmp_path / "flat.csv.gz"
    with gzip.open(path, "wt") as handle:  # a constant price compresses ~15x with gzip
        handle.write(_HEADER + "".join(f"{d:%Y-%m-%d %H:%M:%S},1,1,1,1,0\n" for d in days))
    done = import_in_process(
        monkeypatch, capsys, path, tmp_path / "c", "--timeframe", "1m", market="crypto"
    )
    assert done.code == 0, done.text
    assert "20,000 of 20,000 rows accepted" in done.out


@pytest.mark.slow
@pytest.mark.parametrize("suffix", ["", ".gz"])
def test_a_giant_cell_is_refused_naming_the_line_and_the_limit(tmp_path: Path, suffix: str) -> None:
    text = _HEADER + _ROW + "2024-01-03 00:00:00,1.0,2.0,0.5,1.5," + "9" * 100_000 + "\n" + _ROW
    path = tmp_path / f"huge.csv{suffix}"
    if suffix:
        with gzip.open(path, "wt") as handle:
            handle.write(text)
    else:
        path.write_text(text)
    done = import_process(path, tmp_path / "c")
    assert done.code == 2, done.text
    assert f"huge.csv{suffix}: line 3 is longer than 65,536 bytes (64.0 KiB)" in done.err
    assert "--max-field-bytes" in done.err


def test_the_field_limit_is_configurable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "wide.csv"
    path.write_text(_HEADER + "2024-01-02,1.0,2.0,0.5,1.5," + "1" * 3000 + "\n")
    done = import_in_process(monkeypatch, capsys, path, tmp_path / "c", "--max-field-bytes", "2K")
    assert done.code == 2, done.text
    assert "wide.csv: line 2 is longer than 2,048 bytes (2.0 KiB)" in done.err
    monkeypatch.setenv("TRADEWIND_IMPORT_MAX_FIELD_BYTES", "1K")
    again = import_in_process(monkeypatch, capsys, path, tmp_path / "c")
    assert "line 2 is longer than 1,024 bytes" in again.err


def test_a_parquet_file_over_the_limit_or_with_a_giant_cell_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    days = pd.date_range("2024-01-01", periods=1000, freq="D")
    path = tmp_path / "bars.parquet"
    pd.DataFrame({"Date": days, "Close": 1.0}).to_parquet(path)
    done = import_in_process(monkeypatch, capsys, path, tmp_path / "c", "--max-bytes", "1K")
    assert done.code == 2, done.text
    assert "bars.parquet: holds" in done.err
    assert "over the import limit of 1,024 bytes" in done.err
    text = tmp_path / "text.parquet"
    note = ["ok"] * 3
    note[1] = "x" * 100_000
    pd.DataFrame({"Date": days[:3], "Close": 1.0, "Note": note}).to_parquet(text)
    huge = import_in_process(monkeypatch, capsys, text, tmp_path / "c")
    assert huge.code == 2, huge.text
    assert "text.parquet: row 2 column 'Note' is longer than 65,536 bytes" in huge.err


@pytest.mark.slow
@pytest.mark.parametrize(
    ("args", "env", "expected"),
    [
        (["--max-bytes", "lots"], {}, "invalid --max-bytes 'lots': expected a byte count"),
        (["--max-field-bytes", "0"], {}, "invalid --max-field-bytes '0': expected a positive"),
        ([], {"TRADEWIND_IMPORT_MAX_BYTES": "2 parsecs"}, "invalid $TRADEWIND_IMPORT_MAX_BYTES"),
    ],
)
def test_an_invalid_limit_is_a_clear_error(
    tmp_path: Path, args: list[str], env: dict[str, str], expected: str
) -> None:
    path = tmp_path / "ok.csv"
    path.write_text(_HEADER + _ROW)
    done = import_process(path, tmp_path / "c", *args, env=env)
    assert done.code == 2, done.text
    assert expected in done.err


@pytest.mark.parametrize(
    ("text", "size"),
    [("1000", 1000), ("2K", 2048), ("500MB", 500 * 1024**2), ("2GiB", 2 * 1024**3), (3, 3)],
)
def test_byte_sizes_accept_units(text: str | int, size: int) -> None:
    assert parse_byte_size(text, "--max-bytes") == size


def test_limits_resolve_option_then_environment_then_default() -> None:
    env = {"TRADEWIND_IMPORT_MAX_BYTES": "5M"}
    assert ImportLimits.resolve(environ={}).max_bytes == 2 * 1024**3
    assert ImportLimits.resolve(environ=env).max_bytes == 5 * 1024**2
    assert ImportLimits.resolve("7M", environ=env).max_bytes == 7 * 1024**2
    with pytest.raises(DataError, match=r"invalid --max-bytes '-1'"):
        ImportLimits.resolve("-1", environ={})
