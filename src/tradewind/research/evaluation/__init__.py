"""Out-of-sample measurements of the intelligence and capital features against plain
baselines. Backtests are run by a callable the caller passes in (`BacktestRunner`), so
this package needs nothing above `research`; `tradewind.app.evaluation` wires it."""
