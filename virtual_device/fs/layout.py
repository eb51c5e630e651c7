"""The skeleton of an Android 14 tree: system dirs, shared storage folders, the /sdcard symlink chain."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from virtual_device.fs.areas import SDCARD, SHELL_APP_DATA
from virtual_device.fs.ids import SHELL_UID

if TYPE_CHECKING:
    from virtual_device.fs.vfs import VirtualFS


def init_layout(fs: VirtualFS) -> None:
    """Create the skeleton every Android 14 device has (idempotent); profiles add files on top."""
    root = fs.as_root()
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
        if not root.isdir(f"{SDCARD}/{d}"):
            root.mkdir(f"{SDCARD}/{d}")
    # as on a phone: /sdcard -> /storage/self/primary -> /storage/emulated/0
    bugreports = f"{SHELL_APP_DATA}/files/bugreports"
    if not root.isdir(bugreports):
        root.mkdir(bugreports, parents=True)
    links = (("/sdcard", "/storage/self/primary"), ("/storage/self/primary", SDCARD), ("/bugreports", bugreports))
    for link, target in links:
        if not os.path.lexists(fs._host(link)):
            root.symlink(target, link)
    for canon, perms in (
        ("/data/local/tmp", (SHELL_UID, SHELL_UID, 0o771)),
        ("/data/local", (SHELL_UID, SHELL_UID, 0o751)),
    ):
        fs._set_meta(canon, *perms)
    fs._shared.used = None
