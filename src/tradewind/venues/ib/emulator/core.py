"""What every request handler works on: the market, the TWS book, the contracts, a reply.

Handlers return a `Reply`: messages addressed by API clientId (a clientId has at most one
connection, as in TWS), in the order they must go out, so a handler interleaves its own
answers with the events its request caused.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from tradewind.venues.emulation import EmulatedMarket
from tradewind.venues.ib.emulator.book import IbBook, PushEvent
from tradewind.venues.ib.emulator.contracts import ContractQuery, IbContract, find_contracts
from tradewind.venues.ib.emulator.marketdata import Subscription
from tradewind.venues.ib.emulator.messages import error

__all__ = ["NO_SECURITY", "ClientState", "Core", "Reply"]

NO_SECURITY = "No security definition has been found for the request"


@dataclass(slots=True)
class ClientState:
    """One API client connection: its clientId and subscriptions."""

    client_id: int
    market_data_type: int = 1
    subscriptions: dict[int, Subscription] = field(default_factory=dict)
    account_updates: bool = False
    positions: bool = False


@dataclass(frozen=True, slots=True)
class Core:
    """The emulated TWS: one account on one market."""

    market: EmulatedMarket
    book: IbBook
    account: str

    @property
    def contracts(self) -> Mapping[str, IbContract]:
        return self.book.contracts

    def find(self, query: ContractQuery) -> Sequence[IbContract]:
        return find_contracts(self.contracts.values(), query)


class Reply:
    """Messages for API clients, in sending order."""

    def __init__(self, client_id: int) -> None:
        self.client_id = client_id
        self.events: list[PushEvent] = []

    def send(self, fields: list[object]) -> Reply:
        """A message for the requesting client."""
        self.events.append(PushEvent(self.client_id, fields))
        return self

    def send_all(self, messages: Iterable[list[object]]) -> Reply:
        for fields in messages:
            self.send(fields)
        return self

    def error(self, req_id: int, code: int, message: str) -> Reply:
        return self.send(error(req_id, code, message))

    def extend(self, events: Iterable[PushEvent]) -> Reply:
        """Events for whichever clients they are addressed to."""
        self.events.extend(events)
        return self
