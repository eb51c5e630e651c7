"""Device tracking: the adb server's `host:track-devices`, a stream of device lists pushed on change.

The server writes the whole list (`serial<TAB>state` lines, hex4-length framed) once at the start and
again whenever any device appears, goes or changes state, so a watcher learns of a change at once and
never polls. adbutils' own `track_devices()` blocks forever with no way to stop it from another thread;
this one owns its socket, so `close()` ends the iteration.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

from adb_backend.errors import AdbServerUnreachable
from adb_backend.host import open_tcp
from adb_backend.server import ServerAddress


class DeviceTracker:
    """One `host:track-devices` connection; iterate for `{serial: state}` snapshots, `close()` to stop."""

    def __init__(self, server: ServerAddress, *, connect_timeout: float = 5.0) -> None:
        self.server = server
        self.connect_timeout = connect_timeout
        self._sock: socket.socket | None = None
        self._lock = threading.Lock()
        self._closed = False

    def _open(self) -> socket.socket:
        try:
            sock = open_tcp(self.server.host, self.server.port, self.connect_timeout)
        except OSError as error:
            raise AdbServerUnreachable(f"adb server at {self.server} is unreachable: {error}") from None
        request = b"host:track-devices"
        try:
            sock.sendall(f"{len(request):04x}".encode() + request)
            status = _read_exact(sock, 4)
            if status != b"OKAY":
                message = _read_block(sock).decode("utf-8", "replace") if status == b"FAIL" else repr(status)
                raise AdbServerUnreachable(f"adb server at {self.server} refused device tracking: {message}")
        except OSError as error:
            sock.close()
            raise AdbServerUnreachable(f"adb server at {self.server} closed device tracking: {error}") from None
        sock.settimeout(None)  # updates come when devices change, maybe hours apart
        return sock

    def snapshots(self) -> Iterator[dict[str, str]]:
        """The device list now, then again after every change; ends when closed.

        Raises:
            AdbServerUnreachable: the server is gone (killed, restarted) or never answered.
        """
        sock = self._open()
        with self._lock:
            if self._closed:
                sock.close()
                return
            self._sock = sock
        try:
            while True:
                try:
                    block = _read_block(sock)
                except OSError as error:
                    if self._closed:
                        return
                    raise AdbServerUnreachable(f"adb server at {self.server} stopped tracking: {error}") from None
                yield parse_device_list(block.decode("utf-8", "replace"))
        finally:
            sock.close()

    def close(self) -> None:
        """Stop tracking; a thread blocked in `snapshots()` returns."""
        with self._lock:
            self._closed = True
            sock = self._sock
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()


def parse_device_list(text: str) -> dict[str, str]:
    """`serial<TAB>state` lines (host:devices / host:track-devices) into {serial: state}."""
    found: dict[str, str] = {}
    for line in text.splitlines():
        serial, sep, state = line.strip().partition("\t")
        if sep and serial:
            found[serial] = state.strip()
    return found


def _read_exact(sock: socket.socket, size: int) -> bytes:
    data = bytearray()
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        if not chunk:
            raise ConnectionResetError("the adb server closed the connection")
        data += chunk
    return bytes(data)


def _read_block(sock: socket.socket) -> bytes:
    length = int(_read_exact(sock, 4), 16)
    return _read_exact(sock, length) if length else b""
