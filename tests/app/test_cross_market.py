"""Correlation feeds risk and confirmation in real multi-market backtests on bundled data."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import yaml

from tradewind.app.backtest import backtest_config
from tradewind.config import load_config
from tradewind.data.catalog import Catalog

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "backtest.yaml"


def _run(tmp_path: Path, **changes: dict) -> object:
    raw = yaml.safe_load(EXAMPLE.read_text())
    for section, values in changes.items():
        raw.setdefault(section, {})
        for key, value in values.items():
            if isinstance(value, dict):
                raw[section].setdefault(key, {}).update(value)
            else:
                raw[section][key] = value
    raw["backtest"]["report_dir"] = str(tmp_path / "reports")
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(raw))
    return backtest_config(load_config(path, apply_env=False), Catalog(tmp_path / "catalog"))


@pytest.fixture(scope="module")
def plain(tmp_path_factory):
    return _run(tmp_path_factory.mktemp("plain"))


@pytest.fixture(scope="module")
def confirmed(tmp_path_factory):
    return _run(
        tmp_path_factory.mktemp("confirmed"),
        mmin={"cross_market_signals_required": 1, "correlation_threshold": 0.3},
    )


def test_confirmation_only_removes_or_delays_entries_and_every_entry_was_confirmed(
    plain, confirmed
):
    info = confirmed.run.confirmation
    assert info is not None
    assert 0 < info.confirmed_entries < info.proposed_entries
    assert confirmed.run.entries < plain.run.entries
    books = confirmed.run.books
    starts = np.argwhere(books.edge & (books.target != 0))
    assert len(starts) == info.confirmed_entries
    assert all(info.agreeing[k, t] >= 1 for k, t in starts)


def test_confirmation_off_reproduces_the_plain_run(tmp_path, plain):
    same = _run(tmp_path, mmin={"cross_market_signals_required": 0})
    assert same.run.final_equity == plain.run.final_equity
    assert same.run.confirmation is None


def test_correlation_concentration_limit_cuts_correlated_equity_entries(tmp_path, plain):
    capped = _run(
        tmp_path,
        risk={"global": {"max_correlated_exposure_pct": 10, "correlation_threshold": 0.6}},
    )
    reasons = capped.run.orders["reason"]
    cut = capped.run.orders[reasons.str.contains("CORRELATION", case=False)]
    assert len(cut) > 0
    assert set(cut["market"]) <= {"equities", "bonds", "crypto", "commodities"}
    assert "CORRELATION" not in " ".join(plain.run.orders["reason"].str.upper())
