"""The device filesystem: a tree under `<data_dir>/fs` seen through Android's permission model.

Device paths are resolved virtually: device symlinks are read and followed by us (never by the host
kernel), every component is checked with `lstat`, and the final host path always lies inside the root.
Ownership and permission bits are virtual too (a small sidecar map plus Android-like defaults), so the
host files stay ordinary files owned by whoever runs the device.
"""

from __future__ import annotations

import errno as E
import io
import json
import os
import posixpath
import shutil
import stat as S
import threading
import uuid
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SHELL_UID = 2000
ROOT_UID = 0
SYSTEM_UID = 1000
SDCARD_RW_GID = 1015
MEDIA_RW_GID = 1023
#: MediaProvider's uid (u0_a197): owner of everything seen through the /storage/emulated FUSE mount.
MEDIA_PROVIDER_UID = 10197

#: Android's fixed ids (`android_filesystem_config.h`, Android 14) for `ps`, `ls -l`, `stat`, `id`.
ANDROID_IDS: dict[int, str] = {
    0: "root",
    **dict(
        enumerate(
            [
                "system",
                "radio",
                "bluetooth",
                "graphics",
                "input",
                "audio",
                "camera",
                "log",
                "compass",
                "mount",
                "wifi",
                "adb",
                "install",
                "media",
                "dhcp",
                "sdcard_rw",
                "vpn",
                "keystore",
                "usb",
                "drm",
                "mdnsr",
                "gps",
                "unused1",
                "media_rw",
                "mtp",
                "unused2",
                "drmrpc",
                "nfc",
                "sdcard_r",
                "clat",
                "loop_radio",
                "mediadrm",
                "package_info",
                "sdcard_pics",
                "sdcard_av",
                "sdcard_all",
                "logd",
                "shared_relro",
                "dbus",
                "tlsdate",
                "mediaex",
                "audioserver",
                "metrics_coll",
                "metricsd",
                "webserv",
                "debuggerd",
                "mediacodec",
                "cameraserver",
                "firewall",
                "trunks",
                "nvram",
                "dns",
                "dns_tether",
                "webview_zygote",
                "vehicle_network",
                "media_audio",
                "media_video",
                "media_image",
                "tombstoned",
                "media_obb",
                "ese",
                "ota_update",
                "automotive_evs",
                "lowpan",
                "hsm",
                "reserved_disk",
                "statsd",
                "incidentd",
                "secure_element",
                "lmkd",
                "llkd",
                "iorapd",
                "gpu_service",
                "network_stack",
                "gsid",
                "fsverity_cert",
                "credstore",
                "external_storage",
                "ext_data_rw",
                "ext_obb_rw",
                "context_hub",
                "virtualizationservice",
                "artd",
                "uwb",
                "thread_network",
                "diced",
                "dmesgd",
                "jc_weaver",
                "jc_strongbox",
                "jc_identitycred",
                "sdk_sandbox",
                "security_log_writer",
                "prng_seeder",
            ],
            start=1000,
        )
    ),
    2000: "shell",
    2001: "cache",
    2002: "diag",
    3001: "net_bt_admin",
    3002: "net_bt",
    3003: "inet",
    3004: "net_raw",
    3005: "net_admin",
    3006: "net_bw_stats",
    3007: "net_bw_acct",
    3009: "readproc",
    3010: "wakelock",
    3011: "uhid",
    3012: "readtracefs",
    9997: "everybody",
    9998: "misc",
    9999: "nobody",
}
AID_USER_OFFSET = 100_000
AID_APP_START = 10_000
AID_SDK_SANDBOX_START = 20_000
AID_ISOLATED_START = 90_000

PATH_MAX = 4096
NAME_MAX = 255
MAX_SYMLINK_HOPS = 40

