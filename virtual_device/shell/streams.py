"""Byte streams between shell processes: pipes, files, /dev/null, captures and the outer ProcessIO."""

from __future__ import annotations

import asyncio
from typing import IO, TYPE_CHECKING, Protocol

from virtual_device.fs.handles import WriteHandle

if TYPE_CHECKING:
    from virtual_device.commands import ProcessIO


class Reader(Protocol):
    async def read(self, n: int = 65536) -> bytes: ...


class Writer(Protocol):
    async def write(self, data: bytes) -> None: ...


class Pipe:
    """A bounded in-memory pipe; writing after the reader closed raises BrokenPipeError (SIGPIPE)."""

    def __init__(self, capacity: int = 65536) -> None:
        self._buf = bytearray()
        self._capacity = capacity
        self._cond = asyncio.Condition()
        self.write_closed = False
        self.read_closed = False

    async def write(self, data: bytes) -> None:
        async with self._cond:
            while len(self._buf) >= self._capacity and not self.read_closed:
                await self._cond.wait()
            if self.read_closed:
                raise BrokenPipeError(32, "Broken pipe")
            self._buf += data
            self._cond.notify_all()

    async def read(self, n: int = 65536) -> bytes:
        async with self._cond:
            while not self._buf and not self.write_closed:
                await self._cond.wait()
            data = bytes(self._buf[:n])
            del self._buf[:n]
            self._cond.notify_all()
            return data

    async def close_write(self) -> None:
        async with self._cond:
            self.write_closed = True
            self._cond.notify_all()

    async def close_read(self) -> None:
        async with self._cond:
            self.read_closed = True
            self._buf.clear()
            self._cond.notify_all()


class NullStream:
    """/dev/null: reads give EOF, writes vanish."""

    async def read(self, n: int = 65536) -> bytes:
        return b""

    async def write(self, data: bytes) -> None:
        return None


class Capture:
    """Collects output (for `$(...)`)."""

    def __init__(self) -> None:
        self.data = bytearray()

    async def write(self, data: bytes) -> None:
        self.data += data


class FileStream:
    """A device file opened through VirtualFS."""

    def __init__(self, fh: IO[bytes] | WriteHandle) -> None:
        self.fh = fh

    async def read(self, n: int = 65536) -> bytes:
        return b"" if isinstance(self.fh, WriteHandle) else self.fh.read(n)

    async def write(self, data: bytes) -> None:
        self.fh.write(data)

    def close(self) -> None:
        self.fh.close()


class OuterStdin:
    def __init__(self, io: ProcessIO) -> None:
        self.io = io

    async def read(self, n: int = 65536) -> bytes:
        return await self.io.read_stdin(n)


class OuterStdout:
    def __init__(self, io: ProcessIO) -> None:
        self.io = io

    async def write(self, data: bytes) -> None:
        await self.io.write_stdout(data)


class OuterStderr:
    def __init__(self, io: ProcessIO) -> None:
        self.io = io

    async def write(self, data: bytes) -> None:
        await self.io.write_stderr(data)


class FdTable:
    """The open descriptors of one process, presented as a ProcessIO to commands."""

    def __init__(self, fds: dict[int, Reader | Writer]) -> None:
        self.fds = dict(fds)

    def copy(self) -> FdTable:
        return FdTable(self.fds)

    async def read_stdin(self, n: int = 65536) -> bytes:
        stream = self.fds.get(0)
        if stream is None or not hasattr(stream, "read"):
            return b""
        return await stream.read(n)

    async def write_stdout(self, data: bytes) -> None:
        await self._write(1, data)

    async def write_stderr(self, data: bytes) -> None:
        await self._write(2, data)

    async def _write(self, fd: int, data: bytes) -> None:
        stream = self.fds.get(fd)
        if stream is None or not hasattr(stream, "write") or not data:
            return
        await stream.write(data)
