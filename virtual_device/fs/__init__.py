"""The device filesystem: a tree under `<data_dir>/fs` seen through Android's permission model.

One module per concern: `ids` (uid names), `areas` (where the shell user may go), `mounts` (the
mount table), `journal` (virtual owners and modes), `paths` (symlink-safe resolution), `procview`
(/proc), `permissions`, `space` (quota), `handles` (writes), `layout` (the skeleton) and `vfs`
(the operations). Everything the rest of the device uses is re-exported here.
"""

from __future__ import annotations

from virtual_device.fs.ids import (
    AID_APP_START,
    AID_ISOLATED_START,
    AID_SDK_SANDBOX_START,
    AID_USER_OFFSET,
    ANDROID_IDS,
    MEDIA_PROVIDER_UID,
    MEDIA_RW_GID,
    ROOT_UID,
    SDCARD_RW_GID,
    SHELL_UID,
    SYSTEM_UID,
    uid_name,
)
from virtual_device.fs.journal import META_COMPACT_AFTER
from virtual_device.fs.mounts import GiB, MiB, Mount
from virtual_device.fs.paths import MAX_SYMLINK_HOPS, NAME_MAX, PATH_MAX
from virtual_device.fs.vfs import VirtualFS
from virtual_device.fs.vstat import FsError, VStat

__all__ = [
    "AID_APP_START",
    "AID_ISOLATED_START",
    "AID_SDK_SANDBOX_START",
    "AID_USER_OFFSET",
    "ANDROID_IDS",
    "MAX_SYMLINK_HOPS",
    "MEDIA_PROVIDER_UID",
    "MEDIA_RW_GID",
    "META_COMPACT_AFTER",
    "NAME_MAX",
    "PATH_MAX",
    "ROOT_UID",
    "SDCARD_RW_GID",
    "SHELL_UID",
    "SYSTEM_UID",
    "FsError",
    "GiB",
    "MiB",
    "Mount",
    "VStat",
    "VirtualFS",
    "uid_name",
]