_USER_AREAS = ("/storage/emulated/0", "/data/local/tmp")
_SDCARD = "/storage/emulated/0"
#: Directories the shell user may stat but never list or enter (SELinux + 0771 system dirs).
_DENIED = (
    "/data/data",
    "/data/app",
    "/data/user",
    "/data/user_de",
    "/data/system",
    "/data/system_ce",
    "/data/system_de",
    "/data/misc",
    "/data/vendor",
    "/data/media",
    "/data/adb",
)
#: Directories the shell user may enter but not list.
_UNLISTABLE = ("/data", "/storage/emulated")

GiB = 1024**3
MiB = 1024**2


def uid_name(uid: int) -> str:
    """Android's name for a uid as bionic (and so toybox `ps`/`ls`) prints it: `logd`, `u0_a197`, `u0_i3`."""
    user, app = divmod(uid, AID_USER_OFFSET)
    if uid < AID_USER_OFFSET and uid in ANDROID_IDS:
        return ANDROID_IDS[uid]
    if AID_ISOLATED_START <= app:
        return f"u{user}_i{app - AID_ISOLATED_START}"
    if AID_SDK_SANDBOX_START <= app < AID_SDK_SANDBOX_START + 10_000:
        return f"u{user}_s{app - AID_SDK_SANDBOX_START}"
    if AID_APP_START <= app < AID_SDK_SANDBOX_START:
        return f"u{user}_a{app - AID_APP_START}"
    if 2900 <= app < 3000 or 5000 <= app < 6000:
        return f"u{user}_oem_{app}" if user else f"oem_{app}"
    if app in ANDROID_IDS:
        return f"u{user}_{ANDROID_IDS[app]}"
    return str(uid)


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


@dataclass(frozen=True)
class Mount:
    """One line of `df`: sizes in bytes; `pool` groups mounts that share one free-space counter."""

    source: str
    target: str
    fstype: str
    size: int
    used: int
    readonly: bool
    pool: str = ""

    @property
    def avail(self) -> int:
        return max(0, self.size - self.used)


# A Pixel 8 (128 GB) on Android 14; /storage/emulated is the FUSE view of /data/media.
_MOUNTS: tuple[Mount, ...] = (
    Mount("/dev/block/dm-7", "/", "ext4", 1016 * MiB, 1013 * MiB, True),
    Mount("tmpfs", "/dev", "tmpfs", 3714 * MiB, 2 * MiB, False),
    Mount("tmpfs", "/mnt", "tmpfs", 3714 * MiB, 0, False),
    Mount("/dev/block/dm-8", "/system_ext", "ext4", 416 * MiB, 414 * MiB, True),
    Mount("/dev/block/dm-9", "/product", "ext4", 3 * GiB + 180 * MiB, 3 * GiB + 178 * MiB, True),
    Mount("/dev/block/dm-10", "/vendor", "ext4", 770 * MiB, 768 * MiB, True),
    Mount("/dev/block/dm-11", "/vendor_dlkm", "ext4", 34 * MiB, 34 * MiB, True),
    Mount("/dev/block/dm-12", "/odm", "ext4", 2 * MiB, 2 * MiB, True),
    Mount("tmpfs", "/apex", "tmpfs", 3714 * MiB, 3 * MiB, False),
    Mount("/dev/block/dm-7", "/system", "ext4", 1016 * MiB, 1013 * MiB, True),
    Mount("/dev/block/dm-52", "/data", "f2fs", 110 * GiB, 23 * GiB, False, pool="data"),
    Mount("/dev/fuse", "/storage/emulated", "fuse", 110 * GiB, 23 * GiB, False, pool="data"),
)


def _under(path: str, prefix: str) -> bool:
    return path == prefix or path.startswith(prefix + "/") or prefix == "/"


def _strictly_under(path: str, prefix: str) -> bool:
    return path.startswith(prefix.rstrip("/") + "/")


_DENIED_PREFIXES = tuple(d + "/" for d in _DENIED)
#: Journal lines after which the metadata sidecar is rewritten whole (a tree push changes thousands).
META_COMPACT_AFTER = 4096


