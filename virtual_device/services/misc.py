"""`tcp:PORT` (device-side connect, for `adb forward`), `reboot:`, and `root:`/`unroot:` of a user build."""

from __future__ import annotations

import asyncio
import contextlib
from typing import TYPE_CHECKING

from virtual_device.loopback import LOCAL_NAMES, Peer, loopback_of
from virtual_device.transport import StreamClosed

if TYPE_CHECKING:
    from virtual_device.server import VirtualDevice
    from virtual_device.services import Handler
    from virtual_device.transport import Stream

REBOOT_SECONDS = 3.0


async def open_device_port(device: VirtualDevice, service: str) -> Peer | None:
    """The device-side connection `tcp:PORT` asks for, or None (adbd then refuses the OPEN).

    Like adbd's `tcp:` service, it connects on the device's own loopback: to a program listening
    there (`nc -l`) or to an `adb reverse` listener; never to the computer's 127.0.0.1.
    """
    host, sep, port_text = service[len("tcp:") :].rpartition(":")
    if not sep:
        host, port_text = "", service[len("tcp:") :]
    if host and host not in LOCAL_NAMES or not port_text.isdigit():
        return None  # the virtual device has no network beyond its loopback
    try:
        return await loopback_of(device.state).open(int(port_text))
    except OSError:
        return None


def tcp_service(peer: Peer) -> Handler:
    """The handler piping an accepted `tcp:` stream to the device-side connection already made."""

    async def handler(stream: Stream, service: str) -> None:
        await _pipe_peer(stream, peer)

    return handler


async def _pipe_peer(stream: Stream, peer: Peer) -> None:
    """Bytes both ways between the adb stream and the device-side connection until either closes."""

    async def down() -> None:
        with contextlib.suppress(StreamClosed, BrokenPipeError, ConnectionError):
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
