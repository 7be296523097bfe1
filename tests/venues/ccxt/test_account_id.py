"""The ccxt session names the account its key trades (shown at `tradewind live`), from
the exchange's own field where it has one, never from the key."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.contract.ccxt_exchange_harness import EmulatedExchange
from tests.contract.ccxt_harness import BINANCE
from tests.contract.coinbase_harness import COINBASE
from tests.contract.kraken_harness import KRAKEN

from tradewind.venues.ccxt.emulator.binance_private import account_uid
from tradewind.venues.ccxt.emulator.coinbase_private import portfolio_id
from tradewind.venues.ccxt.session import account_identity

from .rig import start_rig

_PAYLOADS = Path(__file__).parent / "payloads"


def _connected_account_id(exchange: EmulatedExchange) -> tuple[str | None, str | None]:
    """The session's account id before and after connect on a fresh emulator."""
    rig = start_rig(exchange, order_prefix="id-")
    try:
        venue = rig.venue()
        before = venue.session.account_id
        venue.connect()
        return before, venue.session.account_id
    finally:
        rig.server.stop()


@pytest.mark.parametrize(
    ("exchange", "expected"),
    [
        (BINANCE, "100000001"),
        (COINBASE, portfolio_id(COINBASE.key)),
        (KRAKEN, "kraken"),
    ],
    ids=["binance-uid", "coinbase-portfolio", "kraken-has-none"],
)
def test_account_id_is_none_before_connect_and_the_exchanges_account_after(
    exchange: EmulatedExchange, expected: str
) -> None:
    before, after = _connected_account_id(exchange)
    assert before is None
    assert after == expected
    assert exchange.key not in after
    assert exchange.secret not in after


def test_the_binance_emulator_numbers_accounts_by_opening_order_across_state_restarts() -> None:
    rig = start_rig(BINANCE, order_prefix="id-")
    try:
        rig.market.add_account("second-key")
        saved = rig.market.export_state()
        uids = [account_uid(rig.market, k) for k in (BINANCE.key, "second-key")]
        rig.market.import_state(saved)
        assert uids == [100_000_001, 100_000_002]
        assert [account_uid(rig.market, k) for k in (BINANCE.key, "second-key")] == uids
    finally:
        rig.server.stop()


def test_without_credentials_there_is_no_account() -> None:
    rig = start_rig(BINANCE, order_prefix="id-")
    try:
        venue = rig.venue(api_key=None, secret=None)
        venue.connect()
        assert venue.session.account_id is None
    finally:
        rig.server.stop()


def test_binance_uid_is_read_from_a_recorded_balance() -> None:
    balance = json.loads((_PAYLOADS / "balance_binance.json").read_text())
    assert account_identity("binance", balance) == "354937868"


@pytest.mark.parametrize(
    "info",
    [{}, {"uid": None}, {"uid": ""}, {"uid": True}, {"accounts": [{"retail_portfolio_id": ""}]}],
)
def test_an_exchange_that_names_no_account_is_named_by_its_id(info: dict[str, object]) -> None:
    assert account_identity("binance", {"info": info}) == "binance"
    assert account_identity("coinbase", {"info": info}) == "coinbase"
    assert account_identity("kraken", None) == "kraken"
