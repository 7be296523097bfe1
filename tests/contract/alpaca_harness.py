"""The contract harness of the Alpaca adapter: `AlpacaVenue` (the official alpaca-py
client) against the in-process Alpaca emulator on 127.0.0.1, in manual mode (see
`emulator_harness`).

Two whole-share US equities, AAPL and MSFT, always open (the market clock never closes
them, so market orders fill at once), one-minute bars from 2024-03-04 14:30 UTC, a
margin account of USD 1,000,000 (leverage 4, shorting allowed), no commission (Alpaca
charges none). The network hooks arm the emulator's faults on `POST /v2/orders` and
`DELETE /v2/orders/`.
"""

from __future__ import annotations

from decimal import Decimal

from tradewind.domain.identifiers import ClientOrderId
from tradewind.venues.alpaca import AlpacaVenue, AlpacaVenueConfig
from tradewind.venues.alpaca.client_ids import read_client_id
from tradewind.venues.alpaca.config import Secret
from tradewind.venues.alpaca.emulator import build_emulator, equity_spec
from tradewind.venues.emulation import EmulatedMarket, MarketSpec

from .emulator_faults import EmulatorFaults
from .emulator_harness import TIMEOUT_MS, VOLUME_SHARE, EmulatorHarness, serve_emulator
from .network import WireRequest

__all__ = ["AlpacaHarness"]

_CASH = Decimal(1_000_000)
_KEY, _SECRET = "contract-key", "contract-secret"
_SYMBOLS = ("AAPL", "MSFT")
_REQUESTS_PER_MINUTE = 200  # Alpaca's


class AlpacaHarness(EmulatorHarness[AlpacaVenue]):
    """An `AlpacaVenue` on a fresh Alpaca emulator (see the module docstring)."""

    charges_commission = False
    """Alpaca charges no commission on US equities."""

    def __init__(self) -> None:
        market = EmulatedMarket(
            {s: equity_spec(s, fractionable=False) for s in _SYMBOLS},
            MarketSpec(
                commission_bps=Decimal(0),
                max_volume_share=VOLUME_SHARE,
                starting_balances={"USD": _CASH},
                margin_leverage=Decimal(4),
                closed_market_orders="queue",
            ),
        )
        market.add_account(_KEY, {"USD": _CASH})
        served = serve_emulator(
            build_emulator,
            market,
            {_KEY: _SECRET},
            limit_per_minute=_REQUESTS_PER_MINUTE,
            account=_KEY,
            order_paths={
                WireRequest.SUBMIT: ("POST", "/v2/orders"),
                WireRequest.CANCEL: ("DELETE", "/v2/orders/"),
            },
            rate_keys=(_KEY,),
            faults_type=_AlpacaFaults,
        )
        self._config = AlpacaVenueConfig(
            symbols=_SYMBOLS,
            api_key=Secret(_KEY),
            secret_key=Secret(_SECRET),
            endpoint=served.base_url,
            timeout_ms=TIMEOUT_MS,
        )
        super().__init__(market, served.server, served.faults, _SYMBOLS)

    def _new_venue(self) -> AlpacaVenue:
        return AlpacaVenue(self._config, poll_interval_ms=0)


class _AlpacaFaults(EmulatorFaults):
    """Counts orders by the domain client id: the adapter prefixes Alpaca's (`client_ids`)."""

    def orders_at_venue(self, client_order_id: ClientOrderId) -> int:
        wanted = str(client_order_id)
        orders = self._market.orders(self._account)
        return sum(read_client_id(o.client_order_id or "")[0] == wanted for o in orders)
