"""The external Dask cluster of CI (`.ci/run` starts a `dask scheduler` and two `dask
worker`s on 127.0.0.1 and exports its address)."""

from __future__ import annotations

import os

import pytest

__all__ = ["external_scheduler"]


def external_scheduler() -> str:
    """The scheduler's tcp:// address once two workers are up; without one the test
    skips, or fails when TRADEWIND_REQUIRE_DASK=1 (as in CI)."""
    address = os.environ.get("TRADEWIND_TEST_DASK_SCHEDULER")
    if not address:
        reason = (
            "TRADEWIND_TEST_DASK_SCHEDULER is unset (tcp://127.0.0.1:PORT of a running scheduler)"
        )
        if os.environ.get("TRADEWIND_REQUIRE_DASK") == "1":
            pytest.fail(f"TRADEWIND_REQUIRE_DASK=1 but {reason}")
        pytest.skip(reason)
    from distributed import Client

    with Client(address, timeout="30s", set_as_default=False) as client:
        client.wait_for_workers(2, timeout=60)
    return address
