"""Streaming forms of the built-in strategies, one module each (see `strategies.streaming`).

Each module has a compiled per-symbol step built from `strategies.stream_kernels` and a
factory `(config, symbols) -> KernelStream` that the built-in's `StrategySpec.stream`
names. The eight-line loop over symbols (`_step`) is written out in every module on
purpose: numba caches only module-level functions that call a fixed function, so a
shared loop taking the per-symbol step as an argument, or built by a closure, is
compiled again in every process (measured: no cache hits), which start-up cannot afford.
"""
