"""`fold_controls`: the stops in force after a sequence of control commands."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tradewind.app.control_state import ControlState, fold_controls, shutdown_mode
from tradewind.domain.trading_state import ShutdownMode
from tradewind.store import ControlAction, ControlCommand, ControlRecord

SOFT, HARD, FREEZE = ControlAction.SOFT, ControlAction.HARD, ControlAction.FREEZE
T0 = datetime(2025, 5, 1, 12, 0, tzinfo=UTC)


def _records(*commands: tuple[str, str | None]) -> list[ControlRecord]:
    return [
        ControlRecord(
            id=number,
            issued_at=T0,
            command=ControlCommand(
                action=ControlAction(action), market=market, user="alice", reason="", source="cli"
            ),
            acks=(),
        )
        for number, (action, market) in enumerate(commands, start=1)
    ]


def test_nothing_is_in_force_without_commands() -> None:
    state = fold_controls([])
    assert state == ControlState()
    assert state.stop_for("crypto") is None
    assert state.describe() == "no stop in force (through command 0)"


def test_a_stricter_stop_replaces_a_milder_one_in_its_scope() -> None:
    state = fold_controls(
        _records(("soft", None), ("freeze", None), ("hard", "crypto"), ("freeze", "crypto"))
    )
    assert state.global_stop is FREEZE
    assert state.market_stops == {"crypto": FREEZE}


@pytest.mark.parametrize(
    ("first", "second"), [("hard", "soft"), ("freeze", "soft"), ("freeze", "hard")]
)
def test_a_milder_stop_never_replaces_a_stricter_one(first: str, second: str) -> None:
    stricter = ControlAction(first)
    assert fold_controls(_records((first, None), (second, None))).global_stop is stricter
    market = fold_controls(_records((first, "forex"), (second, "forex")))
    assert market.market_stops == {"forex": stricter}


def test_a_market_stop_is_the_stricter_of_the_global_and_its_own() -> None:
    state = fold_controls(_records(("soft", None), ("hard", "crypto"), ("freeze", None)))
    assert state.stop_for("crypto") is FREEZE
    state = fold_controls(_records(("soft", None), ("hard", "crypto")))
    assert state.stop_for("crypto") is HARD
    assert state.stop_for("forex") is SOFT


def test_a_global_resume_lifts_every_stop() -> None:
    state = fold_controls(
        _records(("hard", None), ("freeze", "crypto"), ("soft", "forex"), ("resume", None))
    )
    assert (state.global_stop, dict(state.market_stops)) == (None, {})
    assert state.stop_for("crypto") is None


def test_a_market_resume_lifts_its_own_stop_but_not_the_global_one() -> None:
    state = fold_controls(
        _records(("soft", None), ("freeze", "crypto"), ("hard", "forex"), ("resume", "crypto"))
    )
    assert state.global_stop is SOFT
    assert state.market_stops == {"forex": HARD}
    assert state.stop_for("crypto") is SOFT


def test_a_stop_after_a_resume_is_in_force_again() -> None:
    state = fold_controls(_records(("freeze", None), ("resume", None), ("soft", None)))
    assert state.global_stop is SOFT


def test_the_latest_enable_or_disable_of_a_market_wins() -> None:
    state = fold_controls(
        _records(("disable", "crypto"), ("disable", "forex"), ("enable", "crypto"))
    )
    assert state.disabled == frozenset({"forex"})
    state = fold_controls(_records(("enable", "crypto"), ("disable", "crypto")))
    assert state.disabled == frozenset({"crypto"})


def test_enabling_and_disabling_are_independent_of_stops() -> None:
    state = fold_controls(_records(("disable", "crypto"), ("hard", "crypto"), ("resume", None)))
    assert state.disabled == frozenset({"crypto"})
    assert state.stop_for("crypto") is None
    state = fold_controls(_records(("hard", "crypto"), ("enable", "crypto")))
    assert state.stop_for("crypto") is HARD


def test_a_live_confirmation_changes_nothing_but_the_last_id() -> None:
    state = fold_controls(_records(("soft", "crypto"), ("confirm_live", None)))
    assert state.market_stops == {"crypto": SOFT}
    assert state.last_id == 2


def test_records_are_folded_in_id_order_whatever_their_order_in_the_list() -> None:
    records = _records(("freeze", None), ("resume", None))
    assert fold_controls(list(reversed(records))).global_stop is None


def test_folding_onto_a_state_equals_folding_everything() -> None:
    records = _records(
        ("hard", None),
        ("soft", "crypto"),
        ("resume", "crypto"),
        ("freeze", "forex"),
        ("disable", "equities"),
        ("resume", None),
    )
    for split in range(len(records) + 1):
        partial = fold_controls(records[:split])
        assert fold_controls(records[split:], start=partial) == fold_controls(records)


def test_the_state_is_frozen() -> None:
    state = fold_controls(_records(("hard", "crypto")))
    with pytest.raises(TypeError):
        state.market_stops["forex"] = SOFT  # type: ignore[index]
    assert state.stop_for("forex") is None


def test_describe_is_one_line_naming_every_stop_and_disabled_market() -> None:
    state = fold_controls(
        _records(("soft", None), ("freeze", "forex"), ("hard", "crypto"), ("disable", "equities"))
    )
    assert state.describe() == (
        "soft stop on every market; hard stop on crypto; freeze stop on forex; "
        "disabled: equities (through command 4)"
    )


def test_each_stop_maps_to_the_engine_shutdown_mode() -> None:
    assert [shutdown_mode(a) for a in (SOFT, HARD, FREEZE)] == list(ShutdownMode)
    with pytest.raises(ValueError, match="'resume' is not a stop"):
        shutdown_mode(ControlAction.RESUME)
