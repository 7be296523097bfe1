from __future__ import annotations

from tradewind.domain import ShutdownMode, TradingState


def test_trading_states_allow_progressively_less() -> None:
    assert TradingState.ACTIVE.allows_new_entries
    assert TradingState.ACTIVE.allows_reductions
    assert not TradingState.REDUCING.allows_new_entries
    assert TradingState.REDUCING.allows_reductions
    assert not TradingState.HALTED.allows_new_entries
    assert TradingState.HALTED.allows_reductions  # stops and flattening still pass


def test_shutdown_modes() -> None:
    assert ShutdownMode.SOFT.resulting_state is TradingState.REDUCING
    assert not ShutdownMode.SOFT.cancels_open_orders
    assert ShutdownMode.HARD.cancels_open_orders
    assert ShutdownMode.HARD.flattens_positions
    assert ShutdownMode.HARD.resulting_state is TradingState.HALTED
    assert ShutdownMode.FREEZE.requires_manual_restart
    assert not ShutdownMode.FREEZE.flattens_positions
    assert ShutdownMode("hard") is ShutdownMode.HARD
