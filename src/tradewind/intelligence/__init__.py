"""Multi-market intelligence: correlation, lead-lag, regimes, market conditions, transfer."""
