"""The README's main job: every configured market loaded, checked and aligned."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tradewind.app.market_data import prepare_market_data
from tradewind.config import load_config
from tradewind.data.catalog import Catalog

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "multi_market.yaml"


@pytest.fixture(scope="module")
def prepared(tmp_path_factory):
    config = load_config(EXAMPLE, apply_env=False)
    catalog = Catalog(tmp_path_factory.mktemp("catalog"))  # empty user catalog: bundled only
    return prepare_market_data(config, catalog)


def test_example_config_covers_all_six_market_classes(prepared):
    classes = {s.market_class for s in prepared.series}
    assert classes == {"crypto", "forex", "equities", "commodities", "bonds", "volatility"}
    assert all(s.source == "bundled" for s in prepared.series)


def test_hourly_forex_is_resampled_to_daily_sessions(prepared):
    (eur,) = [s for s in prepared.series if s.symbol == "EUR-USD"]
    assert eur.timeframe == "1h"
    assert eur.resampled_to == "1d"
    # 2017Q1 has 65 weekday FX sessions (Jan 2 .. Mar 31); the first, opening Sunday
    # 2017-01-01 22:00 UTC, is complete in the bundled file.
    assert eur.rows_on_timeline == 65


def test_panel_spans_the_configured_window_with_every_symbol(prepared):
    panel = prepared.panel
    assert panel.timeline[0] == pd.Timestamp("2017-01-01", tz="UTC")
    assert panel.timeline[-1] == pd.Timestamp("2017-03-31", tz="UTC")
    assert len(panel.symbols) == 9
    assert panel.report.first_common_row == pd.Timestamp("2017-01-03", tz="UTC")


def test_no_cell_shows_a_bar_before_it_closed(prepared):
    panel = prepared.panel
    shown = panel.has_bar
    ages = panel.age[shown]
    assert (ages >= np.timedelta64(0, "ns")).all()


def test_equities_are_forward_filled_over_the_weekend_not_beyond(prepared):
    spx = prepared.panel.field("close")["SPX"]
    friday = spx.loc[pd.Timestamp("2017-01-06", tz="UTC")]
    assert spx.loc[pd.Timestamp("2017-01-07", tz="UTC")] == friday
    assert spx.loc[pd.Timestamp("2017-01-08", tz="UTC")] == friday


@pytest.mark.slow
def test_main_job_runs_from_the_command_line(tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "tradewind.cli.main",
            "data",
            "prepare",
            "--config",
            str(EXAMPLE),
            "--catalog",
            str(tmp_path / "catalog"),
            "--out",
            str(tmp_path / "panel.parquet"),
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert "9 series in 6 classes" in result.stdout
    assert "policy ffill, max staleness 4d" in result.stdout
    long = pd.read_parquet(tmp_path / "panel.parquet")
    assert set(long["symbol"]) >= {"BTC-USD", "EUR-USD", "SPX", "UST10Y", "VIX", "WTI"}


def test_a_session_with_live_data_runs_on_past_the_stored_bars(tmp_path):
    config = load_config(EXAMPLE, apply_env=False)
    data = config.data.model_copy(update={"end": pd.Timestamp("2031-03-31").date()})
    config = config.model_copy(update={"data": data})
    catalog = Catalog(tmp_path / "catalog")
    clipped = prepare_market_data(config, catalog)
    live = prepare_market_data(config, catalog, beyond_data=True)
    assert clipped.panel.timeline[-1] < pd.Timestamp("2031-03-31", tz="UTC")
    assert any("after the last bar of every series" in w for w in clipped.warnings)
    assert live.panel.timeline[-1] == pd.Timestamp("2031-03-31", tz="UTC")
    assert not any("after the last bar of every series" in w for w in live.warnings)
