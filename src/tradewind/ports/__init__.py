"""Ports: the small Protocols adapters implement (market data, execution, clock, ...).

Import each port from its module (`tradewind.ports.clock`, `tradewind.ports.market_data`,
`tradewind.ports.execution`); this package re-exports nothing. Ports depend on the
domain only.
"""
