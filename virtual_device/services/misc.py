"""`tcp:PORT` (device-side connect, for `adb forward`), `reboot:`, and `root:`/`unroot:` of a user build."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from virtual_device.services.reverse import pipe

if TYPE_CHECKING:
    from virtual_device.transport import Stream

REBOOT_SECONDS = 3.0


async def tcp_service(stream: Stream, service: str) -> None:
    """Connect to a device-side listener (registered with VirtualDevice.register_device_port)."""
    port_text = service[len("tcp:") :].split(":")[0]
    device = stream.conn.device
    if not port_text.isdigit() or int(port_text) not in device.device_ports:
        return  # nothing listens on the device: the stream is closed, `adb forward` sees the refusal
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", int(port_text))
    except OSError:
        return
    await pipe(stream, reader, writer)


async def reboot_service(stream: Stream, service: str) -> None:
    await stream.close()
    stream.conn.device.reboot(REBOOT_SECONDS)


async def root_service(stream: Stream, service: str) -> None:
    """adbd on a user build (ro.debuggable=0) refuses `adb root` with this line and stays as shell."""
    await stream.write(b"adbd cannot run as root in production builds\n")


async def unroot_service(stream: Stream, service: str) -> None:
    await stream.write(b"adbd not running as root\n")
