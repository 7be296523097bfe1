"""Built-in strategies, one module each; every module exposes `STRATEGY: StrategySpec`.

The registry discovers them by listing this package, so adding a strategy is adding a
module here.
"""
