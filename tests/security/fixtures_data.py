"""Fixtures of the upload and personal-data tests (conftest.py star-imports them)."""

from __future__ import annotations

import socket
import struct
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field

__all__ = [
    "EICAR",
    "FakeClamd",
    "_fresh_calendar",
    "_private_media",
    "actors",
    "closed_port",
    "fake_clamd",
    "make_dossier",
    "mandatory_document",
    "other_citizen",
    "procedure",
]

import pytest

from tests.dossiers.conftest import (
    _fresh_calendar,
    _private_media,
    actors,
    make_dossier,
    mandatory_document,
    other_citizen,
    procedure,
)

EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


@dataclass
class FakeClamd:
    """A clamd speaking INSTREAM over a real socket; flags the EICAR test string."""

    address: tuple[str, int]
    scanned: list[bytes] = field(default_factory=list)
    silent: bool = False


def _handle(connection: socket.socket, server: FakeClamd) -> None:
    with connection:
        command = b""
        while not command.endswith(b"\0"):
            command += connection.recv(1)
        assert command == b"zINSTREAM\0"
        data = b""
        while True:
            header = connection.recv(4, socket.MSG_WAITALL)
            (length,) = struct.unpack("!L", header)
            if length == 0:
                break
            data += connection.recv(length, socket.MSG_WAITALL)
        server.scanned.append(data)
        if server.silent:
            connection.recv(1)  # hang until the client gives up
            return
        verdict = b"Eicar-Signature FOUND" if EICAR in data else b"OK"
        connection.sendall(b"stream: " + verdict + b"\0")


@pytest.fixture
def fake_clamd() -> Iterator[FakeClamd]:
    listener = socket.create_server(("127.0.0.1", 0))
    server = FakeClamd(address=listener.getsockname()[:2])
    stop = threading.Event()

    def serve() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            _handle(connection, server)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield server
    stop.set()
    thread.join(timeout=5)
    listener.close()


@pytest.fixture
def closed_port() -> int:
    """A local port nothing listens on: the scanner is down."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
