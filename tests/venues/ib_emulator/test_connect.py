"""ib_async connects to the IB emulator as to TWS: handshake, accounts, clientIds."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import struct

import pytest
from ib_async import IB
from tests.venues.ib_emulator.rig import MINUTE_MS, T0_MS, ib_rig, make_market

from tradewind.venues.ib.emulator import DEFAULT_CREDENTIALS, build_emulator


def test_ib_async_connects_and_sees_the_paper_account() -> None:
    with ib_rig() as rig:
        ib = rig.connect(client_id=3)
        assert ib.isConnected()
        assert ib.managedAccounts() == ["DU0000001"]
        assert ib.client.serverVersion() == 178
        assert rig.server.served()["startApi"] == 1


def test_current_time_is_the_market_clock() -> None:
    with ib_rig(seed_bars=3) as rig:
        ib = rig.connect()
        now = ib.reqCurrentTime()
        assert int(now.timestamp() * 1000) == T0_MS + 3 * MINUTE_MS


def test_several_clients_connect_with_distinct_client_ids() -> None:
    with ib_rig() as rig:
        first, second = rig.connect(client_id=1), rig.connect(client_id=2)
        assert first.isConnected()
        assert second.isConnected()
        first.disconnect()
        assert second.reqCurrentTime() is not None


def test_a_client_id_in_use_is_refused_with_error_326() -> None:
    with ib_rig() as rig:
        rig.connect(client_id=5)
        intruder = IB()
        errors: list[int] = []
        intruder.errorEvent += lambda _req, code, _msg, _c: errors.append(code)
        rig.clients.append(intruder)
        with pytest.raises((ConnectionError, asyncio.TimeoutError, TimeoutError)):
            intruder.connect("127.0.0.1", rig.server.port, clientId=5, timeout=1)
        assert not intruder.isConnected()
        assert 326 in errors


def test_the_client_id_is_free_again_after_a_disconnect() -> None:
    with ib_rig() as rig:
        rig.disconnect(rig.connect(client_id=9))
        assert 9 not in rig.server.client_ids()
        assert rig.connect(client_id=9).isConnected()


def test_the_handshake_answers_the_server_version_and_a_connection_time() -> None:
    with ib_rig() as rig, socket.create_connection(("127.0.0.1", rig.server.port), 2) as s:
        version = b"v157..178"
        s.sendall(b"API\0" + struct.pack(">I", len(version)) + version)
        length = struct.unpack(">I", s.recv(4))[0]
        fields = s.recv(length).split(b"\0")
        assert fields[0] == b"178"
        assert fields[1].endswith(b"UTC")


def test_a_client_offering_only_older_versions_is_disconnected() -> None:
    with ib_rig() as rig, socket.create_connection(("127.0.0.1", rig.server.port), 2) as s:
        version = b"v100..150"
        s.sendall(b"API\0" + struct.pack(">I", len(version)) + version)
        assert s.recv(4) == b""


def test_stop_disconnects_clients_and_is_idempotent() -> None:
    with ib_rig() as rig:
        ib = rig.connect()
        port = rig.server.port
        rig.server.stop()
        rig.server.stop()
        with contextlib.suppress(ConnectionError):
            ib.sleep(0.2)
        assert not ib.isConnected()
        with pytest.raises((ConnectionRefusedError, OSError)):
            socket.create_connection(("127.0.0.1", port), 0.5)


def test_only_loopback_hosts_are_accepted() -> None:
    with pytest.raises(ValueError, match="loopback"):
        build_emulator(make_market(), DEFAULT_CREDENTIALS, host="0.0.0.0")


def test_unknown_credentials_keys_are_refused() -> None:
    with pytest.raises(ValueError, match="account"):
        build_emulator(make_market(), {"password": "x"})


def test_the_account_id_comes_from_the_credentials() -> None:
    server = build_emulator(make_market(), {"account": "DU7654321"})
    server.start()
    try:
        ib = IB()
        ib.connect("127.0.0.1", server.port, clientId=1, timeout=5)
        assert ib.managedAccounts() == ["DU7654321"]
        ib.disconnect()
    finally:
        server.stop()
