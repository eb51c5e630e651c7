"""`abb_exec:` and `abb:` — Android Binder Bridge: a framework service's shell command without a shell.

The destination names the service and its arguments separated by NUL (`abb_exec:package\\0install\\0-S\\0123`).
`abb_exec:` is raw (stdin in, stdout and stderr merged out, like `exec:`); `abb:` speaks shell
protocol v2 (separate streams and an exit status). Each runs what `cmd SERVICE ARGS...` runs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from virtual_device.commands import CommandContext, lookup
from virtual_device.services.shell import V2IO, RawIO

if TYPE_CHECKING:
    from virtual_device.transport import Stream


def _argv(service: str, prefix: str) -> list[str]:
    return ["cmd", *[a for a in service[len(prefix) :].split("\0") if a != ""]]


async def _run(stream: Stream, argv: list[str], io: RawIO | V2IO) -> int:
    device = stream.conn.device
    device.counters.shell_commands.append(" ".join(argv))
    fn = lookup("cmd")
    if fn is None:
        await io.write_stderr(b"cmd: not found\n")
        return 127
    return await fn(CommandContext(device=device.state, io=io), argv)


async def abb_exec_service(stream: Stream, service: str) -> None:
    await _run(stream, _argv(service, "abb_exec:"), RawIO(stream))


async def abb_service(stream: Stream, service: str) -> None:
    io = V2IO(stream, pty=False)
    try:
        await io.exit(await _run(stream, _argv(service, "abb:"), io))
    finally:
        io.reader.cancel()
