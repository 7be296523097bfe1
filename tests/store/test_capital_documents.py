"""JSON documents of the capital tables: canonical text from engine objects (enums,
datetimes, numpy values, dataclasses), and clear refusals."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

from tradewind.domain.regimes import MarketRegime
from tradewind.store import JournalError, json_document
from tradewind.store.documents import to_factors_json, to_json_object


@dataclass(frozen=True, slots=True)
class Change:
    parameter: str
    old: float
    new: float
    at: datetime


def test_the_same_content_gives_the_same_text_whatever_the_key_order() -> None:
    first = json_document({"b": 1, "a": {"y": 2.5, "x": [1, 2]}}, what="test")
    second = json_document({"a": {"x": [1, 2], "y": 2.5}, "b": 1}, what="test")
    assert first == second == '{"a":{"x":[1,2],"y":2.5},"b":1}'
    assert json_document({"name": "déjà 💰"}, what="test") == '{"name":"déjà 💰"}'


def test_engine_values_become_plain_json() -> None:
    document: dict[object, object] = {
        MarketRegime.CRISIS: MarketRegime.BULL_TRENDING,
        "float32": np.float32(0.25),
        "int64": np.int64(-3),
        "flag": np.bool_(True),
        "array": np.array([1.5, np.nan]),
        "amount": Decimal("10145.50"),
        "at": datetime(2024, 1, 2, 21, 0, tzinfo=UTC),
        "numpy_at": np.datetime64("2024-01-02T21:00:00.123456789", "ns"),
        "pandas_at": pd.Timestamp("2024-01-02 21:00", tz="UTC"),
        "not_a_time": pd.NaT,
        "window": timedelta(days=30),
        "changes": (Change("sensitivity", 1.0, 1.1, datetime(2024, 1, 3, tzinfo=UTC)),),
        "markets": {"forex", "bonds", "crypto"},
        "missing": [float("nan"), float("inf"), None],
        2: "integer key",
    }
    assert json.loads(json_document(document, what="test")) == {
        "CRISIS": "BULL_TRENDING",
        "float32": 0.25,
        "int64": -3,
        "flag": True,
        "array": [1.5, None],
        "amount": "10145.50",
        "at": "2024-01-02T21:00:00+00:00",
        "numpy_at": "2024-01-02T21:00:00.123456+00:00",
        "pandas_at": "2024-01-02T21:00:00+00:00",
        "not_a_time": None,
        "window": 2_592_000.0,
        "changes": [
            {"parameter": "sensitivity", "old": 1.0, "new": 1.1, "at": "2024-01-03T00:00:00+00:00"}
        ],
        "markets": ["bonds", "crypto", "forex"],
        "missing": [None, None, None],
        "2": "integer key",
    }


def test_a_value_with_no_json_form_is_named_by_its_path() -> None:
    with pytest.raises(JournalError, match=r"cannot store status as JSON: a\.b\[1\]: bytes"):
        json_document({"a": {"b": [1, b"raw"]}}, what="status")
    with pytest.raises(JournalError, match="two keys are both '1' as text"):
        json_document({1: "int", "1": "str"}, what="status")
    with pytest.raises(JournalError, match="expected a mapping, found list"):
        json_document([1, 2], what="status")  # type: ignore[arg-type]


def test_json_columns_take_mappings_or_object_text_and_store_canonical_text() -> None:
    assert to_json_object('{ "b": 1, "a": 2 }') == '{"a":2,"b":1}'
    assert to_json_object({"b": 1, "a": 2}) == '{"a":2,"b":1}'
    with pytest.raises(ValueError, match="expected a JSON object, found list"):
        to_json_object("[1]")
    with pytest.raises(ValueError, match="expected JSON object text"):
        to_json_object("{oops")
    with pytest.raises(ValueError, match="expected a mapping, found int"):
        to_json_object(3)


def test_factors_must_be_finite_multipliers() -> None:
    assert to_factors_json({"regime": np.float64(0.6), "kelly": 1}) == '{"kelly":1,"regime":0.6}'
    assert to_factors_json('{"regime": 0.6}') == '{"regime":0.6}'
    with pytest.raises(
        ValueError, match=r"factor 'regime': expected a finite multiplier, found inf"
    ):
        to_factors_json({"regime": float("inf")})
    with pytest.raises(ValueError, match=r"factor 'regime': expected a number, found str"):
        to_factors_json({"regime": "high"})
    with pytest.raises(ValueError, match=r"factor 'halted': expected a number, found bool"):
        to_factors_json({"halted": True})
