"""The device's own loopback network: 127.0.0.1 as programs on the phone see it.

Listeners (`nc -l -p PORT`) and connections (`nc 127.0.0.1 PORT`, and `adb forward` into a
listening port) meet here in memory; nothing here opens a host socket.
"""

from __future__ import annotations

import asyncio
import errno
from typing import Any

from virtual_device.shell.streams import Pipe

LOCAL_NAMES = ("127.0.0.1", "localhost", "::1", "0.0.0.0", "ip6-localhost")


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


class Loopback:
    """Listening ports and the connections queued on them."""

    def __init__(self) -> None:
        self._listeners: dict[int, asyncio.Queue[Endpoint]] = {}

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


def loopback_of(device: Any) -> Loopback:
    """The device's loopback (created on first use; it lives as long as the DeviceState)."""
    found = getattr(device, "_loopback", None)
    if not isinstance(found, Loopback):
        found = Loopback()
        device._loopback = found
    return found
