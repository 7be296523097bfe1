"""The root configuration model, `TradewindConfig`."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, ValidationError, field_validator, model_validator

from tradewind.config.aggregation import SignalAggregationConfig
from tradewind.config.capital import CapitalConfig
from tradewind.config.data import DataConfig
from tradewind.config.execution import BacktestConfig, ExecutionConfig
from tradewind.config.fieldtypes import ConfigModel, CurrencyCode
from tradewind.config.markets import MarketConfig, MarketName, infer_market_classes
from tradewind.config.mmin import MMINConfig
from tradewind.config.operator import OperatorConfig
from tradewind.config.risk import RiskConfig
from tradewind.config.rules import cross_field_errors
from tradewind.config.scaling import AutonomousScalingConfig
from tradewind.config.vocabulary import RunMode

__all__ = ["ENV_NESTED_DELIMITER", "ENV_PREFIX", "TradewindConfig"]

ENV_PREFIX = "TRADEWIND_"
ENV_NESTED_DELIMITER = "__"


class TradewindConfig(ConfigModel):
    """A whole Tradewind configuration.

    Build it with `tradewind.config.load_config(path)`, which reads the YAML file, applies
    `TRADEWIND_...` environment overrides (`ENV_PREFIX`, nested with `ENV_NESTED_DELIMITER`,
    e.g. `TRADEWIND_RISK__GLOBAL__MAX_OPEN_POSITIONS=5`) and maps every error to its YAML line.
    Validating data directly (`model_validate`) reads no environment. Credentials are
    never part of it: see `tradewind.config.Secrets`.
    """

    config_version: Literal[1] = 1
    base_currency: CurrencyCode = "USD"
    mode: RunMode = RunMode.BACKTEST
    data: DataConfig = Field(default_factory=DataConfig)
    markets: dict[MarketName, MarketConfig]
    signal_aggregation: SignalAggregationConfig = Field(default_factory=SignalAggregationConfig)
    risk: RiskConfig = Field(default_factory=RiskConfig)
    capital: CapitalConfig = Field(default_factory=CapitalConfig)
    mmin: MMINConfig = Field(default_factory=MMINConfig)
    autonomous_scaling: AutonomousScalingConfig = Field(default_factory=AutonomousScalingConfig)
    execution: ExecutionConfig = Field(default_factory=ExecutionConfig)
    backtest: BacktestConfig = Field(default_factory=BacktestConfig)
    operator: OperatorConfig = Field(default_factory=OperatorConfig)

    @field_validator("markets", mode="before")
    @classmethod
    def _infer_classes(cls, markets: Any) -> Any:
        return infer_market_classes(markets)

    @model_validator(mode="after")
    def _cross_field(self) -> TradewindConfig:
        errors = cross_field_errors(self)
        if errors:
            raise ValidationError.from_exception_data("TradewindConfig", errors)
        return self

    @property
    def enabled_markets(self) -> dict[str, MarketConfig]:
        """The enabled markets, in file order."""
        return {name: market for name, market in self.markets.items() if market.enabled}
