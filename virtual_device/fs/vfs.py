"""The device filesystem: a tree under `<data_dir>/fs` seen through Android's permission model.

`VirtualFS` is the public face; its layers (one module each) are paths, /proc, permissions and space.
This module holds the operations themselves: queries, file contents and tree changes.
"""

from __future__ import annotations

import errno as E
import io
import os
import posixpath
import shutil
import stat as S
import uuid
from collections.abc import Iterator
from typing import IO

from virtual_device.fs.areas import SDCARD
from virtual_device.fs.devnodes import DEV_NODES, DevReader, DevWriter, dev_stat
from virtual_device.fs.handles import WriteHandle
from virtual_device.fs.mounts import MOUNTS, mount_of, strictly_under, under
from virtual_device.fs.space import SpaceLayer
from virtual_device.fs.vstat import FsError, VStat


class VirtualFS(SpaceLayer):
    """The device tree under `root`; operations act as the shell user (uid 2000) unless `as_root()`."""

    def as_root(self) -> VirtualFS:
        """A view that bypasses permission checks (profile seeding, root-owned daemons)."""
        if self.privileged:
            return self
        view = self._shared.root_view
        if not isinstance(view, VirtualFS):
            view = self._shared.root_view = VirtualFS(self.root, privileged=True, _shared=self._shared)
        return view

    def stat(self, path: str, follow: bool = True, cwd: str = "/") -> VStat:
        canon = self._canon(path, cwd, follow)
        if canon in DEV_NODES:
            return dev_stat(canon)
        rel = self._proc_rel(canon)
        if rel:
            return self._proc_stat(rel, path)
        try:
            st = os.lstat(self._host(canon))
        except FileNotFoundError:
            raise FsError(E.ENOENT, path) from None
        except NotADirectoryError:
            raise FsError(E.ENOTDIR, path) from None
        uid, gid, perm = self._perms(canon, st)
        dev = 0xFD00 + MOUNTS.index(mount_of(canon))
        size = st.st_size
        if S.S_ISLNK(st.st_mode):
            size = len(os.fsencode(os.readlink(self._host(canon))))
        return VStat(
            mode=S.S_IFMT(st.st_mode) | perm,
            size=size,
            mtime=st.st_mtime,
            atime=st.st_atime,
            ctime=st.st_ctime,
            uid=uid,
            gid=gid,
            nlink=st.st_nlink,
            ino=st.st_ino,
            dev=dev,
        )

    def lstat(self, path: str, cwd: str = "/") -> VStat:
        return self.stat(path, follow=False, cwd=cwd)

    def exists(self, path: str, cwd: str = "/") -> bool:
        try:
            self.stat(path, cwd=cwd)
            return True
        except OSError:
            return False

    def isdir(self, path: str, cwd: str = "/") -> bool:
        try:
            return self.stat(path, cwd=cwd).is_dir
        except OSError:
            return False

    def listdir(self, path: str, cwd: str = "/") -> list[str]:
        canon = self._canon(path, cwd)
        rel = self._proc_rel(canon)
        if rel is not None:
            names = self.proc.listdir(rel)
            if names is None:
                raise FsError(E.ENOTDIR if self._proc_stat(rel, path) else E.ENOENT, path)
            if rel == "":
                names = names + os.listdir(self._host(canon))
            return sorted(names)
        st = self._lstat_host(canon, path)
        if not S.S_ISDIR(st.st_mode):
            raise FsError(E.ENOTDIR, path)
        self._check_canon(canon, "r", path)
        return sorted(os.listdir(self._host(canon)))

    def walk(self, path: str, cwd: str = "/") -> Iterator[tuple[str, list[str], list[str]]]:
        """os.walk over device paths (for `ls -R`, `rm -r`, `cp -r`, `du`); skips unreadable dirs."""
        top = self._canon(path, cwd)
        stack = [top]
        while stack:
            d = stack.pop()
            try:
                names = self.listdir(d)
            except OSError:
                continue
            dirs: list[str] = []
            files: list[str] = []
            for n in names:
                full = posixpath.join(d, n)
                try:
                    is_dir = self.lstat(full).is_dir
                except OSError:
                    is_dir = False
                (dirs if is_dir else files).append(n)
            yield d, dirs, files
            stack.extend(posixpath.join(d, n) for n in reversed(dirs))

    def readlink(self, path: str, cwd: str = "/") -> str:
        canon = self._canon(path, cwd, follow=False)
        rel = self._proc_rel(canon)
        if rel:
            self._proc_stat(rel, path)
            raise FsError(E.EINVAL, path)
        st = self._lstat_host(canon, path)
        if not S.S_ISLNK(st.st_mode):
            raise FsError(E.EINVAL, path)
        return os.readlink(self._host(canon))

    def _lstat_host(self, canon: str, shown: str) -> os.stat_result:
        try:
            return os.lstat(self._host(canon))
        except FileNotFoundError:
            raise FsError(E.ENOENT, shown) from None
        except NotADirectoryError:
            raise FsError(E.ENOTDIR, shown) from None

    def open_read(self, path: str, cwd: str = "/") -> IO[bytes]:
        canon = self._canon(path, cwd)
        if canon in DEV_NODES:
            return io.BufferedReader(DevReader(canon))
        rel = self._proc_rel(canon)
        if rel:
            data = self.proc.read(rel)
            if data is None:
                raise FsError(E.EISDIR if self._proc_stat(rel, path).is_dir else E.ENOENT, path)
            return io.BytesIO(data)
        st = self._lstat_host(canon, path)
        if S.S_ISDIR(st.st_mode):
            raise FsError(E.EISDIR, path)
        self._check_canon(canon, "r", path)
        try:
            fd = os.open(self._host(canon), os.O_RDONLY | os.O_NOFOLLOW)
        except OSError as exc:
            raise FsError(exc.errno or E.EIO, path) from None
        return os.fdopen(fd, "rb")

    def read_bytes(self, path: str, cwd: str = "/") -> bytes:
        with self.open_read(path, cwd) as f:
            return f.read()

    def open_write(
        self, path: str, append: bool = False, mode: int = 0o660, cwd: str = "/", atomic: bool = False
    ) -> WriteHandle:
        """Open for writing, creating the file (parent must exist); `atomic` stages until commit()."""
        canon = self._canon(path, cwd)
        if canon in DEV_NODES:
            return DevWriter(canon)
        self._proc_guard(canon, path)
        host = self._host(canon)
        parent = posixpath.dirname(canon)
        try:
            st: os.stat_result | None = os.lstat(host)
        except FileNotFoundError:
            st = None
        except NotADirectoryError:
            raise FsError(E.ENOTDIR, path) from None
        if st is not None and S.S_ISDIR(st.st_mode):
            raise FsError(E.EISDIR, path)
        pst = self._lstat_host(parent, path)
        if not S.S_ISDIR(pst.st_mode):
            raise FsError(E.ENOTDIR, path)
        self._check_canon(canon if st is not None else parent, "w", path)
        pooled = self._pooled(canon)
        try:
            if atomic:
                if not self._shared.staging_ready:
                    self._staging.mkdir(parents=True, exist_ok=True)
                    self._shared.staging_ready = True
                temp = self._staging / uuid.uuid4().hex
                handle = WriteHandle(self, path, temp, host, pooled, append=False)
            else:
                if st is not None and not append and pooled and S.S_ISREG(st.st_mode):
                    self._refund(st.st_size)
                handle = WriteHandle(self, path, host, None, pooled, append)
        except OSError as exc:
            raise FsError(exc.errno or E.EIO, path) from None
        if st is None:
            self._record_creation(canon, False, mode)
        handle.canon = canon
        handle.created = st is None
        return handle

    def write_bytes(self, path: str, data: bytes, cwd: str = "/", mode: int = 0o660) -> None:
        with self.open_write(path, cwd=cwd, mode=mode) as f:
            f.write(data)

    def mkdir(self, path: str, parents: bool = False, cwd: str = "/", mode: int = 0o771) -> None:
        canon = self._canon(path, cwd)
        if self._proc_rel(canon):
            if self.exists(canon):
                if parents and self.isdir(canon):
                    return
                raise FsError(E.EEXIST, path)
            self._proc_guard(canon, path)
        host = self._host(canon)
        if os.path.lexists(host):
            if parents and S.S_ISDIR(os.lstat(host).st_mode):
                return
            raise FsError(E.EEXIST, path)
        parent = posixpath.dirname(canon)
        if not os.path.lexists(self._host(parent)):
            if not parents:
                raise FsError(E.ENOENT, path)
            self.mkdir(parent, parents=True, mode=mode)
            parent = self._canon(parent)
        if not S.S_ISDIR(self._lstat_host(parent, path).st_mode):
            raise FsError(E.ENOTDIR, path)
        self._check_canon(parent, "w", path)
        try:
            os.mkdir(host)
        except OSError as exc:
            raise FsError(exc.errno or E.EIO, path) from None
        self._record_creation(canon, True, mode)

    def remove(self, path: str, recursive: bool = False, cwd: str = "/") -> None:
        canon = self._canon(path, cwd, follow=False)
        if canon == "/":
            raise FsError(E.EBUSY, path)
        self._proc_guard(canon, path)
        host = self._host(canon)
        st = self._lstat_host(canon, path)
        self._check_canon(posixpath.dirname(canon), "w", path)
        freed = 0
        if S.S_ISDIR(st.st_mode):
            if not recursive and os.listdir(host):
                raise FsError(E.ENOTEMPTY, path)
            if recursive:
                for dirpath, _dirs, files in os.walk(host):
                    for f in files:
                        try:
                            freed += os.lstat(os.path.join(dirpath, f)).st_size
                        except OSError:
                            pass
                shutil.rmtree(host)
            else:
                os.rmdir(host)
        else:
            freed = st.st_size if S.S_ISREG(st.st_mode) else 0
            os.unlink(host)
        if self._pooled(canon):
            self._refund(freed)
        self._drop_meta(canon)

    def rename(self, src: str, dst: str, cwd: str = "/") -> None:
        scanon = self._canon(src, cwd, follow=False)
        self._proc_guard(scanon, src)
        sst = self._lstat_host(scanon, src)
        dcanon = self._canon(dst, cwd, follow=False)
        self._proc_guard(dcanon, dst)
        if self.isdir(dst, cwd) and not S.S_ISDIR(sst.st_mode):
            dcanon = posixpath.join(self._canon(dst, cwd), posixpath.basename(scanon))
        if dcanon == scanon:
            return
        if strictly_under(dcanon, scanon):
            raise FsError(E.EINVAL, dst)
        self._check_canon(posixpath.dirname(scanon), "w", src)
        dparent = posixpath.dirname(dcanon)
        if not self._isdir_canon(dparent):
            raise FsError(E.ENOENT, dst)
        self._check_canon(dparent, "w", dst)
        dhost = self._host(dcanon)
        old = 0
        if os.path.lexists(dhost):
            dst_st = os.lstat(dhost)
            if S.S_ISDIR(dst_st.st_mode) != S.S_ISDIR(sst.st_mode):
                raise FsError(E.EISDIR if S.S_ISDIR(dst_st.st_mode) else E.ENOTDIR, dst)
            if S.S_ISDIR(dst_st.st_mode) and os.listdir(dhost):
                raise FsError(E.ENOTEMPTY, dst)
            old = dst_st.st_size if S.S_ISREG(dst_st.st_mode) else 0
            self._drop_meta(dcanon)
        try:
            os.replace(self._host(scanon), dhost)
        except OSError as exc:
            raise FsError(exc.errno or E.EIO, src) from None
        if self._pooled(dcanon):
            self._refund(old)
        self._move_meta(scanon, dcanon)
        if under(dcanon, SDCARD):
            self._drop_meta(dcanon)

    def copy(self, src: str, dst: str, cwd: str = "/") -> None:
        """Copy one file's bytes (not a tree); the destination gets the source's permission bits."""
        mode = self.stat(src, cwd=cwd).mode & 0o777
        with self.open_read(src, cwd) as fin, self.open_write(dst, cwd=cwd, mode=mode) as fout:
            while chunk := fin.read(1 << 20):
                fout.write(chunk)

    def symlink(self, target: str, path: str, cwd: str = "/") -> None:
        if "\0" in target:
            raise FsError(E.EINVAL, path)
        canon = self._canon(path, cwd, follow=False)
        self._proc_guard(canon, path)
        host = self._host(canon)
        if os.path.lexists(host):
            raise FsError(E.EEXIST, path)
        parent = posixpath.dirname(canon)
        if not self._isdir_canon(parent):
            raise FsError(E.ENOENT, path)
        self._check_canon(parent, "w", path)
        if under(canon, SDCARD) and not self.privileged:
            raise FsError(E.EPERM, path)  # the FUSE view of shared storage has no symlinks
        os.symlink(target, host)

    def set_times(self, path: str, mtime: float, atime: float | None = None, cwd: str = "/") -> None:
        canon = self._canon(path, cwd)
        self._proc_guard(canon, path)
        st = self._lstat_host(canon, path)
        self._check_canon(canon, "w", path)
        os.utime(self._host(canon), (st.st_atime if atime is None else atime, mtime), follow_symlinks=False)

    def chmod(self, path: str, mode: int, cwd: str = "/") -> None:
        canon = self._canon(path, cwd)
        self._proc_guard(canon, path)
        st = self._lstat_host(canon, path)
        self._check_canon(canon, "w", path)
        uid, gid, _ = self._perms(canon, st)
        self._set_meta(canon, uid, gid, mode)

    def chown(self, path: str, uid: int, gid: int, cwd: str = "/") -> None:
        if not self.privileged:
            raise FsError(E.EPERM, path)
        canon = self._canon(path, cwd)
        st = self._lstat_host(canon, path)
        self._set_meta(canon, uid, gid, self._perms(canon, st)[2])

    def init_layout(self) -> None:
        """Create the skeleton every Android 14 device has (idempotent); profiles add files on top."""
        from virtual_device.fs.layout import init_layout

        init_layout(self)
