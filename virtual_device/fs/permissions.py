"""Android's permission model for the shell user: denied trees, read-only mounts, owners and modes.

Ownership and permission bits are virtual: Android-like defaults by location, overridden per path by
the metadata journal (what chmod and file creation change).
"""

from __future__ import annotations

import errno as E
import os
import stat as S

from virtual_device.fs.areas import DENIED, SDCARD, SHELL_APP_DATA, UNLISTABLE, USER_AREAS
from virtual_device.fs.ids import MEDIA_PROVIDER_UID, MEDIA_RW_GID, ROOT_UID, SDCARD_RW_GID, SHELL_UID, SYSTEM_UID
from virtual_device.fs.mounts import mount_of, strictly_under, under
from virtual_device.fs.procview import ProcLayer
from virtual_device.fs.vstat import FsError


class PermissionsLayer(ProcLayer):
    """Access checks and the owner/group/mode of every path."""

    def check(self, path: str, want: str, cwd: str = "/") -> None:
        """Raise FsError (EACCES/EROFS) unless the shell user may `want` ("r", "w", "x") `path`."""
        if self.privileged:
            return
        self._check_canon(self._canon(path, cwd), want, path)

    def _check_canon(self, canon: str, want: str, shown: str) -> None:
        if self.privileged:
            return
        for d in DENIED:
            if under(canon, SHELL_APP_DATA):
                break
            if strictly_under(canon, d) or (canon == d and want in ("r", "w")):
                raise FsError(E.EACCES, shown)
        if want == "r":
            if canon in UNLISTABLE and self._isdir_canon(canon):
                raise FsError(E.EACCES, shown)
            return
        if want == "w":
            if canon == "/proc" or canon.startswith("/proc/"):
                raise FsError(E.EACCES, shown)
            if any(under(canon, a) for a in USER_AREAS if a != "/"):
                return
            if mount_of(canon).readonly:
                raise FsError(E.EROFS, shown)
            raise FsError(E.EACCES, shown)
        if want == "x":
            try:
                st = os.lstat(self._host(canon))
            except OSError:
                return
            if not S.S_ISDIR(st.st_mode) and not (self._perms(canon, st)[2] & 0o111):
                raise FsError(E.EACCES, shown)

    def _isdir_canon(self, canon: str) -> bool:
        try:
            return S.S_ISDIR(os.lstat(self._host(canon)).st_mode)
        except OSError:
            return False

    def _default_perms(self, canon: str, fmt: int) -> tuple[int, int, int]:
        is_dir = fmt == S.S_IFDIR
        if fmt == S.S_IFLNK:
            return (ROOT_UID, ROOT_UID, 0o644 if canon == "/sdcard" else 0o777)
        if under(canon, SDCARD):
            return (MEDIA_PROVIDER_UID, MEDIA_RW_GID, 0o2770 if is_dir else 0o660)
        if canon == "/storage/emulated":
            return (ROOT_UID, SDCARD_RW_GID, 0o711)
        if under(canon, "/data/local/tmp"):
            return (SHELL_UID, SHELL_UID, 0o771 if is_dir else 0o666)
        if canon == "/data/local":
            return (SHELL_UID, SHELL_UID, 0o751)
        if under(canon, SHELL_APP_DATA):
            return (SHELL_UID, SHELL_UID, 0o770 if is_dir else 0o660)
        if canon == "/data" or any(under(canon, d) for d in DENIED):
            return (SYSTEM_UID, SYSTEM_UID, 0o771 if is_dir else 0o600)
        if any(under(canon, d) for d in ("/system/bin", "/system/xbin", "/vendor/bin", "/product/bin")):
            return (ROOT_UID, SHELL_UID, 0o751 if is_dir else 0o755)
        if canon == "/proc" or canon.startswith("/proc/"):
            return (ROOT_UID, ROOT_UID, 0o555 if is_dir else 0o444)
        return (ROOT_UID, ROOT_UID, 0o755 if is_dir else 0o644)

    def _perms(self, canon: str, st: os.stat_result) -> tuple[int, int, int]:
        entry = self._meta.get(canon)
        if entry is not None:
            return (entry[0], entry[1], entry[2])
        return self._default_perms(canon, S.S_IFMT(st.st_mode))

    def _set_meta(self, canon: str, uid: int, gid: int, perm: int) -> None:
        with self._lock:
            value = [uid, gid, perm & 0o7777]
            self._meta[canon] = value
            self._log_meta([(canon, value)])

    def _record_creation(self, canon: str, is_dir: bool, mode: int) -> None:
        """Remember owner and bits of what the shell user creates (root-made files keep the defaults)."""
        if self.privileged or under(canon, SDCARD):
            self._drop_meta(canon, tree=is_dir)  # the FUSE view decides for shared storage
            return
        self._set_meta(canon, SHELL_UID, SHELL_UID, mode)

    def _drop_meta(self, canon: str, tree: bool = True) -> None:
        with self._lock:
            if not tree:  # a path that was not a directory has no children in the map
                if self._meta.pop(canon, None) is not None:
                    self._log_meta([(canon, None)])
                return
            prefix = canon + "/"
            keys = [k for k in self._meta if k == canon or k.startswith(prefix)]
            for k in keys:
                del self._meta[k]
            if keys:
                self._log_meta([(k, None) for k in keys])

    def _move_meta(self, src: str, dst: str) -> None:
        with self._lock:
            moved = {dst + k[len(src) :]: v for k, v in self._meta.items() if k == src or k.startswith(src + "/")}
            if not moved:
                return
            gone = [k for k in self._meta if k == src or k.startswith(src + "/")]
            for k in gone:
                del self._meta[k]
            self._meta.update(moved)
            self._log_meta([(k, None) for k in gone] + list(moved.items()))
