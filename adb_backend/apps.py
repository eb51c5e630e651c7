"""Ending processes and uninstalling apps, the way the shell user (uid 2000) is allowed to.

The shell user cannot signal other users' processes, so a bare `kill` of an app's pid fails on a real
phone: an app is force-stopped by package (`am force-stop`), and a pid is first resolved to the
package it belongs to by its UID (`ps -A -o PID,UID,NAME` against `pm list packages -U`), never by its
name (`com.google.android.gms.persistent` is no package). `am force-stop` exits 0 whatever happened and
spares persistent apps, so `ps` is read again afterwards: what still runs is reported.
System apps cannot be removed, only uninstalled for user 0, where Android
allows it. Whatever the device refuses is raised as DeviceRefused with the device's own words.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from typing import Any

from adb_backend.device import Device, quote_command
from adb_backend.errors import DeviceRefused
from adb_backend.types import ShellResult

_PACKAGE = re.compile(r"[A-Za-z][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)+")
_FAILURE = re.compile(r"Failure\s*\[[^\]]*\]|Failure.*")


def is_package_name(text: str) -> bool:
    return bool(_PACKAGE.fullmatch(text))  # fullmatch: `$` would accept a trailing newline


def is_pid(text: str) -> bool:
    """ASCII digits only: str.isdigit() also accepts '٣' and '²'."""
    return text.isascii() and text.isdigit()


@dataclass(frozen=True)
class KillResult:
    target: str
    pid: int | None
    package: str | None
    process_name: str | None
    method: str
    """"force-stop" (the app's package) or "kill" (a shell-owned process)."""
    command: str

    def to_json(self) -> dict[str, Any]:
        return {
            "target": self.target,
            "pid": self.pid,
            "package": self.package,
            "process_name": self.process_name,
            "method": self.method,
            "command": self.command,
        }


@dataclass(frozen=True)
class UninstallResult:
    package: str
    system: bool
    user_only: bool
    """True when a system app was uninstalled for user 0 only (it stays on the system image)."""
    keep_data: bool
    command: str
    output: str

    def to_json(self) -> dict[str, Any]:
        return {
            "package": self.package,
            "system": self.system,
            "user_only": self.user_only,
            "keep_data": self.keep_data,
            "command": self.command,
            "output": self.output,
        }


def _refuse(device: Device, message: str, reason: str) -> DeviceRefused:
    return DeviceRefused(message, reason=reason, serial=device.serial)


def _packages(result: ShellResult) -> dict[str, int | None]:
    """`pm list packages -U` lines as {package: uid}."""
    found: dict[str, int | None] = {}
    for line in result.stdout.splitlines():
        line = line.strip()
        if not line.startswith("package:"):
            continue
        name, _, rest = line[len("package:") :].partition(" ")
        uid = re.search(r"uid:(\d+)", rest)
        found[name.rsplit("=", 1)[-1]] = int(uid.group(1)) if uid else None
    return found


PS_COMMAND = 'p=$(ps -A -o PID,UID,NAME 2>/dev/null); case $p in *[0-9]*) echo "$p";; *) ps -n;; esac'
"""toybox `ps -A -o` (Android 8+); toolbox `ps` takes those words as a name filter and prints only its
header with exit 0, so `||` never falls back: no row means old `ps`, asked again with numeric UIDs."""
_NAMED_UIDS = {"root": 0, "system": 1000, "radio": 1001, "bluetooth": 1002, "nfc": 1027, "shell": 2000}


@dataclass(frozen=True)
class ProcessEntry:
    pid: int
    uid: int | None
    name: str


def parse_process_table(text: str) -> dict[int, ProcessEntry]:
    """pid -> (uid, name) from `ps -A -o PID,UID,NAME` (toybox) or `ps -n` (toolbox: uid in USER)."""
    rows: dict[int, ProcessEntry] = {}
    columns: list[str] = []
    for line in text.splitlines():
        words = line.split()
        if not words:
            continue
        if not columns:
            if "PID" in words:
                columns = words
            continue
        pid_at = columns.index("PID")
        uid_at = columns.index("UID") if "UID" in columns else columns.index("USER") if "USER" in columns else -1
        if len(words) <= max(pid_at, uid_at) or not words[pid_at].isdigit():
            continue
        uid = _uid(words[uid_at]) if uid_at >= 0 else None
        rows[int(words[pid_at])] = ProcessEntry(int(words[pid_at]), uid, words[-1])
    return rows


def _list_with_uids(name_filter: str) -> str:
    """`pm list packages -U`, or without uids where pm does not know -U (before Android 8)."""
    tail = f" {shlex.quote(name_filter)}" if name_filter else ""
    return (
        f'l=$(pm list packages -U{tail} 2>&1); case $l in package:*) echo "$l";; '
        f"*Unknown*|*rror*) pm list packages{tail};; esac"
    )


def _uid(text: str) -> int | None:
    """A numeric uid, or a name toolbox printed anyway (u0_a123 -> 10123, system -> 1000)."""
    if text.isdigit():
        return int(text)
    match = re.fullmatch(r"u(\d+)_a(\d+)", text)
    if match:
        return int(match.group(1)) * 100000 + 10000 + int(match.group(2))
    return _NAMED_UIDS.get(text)


def _owning_package(entry: ProcessEntry, packages: dict[str, int | None]) -> str | None:
    """The app a process belongs to, by its UID (an app's processes run as its uid, whatever their name).

    Several packages may share a uid (gms and gsf): the one the process is named after wins. System uids
    (below 10000) are not apps that `am force-stop` can end.
    """
    if packages and all(uid is None for uid in packages.values()):
        # `pm list packages -U` arrived with Android 8: before it, an app process is named after its package
        # (or after it, with a suffix: `com.google.android.gms.persistent`): the longest such package
        app = entry.uid is None or entry.uid % 100000 >= 10000
        owners = [p for p in packages if entry.name == p or entry.name.startswith((p + ":", p + "."))]
        return max(owners, key=len) if app and owners else None
    if entry.uid is None or entry.uid % 100000 < 10000:
        return None
    app_uid = entry.uid % 100000
    owners = sorted(name for name, uid in packages.items() if uid == app_uid)
    if not owners:
        return None
    named = [name for name in owners if entry.name == name or entry.name.startswith(name + ":")]
    prefixed = [name for name in owners if entry.name.startswith(name)]
    return (named or prefixed or owners)[0]


def kill(device: Device, target: str) -> KillResult:
    """End a process by pid or an app by package; DeviceRefused with the device's reason otherwise."""
    if is_pid(target):
        return _kill_pid(device, int(target))
    if not is_package_name(target):
        raise ValueError(f"{target!r} is neither a process id nor an app package name")
    listing = device.shell(_list_with_uids(target))
    packages = _packages(listing)
    if target not in packages:
        raise _refuse(device, f"no app {target} is installed on {device.serial}", f"Unknown package: {target}")
    return _force_stop(device, target, packages[target], pid=None, process_name=None)


def _force_stop(
    device: Device, package: str, uid: int | None, *, pid: int | None, process_name: str | None
) -> KillResult:
    """`am force-stop`, then a look at `ps`: it exits 0 for anything and leaves persistent apps running."""
    command = ["am", "force-stop", package]
    lookup = device.batch({"stop": quote_command(command), "ps": PS_COMMAND})
    result = lookup["stop"]
    if not result.ok or result.stderr.strip() or result.stdout.strip().startswith("Error"):
        raise _refuse(device, f"could not stop {package}: {result.reason}", result.reason)
    left = [
        e
        for e in parse_process_table(lookup["ps"].stdout).values()
        if (pid is not None and e.pid == pid)
        or (uid is not None and e.uid is not None and e.uid % 100000 == uid)
        or (uid is None and (e.name == package or e.name.startswith(package + ":")))
    ]
    if left:
        names = ", ".join(sorted({f"{e.name} (pid {e.pid})" for e in left}))
        reason = f"still running after am force-stop: {names}"
        raise _refuse(
            device,
            f"{package} kept running after 'am force-stop' ({names}): Android keeps persistent apps alive",
            reason,
        )
    return KillResult(
        str(pid) if pid is not None else package,
        pid,
        package,
        process_name,
        "force-stop",
        " ".join(shlex.quote(w) for w in command),
    )


def _kill_pid(device: Device, pid: int) -> KillResult:
    lookup = device.batch({"ps": PS_COMMAND, "packages": _list_with_uids("")})
    packages = _packages(lookup["packages"])
    entry = parse_process_table(lookup["ps"].stdout).get(pid)
    package = _owning_package(entry, packages) if entry else None
    if entry is not None and package:
        return _force_stop(device, package, packages.get(package), pid=pid, process_name=entry.name)
    # A shell-owned process, or one the device must judge itself (gone, a system uid's): its answer.
    command = f"kill {shlex.quote(str(pid))}"
    checked = device.batch({"kill": command, "ps": PS_COMMAND})
    result = checked["kill"]
    name = entry.name if entry else None
    if not result.ok:
        who = f" ({name}, uid {entry.uid})" if entry else ""
        raise _refuse(device, f"the device refused to end process {pid}{who}: {result.reason}", result.reason)
    if pid in parse_process_table(checked["ps"].stdout):
        raise _refuse(device, f"process {pid} ({name}) is still running after kill", "still running after kill")
    return KillResult(str(pid), pid, package, name, "kill", command)


def uninstall(device: Device, package: str, *, keep_data: bool = False) -> UninstallResult:
    """Uninstall a third-party app, or a system app for user 0 where Android allows it."""
    if not is_package_name(package):
        raise ValueError(f"{package!r} is not an app package name")
    # A system app (one on the system image, installed for user 0) can only go for user 0; anything
    # else, missing or already removed for user 0 included, is left to the device to answer.
    listing = device.shell(["pm", "list", "packages", "-s", package])
    system = package in _packages(listing)
    words = ["pm", "uninstall"] + (["-k"] if keep_data else []) + (["--user", "0"] if system else []) + [package]
    command = " ".join(shlex.quote(w) for w in words)
    result = device.shell(command)
    output = (result.stdout + result.stderr).strip()
    if result.ok and "Success" in output:
        return UninstallResult(package, system, system, keep_data, command, output)
    match = _FAILURE.search(output)
    reason = match.group(0).strip() if match else result.reason
    kind = "system app" if system else "app"
    raise _refuse(device, f"the device refused to uninstall the {kind} {package}: {reason}", reason)
