"""Free space: the user-data pool (/data and /storage/emulated share it) and its simulated quota."""

from __future__ import annotations

import errno as E
import os
import stat as S

from virtual_device.fs.mounts import MOUNTS, Mount, mount_of
from virtual_device.fs.permissions import PermissionsLayer
from virtual_device.fs.vstat import FsError


class SpaceLayer(PermissionsLayer):
    """Bytes used in the data pool, charged on write and refunded on delete; `df`'s mount table."""

    @property
    def quota_bytes(self) -> int | None:
        """Simulated capacity of the user-data pool (/data, /storage/emulated); None = the profile's."""
        return self._shared.quota

    @quota_bytes.setter
    def quota_bytes(self, value: int | None) -> None:
        self._shared.quota = value

    def _pool_used(self) -> int:
        with self._lock:
            if self._shared.used is None:
                total = 0
                for top in ("data", "storage"):
                    for dirpath, _dirs, files in os.walk(self.root / top):
                        for f in files:
                            try:
                                st = os.lstat(os.path.join(dirpath, f))
                            except OSError:
                                continue
                            total += st.st_size if S.S_ISREG(st.st_mode) else 0
                self._shared.used = total
            return self._shared.used

    @property
    def data_used_bytes(self) -> int:
        """Bytes of files stored in the user-data pool (what `quota_bytes` limits)."""
        return self._pool_used()

    def _pooled(self, canon: str) -> bool:
        return mount_of(canon).pool == "data"

    def _charge(self, n: int, shown: str) -> None:
        with self._lock:
            used = self._pool_used()
            quota = self._shared.quota
            if quota is not None and used + n > quota:
                raise FsError(E.ENOSPC, shown)
            self._shared.used = used + n

    def _refund(self, n: int) -> None:
        with self._lock:
            self._shared.used = max(0, self._pool_used() - n)

    def mounts(self) -> list[Mount]:
        """The mount table as `df` shows it; the data pool reflects what was written and the quota."""
        out = []
        used = self._pool_used()
        quota = self._shared.quota
        for m in MOUNTS:
            if m.pool == "data":
                size = m.size if quota is None else quota
                base = 0 if quota is not None else m.used
                m = Mount(m.source, m.target, m.fstype, size, min(size, base + used), m.readonly, m.pool)
            out.append(m)
        return out

    def mount_for(self, path: str, cwd: str = "/") -> Mount:
        canon = self._canon(path, cwd)
        target = mount_of(canon).target
        return next(m for m in self.mounts() if m.target == target)

    def free_bytes(self, mount: str = "/data") -> int:
        return self.mount_for(mount).avail
