"""The IB session names the managed account it picked (shown at `tradewind live`)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tradewind.venues.emulation import EmulatedMarket
from tradewind.venues.ib import IbSession, IbVenueConfig, IbVenueError
from tradewind.venues.ib.emulator import BUNDLED, MARKET_SPEC, IbEmulatorServer, build_emulator

_ACCOUNT = "DU7654321"


@pytest.fixture
def server() -> Iterator[IbEmulatorServer]:
    market = EmulatedMarket({"AAPL": BUNDLED["AAPL"].spec}, MARKET_SPEC,
                            hours={"AAPL": BUNDLED["AAPL"].hours})  # fmt: skip
    market.trade_bar("AAPL", 1_709_562_600_000, 100, 101, 99, 100, 1_000)
    server = build_emulator(market, {"account": _ACCOUNT})
    server.start()
    yield server
    server.stop()


def _session(server: IbEmulatorServer, account: str = "") -> IbSession:
    return IbSession(IbVenueConfig(symbols=("AAPL",), endpoint=f"tws://127.0.0.1:{server.port}",
                                   client_id=7, account=account, timeout_ms=1_000))  # fmt: skip


def test_account_id_is_none_before_connect_and_the_only_managed_account_after(
    server: IbEmulatorServer,
) -> None:
    session = _session(server)
    assert session.account_id is None
    session.connect()
    try:
        assert session.account_id == _ACCOUNT
    finally:
        session.disconnect()


def test_a_configured_managed_account_is_named(server: IbEmulatorServer) -> None:
    session = _session(server, account=_ACCOUNT)
    session.connect()
    try:
        assert session.account_id == _ACCOUNT
    finally:
        session.disconnect()


def test_an_account_this_login_does_not_manage_is_refused_and_named_nowhere(
    server: IbEmulatorServer,
) -> None:
    session = _session(server, account="DU0000009")
    with pytest.raises(IbVenueError, match="not managed"):
        session.connect()
    assert session.account_id is None
