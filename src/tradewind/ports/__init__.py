"""Ports: the small Protocols adapters implement (market data, execution, clock, ...).

Import each port from its module (`tradewind.ports.clock`, `tradewind.ports.market_data`,
`tradewind.ports.live_data`, `tradewind.ports.execution`, `tradewind.ports.capabilities`);
this package re-exports nothing. Ports depend on the domain only; `docs/venues.md`
describes the venue ports.
"""
