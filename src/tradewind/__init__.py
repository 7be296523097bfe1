"""Tradewind: one market-agnostic core for research, paper and live trading across markets."""

from tradewind.__about__ import __version__

__all__ = ["__version__"]
