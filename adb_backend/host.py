"""A small client of the adb server's host protocol, for the paths every command takes.

Importing adbutils costs more than most commands' whole device work: its package imports `requests`
and Pillow (install and screenshot helpers) at import time. What bt does on every run needs none of
that: connect to the server, send `host:transport:SERIAL` or `host:devices-l`, read OKAY/FAIL, then use
the socket. This module does exactly that (see adb's SERVICES.TXT / protocol.txt), with the same
method names adbutils' client has, so `Device` works with either. Anything this client does not
implement is handed to a real adbutils client, created (and imported) only then.
"""

from __future__ import annotations

import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from adb_backend.errors import AdbServerUnreachable

_OKAY = b"OKAY"
_FAIL = b"FAIL"
_CONNECT_TIMEOUT = 3.0


def open_tcp(host: str, port: int, timeout: float | None) -> socket.socket:
    """`socket.create_connection`, with an ASCII host name given to the resolver as bytes: as text it
    would go through the IDNA codec, whose import costs every bt command some 7 ms."""
    return socket.create_connection((host.encode("ascii") if host.isascii() else host, port), timeout=timeout)  # type: ignore[arg-type]


class AdbError(Exception):
    """The adb server answered FAIL (its message is the text) or broke the protocol.

    Named like adbutils' error so `adb_backend.errors.translate` treats both alike.
    """


@dataclass(frozen=True)
class DeviceEntry:
    """One line of `host:devices-l`: serial, state and the key:value tags after them."""

    serial: str
    state: str
    tags: dict[str, str] = field(default_factory=dict)


class HostConnection:
    """One socket to the adb server; `conn` is the raw socket once a service is open."""

    def __init__(self, conn: socket.socket) -> None:
        self.conn = conn

    def send_command(self, command: str) -> None:
        data = command.encode("utf-8")
        self.conn.sendall(b"%04x" % len(data) + data)

    def read_exact(self, size: int) -> bytes:
        data = bytearray()
        while len(data) < size:
            chunk = self.conn.recv(size - len(data))
            if not chunk:
                raise AdbError("connection closed")
            data += chunk
        return bytes(data)

    def check_okay(self) -> None:
        status = self.read_exact(4)
        if status == _OKAY:
            return
        if status == _FAIL:
            raise AdbError(self.read_string_block())
        raise AdbError(f"unknown answer from the adb server: {status!r}")

    def read_string_block(self) -> str:
        size = int(self.read_exact(4), 16)
        return self.read_exact(size).decode("utf-8", "replace") if size else ""

    def close(self) -> None:
        """Close at once (no half-close and wait: the server needs nothing more from us)."""
        self.conn.close()

    def __enter__(self) -> HostConnection:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class HostClient:
    """The adb server at host:port. Method names and answers follow adbutils' `AdbClient`."""

    def __init__(
        self,
        host: str,
        port: int,
        *,
        socket_timeout: float | None = None,
        start: Callable[[], None] | None = None,
    ) -> None:
        self.host = host
        self.port = port
        self.socket_timeout = socket_timeout
        self._start = start  # starts the server when nothing answers; called at most once
        self._adbutils: Any = None

    def make_connection(self, timeout: float | None = None) -> HostConnection:
        """A fresh connection; `timeout` (else the client's) applies to every later read and write."""
        try:
            conn = open_tcp(self.host, self.port, _CONNECT_TIMEOUT)
        except OSError as error:
            if self._start is None:
                raise AdbServerUnreachable(f"adb server at {self.host}:{self.port} did not answer ({error})") from None
            start, self._start = self._start, None
            start()  # raises AdbServerUnreachable when it cannot start one (or the server is remote)
            return self.make_connection(timeout)
        # adb's own client disables Nagle too: requests are small and each waits for its answer.
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
        conn.settimeout(timeout or self.socket_timeout)
        return HostConnection(conn)

    def _request(self, command: str, *, timeout: float | None = None) -> str:
        with self.make_connection(timeout) as connection:
            connection.send_command(command)
            connection.check_okay()
            return connection.read_string_block()

    def list(self, extended: bool = False) -> list[DeviceEntry]:
        """`adb devices [-l]`: every device the server knows, in any state."""
        text = self._request("host:devices-l" if extended else "host:devices")
        entries = []
        for line in text.splitlines():
            parts = line.split()
            if len(parts) < 2:
                continue
            tags = dict(part.split(":", 1) for part in parts[2:] if ":" in part) if extended else {}
            entries.append(DeviceEntry(parts[0], parts[1], tags))
        return entries

    def connect(self, addr: str, timeout: float | None = None) -> str:
        return self._request(f"host:connect:{addr}", timeout=timeout)

    def disconnect(self, addr: str, raise_error: bool = False) -> str | None:
        try:
            return self._request(f"host:disconnect:{addr}")
        except AdbError:
            if raise_error:
                raise
            return None

    def reverse(self, serial: str, remote: str, local: str) -> None:
        with self.make_connection() as connection:
            connection.send_command(f"host:transport:{serial}")
            connection.check_okay()
            connection.send_command(f"reverse:forward:{remote};{local}")
            connection.check_okay()

    def __getattr__(self, name: str) -> Any:
        """What this client lacks, adbutils' client does (imported only when first needed)."""
        if name.startswith("_"):
            raise AttributeError(name)
        if self._adbutils is None:
            import adbutils

            self._adbutils = adbutils.AdbClient(host=self.host, port=self.port, socket_timeout=self.socket_timeout)
        return getattr(self._adbutils, name)
