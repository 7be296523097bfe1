"""Building alpaca-py's clients for the adapter: endpoint, timeout, retries, raw JSON.

- Both clients return raw JSON (`raw_data=True`): the adapter parses Alpaca's payloads
  itself (`parsing.py`), so a status or field alpaca-py's models do not know yet cannot
  break a poll.
- alpaca-py sends without a timeout; its `requests` session is replaced by one that
  applies `timeout_ms` to every request.
- alpaca-py retries 429 and 504 by itself (3 times, 3 s apart, blind to Retry-After).
  Its own retries are turned off: a 504 on `POST /v2/orders` has an unknown outcome and
  must be resolved by client order id, not sent again, and a 429 is waited out by the
  session for as long as Alpaca's Retry-After says (every user of the key pauses).
"""

from __future__ import annotations

from typing import Any

import requests
from alpaca.data.historical.stock import StockHistoricalDataClient
from alpaca.trading.client import TradingClient

from tradewind.venues.alpaca.config import AlpacaVenueConfig

__all__ = ["TimeoutSession", "build_data_client", "build_trading_client"]


class TimeoutSession(requests.Session):
    """A `requests.Session` that gives every request a timeout unless one is passed."""

    def __init__(self, timeout_s: float) -> None:
        super().__init__()
        self.timeout_s = timeout_s

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("timeout", self.timeout_s)
        return super().request(method, url, *args, **kwargs)  # type: ignore[arg-type]


def _credentials(config: AlpacaVenueConfig) -> tuple[str, str]:
    key = config.api_key.reveal() if config.api_key else ""
    secret = config.secret_key.reveal() if config.secret_key else ""
    return key, secret


def _tune(client: Any, config: AlpacaVenueConfig) -> Any:
    client._session = TimeoutSession(config.timeout_ms / 1000)
    client._retry = 0  # see the module docstring: the session handles 429s
    client._retry_codes = []
    return client


def build_trading_client(config: AlpacaVenueConfig) -> TradingClient:
    """alpaca-py's trading client for `config` (paper unless `live` and no endpoint)."""
    key, secret = _credentials(config)
    client = TradingClient(
        key,
        secret,
        paper=not config.live,
        raw_data=True,
        url_override=config.trading_url,
    )
    tuned: TradingClient = _tune(client, config)
    return tuned


def build_data_client(config: AlpacaVenueConfig) -> StockHistoricalDataClient:
    """alpaca-py's stock market data client for `config`."""
    key, secret = _credentials(config)
    client = StockHistoricalDataClient(key, secret, raw_data=True, url_override=config.data_url)
    tuned: StockHistoricalDataClient = _tune(client, config)
    return tuned
