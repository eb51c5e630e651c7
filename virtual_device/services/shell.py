"""`shell:` (v1, merged output), `shell,v2,...:` (framed stdin/stdout/stderr/exit) and `exec:` (raw)."""

from __future__ import annotations

import asyncio
import contextlib
import struct
from typing import TYPE_CHECKING

from virtual_device.transport import StreamClosed

if TYPE_CHECKING:
    from virtual_device.shell.interpreter import Interp
    from virtual_device.transport import Stream

ID_STDIN, ID_STDOUT, ID_STDERR, ID_EXIT, ID_CLOSE_STDIN, ID_WINDOW_SIZE = range(6)
_PKT = struct.Struct("<BI")


def parse_shell_service(service: str) -> tuple[dict[str, str | bool], str]:
    """`shell[,arg...]:command` → ({"v2": True, "pty": False, "TERM": "xterm"}, command)."""
    head, _, command = service.partition(":")
    opts: dict[str, str | bool] = {"v2": False, "pty": not command, "TERM": "dumb"}
    for arg in head.split(",")[1:]:
        if arg == "v2":
            opts["v2"] = True
        elif arg == "raw":
            opts["pty"] = False
        elif arg == "pty":
            opts["pty"] = True
        elif arg.startswith("TERM="):
            opts["TERM"] = arg[5:]
    return opts, command


class RawIO:
    """ProcessIO for `exec:` and v1 `shell:`: stdin is the stream, stdout and stderr merged into it."""

    def __init__(self, stream: Stream, pty: bool = False) -> None:
        self.stream = stream
        self.pty = pty

    async def read_stdin(self, n: int = 65536) -> bytes:
        return await self.stream.read(n)

    async def write_stdout(self, data: bytes) -> None:
        if self.pty:
            data = data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
        await self.stream.write(data)

    write_stderr = write_stdout


class V2IO:
    """ProcessIO for shell protocol v2: packets demultiplexed from the stream by a reader task."""

    def __init__(self, stream: Stream, pty: bool) -> None:
        self.stream = stream
        self.pty = pty
        self._stdin = bytearray()
        self._stdin_eof = False
        self._event = asyncio.Event()
        self.window: tuple[int, int] | None = None
        self.reader = asyncio.ensure_future(self._demux())

    async def _demux(self) -> None:
        try:
            while True:
                kind, length = _PKT.unpack(await self.stream.readexactly(5))
                data = await self.stream.readexactly(length) if length else b""
                if kind == ID_STDIN:
                    self._stdin += data
                elif kind == ID_CLOSE_STDIN:
                    self._stdin_eof = True
                elif kind == ID_WINDOW_SIZE:
                    with contextlib.suppress(ValueError):
                        rows, cols = data.split(b",")[0].split(b"x")
                        self.window = (int(rows), int(cols))
                self._event.set()
        except StreamClosed:
            pass
        finally:
            self._stdin_eof = True
            self._event.set()

    async def read_stdin(self, n: int = 65536) -> bytes:
        while not self._stdin:
            if self._stdin_eof:
                return b""
            self._event.clear()
            await self._event.wait()
        chunk = bytes(self._stdin[:n])
        del self._stdin[:n]
        return chunk

    async def _send(self, kind: int, data: bytes) -> None:
        if data:
            await self.stream.write(_PKT.pack(kind, len(data)) + data)

    async def write_stdout(self, data: bytes) -> None:
        if self.pty:
            data = data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
        await self._send(ID_STDOUT, data)

    async def write_stderr(self, data: bytes) -> None:
        await self._send(ID_STDOUT if self.pty else ID_STDERR, data)

    async def exit(self, code: int) -> None:
        await self.stream.write(_PKT.pack(ID_EXIT, 1) + bytes([code & 0xFF]))


async def _run(stream: Stream, command: str, io: RawIO | V2IO, env: dict[str, str] | None = None) -> int:
    device = stream.conn.device
    device.counters.shell_commands.append(command)
    shell = device.make_shell()
    try:
        return int(await shell.run(command, io, env=env))
    except StreamClosed:
        raise
    except Exception as exc:  # the interpreter's own bug: report like a crashed sh
        with contextlib.suppress(StreamClosed):
            await io.write_stderr(f"/system/bin/sh: internal error: {exc}\n".encode())
        return 139


async def _interactive(stream: Stream, io: RawIO | V2IO, prompt: str, pty: bool) -> int:
    """`adb shell` with no command: one shell reading lines until `exit` or end of input.

    With a PTY the terminal echoes what is typed, handles backspace and ^D, and the shell prompts;
    without one (stdin piped into `adb shell`) it just reads commands, as mksh does.
    """
    device = stream.conn.device
    session: Interp = await device.make_shell().session(io)
    line = bytearray()

    def prompt_now() -> bytes:  # mksh's PS1 on Android: device:cwd $
        return prompt.replace(":/ $", f":{session.state.cwd} $", 1).encode()

    if pty:
        await io.write_stdout(prompt_now())
    while True:
        chunk = await io.read_stdin()
        if not chunk:
            return await session.finish()
        for byte in chunk:
            if byte in (0x0D, 0x0A):
                if pty:
                    await io.write_stdout(b"\n")
                text = line.decode("utf-8", "replace").strip()
                line.clear()
                if text:
                    device.counters.shell_commands.append(text)
                    await session.run_line(text)
                if session.exited:
                    return session.state.status
                if pty:
                    await io.write_stdout(prompt_now())
            elif byte == 0x04 and not line and pty:
                return await session.finish()
            elif byte in (0x7F, 0x08) and pty:
                if line:
                    line.pop()
                    await io.write_stdout(b"\b \b")
            else:
                line.append(byte)
                if pty:
                    await io.write_stdout(bytes([byte]))


async def shell_service(stream: Stream, service: str) -> None:
    opts, command = parse_shell_service(service)
    pty = bool(opts["pty"])
    version = getattr(stream.conn.device.state, "version", None)
    if version is not None and not version.shell_v2:
        # before Android 7 adbd knows only `shell:`, and always runs it in a PTY (CRLF, stderr merged)
        if opts["v2"] or service.startswith("shell,"):
            return
        pty = True
    env = {"TERM": str(opts["TERM"])}
    prompt = stream.conn.device.shell_prompt()
    if opts["v2"]:
        framed = V2IO(stream, pty)
        try:
            run = _interactive(stream, framed, prompt, pty) if not command else _run(stream, command, framed, env)
            await framed.exit(await run)
        finally:
            framed.reader.cancel()
    else:
        raw = RawIO(stream, pty)
        if command:
            await _run(stream, command, raw, env)
        else:
            await _interactive(stream, raw, prompt, pty)


async def exec_service(stream: Stream, service: str) -> None:
    await _run(stream, service[len("exec:") :], RawIO(stream))
