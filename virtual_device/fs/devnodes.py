"""The character devices programs read and write by name: /dev/null, /dev/zero, /dev/random, /dev/urandom.

They are not host files: reads are generated (zeros, or random bytes without end), writes vanish.
`dd if=/dev/urandom of=... bs=1m count=8` and `cat x > /dev/null` work as on a phone.
"""

from __future__ import annotations

import io
import os
import stat as S
import time
from typing import Any

from virtual_device.fs.handles import WriteHandle
from virtual_device.fs.vstat import VStat

#: path -> (major, minor) as on Linux (mem devices, major 1)
DEV_NODES = {"/dev/null": (1, 3), "/dev/zero": (1, 5), "/dev/random": (1, 8), "/dev/urandom": (1, 9)}
_BOOT = time.time()


def dev_stat(canon: str) -> VStat:
    major, minor = DEV_NODES[canon]
    return VStat(
        mode=S.S_IFCHR | 0o666, size=(major << 8) | minor, mtime=_BOOT, atime=_BOOT, ctime=_BOOT, uid=0, gid=0,
        nlink=1, ino=1000 + minor, dev=0x5,
    )  # fmt: skip


class DevReader(io.RawIOBase):
    """Reads of a device node: EOF for /dev/null, zeros or random bytes forever for the others."""

    def __init__(self, canon: str) -> None:
        super().__init__()
        self.canon = canon

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        n = len(buffer)
        if self.canon == "/dev/null":
            return 0
        buffer[:n] = bytes(n) if self.canon == "/dev/zero" else os.urandom(n)
        return n

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0:
            size = 1 << 16
        buffer = bytearray(size)
        return bytes(buffer[: self.readinto(buffer)])


class DevWriter(WriteHandle):
    """Writes to a device node: accepted and dropped (no quota, no file)."""

    def __init__(self, canon: str) -> None:  # no host file behind it: WriteHandle.__init__ is not called
        self.name = self.canon = canon
        self.created = False
        self._written = 0
        self._open = True

    def write(self, data: bytes | bytearray | memoryview) -> int:
        self._written += len(data)
        return len(data)

    def flush(self) -> None:
        pass

    def tell(self) -> int:
        return self._written

    @property
    def closed(self) -> bool:
        return not self._open

    def commit(self, mtime: float | None = None) -> None:
        pass

    def close(self) -> None:
        self._open = False
