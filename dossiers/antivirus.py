"""Optional virus scan through a ClamAV daemon (clamd), spoken over its INSTREAM protocol.

Configured by CLAMAV_SOCKET (a Unix socket path) or CLAMAV_HOST and CLAMAV_PORT; with
neither set, scanning is off. When it is on, it fails closed: a scanner that is down,
slow (CLAMAV_TIMEOUT seconds) or answers something unexpected makes the upload fail
with ScannerUnavailableError, never pass unscanned.

Protocol (clamd(8)): send ``zINSTREAM\\0``, then chunks each prefixed by its length as
a 4-byte big-endian integer, then a zero-length chunk; clamd answers one
NUL-terminated line, ``stream: OK`` or ``stream: <signature> FOUND``.
"""

from __future__ import annotations

import socket
import struct
from typing import IO

from django.conf import settings

_CHUNK = 64 * 1024
_MAX_REPLY = 4096


class ScannerUnavailableError(Exception):
    """The configured scanner could not give a verdict (down, timeout, bad answer)."""


def scanning_enabled() -> bool:
    return bool(settings.CLAMAV_SOCKET or settings.CLAMAV_HOST)


def _connect() -> socket.socket:
    timeout: float = settings.CLAMAV_TIMEOUT
    if settings.CLAMAV_SOCKET:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(timeout)
        try:
            sock.connect(settings.CLAMAV_SOCKET)
        except OSError:
            sock.close()
            raise
        return sock
    return socket.create_connection(
        (settings.CLAMAV_HOST, settings.CLAMAV_PORT), timeout=timeout
    )


def _read_reply(sock: socket.socket) -> str:
    reply = b""
    while not reply.endswith(b"\0") and len(reply) < _MAX_REPLY:
        chunk = sock.recv(1024)
        if not chunk:
            break
        reply += chunk
    return reply.rstrip(b"\0\n").decode("utf-8", "replace").strip()


def scan(stream: IO[bytes]) -> str | None:
    """The signature name when clamd finds something, None when the file is clean.

    Raises ScannerUnavailableError when no verdict could be had.
    """
    stream.seek(0)
    try:
        with _connect() as sock:
            sock.sendall(b"zINSTREAM\0")
            for chunk in iter(lambda: stream.read(_CHUNK), b""):
                sock.sendall(struct.pack("!L", len(chunk)) + chunk)
            sock.sendall(struct.pack("!L", 0))
            reply = _read_reply(sock)
    except OSError as exc:  # refused, unreachable, timeout, reset
        raise ScannerUnavailableError(str(exc)) from exc
    finally:
        stream.seek(0)
    verdict = reply.removeprefix("stream:").strip()
    if verdict == "OK":
        return None
    if verdict.endswith(" FOUND"):
        return verdict.removesuffix(" FOUND").strip() or "unknown"
    raise ScannerUnavailableError(f"unexpected clamd reply: {reply[:200]!r}")
