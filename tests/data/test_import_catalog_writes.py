"""An import into a catalog that cannot be written fails cleanly and leaves nothing half-done."""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.parquet as pq
import pytest

from tradewind.data import layout
from tradewind.data.catalog import Catalog

from ._import_cli import import_in_process, import_process, leftovers

_GOOD = "date,close\n2024-01-02,1\n2024-01-03,2\n2024-01-04,3\n"
_WITH_BAD_ROW = "date,close\n2024-01-02,5\n2024-01-03,x\n2024-01-04,6\n2024-01-05,7\n"
_SERIES = Path("market=equities/symbol=TEST/timeframe=1d")


def _csv(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def _files(root: Path) -> list[Path]:
    return sorted(p.relative_to(root) for p in root.rglob("*")) if root.exists() else []


def test_a_catalog_path_that_cannot_be_created_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    catalog = blocker / "catalog"
    done = import_process(_csv(tmp_path, "a.csv", _WITH_BAD_ROW), catalog)
    assert done.code == 2, done.text
    assert f"cannot create the catalog directory {catalog}" in done.err
    assert "Not a directory" in done.err
    assert "Traceback" not in done.text


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only directories")
def test_a_read_only_catalog_is_a_clear_error(tmp_path: Path) -> None:
    catalog = tmp_path / "catalog"
    catalog.mkdir()
    catalog.chmod(0o555)
    try:
        done = import_process(_csv(tmp_path, "a.csv", _GOOD), catalog)
    finally:
        catalog.chmod(0o755)
    assert done.code == 2, done.text
    assert f"cannot create the catalog directory {catalog}" in done.err
    assert "Permission denied" in done.err
    assert _files(catalog) == []


def _fail_with(code: int) -> Any:
    def fail(*_: object, **__: object) -> None:
        raise OSError(code, os.strerror(code))

    return fail


def test_permission_denied_while_writing_leaves_no_series_and_no_directories(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    catalog = tmp_path / "catalog"
    monkeypatch.setattr(layout, "_write_bar_table", _fail_with(errno.EACCES))
    done = import_in_process(monkeypatch, capsys, _csv(tmp_path, "a.csv", _GOOD), catalog)
    assert done.code == 2, done.text
    assert f"cannot write {catalog / _SERIES / 'bars.parquet'}: Permission denied" in done.err
    assert _files(catalog) == []


def test_disk_full_while_writing_the_bars_keeps_the_previous_series(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    catalog = tmp_path / "catalog"
    first = import_in_process(monkeypatch, capsys, _csv(tmp_path, "a.csv", _GOOD), catalog)
    assert first.code == 0, first.text
    before = {p: (catalog / p).read_bytes() for p in _files(catalog) if (catalog / p).is_file()}

    monkeypatch.setattr(layout, "_write_bar_table", _fail_with(errno.ENOSPC))
    done = import_in_process(monkeypatch, capsys, _csv(tmp_path, "b.csv", _WITH_BAD_ROW), catalog)
    assert done.code == 2, done.text
    assert f"cannot write {catalog / _SERIES / 'bars.parquet'}: no space left on device" in (
        done.err
    )
    assert "the catalog was left unchanged" in done.err
    after = {p: (catalog / p).read_bytes() for p in _files(catalog) if (catalog / p).is_file()}
    assert after == before  # same series, no temporary file, no quarantine of the failed ingest
    assert not (catalog / "_quarantine").exists()
    stored = Catalog(catalog, include_bundled=False).load_bars("TEST")
    assert stored["close"].tolist() == [1.0, 2.0, 3.0]


def test_disk_full_while_writing_the_metadata_keeps_the_previous_series(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    catalog = tmp_path / "catalog"
    assert import_in_process(monkeypatch, capsys, _csv(tmp_path, "a.csv", _GOOD), catalog).code == 0
    meta_before = (catalog / _SERIES / "meta.json").read_text()

    real_write_text = Path.write_text

    def write_text(self: Path, *args: Any, **kwargs: Any) -> int:
        if "meta.json" in self.name:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(self))
        return real_write_text(self, *args, **kwargs)

    monkeypatch.setattr(Path, "write_text", write_text)
    done = import_in_process(monkeypatch, capsys, _csv(tmp_path, "b.csv", _WITH_BAD_ROW), catalog)
    assert done.code == 2, done.text
    assert f"cannot write {catalog / _SERIES / 'meta.json'}: no space left on device" in done.err
    assert (catalog / _SERIES / "meta.json").read_text() == meta_before
    assert json.loads(meta_before)["rows"] == 3
    assert len(pq.read_table(catalog / _SERIES / "bars.parquet")) == 3
    assert leftovers(catalog) == []
    assert not (catalog / "_quarantine").exists()


def test_disk_full_while_writing_the_quarantine_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    catalog = tmp_path / "catalog"
    monkeypatch.setattr(pq.ParquetWriter, "write_table", _fail_with(errno.ENOSPC))
    done = import_in_process(monkeypatch, capsys, _csv(tmp_path, "b.csv", _WITH_BAD_ROW), catalog)
    assert done.code == 2, done.text
    assert f"cannot write {catalog / '_quarantine' / _SERIES}/" in done.err
    assert "no space left on device" in done.err
    assert _files(catalog) == []


def test_a_successful_import_leaves_no_temporary_files(tmp_path: Path) -> None:
    catalog = tmp_path / "catalog"
    report = Catalog(catalog, include_bundled=False).ingest(
        _csv(tmp_path, "b.csv", _WITH_BAD_ROW), market="equities", symbol="TEST"
    )
    assert report.rejected == 1
    assert leftovers(catalog) == []
    assert pd.read_parquet(report.quarantine_path)["row_number"].tolist() == [3]
