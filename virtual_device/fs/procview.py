"""/proc in the tree: served by a provider object (virtual_device.procfs) instead of host files."""

from __future__ import annotations

import errno as E
import posixpath
import stat as S
import zlib
from typing import Any

from virtual_device.fs.paths import PathsLayer
from virtual_device.fs.vstat import FsError, VStat


class ProcLayer(PathsLayer):
    """Paths under /proc answered by the provider (read-only, kernel-like errors on writes)."""

    @property
    def proc(self) -> Any:
        """The /proc provider (`virtual_device.procfs.ProcFiles`), set by DeviceState; None = plain dir."""
        return self._shared.proc

    @proc.setter
    def proc(self, provider: Any) -> None:
        self._shared.proc = provider

    def _proc_rel(self, canon: str) -> str | None:
        """The path below /proc ("" for /proc itself) when a provider serves it, else None."""
        if self._shared.proc is None:
            return None
        if canon == "/proc":
            return ""
        return canon[6:] if canon.startswith("/proc/") else None

    def _proc_guard(self, canon: str, shown: str) -> None:
        """Writes under /proc: EACCES where the kernel has the entry or its directory, else ENOENT."""
        rel = self._proc_rel(canon)
        if rel is None:
            return
        parent = posixpath.dirname(rel)
        if rel == "" or parent == "" or self.proc.entry(rel) is not None or self.proc.entry(parent) is not None:
            raise FsError(E.EACCES, shown)
        raise FsError(E.ENOENT, shown)

    def _proc_stat(self, rel: str, shown: str) -> VStat:
        entry = self.proc.entry(rel)
        if entry is None:
            raise FsError(E.ENOENT, shown)
        mode = (S.S_IFDIR | 0o555) if entry.is_dir else (S.S_IFREG | 0o444)
        return VStat(
            mode=mode, size=0, mtime=entry.mtime, atime=entry.mtime, ctime=entry.mtime, uid=entry.uid,
            gid=entry.gid, nlink=9 if entry.is_dir else 1, ino=4026531840 + (zlib.crc32(rel.encode()) & 0xFFFFF),
            dev=0x16,
        )  # fmt: skip
