"""The MMIN orchestrator: collects multi-market data and runs the intelligence analyses."""
