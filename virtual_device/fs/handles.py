"""Files opened for writing: quota accounting and atomic (staged) writes."""

from __future__ import annotations

import os
import stat as S
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from virtual_device.fs.space import SpaceLayer


class WriteHandle:
    """A file opened for writing: counts bytes against the data pool's quota (ENOSPC when full).

    With `atomic`, bytes go to a staging file outside the device tree; `commit()` renames it into
    place, and `close()` without commit discards it (a dropped push never leaves half a file).
    """

    def __init__(
        self, fs: SpaceLayer, device_path: str, host: str | Path, final: str | Path | None, pooled: bool, append: bool
    ) -> None:
        self._fs = fs
        self.name = device_path
        self._host = host
        self._final = final
        self._pooled = pooled
        self._written = 0
        self._committed = final is None
        self.canon = device_path  # the resolved device path (set by VirtualFS.open_write)
        self.created = False  # the file did not exist before (set by VirtualFS.open_write)
        flags = os.O_WRONLY | os.O_CREAT | os.O_NOFOLLOW | (os.O_APPEND if append else os.O_TRUNC)
        self._file = os.fdopen(os.open(host, flags, 0o644), "ab" if append else "wb", buffering=0)

    def write(self, data: bytes | bytearray | memoryview) -> int:
        n = len(data)
        if self._pooled:
            self._fs._charge(n, self.name)
        self._written += n
        return self._file.write(data) or 0

    def flush(self) -> None:
        self._file.flush()

    def tell(self) -> int:
        return self._file.tell()

    @property
    def closed(self) -> bool:
        return self._file.closed

    def commit(self, mtime: float | None = None) -> None:
        """Move an atomic write into place (replacing what was there), stamped with `mtime` if given."""
        if self._final is None or self._committed:
            return
        if mtime is not None:
            os.utime(self._file.fileno(), (mtime, mtime))
        self._file.close()
        old = 0
        try:
            st = os.lstat(self._final)
            old = st.st_size if S.S_ISREG(st.st_mode) else 0
        except FileNotFoundError:
            pass
        os.replace(self._host, self._final)
        if self._pooled:
            self._fs._refund(old)
        self._committed = True

    def close(self) -> None:
        if not self._file.closed:
            self._file.close()
        if not self._committed:
            self._committed = True
            try:
                os.unlink(self._host)
            except FileNotFoundError:
                pass
            if self._pooled:
                self._fs._refund(self._written)

    def __enter__(self) -> WriteHandle:
        return self

    def __exit__(self, *exc: Any) -> None:
        if exc[0] is None:
            self.commit()
        self.close()
