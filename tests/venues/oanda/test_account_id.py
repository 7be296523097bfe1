"""The OANDA session names the v20 account it trades (shown at `tradewind live`)."""

from __future__ import annotations

import pytest

from tradewind.domain.venue_errors import VenueError
from tradewind.venues.oanda.session import OandaSession

from .rig import ACCOUNT, running


def test_account_id_is_none_before_connect_and_the_configured_account_after() -> None:
    with running() as rig:
        session = OandaSession(rig.config())
        assert session.account_id is None
        session.connect()
        assert session.account_id == ACCOUNT
        session.close()


def test_without_a_configured_account_the_tokens_first_account_is_named() -> None:
    with running() as rig:
        session = OandaSession(rig.config(account_id=None))
        session.connect()
        assert session.account_id == ACCOUNT
        session.close()


def test_a_refused_connect_names_no_account() -> None:
    with running() as rig:
        session = OandaSession(rig.config(token="not-the-token"))
        with pytest.raises(VenueError):
            session.connect()
        assert session.account_id is None
        session.close()
