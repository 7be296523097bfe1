"""Venue adapters behind `tradewind.ports.execution.ExecutionVenue`, one folder each.

Adapters never import each other; the composition root (`tradewind.app`) picks one.
This package re-exports nothing.
"""
