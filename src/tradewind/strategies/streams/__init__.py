"""Streaming forms of the built-in strategies, one module each (see `strategies.streaming`).

Each module has a compiled per-symbol step built from `strategies.stream_kernels` and a
factory `(config, symbols) -> KernelStream` that the built-in's `StrategySpec.stream`
names.
"""
