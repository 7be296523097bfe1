"""The MMIN tab over the bundled catalog (a real analysis: about 3 s, so not `slow`)."""

from __future__ import annotations

import pytest

from tradewind.app.monitor import mmin_view


def test_mmin_view_shapes() -> None:
    view = mmin_view(None, timeframe="1d", limit=300)
    size = len(view.symbols)
    assert size > 1
    assert len(view.correlation) == size
    for i, row in enumerate(view.correlation):
        assert len(row) == size
        assert row[i] == 1.0
        for j, value in enumerate(row):
            assert value == pytest.approx(view.correlation[j][i])
            assert -1.0 - 1e-9 <= value <= 1.0 + 1e-9
    if view.regime_probabilities:
        assert sum(view.regime_probabilities.values()) == pytest.approx(1.0)
        assert view.regime in view.regime_probabilities
    assert view.as_of.tzinfo is not None
