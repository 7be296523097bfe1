"""The contract harness of the OANDA v20 adapter: `OandaVenue` over its own httpx client
against the in-process OANDA emulator on 127.0.0.1, in manual mode (see
`emulator_harness`).

Instruments EUR_USD and GBP_USD on a 0.00001 grid (whole units), both started at 100
(a made-up level, so the suite's absolute price steps stay positive); the account is
the emulator's 50:1 margin account in USD with 1,000,000. The market keeps forex hours
and the bars are traded on a Monday afternoon (open). The network hooks (`faults`) arm
the emulator's faults on the order paths; its limiter is the toolkit's per-minute one,
charged per token.
"""

from __future__ import annotations

from decimal import Decimal

from tradewind.domain.secret import Secret
from tradewind.venues.emulation import EmulatedMarket, MarketSpec, SymbolSpec
from tradewind.venues.emulation.hours import FOREX_HOURS
from tradewind.venues.oanda import OandaVenue, OandaVenueConfig
from tradewind.venues.oanda.emulator import build_emulator

from .emulator_harness import TIMEOUT_MS, VOLUME_SHARE, EmulatorHarness, serve_emulator
from .network import WireRequest

__all__ = ["OandaHarness"]

_TOKEN = "contract-oanda-token"
_ACCOUNT = "101-001-0000000-001"
_SYMBOLS = ("EUR_USD", "GBP_USD")


def _spec(base: str) -> SymbolSpec:
    one = Decimal(1)
    return SymbolSpec(base, "USD", Decimal("0.00001"), one, one, Decimal(0))


class OandaHarness(EmulatorHarness[OandaVenue]):
    """An `OandaVenue` on a fresh OANDA emulator (1,000,000 USD, 50:1 margin)."""

    cash_moves_by_notional = False
    """A margin account: the balance moves by realized P&L, not by what was bought."""
    charges_commission = False
    """OANDA's cost is in the spread (the emulator fills at the mid, no commission)."""

    def __init__(self) -> None:
        cash = {"USD": Decimal(1_000_000)}
        market = EmulatedMarket(
            {symbol: _spec(symbol[:3]) for symbol in _SYMBOLS},
            MarketSpec(
                max_volume_share=VOLUME_SHARE,
                starting_balances=dict(cash),
                margin_leverage=Decimal(50),
                closed_market_orders="reject",
            ),
            hours=dict.fromkeys(_SYMBOLS, FOREX_HOURS),
        )
        market.add_account(_ACCOUNT, dict(cash))
        orders = f"/v3/accounts/{_ACCOUNT}/orders"
        served = serve_emulator(
            build_emulator,
            market,
            {_TOKEN: _ACCOUNT},
            limit_per_minute=100_000,
            account=_ACCOUNT,
            order_paths={
                WireRequest.SUBMIT: ("POST", orders),
                WireRequest.CANCEL: ("PUT", f"{orders}/"),
            },
            rate_keys=(_TOKEN,),
        )
        self._config = OandaVenueConfig(
            symbols=_SYMBOLS,
            token=Secret(_TOKEN),
            account_id=_ACCOUNT,
            endpoint=served.base_url,
            timeout_ms=TIMEOUT_MS,
        )
        super().__init__(market, served.server, served.faults, _SYMBOLS)

    def _new_venue(self) -> OandaVenue:
        return OandaVenue(self._config)

    def _close_venue(self, venue: OandaVenue) -> None:
        venue.session.close()