class _WriteHandle:
    """A file opened for writing: counts bytes against the data pool's quota (ENOSPC when full).

    With `atomic`, bytes go to a staging file outside the device tree; `commit()` renames it into
    place, and `close()` without commit discards it (a dropped push never leaves half a file).
    """

    def __init__(
        self, fs: VirtualFS, device_path: str, host: Path, final: Path | None, pooled: bool, append: bool
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

    def __enter__(self) -> _WriteHandle:
        return self

    def __exit__(self, *exc: Any) -> None:
        if exc[0] is None:
            self.commit()
        self.close()


class VirtualFS:
    """The device tree under `root`; operations act as the shell user (uid 2000) unless `as_root()`."""

    def __init__(self, root: Path, *, privileged: bool = False, _shared: dict | None = None) -> None:
        self.root = Path(root).resolve()
        self.root.mkdir(parents=True, exist_ok=True)
        self.privileged = privileged
        self._root_s = str(self.root)
        if _shared is None:
            _shared = {
                "meta": self._load_meta(),
                "lock": threading.RLock(),
                "used": None,
                "quota": None,
                "root_view": None,
                "journal": None,
                "journal_lines": 0,
                "staging_ready": False,
                "proc": None,
            }
        self._shared = _shared

    # ----------------------------------------------------------------- shared state
    @property
    def _meta(self) -> dict[str, list[int]]:
        return self._shared["meta"]

    @property
    def _lock(self) -> threading.RLock:
        return self._shared["lock"]

    @property
    def quota_bytes(self) -> int | None:
        """Simulated capacity of the user-data pool (/data, /storage/emulated); None = the profile's."""
        return self._shared["quota"]

    @quota_bytes.setter
    def quota_bytes(self, value: int | None) -> None:
        self._shared["quota"] = value

    @property
    def proc(self) -> Any:
        """The /proc provider (`virtual_device.procfs.ProcFiles`), set by DeviceState; None = plain dir."""
        return self._shared["proc"]

    @proc.setter
    def proc(self, provider: Any) -> None:
        self._shared["proc"] = provider

    def _proc_rel(self, canon: str) -> str | None:
        """The path below /proc ("" for /proc itself) when a provider serves it, else None."""
        if self._shared["proc"] is None:
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

    def as_root(self) -> VirtualFS:
        """A view that bypasses permission checks (profile seeding, root-owned daemons)."""
        if self.privileged:
            return self
        view = self._shared.get("root_view")
        if view is None:
            view = self._shared["root_view"] = VirtualFS(self.root, privileged=True, _shared=self._shared)
        return view

    @property
    def _meta_path(self) -> Path:
        return self.root.parent / (self.root.name + ".meta.json")

    @property
    def _staging(self) -> Path:
        return self.root.parent / (self.root.name + ".staging")

    @property
    def _journal_path(self) -> Path:
        return self.root.parent / (self.root.name + ".meta.log")

    def _load_meta(self) -> dict[str, list[int]]:
        """The sidecar snapshot, then the journal of changes made since it was written."""
        meta: dict[str, list[int]] = {}
        try:
            data = json.loads(self._meta_path.read_text())
            meta = {str(k): [int(x) for x in v] for k, v in data.items()}
        except (OSError, ValueError, TypeError, AttributeError):
            pass
        try:
            with open(self._journal_path, encoding="utf-8") as journal:
                for line in journal:
                    try:
                        key, value = json.loads(line)
                    except (ValueError, TypeError):
                        continue  # a line torn by a crash
                    if value is None:
                        meta.pop(str(key), None)
                    else:
                        meta[str(key)] = [int(x) for x in value]
        except OSError:
            pass
        return meta

    def _log_meta(self, changes: list[tuple[str, list[int] | None]]) -> None:
        """Append changes to the journal (one line each: cheap enough for a file per push)."""
        journal = self._shared["journal"]
        if journal is None:
            journal = self._shared["journal"] = open(self._journal_path, "a", encoding="utf-8")  # noqa: SIM115
        journal.write("".join(json.dumps([k, v]) + "\n" for k, v in changes))
        journal.flush()
        self._shared["journal_lines"] += len(changes)
        if self._shared["journal_lines"] >= META_COMPACT_AFTER:
            self.flush_meta()

    def flush_meta(self) -> None:
        """Rewrite the sidecar whole and empty the journal (on compaction and when the device stops)."""
        with self._lock:
            if self._shared["journal"] is None and not self._journal_path.exists():
                return
            tmp = self._meta_path.with_suffix(".tmp")
            tmp.write_text(json.dumps(self._meta))
            os.replace(tmp, self._meta_path)
            if self._shared["journal"] is not None:
                self._shared["journal"].close()
                self._shared["journal"] = None
            self._journal_path.unlink(missing_ok=True)
            self._shared["journal_lines"] = 0

    # ----------------------------------------------------------------- paths
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

    def _host(self, device_path: str) -> str:
        rel = device_path.lstrip("/")
        return f"{self._root_s}/{rel}" if rel else self._root_s

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
                if current.startswith(_DENIED_PREFIXES):
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

    # ----------------------------------------------------------------- permissions
    def _mount_for(self, canon: str) -> Mount:
        best = _MOUNTS[0]
        for m in _MOUNTS:
            if _under(canon, m.target) and len(m.target) >= len(best.target):
                best = m
        return best

    def check(self, path: str, want: str, cwd: str = "/") -> None:
        """Raise FsError (EACCES/EROFS) unless the shell user may `want` ("r", "w", "x") `path`."""
        if self.privileged:
            return
        self._check_canon(self._canon(path, cwd), want, path)

    def _check_canon(self, canon: str, want: str, shown: str) -> None:
        if self.privileged:
            return
        for d in _DENIED:
            if _strictly_under(canon, d) or (canon == d and want in ("r", "w")):
                raise FsError(E.EACCES, shown)
        if want == "r":
            if canon in _UNLISTABLE and self._isdir_canon(canon):
                raise FsError(E.EACCES, shown)
            return
        if want == "w":
            if canon == "/proc" or canon.startswith("/proc/"):
                raise FsError(E.EACCES, shown)
            if any(_under(canon, a) for a in _USER_AREAS if a != "/"):
                return
            if self._mount_for(canon).readonly:
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
        if _under(canon, _SDCARD):
            return (MEDIA_PROVIDER_UID, MEDIA_RW_GID, 0o2770 if is_dir else 0o660)
        if canon == "/storage/emulated":
            return (ROOT_UID, SDCARD_RW_GID, 0o711)
        if _under(canon, "/data/local/tmp"):
            return (SHELL_UID, SHELL_UID, 0o771 if is_dir else 0o666)
        if canon == "/data/local":
            return (SHELL_UID, SHELL_UID, 0o751)
        if canon == "/data" or any(_under(canon, d) for d in _DENIED):
            return (SYSTEM_UID, SYSTEM_UID, 0o771 if is_dir else 0o600)
        if any(_under(canon, d) for d in ("/system/bin", "/system/xbin", "/vendor/bin", "/product/bin")):
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
        if self.privileged or _under(canon, _SDCARD):
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

    # ----------------------------------------------------------------- space
    def _pool_used(self) -> int:
        with self._lock:
            if self._shared["used"] is None:
                total = 0
                for top in ("data", "storage"):
                    for dirpath, _dirs, files in os.walk(self.root / top):
                        for f in files:
                            try:
                                st = os.lstat(os.path.join(dirpath, f))
                            except OSError:
                                continue
                            total += st.st_size if S.S_ISREG(st.st_mode) else 0
                self._shared["used"] = total
            return self._shared["used"]

    @property
    def data_used_bytes(self) -> int:
        """Bytes of files stored in the user-data pool (what `quota_bytes` limits)."""
        return self._pool_used()

    def _pooled(self, canon: str) -> bool:
        return self._mount_for(canon).pool == "data"

    def _charge(self, n: int, shown: str) -> None:
        with self._lock:
            used = self._pool_used()
            quota = self._shared["quota"]
            if quota is not None and used + n > quota:
                raise FsError(E.ENOSPC, shown)
            self._shared["used"] = used + n

    def _refund(self, n: int) -> None:
        with self._lock:
            self._shared["used"] = max(0, self._pool_used() - n)

    def mounts(self) -> list[Mount]:
        """The mount table as `df` shows it; the data pool reflects what was written and the quota."""
        out = []
        used = self._pool_used()
        quota = self._shared["quota"]
        for m in _MOUNTS:
            if m.pool == "data":
                size = m.size if quota is None else quota
                base = 0 if quota is not None else m.used
                m = Mount(m.source, m.target, m.fstype, size, min(size, base + used), m.readonly, m.pool)
            out.append(m)
        return out

    def mount_for(self, path: str, cwd: str = "/") -> Mount:
        canon = self._canon(path, cwd)
        target = self._mount_for(canon).target
        return next(m for m in self.mounts() if m.target == target)

    def free_bytes(self, mount: str = "/data") -> int:
        return self.mount_for(mount).avail

    # ----------------------------------------------------------------- queries
    def stat(self, path: str, follow: bool = True, cwd: str = "/") -> VStat:
        canon = self._canon(path, cwd, follow)
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
        dev = 0xFD00 + _MOUNTS.index(self._mount_for(canon))
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
            dirs, files = [], []
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

    # ----------------------------------------------------------------- file contents
    def open_read(self, path: str, cwd: str = "/") -> Any:
        canon = self._canon(path, cwd)
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
    ) -> _WriteHandle:
        """Open for writing, creating the file (parent must exist); `atomic` stages until commit()."""
        canon = self._canon(path, cwd)
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
                if not self._shared["staging_ready"]:
                    self._staging.mkdir(parents=True, exist_ok=True)
                    self._shared["staging_ready"] = True
                temp = self._staging / uuid.uuid4().hex
                handle = _WriteHandle(self, path, temp, host, pooled, append=False)
            else:
                if st is not None and not append and pooled and S.S_ISREG(st.st_mode):
                    self._refund(st.st_size)
                handle = _WriteHandle(self, path, host, None, pooled, append)
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

    # ----------------------------------------------------------------- tree changes
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
        if _strictly_under(dcanon, scanon):
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
        if _under(dcanon, _SDCARD):
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
        if _under(canon, _SDCARD) and not self.privileged:
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

    # ----------------------------------------------------------------- layout
    def init_layout(self) -> None:
        """Create the skeleton every Android 14 device has (idempotent); profiles add files on top."""
        root = self.as_root()
        dirs = [
            "/system/bin",
            "/system/etc",
            "/system/app",
            "/system/priv-app",
            "/system/framework",
            "/system_ext",
            "/product/app",
            "/vendor/bin",
            "/vendor/etc",
            "/odm",
            "/apex",
            "/dev",
            "/mnt",
            "/proc",
            "/sys",
            "/etc",
            "/data/local/tmp",
            "/data/data",
            "/data/app",
            "/data/user/0",
            "/data/user_de/0",
            "/data/system",
            "/data/misc",
            "/data/media/0",
            "/data/vendor",
            "/storage/self",
            "/storage/emulated/0",
        ]
        for d in dirs:
            if not root.isdir(d):
                root.mkdir(d, parents=True, mode=0o755)
        for d in (
            "Alarms",
            "Android",
            "Audiobooks",
            "DCIM",
            "Documents",
            "Download",
            "Movies",
            "Music",
            "Notifications",
            "Pictures",
            "Podcasts",
            "Recordings",
            "Ringtones",
        ):
            if not root.isdir(f"{_SDCARD}/{d}"):
                root.mkdir(f"{_SDCARD}/{d}")
        # as on a phone: /sdcard -> /storage/self/primary -> /storage/emulated/0
        for link, target in (("/sdcard", "/storage/self/primary"), ("/storage/self/primary", _SDCARD)):
            if not os.path.lexists(self._host(link)):
                root.symlink(target, link)
        for canon, perms in (
            ("/data/local/tmp", (SHELL_UID, SHELL_UID, 0o771)),
            ("/data/local", (SHELL_UID, SHELL_UID, 0o751)),
        ):
            self._set_meta(canon, *perms)
        self._shared["used"] = None
