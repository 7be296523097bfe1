"""`check_order` is cheap enough to run on every order inside the kernel."""

from __future__ import annotations

import time

import numpy as np
from numba import njit

from tradewind.risk import check_order, limits_vector
from tradewind.risk.check import AccountExposure, ProposedOrder, RiskRules

from .book import no_limits


@njit(cache=False)
def _many(n: int, g: np.ndarray, m: np.ndarray, s: np.ndarray) -> float:
    gross_m, budget = np.zeros(3), np.full(3, 1e9)
    open_m, open_s, gross_s = np.zeros(3, np.int64), np.zeros(2, np.int64), np.zeros(2)
    total = 0.0
    for i in range(n):
        order = ProposedOrder(
            1 if i % 2 else -1, 10.0 + (i % 7), 100.0 + (i % 13), 1.0, float(i % 5 - 2),
            False, True, i % 3, i % 2, 1.0, 10.0, 1_000.0, np.nan,
        )  # fmt: skip
        account = AccountExposure(
            100_000.0, 20_000.0 + i % 11, gross_m, budget, gross_s, 4, open_m, open_s
        )
        qty, _ = check_order(order, account, RiskRules(0, 0, g, m, s))
        total += qty
    return total


def ns_per_check(n: int = 200_000) -> float:
    g = limits_vector(position_pct=0.1, leverage=2.0, exposure_pct=1.5, open_positions=10,
                      correlated_pct=0.5)  # fmt: skip
    m, s = no_limits(3), no_limits(2)
    m[:, 2] = 1.0
    _many(10, g, m, s)
    start = time.perf_counter()
    _many(n, g, m, s)
    return (time.perf_counter() - start) / n * 1e9


def test_check_order_costs_well_under_a_microsecond_compiled() -> None:
    # the target is < 1 us; the assertion leaves room for a busy shared machine
    assert ns_per_check() < 2_000
