"""What the filesystem hands out: stat results and errors with the device path and Android's text."""

from __future__ import annotations

import os
import stat as S
from dataclasses import dataclass


class FsError(OSError):
    """An OSError carrying the device path and the errno text Android prints (bionic == glibc here)."""

    def __init__(self, code: int, filename: str) -> None:
        super().__init__(code, os.strerror(code), filename)


@dataclass(frozen=True)
class VStat:
    mode: int
    size: int
    mtime: float
    atime: float
    ctime: float
    uid: int
    gid: int
    nlink: int
    ino: int
    dev: int

    @property
    def is_dir(self) -> bool:
        return S.S_ISDIR(self.mode)

    @property
    def is_file(self) -> bool:
        return S.S_ISREG(self.mode)

    @property
    def is_link(self) -> bool:
        return S.S_ISLNK(self.mode)
