"""Operator actions taken through the server, shared by the REST API and the dashboard's
forms: control commands (journaled with the web user, the reason and source `api`,
through the same control channel as `tradewind stop`) and promotions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from tradewind.domain.errors import TradewindError

if TYPE_CHECKING:
    from tradewind.api.auth import Principal
    from tradewind.api.state import ServerState
    from tradewind.app.control_commands import ControlOutcome
    from tradewind.app.promotion import PromotionOutcome

__all__ = [
    "CONTROL_ACTIONS",
    "STAGES",
    "ControlRequestData",
    "FieldError",
    "ServerRefusalError",
    "check_market",
    "promote_market",
    "send_operator_control",
]

CONTROL_ACTIONS = ("soft", "hard", "freeze", "resume", "enable", "disable")
STAGES = ("advisory", "paper", "operator")
REASON_CHARS = 500


class FieldError(TradewindError):
    """One invalid field of a request (answered with 422 naming it)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class ServerRefusalError(TradewindError):
    """A valid request the server cannot carry out as asked (409)."""


@dataclass(frozen=True, slots=True)
class ControlRequestData:
    """A control command as the server receives it (`wait_ms`: how long to wait for
    the sessions to report it done)."""

    action: str
    market: str | None
    reason: str
    wait_ms: int = 0


def check_market(state: ServerState, market: str | None, *, required: bool) -> None:
    """Refuse a market the dashboard does not show (FieldError on `market`)."""
    if market is None:
        if required:
            raise FieldError("market", "this action needs a market")
        return
    known = _markets(state)
    if market not in known:
        raise FieldError("market", f"unknown market {market!r}: expected one of {', '.join(known)}")


def _markets(state: ServerState) -> tuple[str, ...]:
    if state.config is not None:
        return tuple(state.config.markets)
    return tuple(view.name for view in state.overview().markets)


def send_operator_control(
    state: ServerState, principal: Principal, request: ControlRequestData
) -> ControlOutcome:
    """Journal `request` as the principal's control command and wait up to
    `request.wait_ms` for the running sessions to report it done.

    Raises:
        FieldError: an unknown action, an unknown or missing market, an empty reason.
    """
    from tradewind.app.control_commands import send_control
    from tradewind.store.control_records import ControlCommand

    if request.action not in CONTROL_ACTIONS:
        raise FieldError("action", f"expected one of {', '.join(CONTROL_ACTIONS)}")
    check_market(state, request.market, required=request.action in ("enable", "disable"))
    reason = _reason(request.reason)
    command = ControlCommand(action=request.action, market=request.market,  # type: ignore[arg-type]
                             user=principal.user, reason=reason, source="api")  # fmt: skip
    try:
        return send_control(state.journal, command, wait_s=request.wait_ms / 1000)
    finally:
        state.forget_views()


def promote_market(
    state: ServerState,
    principal: Principal,
    *,
    market: str,
    to_stage: str,
    strategy: str = "*",
    override: bool = False,
    reason: str = "",
) -> PromotionOutcome:
    """Promote (or demote) `market` as `tradewind promote` does, journaled with the
    principal as the user.

    Raises:
        FieldError: an unknown market or stage, an override without a reason.
        ServerRefusalError: the server runs without a config (promotion needs its markets).
        PromotionError: what the promotion gate refuses (a skipped stage, ...).
    """
    from tradewind.app.promotion import promote

    if to_stage not in STAGES:
        raise FieldError("to", f"expected one of {', '.join(STAGES)}")
    check_market(state, market, required=True)
    if override and not reason.strip():
        raise FieldError("reason", "an override needs a reason")
    if state.config is None:
        raise ServerRefusalError(
            "promotion needs the markets' config: restart `tradewind serve` with --config FILE"
        )
    try:
        return promote(state.journal, state.config, market, to_stage, strategy,
                       override=override, reason=reason.strip(), user=principal.user)  # fmt: skip
    finally:
        state.forget_views()


def _reason(text: str) -> str:
    reason = text.strip()
    if not reason:
        raise FieldError("reason", "say why (it is journaled with the command)")
    if len(reason) > REASON_CHARS:
        raise FieldError("reason", f"at most {REASON_CHARS} characters (got {len(reason)})")
    return reason
