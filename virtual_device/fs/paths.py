"""Device paths: normalised against a cwd, and resolved symlink by symlink without leaving the root.

Device symlinks are read and followed here, never by the host kernel: every component is checked
with `lstat`, so the final host path always lies inside the root.
"""

from __future__ import annotations

import errno as E
import os
import posixpath
import stat as S

from virtual_device.fs.areas import DENIED_PREFIXES, on_shell_app_path
from virtual_device.fs.base import FsCore
from virtual_device.fs.vstat import FsError

PATH_MAX = 4096
NAME_MAX = 255
MAX_SYMLINK_HOPS = 40


class PathsLayer(FsCore):
    """Path resolution: what every operation does first."""

    def resolve(self, path: str, cwd: str = "/") -> str:
        """Normalise `path` against `cwd` into an absolute device path (symlinks untouched)."""
        if "\0" in path or "\0" in cwd:
            raise FsError(E.EINVAL, path.replace("\0", "\\0"))
        if not path:
            raise FsError(E.ENOENT, path)
        if len(path) >= PATH_MAX:
            raise FsError(E.ENAMETOOLONG, path[:64] + "...")
        joined = posixpath.join(cwd if cwd.startswith("/") else "/" + cwd, path)
        norm = posixpath.normpath(joined)
        if norm.startswith("//"):
            norm = "/" + norm.lstrip("/")
        return norm

    def _canon(self, path: str, cwd: str = "/", follow: bool = True) -> str:
        """The device path with every symlink resolved (the last one only if `follow`).

        Components are lstat'ed on the host one by one; host symlinks are read as device symlinks,
        so nothing is ever looked up outside the root. A missing component ends the walk: the rest is
        appended as is (the caller's operation then fails with ENOENT or creates it).
        """
        start = self.resolve(path, cwd)
        parts = [p for p in start.split("/") if p]
        done: list[str] = []
        hops = 0
        while parts:
            name = parts.pop(0)
            if name == ".":
                continue
            if name == "..":
                if done:
                    done.pop()
                continue
            if len(name) > NAME_MAX:
                raise FsError(E.ENAMETOOLONG, start)
            if not self.privileged and done:
                current = "/" + "/".join(done) + "/"
                if current.startswith(DENIED_PREFIXES) and not on_shell_app_path(current + name):
                    raise FsError(E.EACCES, start)
            cand = done + [name]
            host = self._root_s + "/" + "/".join(cand)
            try:
                st = os.lstat(host)
            except FileNotFoundError:
                rest = [p for p in parts if p not in (".",)]
                return posixpath.normpath("/" + "/".join(cand + rest))
            except NotADirectoryError:
                raise FsError(E.ENOTDIR, start) from None
            last = not parts
            if S.S_ISLNK(st.st_mode) and (follow or not last):
                hops += 1
                if hops > MAX_SYMLINK_HOPS:
                    raise FsError(E.ELOOP, start)
                target = os.readlink(host)
                if "\0" in target or not target:
                    raise FsError(E.ENOENT, start)
                if target.startswith("/"):
                    done = []
                parts = [p for p in target.split("/") if p] + parts
                continue
            if not last and not S.S_ISDIR(st.st_mode):
                raise FsError(E.ENOTDIR, start)
            done = cand
        return "/" + "/".join(done)

    def realpath(self, path: str, cwd: str = "/") -> str:
        return self._canon(path, cwd)
