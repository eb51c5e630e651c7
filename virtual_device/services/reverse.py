"""`reverse:` — device-side listeners tunnelled back to the host (`adb reverse`).

A phone's localhost is its own: `adb reverse tcp:P …` binds P on the phone, which is taken or free
regardless of what listens on the computer. So each virtual device listens on a loopback address of
its own (`loopback_host(port)`, 127.1.x.y, derived from its adb port); a port already taken there makes
the bind FAIL as on a phone. Each accepted socket becomes a device-initiated OPEN of the configured host
target (only configured targets are ever opened: newer adb servers abort on anything else). A browser
standing in for the device's reaches it with `--host-resolver-rules="MAP 127.0.0.1 <loopback_host>"`.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import TYPE_CHECKING

from virtual_device.transport import StreamClosed

if TYPE_CHECKING:
    from virtual_device.transport import Connection, Stream


def _okay(text: str | None = None) -> bytes:
    if text is None:
        return b"OKAY"
    data = text.encode()
    return b"OKAY" + f"{len(data):04x}".encode() + data


def _fail(text: str) -> bytes:
    data = text.encode()
    return b"FAIL" + f"{len(data):04x}".encode() + data


async def pipe(stream: Stream, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Copy bytes both ways until either side closes."""

    async def up() -> None:
        with contextlib.suppress(ConnectionError, StreamClosed):
            while data := await reader.read(262144):
                await stream.write(data)
        await stream.close()

    async def down() -> None:
        with contextlib.suppress(ConnectionError):
            while data := await stream.read(262144):
                writer.write(data)
                await writer.drain()
        with contextlib.suppress(Exception):
            writer.close()

    tasks = [asyncio.ensure_future(up()), asyncio.ensure_future(down())]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        await asyncio.wait(tasks, timeout=5)
    finally:
        for t in tasks:
            t.cancel()
        with contextlib.suppress(Exception):
            writer.close()
        if not stream.closed:
            await stream.close()


def loopback_host(device_port: int) -> str:
    """The address standing in for the device's 127.0.0.1 (unique per virtual device on this machine)."""
    return f"127.1.{(device_port >> 8) & 255}.{device_port & 255}"


def _parse_tcp(spec: str) -> int | None:
    kind, _, port = spec.partition(":")
    if kind != "tcp" or not port.isdigit() or int(port) > 65535:
        return None
    return int(port)


async def _forward(conn: Connection, args: str) -> bytes:
    norebind = args.startswith("norebind:")
    if norebind:
        args = args[len("norebind:") :]
    local, sep, remote = args.partition(";")
    if not sep or not local or not remote:
        return _fail(f"bad forward: {args}")
    port = _parse_tcp(local)
    if port is None:
        return _fail(f"cannot bind listener: unsupported socket spec '{local}'")
    if _parse_tcp(remote) is None and not remote.startswith(("localabstract:", "localfilesystem:")):
        return _fail(f"unsupported remote: {remote}")
    if local in conn.reverse_listeners:
        if norebind:
            return _fail("cannot rebind existing socket")
        server, _ = conn.reverse_listeners[local]
        conn.reverse_listeners[local] = (server, remote)
        return _okay()

    async def accepted(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        entry = conn.reverse_listeners.get(key)
        if entry is None or conn.closed:
            writer.close()
            return
        stream = await conn.open_to_host(entry[1])
        if stream is None:
            writer.close()
            return
        await pipe(stream, reader, writer)

    try:
        server = await asyncio.start_server(accepted, loopback_host(conn.device.port), port)
    except OSError as exc:
        return _fail(f"cannot bind listener: {exc.strerror}")
    bound = server.sockets[0].getsockname()[1]
    key = f"tcp:{bound}"
    conn.reverse_listeners[key] = (server, remote)
    return _okay(str(bound)) if port == 0 else _okay()


async def reverse_service(stream: Stream, service: str) -> None:
    conn = stream.conn
    command = service[len("reverse:") :]
    if command.startswith("forward:"):
        reply = await _forward(conn, command[len("forward:") :])
    elif command == "list-forward":
        lines = "".join(f"host {local} {remote}\n" for local, (_, remote) in conn.reverse_listeners.items())
        data = lines.encode()
        reply = f"{len(data):04x}".encode() + data
    elif command == "killforward-all":
        for server, _ in conn.reverse_listeners.values():
            server.close()
        conn.reverse_listeners.clear()
        reply = _okay()
    elif command.startswith("killforward:"):
        local = command[len("killforward:") :]
        entry = conn.reverse_listeners.pop(local, None)
        if entry is None:
            reply = _fail(f"listener '{local}' not found")
        else:
            entry[0].close()
            reply = _okay()
    else:
        reply = _fail(f"unknown reverse command: {command}")
    await stream.write(reply)
