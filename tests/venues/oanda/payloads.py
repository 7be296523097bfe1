"""v20 answers shaped as the v20 reference documents them (developer.oanda.com/rest-live-v20),
for the parser and client tests."""

from __future__ import annotations

from typing import Any

ACCOUNT = "101-001-0000000-001"

SUMMARY: dict[str, Any] = {
    "account": {
        "id": ACCOUNT,
        "currency": "USD",
        "balance": "100000.0000",
        "NAV": "100012.5000",
        "unrealizedPL": "12.5000",
        "marginUsed": "22.0000",
        "marginAvailable": "99990.5000",
        "positionValue": "1100.0000",
        "openTradeCount": 1,
        "lastTransactionID": "6",
    },
    "lastTransactionID": "6",
}

INSTRUMENTS: dict[str, Any] = {
    "instruments": [
        {
            "name": "EUR_USD",
            "type": "CURRENCY",
            "displayName": "EUR/USD",
            "pipLocation": -4,
            "displayPrecision": 5,
            "tradeUnitsPrecision": 0,
            "minimumTradeSize": "1",
            "maximumOrderUnits": "100000000",
            "marginRate": "0.02",
        },
        {
            "name": "USD_JPY",
            "type": "CURRENCY",
            "displayName": "USD/JPY",
            "pipLocation": -2,
            "displayPrecision": 3,
            "tradeUnitsPrecision": 0,
            "minimumTradeSize": "1",
            "marginRate": "0.04",
        },
    ],
    "lastTransactionID": "6",
}

PRICING: dict[str, Any] = {
    "time": "2017-01-03T15:00:05.000000000Z",
    "prices": [
        {
            "type": "PRICE",
            "instrument": "EUR_USD",
            "time": "2017-01-03T15:00:04.123456789Z",
            "tradeable": True,
            "bids": [{"price": "1.04001", "liquidity": 10000000}],
            "asks": [{"price": "1.04015", "liquidity": 10000000}],
            "closeoutBid": "1.04001",
            "closeoutAsk": "1.04015",
        }
    ],
}


def candle(time: str, o: str, c: str, *, complete: bool = True) -> dict[str, Any]:
    return {
        "complete": complete,
        "volume": 120,
        "time": time,
        "mid": {"o": o, "h": max(o, c), "l": min(o, c), "c": c},
    }


def create(
    txn_id: int, batch: int, kind: str, units: str, cid: str, **extra: Any
) -> dict[str, Any]:
    return {
        "id": str(txn_id),
        "batchID": str(batch),
        "time": f"2017-01-03T15:00:{txn_id:02d}.000000000Z",
        "type": kind,
        "instrument": "EUR_USD",
        "units": units,
        "timeInForce": extra.pop("timeInForce", "GTC" if kind != "MARKET_ORDER" else "FOK"),
        "positionFill": "DEFAULT",
        "reason": "CLIENT_ORDER",
        "clientExtensions": {"id": cid, "tag": "tradewind"},
        **extra,
    }


def fill(
    txn_id: int, batch: int, order_id: int, units: str, price: str, cid: str
) -> dict[str, Any]:
    return {
        "id": str(txn_id),
        "batchID": str(batch),
        "time": f"2017-01-03T15:00:{txn_id:02d}.000000000Z",
        "type": "ORDER_FILL",
        "orderID": str(order_id),
        "clientOrderID": cid,
        "instrument": "EUR_USD",
        "units": units,
        "price": price,
        "fullVWAP": price,
        "reason": "MARKET_ORDER",
        "pl": "0.0000",
        "financing": "0.0000",
        "commission": "0.0500",
        "accountBalance": "99999.9500",
        "tradeOpened": {"tradeID": str(txn_id), "units": units},
    }


def cancel(
    txn_id: int, batch: int, order_id: int, reason: str, cid: str, **extra: Any
) -> dict[str, Any]:
    return {
        "id": str(txn_id),
        "batchID": str(batch),
        "time": f"2017-01-03T15:00:{txn_id:02d}.000000000Z",
        "type": "ORDER_CANCEL",
        "orderID": str(order_id),
        "clientOrderID": cid,
        "reason": reason,
        **extra,
    }
