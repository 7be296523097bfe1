"""The yield-curve and Sahm-style baselines fire exactly when their rules say."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tradewind.intelligence.macro import sahm_rule, yield_curve_rule
from tradewind.intelligence.returns import IntelligenceInputError

MONTHS = pd.date_range("2000-01-01", periods=48, freq="MS", tz="UTC")


def _macro(**series: np.ndarray) -> pd.DataFrame:
    return pd.DataFrame(series, index=MONTHS)


def test_yield_curve_fires_for_the_twelve_decision_months_after_one_inverted_month() -> None:
    tb3ms = np.full(48, 1.0)
    tb3ms[20] = 2.5  # GS10 - TB3MS = -0.5 in data month 20 only
    rule = yield_curve_rule(_macro(GS10=np.full(48, 2.0), TB3MS=tb3ms))

    firing = [MONTHS.get_loc(m) for m in rule.index[rule["fires"].to_numpy()]]

    # Month 20 is published in decision month 21 and stays in the 12-month window to 32.
    assert firing == list(range(21, 33))
    assert rule.loc[MONTHS[25], "score"] == pytest.approx(0.5)
    assert rule.loc[MONTHS[33], "score"] == pytest.approx(-1.0)


def test_yield_curve_is_silent_until_twelve_months_are_published() -> None:
    rule = yield_curve_rule(_macro(GS10=np.full(48, 1.0), TB3MS=np.full(48, 3.0)))

    assert not rule["fires"].iloc[:12].any()
    assert rule["score"].iloc[:12].isna().all()
    assert rule["fires"].iloc[12:].all()


def test_yield_curve_ignores_a_flat_curve() -> None:
    rule = yield_curve_rule(_macro(GS10=np.full(48, 2.0), TB3MS=np.full(48, 2.0)))

    assert not rule["fires"].any()


@pytest.mark.parametrize(("jump_pp", "fires_from"), [(0.5, 27), (0.49, None), (0.8, 26)])
def test_sahm_rule_fires_when_the_gap_reaches_half_a_point(
    jump_pp: float, fires_from: int | None
) -> None:
    unrate = np.full(48, 4.0)
    unrate[24:] = 4.0 + jump_pp
    rule = sahm_rule(_macro(UNRATE=unrate))

    firing = [MONTHS.get_loc(m) for m in rule.index[rule["fires"].to_numpy()]]

    if fires_from is None:
        assert firing == []
    else:
        assert firing[0] == fires_from


def test_sahm_score_is_the_gap_one_month_after_the_data() -> None:
    unrate = np.full(48, 4.0)
    unrate[24:] = 4.6
    rule = sahm_rule(_macro(UNRATE=unrate))

    # Data month 25: 3-month average (4.0 + 4.6 + 4.6) / 3 = 4.4, prior minimum 4.0.
    assert rule.loc[MONTHS[26], "score"] == pytest.approx(0.4)
    assert not rule.loc[MONTHS[26], "fires"]
    assert rule.loc[MONTHS[27], "fires"]


def test_missing_series_are_named() -> None:
    with pytest.raises(IntelligenceInputError, match="missing: TB3MS"):
        yield_curve_rule(_macro(GS10=np.full(48, 2.0)))
    with pytest.raises(IntelligenceInputError, match="missing: UNRATE"):
        sahm_rule(None)
