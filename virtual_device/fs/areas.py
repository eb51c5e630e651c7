"""Where the shell user may go: its writable areas, and the trees SELinux and 0771 dirs keep it out of."""

from __future__ import annotations

#: Trees the shell user may write (besides what a chmod opens up).
USER_AREAS = ("/storage/emulated/0", "/data/local/tmp")
SDCARD = "/storage/emulated/0"
#: Directories the shell user may stat but never list or enter (SELinux + 0771 system dirs).
DENIED = (
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
DENIED_PREFIXES = tuple(d + "/" for d in DENIED)
#: Directories the shell user may enter but not list.
UNLISTABLE = ("/data", "/storage/emulated")
