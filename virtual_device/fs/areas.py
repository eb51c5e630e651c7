"""Where the shell user may go: its writable areas, and the trees SELinux and 0771 dirs keep it out of."""

from __future__ import annotations

#: The Shell app's own data (it runs as uid shell): where bugreportz leaves its zips, via /bugreports.
SHELL_APP_DATA = "/data/user_de/0/com.android.shell"
#: Trees the shell user may write (besides what a chmod opens up).
USER_AREAS = ("/storage/emulated/0", "/data/local/tmp", SHELL_APP_DATA)
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


def on_shell_app_path(path: str) -> bool:
    """True for the Shell app's data dir, what lies in it, and the dirs one passes to reach it."""
    return path == SHELL_APP_DATA or path.startswith(SHELL_APP_DATA + "/") or (SHELL_APP_DATA + "/").startswith(path)
