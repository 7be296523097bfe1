"""What `tradewind live` checks before a single order can leave: the double confirmation.

First, the config: every enabled market must say `operator: true` and trade on a venue
(never the simulator), and the journal must show it promoted to `operator`
(`app.promotion`). Then, once the venues are connected, the operator confirms each
venue account the orders will go to by typing its id (or `--confirm ID` for an
unattended start). Anything short of that refuses the start with nothing sent; the
confirmation is journaled with who gave it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from tradewind.config import TradewindConfig
from tradewind.config.vocabulary import Provider
from tradewind.domain.errors import TradewindError
from tradewind.store import Journal
from tradewind.store.control_records import ControlAction, ControlCommand

__all__ = [
    "LiveAccount",
    "LiveStartError",
    "confirmation_problem",
    "journal_confirmation",
    "live_accounts",
    "live_refusals",
]


class LiveStartError(TradewindError):
    """`tradewind live` refuses to start (a user error: exit 2, nothing sent)."""


@dataclass(frozen=True, slots=True)
class LiveAccount:
    """One venue account live orders will go to."""

    account_id: str
    markets: tuple[str, ...]


def live_refusals(config: TradewindConfig, journal: Journal) -> list[str]:
    """Why `config` may not trade live (empty when it may): markets without operator
    mode, on the simulator, or not promoted to operator in `journal`."""
    from tradewind.app.promotion import stage_of

    problems = []
    markets = config.enabled_markets
    if not markets:
        problems.append("no enabled market: nothing to trade")
    for name, market in markets.items():
        if market.provider is Provider.SIM:
            problems.append(
                f"markets.{name}.provider is sim: live orders need a venue provider "
                "(ccxt, oanda, alpaca, ib)"
            )
        if not market.operator:
            problems.append(
                f"markets.{name}.operator is false: set `operator: true` for each market "
                "that may send live orders (double confirmation, part 1)"
            )
        stage = stage_of(journal, name)
        if stage != "operator":
            problems.append(
                f"market {name} is at stage {stage} in journal: promote it with "
                f"`tradewind promote --market {name} --to operator` (it shows the evidence)"
            )
    return problems


def live_accounts(accounts: Mapping[str, str | None]) -> list[LiveAccount]:
    """The distinct venue accounts of the session's markets.

    Raises:
        LiveStartError: a market's venue account is unknown (the venue did not answer).
    """
    unknown = sorted(market for market, account in accounts.items() if not account)
    if unknown:
        raise LiveStartError(
            f"could not read the venue account of {', '.join(unknown)}: is the venue "
            "reachable and are its credentials set? Nothing was sent"
        )
    grouped: dict[str, list[str]] = {}
    for market, account in accounts.items():
        grouped.setdefault(str(account), []).append(market)
    return [LiveAccount(account, tuple(markets)) for account, markets in grouped.items()]


def confirmation_problem(accounts: Sequence[LiveAccount], typed: Sequence[str]) -> str:
    """Why `typed` does not confirm every account ("" when it does)."""
    wanted = {account.account_id for account in accounts}
    given = {text.strip() for text in typed if text.strip()}
    missing = sorted(wanted - given)
    wrong = sorted(given - wanted)
    if wrong:
        return (
            f"confirmation {', '.join(wrong)} matches no account of this session "
            f"(expected {', '.join(sorted(wanted))}); nothing was sent"
        )
    if missing:
        return f"account {', '.join(missing)} was not confirmed; nothing was sent"
    return ""


def journal_confirmation(journal: Journal, accounts: Sequence[LiveAccount], user: str) -> None:
    """Journal who confirmed which accounts (the control channel's audit)."""
    listed = "; ".join(f"{a.account_id} ({', '.join(a.markets)})" for a in accounts)
    journal.issue_control(
        ControlCommand(
            action=ControlAction.CONFIRM_LIVE,
            market=None,
            user=user,
            reason=f"live orders confirmed for {listed}",
            source="cli",
        )
    )
