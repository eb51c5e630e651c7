"""`tcp:PORT` (device-side connect, for `adb forward`), `reboot:`, and `root:`/`unroot:` of a user build."""

from __future__ import annotations

import asyncio
import contextlib
from typing import TYPE_CHECKING

from virtual_device.loopback import Endpoint, loopback_of
from virtual_device.services.reverse import pipe
from virtual_device.transport import StreamClosed

if TYPE_CHECKING:
    from virtual_device.transport import Stream

REBOOT_SECONDS = 3.0


async def tcp_service(stream: Stream, service: str) -> None:
    """Connect to a device-side listener (registered with VirtualDevice.register_device_port)."""
    port_text = service[len("tcp:") :].split(":")[0]
    device = stream.conn.device
    if port_text.isdigit() and int(port_text) in loopback_of(device.state).ports():
        await _pipe_loopback(stream, loopback_of(device.state).connect(int(port_text)))
        return
    if not port_text.isdigit() or int(port_text) not in device.device_ports:
        return  # nothing listens on the device: the stream is closed, `adb forward` sees the refusal
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", int(port_text))
    except OSError:
        return
    await pipe(stream, reader, writer)


async def _pipe_loopback(stream: Stream, peer: Endpoint) -> None:
    """`adb forward` into a program listening on the device's loopback (e.g. `nc -l -p PORT`)."""

    async def down() -> None:
        with contextlib.suppress(StreamClosed, BrokenPipeError):
            while data := await stream.read(262144):
                await peer.write(data)
        with contextlib.suppress(Exception):
            await peer.shutdown_write()

    task = asyncio.ensure_future(down())
    try:
        while data := await peer.read():
            await stream.write(data)
    finally:
        task.cancel()
        await peer.close()


async def reboot_service(stream: Stream, service: str) -> None:
    await stream.close()
    stream.conn.device.reboot(REBOOT_SECONDS)


async def root_service(stream: Stream, service: str) -> None:
    """adbd on a user build (ro.debuggable=0) refuses `adb root` with this line and stays as shell."""
    await stream.write(b"adbd cannot run as root in production builds\n")


async def unroot_service(stream: Stream, service: str) -> None:
    await stream.write(b"adbd not running as root\n")
