"""The Alpaca session names the account it trades by its `account_number` (shown at
`tradewind live`), the same on every run of the emulator for the same key."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal

import pytest

from tradewind.domain.venue_errors import VenueError
from tradewind.venues.alpaca import AlpacaVenueConfig
from tradewind.venues.alpaca.emulator import BUNDLED, build_emulator, build_market
from tradewind.venues.alpaca.session import AlpacaSession

_CREDENTIALS = {"key-one": "secret-one", "key-two": "secret-two"}


@contextmanager
def _emulator() -> Iterator[Callable[[str, str], AlpacaVenueConfig]]:
    market = build_market({"AAPL": BUNDLED["AAPL"]})
    market.trade_bar("AAPL", 1_709_562_600_000, 100, 101, 99, 100, Decimal(1000))
    server = build_emulator(market, _CREDENTIALS)
    url = server.start()

    def config(key: str, secret: str) -> AlpacaVenueConfig:
        return AlpacaVenueConfig(symbols=("AAPL",), api_key=key, secret_key=secret, endpoint=url)

    try:
        yield config
    finally:
        server.stop()


def _connected_id(config: AlpacaVenueConfig) -> str | None:
    session = AlpacaSession(config)
    assert session.account_id is None
    session.connect()
    return session.account_id


def test_account_id_is_the_account_number_and_stable_across_emulator_runs() -> None:
    with _emulator() as config:
        first = _connected_id(config("key-one", "secret-one"))
        direct = AlpacaSession(config("key-one", "secret-one"))
        direct.connect()
        number = direct.call("read", lambda c: c.get_account())["account_number"]
    with _emulator() as config:
        again = _connected_id(config("key-one", "secret-one"))
    assert first == number == again
    assert first is not None
    assert re.fullmatch(r"PA[0-9A-F]{10}", first)


def test_each_key_trades_an_account_with_its_own_id() -> None:
    with _emulator() as config:
        one = _connected_id(config("key-one", "secret-one"))
        two = _connected_id(config("key-two", "secret-two"))
    assert one != two


def test_refused_credentials_name_no_account() -> None:
    with _emulator() as config:
        session = AlpacaSession(config("key-one", "wrong"))
        with pytest.raises(VenueError):
            session.connect()
        assert session.account_id is None
