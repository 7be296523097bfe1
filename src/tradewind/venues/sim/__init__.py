"""The simulated venue: paper trading with the backtest's execution models."""

from tradewind.venues.sim.config import CommissionSpec, SimVenueConfig
from tradewind.venues.sim.venue import SimulatedVenue

__all__ = ["CommissionSpec", "SimVenueConfig", "SimulatedVenue"]
