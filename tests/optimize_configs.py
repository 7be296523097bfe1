"""A small config for the parameter-search tests: sma_cross on BTC-USD over 2015."""

__all__ = ["ONE_MARKET"]

ONE_MARKET = """
config_version: 1
base_currency: USD
mode: backtest
data: {start: 2015-01-01, end: 2015-12-31}
markets:
  crypto:
    provider: sim
    symbols: [BTC-USD]
    strategies: [sma_cross]
    timeframe: 1d
    risk_allocation_pct: 100
execution:
  sizing: {mode: fraction, value: 0.2}
"""
