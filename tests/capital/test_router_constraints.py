"""project_shares: bounded shares that sum to 1 when feasible, never breaking a bound."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tradewind.capital.router import RouterInputError, project_shares

_TOL = 1e-9


@st.composite
def _cases(draw: st.DrawFn) -> tuple[np.ndarray, float, float]:
    size = draw(st.integers(1, 20))
    raw = np.array(
        draw(st.lists(st.one_of(st.just(0.0), st.floats(1e-6, 1e3)), min_size=size, max_size=size))
    )
    funded = max(int((raw > 0).sum()), 1)
    lo = draw(st.floats(0.0, 1.0 / funded))
    hi = draw(st.floats(max(lo, 1e-3), 1.0))
    return raw, lo, hi


@given(_cases())
def test_funded_shares_stay_in_bounds_and_sum_to_one_when_feasible(
    case: tuple[np.ndarray, float, float],
) -> None:
    raw, lo, hi = case
    result = project_shares(raw, lo, hi)
    funded = raw > 0
    shares = result.shares
    assert (shares[~funded] == 0).all()
    assert (shares[funded] >= lo - _TOL).all()
    assert (shares[funded] <= hi + _TOL).all()
    assert shares.sum() <= 1 + _TOL
    count = int(funded.sum())
    if count and count * hi >= 1:
        assert shares.sum() == pytest.approx(1.0, abs=1e-9)
    elif count:
        assert shares.sum() == pytest.approx(count * hi)


@given(_cases())
def test_unbound_markets_keep_their_raw_proportions(
    case: tuple[np.ndarray, float, float],
) -> None:
    raw, lo, hi = case
    result = project_shares(raw, lo, hi)
    free = [i for i, bound in enumerate(result.bounds) if bound is None and raw[i] > 0]
    ratios = result.shares[free] / raw[free]
    if len(free) > 1:
        assert np.allclose(ratios, ratios[0], rtol=1e-7)


def test_a_dominant_market_is_capped_and_the_rest_keep_proportions() -> None:
    result = project_shares(np.array([0.9, 0.06, 0.04]), 0.05, 0.5)
    assert result.shares == pytest.approx([0.5, 0.3, 0.2])
    assert result.bounds == ("max", None, None)


def test_a_tiny_market_is_raised_to_the_minimum_without_pushing_others_over_max() -> None:
    result = project_shares(np.array([0.499, 0.499, 0.002]), 0.05, 0.5)
    assert result.shares == pytest.approx([0.475, 0.475, 0.05])
    assert result.bounds == (None, None, "min")
    assert result.shares.sum() == pytest.approx(1.0)


def test_the_documents_renormalisation_bug_does_not_happen() -> None:
    # Clip-then-rescale would push the capped market back above 0.5.
    result = project_shares(np.array([0.98, 0.01, 0.01]), 0.05, 0.5)
    assert result.shares.max() <= 0.5
    assert result.shares.sum() == pytest.approx(1.0)


def test_when_every_market_at_max_cannot_reach_one_the_rest_is_cash() -> None:
    result = project_shares(np.array([3.0, 1.0]), 0.05, 0.3)
    assert result.shares == pytest.approx([0.3, 0.3])
    assert result.bounds == ("max", "max")


def test_too_many_funded_markets_for_the_minimum_is_refused_with_the_numbers() -> None:
    with pytest.raises(
        RouterInputError, match=r"25 funded markets at min_allocation 0\.05 need 1\.25"
    ):
        project_shares(np.ones(25), 0.05, 0.5)


def test_unfunded_markets_do_not_count_against_the_minimum() -> None:
    raw = np.zeros(25)
    raw[:3] = [0.5, 0.3, 0.2]
    result = project_shares(raw, 0.05, 0.5)
    assert result.shares.sum() == pytest.approx(1.0)
    assert (result.shares[3:] == 0).all()


def test_negative_or_nan_raw_share_is_refused() -> None:
    with pytest.raises(RouterInputError, match="expected finite values >= 0"):
        project_shares(np.array([0.5, -0.1]), 0.0, 1.0)
    with pytest.raises(RouterInputError, match="expected finite values >= 0"):
        project_shares(np.array([0.5, np.nan]), 0.0, 1.0)
