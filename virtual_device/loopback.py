"""The device's own loopback network: 127.0.0.1 as programs on the phone see it.

Two kinds of listener live on it: programs in the virtual shell (`nc -l -p PORT`), which meet their
connections in memory, and `adb reverse` listeners, real sockets bound on the device's own address
(`services.reverse.loopback_host`, 127.1.x.y), never the computer's 127.0.0.1. A connection
(`nc 127.0.0.1 PORT`, or `adb forward` through the `tcp:` service) reaches one of those or is refused,
as on a phone, where `adb forward tcp:X tcp:Y` reaches the phone's port Y and never the computer's.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
from typing import Any, Protocol

from virtual_device.shell.streams import Pipe

LOCAL_NAMES = ("127.0.0.1", "localhost", "::1", "0.0.0.0", "ip6-localhost")


class Peer(Protocol):
    """A connected TCP endpoint on the device's loopback, whichever kind of listener accepted it."""

    async def read(self, n: int = 65536) -> bytes: ...

    async def write(self, data: bytes) -> None: ...

    async def shutdown_write(self) -> None: ...

    async def close(self) -> None: ...


class Endpoint:
    """One side of a loopback TCP connection: bytes written here are read by the peer."""

    def __init__(self, inbound: Pipe, outbound: Pipe) -> None:
        self._in = inbound
        self._out = outbound

    async def read(self, n: int = 65536) -> bytes:
        return await self._in.read(n)

    async def write(self, data: bytes) -> None:
        await self._out.write(data)

    async def shutdown_write(self) -> None:
        """Half-close (the peer reads end of stream) while still reading the peer's bytes."""
        await self._out.close_write()

    async def close(self) -> None:
        await self._out.close_write()
        await self._in.close_read()


class SocketPeer:
    """A connection to a real listener on the device's address (an `adb reverse` port)."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._reader = reader
        self._writer = writer

    async def read(self, n: int = 65536) -> bytes:
        try:
            return await self._reader.read(n)
        except ConnectionError:
            return b""

    async def write(self, data: bytes) -> None:
        self._writer.write(data)
        await self._writer.drain()

    async def shutdown_write(self) -> None:
        if self._writer.can_write_eof():
            self._writer.write_eof()

    async def close(self) -> None:
        with contextlib.suppress(Exception):
            self._writer.close()


class Loopback:
    """Listening ports and the connections queued on them."""

    def __init__(self) -> None:
        self._listeners: dict[int, asyncio.Queue[Endpoint]] = {}
        #: The host address standing in for the device's 127.0.0.1 (where `adb reverse` listens);
        #: None until the device server has started.
        self.address: str | None = None

    def ports(self) -> set[int]:
        return set(self._listeners)

    def listen(self, port: int) -> asyncio.Queue[Endpoint]:
        if port in self._listeners:
            raise OSError(errno.EADDRINUSE, "Address already in use")
        queue: asyncio.Queue[Endpoint] = asyncio.Queue()
        self._listeners[port] = queue
        return queue

    def close(self, port: int) -> None:
        self._listeners.pop(port, None)

    def connect(self, port: int) -> Endpoint:
        """A connected endpoint; the listener's accept() gets the other side. ECONNREFUSED if none."""
        queue = self._listeners.get(port)
        if queue is None:
            raise ConnectionRefusedError(errno.ECONNREFUSED, "Connection refused")
        up, down = Pipe(), Pipe()
        queue.put_nowait(Endpoint(down, up))
        return Endpoint(up, down)

    async def open(self, port: int) -> Peer:
        """Connect to PORT on the device: a shell program's listener, else a reverse listener.

        ECONNREFUSED when neither listens; the computer's own 127.0.0.1 is never tried.
        """
        if port in self._listeners:
            return self.connect(port)
        if self.address is None or not 0 < port <= 65535:
            raise ConnectionRefusedError(errno.ECONNREFUSED, "Connection refused")
        try:
            reader, writer = await asyncio.open_connection(self.address, port)
        except OSError as exc:  # asyncio words it "Connect call failed"; the device's nc says this
            raise ConnectionRefusedError(errno.ECONNREFUSED, "Connection refused") from exc
        return SocketPeer(reader, writer)


def loopback_of(device: Any) -> Loopback:
    """The device's loopback (created on first use; it lives as long as the DeviceState)."""
    found = getattr(device, "_loopback", None)
    if not isinstance(found, Loopback):
        found = Loopback()
        device._loopback = found
    return found
