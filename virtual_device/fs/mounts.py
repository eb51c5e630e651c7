"""The mount table (a Pixel 8 on Android 14): which mount a path is on, read-only or pooled."""

from __future__ import annotations

from dataclasses import dataclass

GiB = 1024**3
MiB = 1024**2


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
MOUNTS: tuple[Mount, ...] = (
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


def under(path: str, prefix: str) -> bool:
    return path == prefix or path.startswith(prefix + "/") or prefix == "/"


def strictly_under(path: str, prefix: str) -> bool:
    return path.startswith(prefix.rstrip("/") + "/")


def mount_of(canon: str) -> Mount:
    """The mount a canonical device path lies on (the longest matching target)."""
    best = MOUNTS[0]
    for m in MOUNTS:
        if under(canon, m.target) and len(m.target) >= len(best.target):
            best = m
    return best
